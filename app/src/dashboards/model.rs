//! What a dashboard shows, as plain data: the server builds it from the reports, the page
//! draws it. Every number a chart shows is carried as the exact text of the report cell it
//! came from (`labels`), next to the float used only to place it (`values`); tooltips, the
//! data table and the CSV download all print the text, so they agree to the cent.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Dashboard {
    pub kpis: Vec<Kpi>,
    pub charts: Vec<Chart>,
    pub tables: Vec<Table>,
    pub timeline: Option<Timeline>,
    /// Things the reader should know about the figures (e.g. currencies left out).
    pub notes: Vec<String>,
    /// What the filter bar offers.
    pub vendors: Vec<String>,
    pub contracts: Vec<String>,
    /// The saved what-if scenarios, by name.
    pub scenarios: Vec<String>,
    /// The currencies the figures can be shown in, the reporting currency, and the one they
    /// are in ("" when each amount is in its own).
    pub currencies: Vec<String>,
    pub reporting_currency: String,
    pub currency: String,
    /// When the figures were last confirmed current ("14:03:07 UTC"): under a stream of
    /// writes a view may be served from a version a moment old.
    pub figures_as_of: String,
}

/// A headline figure; `href` leads to the dashboard that explains it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    pub id: String,
    pub title: String,
    /// Exact ("USD 614900000000.00"): the card's title and `data-value`.
    pub value: String,
    /// As the card shows it ("$614.9B").
    pub shown: String,
    pub detail: Vec<String>,
    /// `detail` as the card shows it.
    pub shown_detail: Vec<String>,
    pub href: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum XKind {
    /// `x` is days since 1970-01-01.
    Date,
    /// `x` is an index; `x_labels` name the categories.
    Category,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    Money,
    Ratio,
    Share,
    Hhi,
    /// Units of capacity (GPUs, MW).
    Count,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shape {
    Line,
    /// A line for a reference or a projection, drawn dashed.
    Dashed,
    /// Bars side by side with the chart's other `Bar` series.
    Bar,
    /// Bars stacked on the chart's other `Stack` series.
    Stack,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Axis {
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub shape: Shape,
    pub axis: Axis,
    /// One per point of the chart; `None` where the series has no value there.
    pub values: Vec<Option<f64>>,
    /// The exact figure per point ("" where `values` is `None`).
    pub labels: Vec<String>,
}

/// One figure of a series: the exact text printed, and the float that only places it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Point {
    pub value: Option<f64>,
    pub label: String,
}

impl Point {
    /// Money in minor units: printed to the cent, placed in currency units.
    pub fn money(minor: i64) -> Self {
        Self {
            value: Some(minor as f64 / 10f64.powi(domain::money::MINOR_PLACES as i32)),
            label: domain::decimal::format_scaled(minor, domain::money::MINOR_PLACES),
        }
    }
}

impl Series {
    /// A series of figures; a point with no value is a gap.
    pub fn new(name: &str, shape: Shape, axis: Axis, points: Vec<Point>) -> Self {
        let (values, labels) = points.into_iter().map(|p| (p.value, p.label)).unzip();
        Self {
            name: name.to_owned(),
            shape,
            axis,
            values,
            labels,
        }
    }
}

/// What a column of a table or timeline holds, so its CSV download writes numbers as numbers
/// and guards text against spreadsheet formulas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ColumnKind {
    #[default]
    Text,
    Date,
    Number,
}

#[cfg(feature = "ssr")]
impl ColumnKind {
    /// Each column's kind in a report's table.
    pub fn of_report(report: &analytics::ReportTable) -> Vec<Self> {
        use analytics::table::CellKind;
        report
            .kinds
            .iter()
            .map(|kind| match kind {
                CellKind::Text => Self::Text,
                CellKind::Date => Self::Date,
                CellKind::Money | CellKind::Quantity | CellKind::Number => Self::Number,
            })
            .collect()
    }

    pub fn cell_kind(self) -> analytics::table::CellKind {
        use analytics::table::CellKind;
        match self {
            Self::Text => CellKind::Text,
            Self::Date => CellKind::Date,
            Self::Number => CellKind::Number,
        }
    }
}

/// A vertical marker with a caption (an exhaustion date, the end of term, the as-of date).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    pub x: f64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub x_kind: XKind,
    pub x_title: String,
    pub x: Vec<f64>,
    pub x_labels: Vec<String>,
    /// Where each point's rows are (the usage behind a day or month, a vendor's contracts).
    pub drill: Vec<Option<String>>,
    pub left: Unit,
    pub right: Option<Unit>,
    pub series: Vec<Series>,
    pub marks: Vec<Mark>,
    /// Said instead of the chart when it has no points.
    pub empty: String,
}

impl Chart {
    /// The numbers shown, as a table: the x label, then each series' exact figure.
    pub fn columns(&self) -> Vec<String> {
        std::iter::once(self.x_title.clone())
            .chain(self.series.iter().map(|s| s.name.clone()))
            .collect()
    }

    pub fn kinds(&self) -> Vec<ColumnKind> {
        let x = match self.x_kind {
            XKind::Date => ColumnKind::Date,
            XKind::Category => ColumnKind::Text,
        };
        std::iter::once(x)
            .chain(self.series.iter().map(|_| ColumnKind::Number))
            .collect()
    }

    pub fn rows(&self) -> Vec<Vec<String>> {
        (0..self.x.len())
            .map(|i| {
                std::iter::once(self.x_labels[i].clone())
                    .chain(self.series.iter().map(|s| s.labels[i].clone()))
                    .collect()
            })
            .collect()
    }
}

/// Delivery phases along a time axis: when each was planned, and each receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub id: String,
    pub title: String,
    pub start: f64,
    pub end: f64,
    pub rows: Vec<TimelineRow>,
    /// The report rows behind it (also the CSV download).
    pub columns: Vec<String>,
    /// How each column is shown (numbers right-aligned and grouped) and written to CSV.
    pub kinds: Vec<ColumnKind>,
    pub table: Vec<Vec<String>>,
    pub empty: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineRow {
    pub label: String,
    pub href: String,
    pub planned_x: f64,
    pub planned_text: String,
    /// Where a what-if scenario moves the plan (only when it moves it).
    pub scenario_planned: Option<TimelineMark>,
    pub receipts: Vec<TimelineMark>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineMark {
    pub x: f64,
    pub text: String,
    pub late: bool,
}

/// Rows beside the charts; `links` (one per row, or none) lead from the first cell to its detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub id: String,
    pub title: String,
    pub columns: Vec<String>,
    /// How each column is shown (numbers right-aligned and grouped) and written to CSV.
    pub kinds: Vec<ColumnKind>,
    pub rows: Vec<Vec<String>>,
    pub links: Vec<String>,
}

#[cfg(feature = "ssr")]
impl Table {
    /// A report's rows as they are, with a link per row (or none).
    pub fn from_report(
        id: &str,
        title: &str,
        report: &analytics::ReportTable,
        links: Vec<String>,
    ) -> Self {
        Self {
            id: id.to_owned(),
            title: title.to_owned(),
            columns: report.columns.clone(),
            kinds: ColumnKind::of_report(report),
            rows: report.rows.clone(),
            links,
        }
    }
}
