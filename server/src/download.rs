//! A file download streamed to the client while a blocking thread writes it: the report is
//! turned into bytes a chunk at a time, so a large export is never held whole in memory, and
//! a slow client holds back the writer (a bounded channel) instead of the file piling up.

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use reports::export::{ExportFormat, Out};
use reports::ReportError;
use std::io::{self, Write};
use tokio::sync::mpsc;

/// Bytes per chunk sent to the client.
const CHUNK: usize = 64 * 1024;
/// Chunks written ahead of the client.
const AHEAD: usize = 4;

/// A response with the download's headers whose body `write` produces on a blocking thread.
/// What can be refused (a bad query, a failed read) is refused before this is called; an
/// error while writing ends the body early, so the client sees a failed download rather than
/// a file that looks whole.
pub fn stream(
    name: &str,
    format: ExportFormat,
    write: impl FnOnce(Out) -> Result<(), ReportError> + Send + 'static,
) -> Response {
    let (tx, rx) = mpsc::channel(AHEAD);
    let file = format!("{name}.{}", format.extension());
    let logged = file.clone();
    tokio::task::spawn_blocking(move || {
        let mut body = ChunkedBody {
            tx,
            buf: Vec::with_capacity(CHUNK),
        };
        let written = write(&mut body)
            .and_then(|()| body.flush().map_err(|e| ReportError::Worker(e.to_string())));
        match written {
            Ok(()) => tracing::debug!(file = logged, "download written"),
            Err(_) if body.tx.is_closed() => {
                tracing::info!(file = logged, "download abandoned by the client")
            }
            Err(e) => {
                tracing::error!(error = ?e, file = logged, "download failed while being written");
                let _ = body
                    .tx
                    .blocking_send(Err(io::Error::other("the download could not be completed")));
            }
        }
    });
    // poll_fn, not unfold: the server's layers may poll a body again after its end, which
    // unfold answers with a panic and a closed receiver with None again.
    let mut rx = rx;
    let chunks = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}

struct ChunkedBody {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl ChunkedBody {
    fn send(&mut self) -> io::Result<()> {
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChunkedBody {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.send()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn a_large_file_arrives_in_chunks_and_whole() {
        let response = stream("big", ExportFormat::Csv, |out| {
            for n in 0..50_000 {
                writeln!(out, "row {n}").map_err(|e| ReportError::Worker(e.to_string()))?;
            }
            Ok(())
        });
        assert_eq!(
            response.headers()[header::CONTENT_DISPOSITION],
            "attachment; filename=\"big.csv\""
        );
        let mut body = response.into_body();
        let (mut frames, mut bytes) = (0, Vec::new());
        while let Some(frame) = body.frame().await {
            bytes.extend_from_slice(frame.unwrap().data_ref().unwrap());
            frames += 1;
        }
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text.lines().count(), 50_000);
        assert_eq!(text.lines().last(), Some("row 49999"));
        assert!(frames > 5, "{frames} chunks: the file was not streamed");
    }

    #[tokio::test]
    async fn a_failure_while_writing_fails_the_download() {
        let response = stream("broken", ExportFormat::Xlsx, |out| {
            out.write_all(&[0; 3 * CHUNK])
                .map_err(|e| ReportError::Worker(e.to_string()))?;
            Err(ReportError::Worker("the writer broke".into()))
        });
        let collected = response.into_body().collect().await;
        assert!(collected.is_err(), "a truncated file must not look whole");
    }
}
