//! What the board pack reads beyond the dashboards: every commitment with its burn and its
//! true-ups, grouped by vendor. The same reports as the burn-down and true-up pages, so each
//! figure matches what those pages show for the same as-of date.

use super::super::model::{ColumnKind, Table};
use super::super::DashboardQuery;
use super::context::{contract_figures, Ctx};
use super::currencies::money;
use crate::state::AppState;
use analytics::Columns;
use reports::{ReportError, ReportName};
use std::collections::BTreeMap;

pub async fn commitments_by_vendor(
    state: &AppState,
    query: &DashboardQuery,
) -> Result<Table, ReportError> {
    let ctx = Ctx::new(state, query).await?;
    let figures = contract_figures(&ctx).await?;
    let trueup = ctx.report(ReportName::TrueUp).await?;
    let c = Columns::new(&trueup.frame);
    let (contract, commitment, status, amount) = (
        c.text("contract")?,
        c.text("commitment")?,
        c.text("status")?,
        c.minor("true_up")?,
    );
    // (owed, projected) per commitment.
    let mut true_ups: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for i in 0..c.len() {
        let sums = true_ups
            .entry((contract[i].clone(), commitment[i].clone()))
            .or_default();
        let value = amount[i].unwrap_or(0);
        if status[i] == "owed" {
            sums.0 += value;
        } else {
            sums.1 += value;
        }
    }
    let mut rows: Vec<(String, Vec<String>)> = figures
        .iter()
        .map(|f| {
            let key = (f.contract.clone(), f.commitment.clone());
            let vendor = ctx
                .contracts
                .get(&key)
                .map(|facts| facts.vendor.clone())
                .unwrap_or_default();
            let (owed, projected) = true_ups.get(&key).copied().unwrap_or_default();
            let row = vec![
                vendor.clone(),
                f.contract.clone(),
                f.commitment.clone(),
                f.currency.clone(),
                money(f.committed),
                money(f.spent),
                money(f.committed - f.spent),
                money(owed),
                money(projected),
                f.exhaustion.map(|d| d.to_string()).unwrap_or_default(),
            ];
            (vendor, row)
        })
        .collect();
    rows.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(Table {
        id: "commitments".to_owned(),
        title: "Commitments by vendor".to_owned(),
        columns: [
            "vendor",
            "contract",
            "commitment",
            "currency",
            "committed",
            "burned",
            "remaining",
            "true_up_owed",
            "true_up_projected",
            "exhaustion_date",
        ]
        .map(str::to_owned)
        .to_vec(),
        kinds: [ColumnKind::Text; 4]
            .into_iter()
            .chain([ColumnKind::Number; 5])
            .chain([ColumnKind::Date])
            .collect(),
        rows: rows.into_iter().map(|(_, row)| row).collect(),
        links: vec![],
    })
}
