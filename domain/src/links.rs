//! Links inside the app: query strings and path segments, percent-encoded. Filters live in
//! the URL so that a view can be bookmarked and the server renders the same page the browser
//! shows.

/// `?a=1&b=x%20y`, leaving out empty values.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if encoded.is_empty() {
        String::new()
    } else {
        format!("?{}", encoded.join("&"))
    }
}

fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A value as one percent-encoded path segment, e.g. a contract reference in `/contracts/…`.
pub fn path_segment(value: &str) -> String {
    encode(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_encode_values_and_skip_empty_ones() {
        let q = query_string(&[
            ("vendor", "AWS & Co".into()),
            ("status", String::new()),
            ("page", "2".into()),
        ]);
        assert_eq!(q, "?vendor=AWS%20%26%20Co&page=2");
        assert_eq!(query_string(&[("a", String::new())]), "");
    }
}
