//! What a board pack shows, as data: each section's cards, charts, tables and lines, taken
//! from the dashboards as of the month's last day (so the pack and the dashboards agree to the
//! cent), and finance's commentary. Stored as JSON with each published version, so a re-issue
//! can list what changed.

use crate::dashboards::build::{self, pack::commitments_by_vendor};
use crate::dashboards::model::{Chart, ColumnKind, Dashboard, Kpi, Table};
use crate::dashboards::{DashboardQuery, View};
use crate::state::AppState;
use domain::board_pack::{Month, Section};
use domain::decimal::format_scaled_trimmed;
use reports::ReportError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackSection {
    pub section: Section,
    pub commentary: String,
    pub kpis: Vec<Kpi>,
    pub charts: Vec<Chart>,
    pub tables: Vec<Table>,
    /// Plain statements: the dashboards' notes, the month's changes.
    pub lines: Vec<String>,
}

impl PackSection {
    fn new(section: Section) -> Self {
        Self {
            section,
            commentary: String::new(),
            kpis: vec![],
            charts: vec![],
            tables: vec![],
            lines: vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackContent {
    pub month: Month,
    /// A what-if scenario shown beside the baseline ("" for none).
    pub scenario: String,
    pub sections: Vec<PackSection>,
}

impl PackContent {
    pub fn section(&self, section: Section) -> Option<&PackSection> {
        self.sections.iter().find(|s| s.section == section)
    }
}

/// The pack of `month` from the ledger as it is now.
pub async fn build(
    state: &AppState,
    month: Month,
    scenario: &str,
) -> Result<PackContent, ReportError> {
    let query = DashboardQuery {
        as_of: month.last_day().to_string(),
        scenario: scenario.trim().to_owned(),
        ..Default::default()
    };
    let dashboard = |view| build::build(state, view, &query);
    let overview = dashboard(View::Overview).await?;
    let concentration = dashboard(View::Concentration).await?;
    let deliveries = dashboard(View::Deliveries).await?;
    let capacity = dashboard(View::Capacity).await?;
    let commitments = commitments_by_vendor(state, &query).await?;
    let changes = store::board_packs::month_changes(&state.db, month)
        .await
        .map_err(ReportError::from)?;
    let commentary = store::board_packs::commentary(&state.db, month)
        .await
        .map_err(ReportError::from)?;

    let mut cover = PackSection::new(Section::Cover);
    cover.kpis = overview.kpis;
    cover.lines = overview.notes;
    let mut commitments_section = PackSection::new(Section::Commitments);
    commitments_section.tables = vec![commitments];
    let mut charts = PackSection::new(Section::Charts);
    charts.charts = overview.charts;
    let mut vendors = PackSection::new(Section::Concentration);
    (vendors.charts, vendors.tables, vendors.lines) = figures(concentration);
    let mut delivered = PackSection::new(Section::Deliveries);
    let timeline = deliveries.timeline.clone();
    (delivered.charts, delivered.tables, delivered.lines) = figures(deliveries);
    // Capacity beside the timeline: GPUs and MW contracted vs delivered, and by vendor.
    delivered.kpis = capacity.kpis;
    delivered.charts.extend(capacity.charts);
    delivered.tables.extend(
        capacity
            .tables
            .into_iter()
            .filter(|t| t.id == "capacity-by-vendor"),
    );
    delivered.tables.extend(timeline.map(|t| Table {
        id: t.id,
        title: t.title,
        columns: t.columns,
        kinds: t.kinds,
        rows: t.table,
        links: vec![],
    }));
    let mut changed = PackSection::new(Section::Changes);
    changed.lines = change_lines(&changes);

    let mut sections = vec![
        cover,
        commitments_section,
        charts,
        vendors,
        delivered,
        changed,
    ];
    for (section, text) in commentary {
        if let Some(s) = sections.iter_mut().find(|s| s.section == section) {
            s.commentary = text;
        }
    }
    Ok(PackContent {
        month,
        scenario: query.scenario,
        sections,
    })
}

fn figures(dashboard: Dashboard) -> (Vec<Chart>, Vec<Table>, Vec<String>) {
    (dashboard.charts, dashboard.tables, dashboard.notes)
}

fn change_lines(changes: &store::board_packs::MonthChanges) -> Vec<String> {
    let mut lines: Vec<String> = changes
        .contracts
        .iter()
        .map(|(contract, title, start)| {
            format!("Contract {contract} ({title}) started on {start}.")
        })
        .collect();
    lines.extend(
        changes
            .receipts
            .iter()
            .map(|(contract, phase, resource, date, quantity)| {
                format!(
                    "Received {} {resource} for {contract} phase {phase} on {date}.",
                    format_scaled_trimmed(*quantity, 6)
                )
            }),
    );
    lines.extend(changes.alerts.iter().map(|(at, rule, message)| {
        format!("Alert {rule} fired {}: {message}", at.format("%Y-%m-%d"))
    }));
    if lines.is_empty() {
        lines.push(
            "No contract started, no delivery was received and no alert fired this month."
                .to_owned(),
        );
    }
    lines
}

/// How many differences a re-issue lists before summarising the rest.
const MAX_CHANGES: usize = 40;

/// What differs between two versions of a pack, one line each: cards, table cells (rows
/// matched by their leading text columns), rows added or removed, changed statements and
/// commentary.
pub fn differences(before: &PackContent, after: &PackContent) -> Vec<String> {
    let mut out = Vec::new();
    for new in &after.sections {
        let Some(old) = before.section(new.section) else {
            out.push(format!("{}: new section", new.section.title()));
            continue;
        };
        for kpi in &new.kpis {
            match old.kpis.iter().find(|k| k.id == kpi.id) {
                Some(was) if was.value != kpi.value => out.push(format!(
                    "{}: {} → {}",
                    kpi.title,
                    shown(&was.value),
                    shown(&kpi.value)
                )),
                None => out.push(format!("{}: {} (new)", kpi.title, shown(&kpi.value))),
                _ => {}
            }
        }
        for table in &new.tables {
            let empty = Table {
                rows: vec![],
                ..table.clone()
            };
            let was = old
                .tables
                .iter()
                .find(|t| t.id == table.id)
                .unwrap_or(&empty);
            table_differences(was, table, &mut out);
        }
        for line in new.lines.iter().filter(|l| !old.lines.contains(l)) {
            out.push(format!("{}: now says \"{line}\"", new.section.title()));
        }
        for line in old.lines.iter().filter(|l| !new.lines.contains(l)) {
            out.push(format!(
                "{}: no longer says \"{line}\"",
                new.section.title()
            ));
        }
        if old.commentary != new.commentary {
            out.push(format!("{}: commentary revised", new.section.title()));
        }
    }
    if out.len() > MAX_CHANGES {
        let more = out.len() - MAX_CHANGES;
        out.truncate(MAX_CHANGES);
        out.push(format!("… and {more} more differences"));
    }
    out
}

fn shown(value: &str) -> &str {
    if value.is_empty() {
        "—"
    } else {
        value
    }
}

fn table_differences(before: &Table, after: &Table, out: &mut Vec<String>) {
    let keys = after
        .kinds
        .iter()
        .take_while(|k| **k == ColumnKind::Text)
        .count()
        .max(1);
    let key = |row: &[String]| {
        row.iter()
            .take(keys)
            .cloned()
            .collect::<Vec<_>>()
            .join(" / ")
    };
    for row in &after.rows {
        let k = key(row);
        match before.rows.iter().find(|r| key(r) == k) {
            None => out.push(format!("{}: {k} added", after.title)),
            Some(was) => {
                for (i, cell) in row.iter().enumerate().skip(keys) {
                    let old = was.get(i).map(String::as_str).unwrap_or("");
                    if old != cell {
                        let column = after.columns.get(i).map(String::as_str).unwrap_or("");
                        out.push(format!(
                            "{}: {k} {column} {} → {}",
                            after.title,
                            shown(old),
                            shown(cell)
                        ));
                    }
                }
            }
        }
    }
    for row in &before.rows {
        let k = key(row);
        if !after.rows.iter().any(|r| key(r) == k) {
            out.push(format!("{}: {k} removed", after.title));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kpi(id: &str, value: &str) -> Kpi {
        Kpi {
            id: id.into(),
            title: format!("Card {id}"),
            value: value.into(),
            shown: value.into(),
            detail: vec![],
            shown_detail: vec![],
            href: String::new(),
        }
    }

    fn table(rows: Vec<Vec<&str>>) -> Table {
        Table {
            id: "commitments".into(),
            title: "Commitments".into(),
            columns: vec!["vendor".into(), "contract".into(), "burned".into()],
            kinds: vec![ColumnKind::Text, ColumnKind::Text, ColumnKind::Number],
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(str::to_owned).collect())
                .collect(),
            links: vec![],
        }
    }

    fn pack(kpis: Vec<Kpi>, rows: Vec<Vec<&str>>, commentary: &str) -> PackContent {
        let mut cover = PackSection::new(Section::Cover);
        cover.kpis = kpis;
        cover.commentary = commentary.into();
        let mut commitments = PackSection::new(Section::Commitments);
        commitments.tables = vec![table(rows)];
        PackContent {
            month: Month::parse("2026-11").unwrap(),
            scenario: String::new(),
            sections: vec![cover, commitments],
        }
    }

    #[test]
    fn the_same_pack_has_no_differences() {
        let a = pack(
            vec![kpi("burned", "USD 10.00")],
            vec![vec!["AWS", "C-1", "10.00"]],
            "ok",
        );
        assert!(differences(&a, &a.clone()).is_empty());
    }

    #[test]
    fn a_correction_lists_the_card_the_cell_and_the_rows_it_moved() {
        let before = pack(
            vec![kpi("burned", "USD 10.00"), kpi("remaining", "USD 90.00")],
            vec![vec!["AWS", "C-1", "10.00"], vec!["Azure", "C-2", "5.00"]],
            "ok",
        );
        let after = pack(
            vec![kpi("burned", "USD 12.50"), kpi("remaining", "USD 90.00")],
            vec![vec!["AWS", "C-1", "12.50"], vec!["Oracle", "C-3", "0.00"]],
            "revised",
        );
        assert_eq!(
            differences(&before, &after),
            [
                "Card burned: USD 10.00 → USD 12.50",
                "Headline figures: commentary revised",
                "Commitments: AWS / C-1 burned 10.00 → 12.50",
                "Commitments: Oracle / C-3 added",
                "Commitments: Azure / C-2 removed",
            ]
        );
    }

    #[test]
    fn a_long_list_of_differences_is_summarised() {
        let rows: Vec<Vec<String>> = (0..60)
            .map(|i| vec!["V".into(), format!("C{i}"), "1.00".into()])
            .collect();
        let before = pack(vec![], vec![], "");
        let mut after = before.clone();
        after.sections[1].tables[0].rows = rows;
        let listed = differences(&before, &after);
        assert_eq!(listed.len(), MAX_CHANGES + 1);
        assert_eq!(listed.last().unwrap(), "… and 20 more differences");
    }
}
