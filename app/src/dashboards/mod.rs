//! The dashboards: the overview (landing page) and one page each for burn-down, ratio,
//! concentration and deliveries. A shared filter bar keeps its values in the URL, so a view
//! can be bookmarked; every figure has its exact numbers in a tooltip, a data table and a
//! CSV download (`/api/dashboards/<view>/<figure>.csv` with the same query).

#[cfg(feature = "ssr")]
pub mod build;
pub mod chart_geometry;
pub mod chart_svg;
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
    Capacity,
}

impl View {
    pub const ALL: &'static [View] = &[
        View::Overview,
        View::BurnDown,
        View::Ratio,
        View::Concentration,
        View::Deliveries,
        View::Capacity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            View::Overview => "overview",
            View::BurnDown => "burndown",
            View::Ratio => "ratio",
            View::Concentration => "concentration",
            View::Deliveries => "deliveries",
            View::Capacity => "capacity",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::BurnDown => "Burn-down",
            View::Ratio => "Infra ÷ revenue",
            View::Concentration => "Concentration",
            View::Deliveries => "Deliveries",
            View::Capacity => "Capacity",
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
    /// The currency every amount is converted into (blank: the reporting currency; `each`:
    /// every currency on its own).
    pub currency: String,
    /// Which rate converts commitments: blank (their start's) or `as_of`.
    pub commitments_at: String,
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
            currency: param(query, "currency"),
            commitments_at: param(query, "commitments_at"),
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
            ("currency", self.currency.clone()),
            ("commitments_at", self.commitments_at.clone()),
        ])
    }

    /// Where a figure's numbers download, as CSV, Excel and Parquet (the same query each).
    pub fn downloads(&self, view: View, figure: &str) -> Downloads {
        let stem = format!("/api/dashboards/{}/{figure}", view.as_str());
        Downloads::at(&stem, &self.query_string())
    }
}

/// The download links of one figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Downloads {
    pub csv: String,
    pub xlsx: String,
    pub parquet: String,
}

impl Downloads {
    /// A report's downloads; `query` is a query string ("?contract=C1") or empty.
    pub fn report(name: &str, query: &str) -> Self {
        Self::at(&format!("/api/reports/{name}"), query)
    }

    fn at(stem: &str, query: &str) -> Self {
        let href = |extension: &str| format!("{stem}.{extension}{query}");
        Self {
            csv: href("csv"),
            xlsx: href("xlsx"),
            parquet: href("parquet"),
        }
    }
}

/// A figure's downloads: its CSV, and the same numbers as a typed Excel workbook and as
/// Parquet.
#[component]
pub fn FigureDownloads(downloads: Downloads) -> impl IntoView {
    view! {
        <a class="download" href=downloads.csv download="">"Download CSV"</a>
        <a class="download" href=downloads.xlsx download="">"Excel"</a>
        <a class="download" href=downloads.parquet download="">"Parquet"</a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let links = q.downloads(View::Ratio, "ratio");
        assert_eq!(
            links.csv,
            "/api/dashboards/ratio/ratio.csv?as_of=2026-06-30&vendor=Amazon%20Web%20Services"
        );
        assert_eq!(
            links.parquet,
            "/api/dashboards/ratio/ratio.parquet?as_of=2026-06-30&vendor=Amazon%20Web%20Services"
        );
    }
}
