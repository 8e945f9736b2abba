//! The dashboards: the overview (landing page) and one page each for burn-down, ratio,
//! concentration and deliveries. A shared filter bar keeps its values in the URL, so a view
//! can be bookmarked; every figure has its exact numbers in a tooltip, a data table and a
//! CSV download (`/api/dashboards/<view>/<figure>.csv` with the same query).

#[cfg(feature = "ssr")]
pub mod build;
pub mod chart_view;
pub mod grid;
pub mod model;
pub mod pages;
pub mod scale;
pub mod timeline_view;

use crate::paging::{param, query_string};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum View {
    Overview,
    BurnDown,
    Ratio,
    Concentration,
    Deliveries,
}

impl View {
    pub const ALL: &'static [View] = &[
        View::Overview,
        View::BurnDown,
        View::Ratio,
        View::Concentration,
        View::Deliveries,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            View::Overview => "overview",
            View::BurnDown => "burndown",
            View::Ratio => "ratio",
            View::Concentration => "concentration",
            View::Deliveries => "deliveries",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::BurnDown => "Burn-down",
            View::Ratio => "Infra ÷ revenue",
            View::Concentration => "Concentration",
            View::Deliveries => "Deliveries",
        }
    }

    /// The page's path (the overview is the landing page).
    pub fn path(self) -> String {
        match self {
            View::Overview => "/".to_owned(),
            other => format!("/dashboards/{}", other.as_str()),
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == raw)
            .ok_or_else(|| format!("unknown dashboard {raw:?}"))
    }
}

/// The filter bar's values, as typed (checked by the server).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    pub as_of: String,
    pub from: String,
    pub to: String,
    pub vendor: String,
    pub contract: String,
    /// A what-if scenario shown beside the baseline.
    pub scenario: String,
}

impl DashboardQuery {
    pub fn from_params(query: &ParamsMap) -> Self {
        Self {
            as_of: param(query, "as_of"),
            from: param(query, "from"),
            to: param(query, "to"),
            vendor: param(query, "vendor"),
            contract: param(query, "contract"),
            scenario: param(query, "scenario"),
        }
    }

    pub fn query_string(&self) -> String {
        query_string(&[
            ("as_of", self.as_of.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("vendor", self.vendor.clone()),
            ("contract", self.contract.clone()),
            ("scenario", self.scenario.clone()),
        ])
    }

    /// Where a figure's CSV is.
    pub fn csv_href(&self, view: View, figure: &str) -> String {
        format!(
            "/api/dashboards/{}/{figure}.csv{}",
            view.as_str(),
            self.query_string()
        )
    }
}

/// A figure's downloads: its CSV, and the same numbers as a typed Excel workbook and as
/// Parquet (the same URL with another extension, so all carry the page's query).
#[component]
pub fn FigureDownloads(csv_href: String) -> impl IntoView {
    let xlsx_href = with_extension(&csv_href, "xlsx");
    let parquet_href = with_extension(&csv_href, "parquet");
    view! {
        <a class="download" href=csv_href download="">"Download CSV"</a>
        <a class="download" href=xlsx_href download="">"Excel"</a>
        <a class="download" href=parquet_href download="">"Parquet"</a>
    }
}

/// A figure's `….csv?query` URL with another extension; the query is left as it is.
fn with_extension(csv_href: &str, extension: &str) -> String {
    let (path, query) = csv_href
        .split_once('?')
        .map_or((csv_href, None), |(p, q)| (p, Some(q)));
    let path = path.strip_suffix(".csv").unwrap_or(path);
    match query {
        Some(q) => format!("{path}.{extension}?{q}"),
        None => format!("{path}.{extension}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_downloads_change_the_extension_not_the_query() {
        assert_eq!(
            with_extension("/api/dashboards/ratio/ratio.csv?vendor=a.csv", "xlsx"),
            "/api/dashboards/ratio/ratio.xlsx?vendor=a.csv"
        );
        assert_eq!(
            with_extension("/api/dashboards/ratio/ratio.csv", "parquet"),
            "/api/dashboards/ratio/ratio.parquet"
        );
    }

    #[test]
    fn views_round_trip_and_the_overview_is_home() {
        for view in View::ALL {
            assert_eq!(View::parse(view.as_str()), Ok(*view));
        }
        assert_eq!(View::Overview.path(), "/");
        assert_eq!(View::Ratio.path(), "/dashboards/ratio");
        assert!(View::parse("nope").is_err());
    }

    #[test]
    fn the_query_keeps_only_what_is_set() {
        let q = DashboardQuery {
            vendor: "Amazon Web Services".into(),
            as_of: "2026-06-30".into(),
            ..Default::default()
        };
        assert_eq!(
            q.query_string(),
            "?as_of=2026-06-30&vendor=Amazon%20Web%20Services"
        );
        assert_eq!(
            q.csv_href(View::Ratio, "ratio"),
            "/api/dashboards/ratio/ratio.csv?as_of=2026-06-30&vendor=Amazon%20Web%20Services"
        );
    }
}
