//! Shared by the benchmark binaries: a minimal HTTP/1.1 client for loopback measurements
//! (one connection per request, so each timing includes what a new browser request costs).

pub mod http {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    pub struct Response {
        pub status: u16,
        pub body: Vec<u8>,
    }

    /// `GET` (no body) or `POST` a form.
    pub async fn request(
        addr: &str,
        method: &str,
        path: &str,
        cookie: &str,
        form: Option<&str>,
    ) -> std::io::Result<Response> {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        // A form post that asks for JSON gets the server function's answer, not a redirect.
        let accept = if form.is_some() {
            "application/json"
        } else {
            "text/html, application/json"
        };
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nAccept: {accept}\r\nConnection: close\r\n"
        );
        if let Some(body) = form {
            head.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        head.push_str(form.unwrap_or(""));
        stream.write_all(head.as_bytes()).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        let status = std::str::from_utf8(raw.get(9..12).unwrap_or_default())
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = match raw.windows(4).position(|w| w == b"\r\n\r\n") {
            Some(at) => raw[at + 4..].to_vec(),
            None => Vec::new(),
        };
        Ok(Response { status, body })
    }

    /// p-th percentile of sorted milliseconds.
    pub fn percentile(sorted: &[f64], p: f64) -> f64 {
        if sorted.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }
}
