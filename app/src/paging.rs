//! Query strings and the pager under long tables. Filters live in the URL so that a view can
//! be bookmarked and the server renders the same page the browser shows.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::params::ParamsMap;

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

/// A query parameter, empty when absent.
pub fn param(query: &ParamsMap, key: &str) -> String {
    query.get(key).unwrap_or_default()
}

/// The 1-based page number in the query, 1 when absent or not a number.
pub fn page_param(query: &ParamsMap) -> u64 {
    query
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// "Page 2 of 7 · 1,234 rows" with previous / next links that keep the filters.
#[component]
pub fn Pager(
    page: u64,
    page_count: u64,
    total: u64,
    path: &'static str,
    filters: Vec<(&'static str, String)>,
) -> impl IntoView {
    let link = move |to: u64| {
        let mut pairs = filters.clone();
        pairs.push(("page", to.to_string()));
        format!("{path}{}", query_string(&pairs))
    };
    let previous = (page > 1).then(|| link(page - 1));
    let next = (page < page_count).then(|| link(page + 1));
    view! {
        <nav class="pager" aria-label="Pages">
            {previous.map(|href| view! { <A href=href attr:rel="prev">"← Previous"</A> })}
            <span>{format!("Page {page} of {page_count} · {} rows", group_digits(total))}</span>
            {next.map(|href| view! { <A href=href attr:rel="next">"Next →"</A> })}
        </nav>
    }
}

pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
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

    #[test]
    fn digits_are_grouped_in_thousands() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_234_567), "1,234,567");
    }
}
