//! Query parameters and the pager under long tables. Filters live in the URL so that a view can
//! be bookmarked and the server renders the same page the browser shows.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::params::ParamsMap;

pub use domain::links::{path_segment, query_string};

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
    domain::money::group_thousands(&n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_in_thousands() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_234_567), "1,234,567");
    }
}
