//! The streaming pipeline every file kind goes through: a blocking thread parses and
//! validates records while the import's task inserts the batches it sends, hashing the bytes
//! as they pass. A kind plugs in through [`RowParser`].

use super::columns::{ColumnSpec, Header};
use super::insert::{insert_rows, InsertRow};
use super::lookups::Lookups;
use super::outcome::{Progress, Rejections, RowError};
use super::pg_copy::{Staging, StagingTables};
use super::row_context::RowContext;
use super::source::ImportSource;
use crate::rollup::DailyUsageRow;
use chrono::Utc;
use domain::FieldError;
use sea_orm::{DatabaseTransaction, DbErr};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A file kind: its columns and how one CSV record becomes a row ready to insert.
pub(crate) trait RowParser {
    type Row: InsertRow;
    /// What the kind keeps across the rows of one file (most keep nothing: `()`).
    type State: Default + Send + 'static;
    /// The file's columns (a kind that finds its columns by name overrides `match_header`).
    const FILE_COLUMNS: ColumnSpec;

    fn start(_source: &ImportSource) -> Self::State {
        Self::State::default()
    }

    fn match_header(
        _state: &Self::State,
        names: &[&str],
    ) -> Result<Header, Vec<(Option<String>, String)>> {
        Self::FILE_COLUMNS.match_header(names)
    }

    /// `Ok(None)`: a row the file may hold but the ledger does not count (a FOCUS tax row,
    /// a row already imported); `cx` says why.
    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
        state: &mut Self::State,
    ) -> Result<Option<Self::Row>, Vec<FieldError>>;
}

pub(crate) struct FileOutcome {
    pub rows: u64,
    /// Usage summed per contract and day, to be added to the `usage_daily` rollup.
    pub daily: Vec<DailyUsageRow>,
    /// The own commitments of the contracts a contracts file added.
    pub own_commitments: Vec<domain::NewCommitment>,
    pub sha256: String,
    pub lookups: Lookups,
    pub rejections: Rejections,
    /// Rows read but not imported, by reason.
    pub skipped: std::collections::BTreeMap<String, u64>,
    pub noted: std::collections::BTreeMap<String, u64>,
    /// Time spent reading and validating (not waiting for the inserter).
    pub parsing: Duration,
}

/// One file on its way through the pipeline.
pub(crate) struct Run {
    pub source: ImportSource,
    pub import_id: i64,
    pub lookups: Lookups,
    pub rejections: Rejections,
    pub progress: Arc<dyn Progress>,
}

const BATCH_ROWS: usize = 5_000;

impl Run {
    /// Parses on a blocking thread while this task inserts the batches it sends.
    pub(crate) async fn execute<P>(
        self,
        txn: &DatabaseTransaction,
        staging: Option<&StagingTables>,
    ) -> Result<FileOutcome, DbErr>
    where
        P: RowParser + 'static,
    {
        let raw = match P::Row::BINDS_RAW {
            true => super::raw_sqlite::Connection::of(txn).await?,
            false => None,
        };
        let deferred = match &raw {
            Some(_) => super::raw_sqlite::DeferredIndex::drop_for(txn, self.source.size).await?,
            None => None,
        };
        let mut copy = match staging {
            Some(tables) if P::Row::COPY_ON_POSTGRES => {
                Some(Staging::open::<P::Row>(tables, self.import_id).await?)
            }
            _ => None,
        };
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<P::Row>>(4);
        let file = self.source.name.clone();
        let started = Instant::now();
        let parser = tokio::task::spawn_blocking(move || self.parse_stream::<P>(tx));
        let mut insert_result = Ok(());
        let mut storing = Duration::ZERO;
        while let Some(batch) = rx.recv().await {
            let batch_started = Instant::now();
            insert_result = match (&raw, &mut copy) {
                (Some(connection), _) => connection.insert(batch),
                (None, Some(copy)) => copy.send(batch).await,
                (None, None) => insert_rows(txn, batch).await,
            };
            storing += batch_started.elapsed();
            if insert_result.is_err() {
                break;
            }
        }
        drop(rx);
        let outcome = parser
            .await
            .map_err(|e| DbErr::Custom(format!("import worker failed: {e}")));
        let outcome = match (outcome, insert_result, copy) {
            (Ok(outcome), Ok(()), Some(copy)) if outcome.rejections.is_empty() => {
                copy.move_into::<P::Row>(txn).await?;
                outcome
            }
            // A COPY left unfinished is failed by sqlx when dropped; its staging table goes
            // with the import's others once the transaction has ended.
            (outcome, inserted, _) => {
                inserted?;
                outcome?
            }
        };
        tracing::info!(
            file,
            rows = outcome.rows,
            seconds = started.elapsed().as_secs_f64(),
            parsing_seconds = outcome.parsing.as_secs_f64(),
            storing_seconds = storing.as_secs_f64(),
            "rows read and stored"
        );
        if let Some(index) = deferred {
            let building = Instant::now();
            index.rebuild(txn).await?;
            tracing::info!(
                file,
                seconds = building.elapsed().as_secs_f64(),
                "usage index rebuilt"
            );
        }
        Ok(outcome)
    }

    fn parse_stream<P: RowParser>(self, tx: tokio::sync::mpsc::Sender<Vec<P::Row>>) -> FileOutcome {
        let Run {
            source,
            import_id,
            lookups,
            mut rejections,
            progress,
        } = self;
        let file = source.name.clone();
        let reject = |rejections: &mut Rejections,
                      line: Option<u64>,
                      column: Option<String>,
                      reason: String| {
            rejections.push(RowError {
                file: file.clone(),
                line,
                column,
                reason,
            })
        };
        let started = Instant::now();
        let mut waiting = Duration::ZERO;
        progress.file_started(&file, source.size);
        let mut state = P::start(&source);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .buffer_capacity(1 << 20)
            .from_reader(HashingReader {
                inner: source.reader,
                hasher: Sha256::new(),
            });
        let mut cx = RowContext::new(lookups, import_id, Utc::now());
        let header = match reader.headers() {
            Ok(names) => {
                let names: Vec<&str> = names.iter().collect();
                P::match_header(&state, &names)
            }
            // In the same words as a bad data row (the csv crate's own text is for programmers).
            Err(e) => Err(vec![(None, describe_csv_error(&e))]),
        };
        let header = match header {
            Ok(h) => Some(h),
            Err(problems) => {
                for (column, reason) in problems {
                    reject(&mut rejections, Some(1), column, reason);
                }
                None
            }
        };
        let mut rows = 0u64;
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        let mut sending = header.is_some() && rejections.is_empty();
        if let Some(header) = header {
            let mut record = csv::StringRecord::new();
            loop {
                match reader.read_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        cx.set_line(record.position().map_or(0, |p| p.line()));
                        match P::parse(&header, &record, &mut cx, &mut state) {
                            Ok(Some(row)) => {
                                rows += 1;
                                if sending {
                                    batch.push(row);
                                }
                            }
                            Ok(None) => {}
                            Err(errors) => {
                                sending = false;
                                batch.clear();
                                for e in errors {
                                    reject(
                                        &mut rejections,
                                        Some(cx.line()),
                                        Some(e.column),
                                        e.reason,
                                    );
                                }
                            }
                        }
                    }
                    Err(e) => {
                        sending = false;
                        let line = e.position().map(|p| p.line());
                        let fatal = matches!(e.kind(), csv::ErrorKind::Io(_));
                        reject(&mut rejections, line, None, describe_csv_error(&e));
                        if fatal {
                            break;
                        }
                    }
                }
                if batch.len() >= BATCH_ROWS {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                    let send_started = Instant::now();
                    let sent = tx.blocking_send(full);
                    waiting += send_started.elapsed();
                    if sent.is_err() {
                        break;
                    }
                }
                if rows % BATCH_ROWS as u64 == 0 {
                    progress.advanced(&file, rows, reader.position().byte());
                }
            }
        }
        if sending && !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
        progress.advanced(&file, rows, reader.position().byte());
        progress.file_finished(&file, rows);
        let mut hashing = reader.into_inner();
        // Hash whatever the CSV reader left unread so the checksum covers the whole file.
        let _ = std::io::copy(&mut hashing, &mut std::io::sink());
        let sha256 = format!("{:x}", hashing.hasher.finalize());
        FileOutcome {
            rows,
            daily: cx.daily.into_values().collect(),
            own_commitments: cx.own_commitments,
            sha256,
            lookups: cx.lookups,
            rejections,
            skipped: cx.skipped,
            noted: cx.noted,
            parsing: started.elapsed().saturating_sub(waiting),
        }
    }
}

fn describe_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("has {len} fields, expected {expected_len} like the header")
        }
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 (save the file as UTF-8)".to_owned(),
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        _ => e.to_string(),
    }
}

struct HashingReader {
    inner: Box<dyn Read + Send>,
    hasher: Sha256,
}

impl Read for HashingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

// ---- the six kinds -------------------------------------------------------------------------
