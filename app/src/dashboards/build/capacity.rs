//! The capacity dashboard: GPUs and megawatts contracted vs planned vs delivered vs expected
//! month by month, the capacity-days lost to late deliveries, the price paid per GPU-hour and
//! per MW-month against the rate cards, and the phases still to come (what the plan-driven
//! forecast is waiting for). Also the overview's plan-driven shortfall card, which leads here.

use super::super::model::{
    Axis, Chart, ColumnKind, Dashboard, Kpi, Point, Series, Shape, Table, Unit, XKind,
};
use super::super::scale::date_x;
use super::super::View;
use super::context::Ctx;
use super::currencies::{kpi, per_currency, Line};
use analytics::figures::CommitmentFigures as ContractFigures;
use analytics::Columns;
use chrono::NaiveDate;
use domain::capacity::is_power;
use domain::decimal::format_scaled_trimmed;
use reports::{ReportError, ReportName};
use std::collections::{BTreeMap, BTreeSet};

fn units(micros: i128) -> String {
    domain::decimal::format_scaled_wide(micros, 6)
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_owned()
}

fn unit_point(micros: i64) -> Point {
    Point {
        value: Some(micros as f64 / 1e6),
        label: format_scaled_trimmed(micros, 6),
    }
}

/// Capacity still to arrive on the filtered contracts' plans: (GPUs, MW), in millionths.
async fn to_come(ctx: &Ctx<'_>) -> Result<(i128, i128), ReportError> {
    let plan = ctx.report(ReportName::PlanForecast).await?;
    let c = Columns::new(&plan.frame);
    let (contracts, gpus, mw) = (
        c.text("contract")?,
        c.micros("gpus_to_come")?,
        c.micros("mw_to_come")?,
    );
    // A contract with several commitments repeats its capacity on each row: count it once.
    let mut seen = BTreeSet::new();
    let (mut g, mut m) = (0i128, 0i128);
    for i in 0..contracts.len() {
        if seen.insert(contracts[i].clone()) {
            g += i128::from(gpus[i].unwrap_or(0));
            m += i128::from(mw[i].unwrap_or(0));
        }
    }
    Ok((g, m))
}

/// The overview's second shortfall card: by the delivery plan (at the run-rate for a
/// commitment without a rate card), with the run-rate's figure, what is still to arrive, and a
/// scenario's figure beside it.
pub(super) async fn plan_shortfall_kpi(
    ctx: &Ctx<'_>,
    figures: &[ContractFigures],
    scenario: Option<&[ContractFigures]>,
) -> Result<Kpi, ReportError> {
    let mut detail: Vec<Line> = per_currency(figures, |f| f.shortfall)
        .into_iter()
        .map(|sum| sum.prefixed("At the run-rate: "))
        .collect();
    let (gpus, mw) = to_come(ctx).await?;
    if gpus > 0 || mw > 0 {
        detail.push(Line::plain(format!(
            "Still to arrive: {} GPUs · {} MW",
            units(gpus),
            units(mw)
        )));
    }
    let unpriced = figures.iter().filter(|f| f.plan_total.is_none()).count();
    if unpriced > 0 {
        detail.push(Line::plain(format!(
            "{unpriced} without a rate card at their run-rate"
        )));
    }
    if let Some(scenario) = scenario {
        detail.extend(
            per_currency(scenario, ContractFigures::plan_or_run_rate_shortfall)
                .into_iter()
                .map(|sum| sum.prefixed(&format!("Scenario {}: ", ctx.query.scenario.trim()))),
        );
    }
    Ok(kpi(
        "plan-shortfall",
        "Shortfall by the delivery plan",
        per_currency(figures, ContractFigures::plan_or_run_rate_shortfall),
        detail,
        format!("{}{}", View::Capacity.path(), ctx.query.query_string()),
    ))
}

/// One month's capacity of a kind, summed over vendors and resources.
#[derive(Default, Clone, Copy)]
struct Month {
    contracted: i64,
    planned: i64,
    delivered: Option<i64>,
    expected: i64,
}

pub(super) async fn capacity(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
    let report = ctx.report(ReportName::Capacity).await?;
    let c = Columns::new(&report.frame);
    let (vendors, resources, months) = (c.text("vendor")?, c.text("resource")?, c.dates("month")?);
    let (contracted, planned, delivered, expected, lost) = (
        c.micros("contracted")?,
        c.micros("planned")?,
        c.micros("delivered")?,
        c.micros("expected")?,
        c.micros("capacity_days_lost")?,
    );
    // Per kind (power or not) and month; per (vendor, resource) the latest figures and the loss.
    let mut by_month: BTreeMap<(bool, NaiveDate), Month> = BTreeMap::new();
    let mut by_vendor: BTreeMap<(String, String), (i64, i64, i64, i64)> = BTreeMap::new();
    let as_of = ctx.as_of();
    for i in 0..c.len() {
        let Some(month) = months[i] else { continue };
        let power = is_power(&resources[i]);
        if ctx.shows_month(month) {
            let m = by_month.entry((power, month)).or_default();
            m.contracted += contracted[i].unwrap_or(0);
            m.planned += planned[i].unwrap_or(0);
            if let Some(d) = delivered[i] {
                *m.delivered.get_or_insert(0) += d;
            }
            m.expected += expected[i].unwrap_or(0);
        }
        let row = by_vendor
            .entry((vendors[i].clone(), resources[i].clone()))
            .or_default();
        row.0 = contracted[i].unwrap_or(0);
        if month <= as_of {
            row.1 = delivered[i].unwrap_or(row.1);
            row.2 = planned[i].unwrap_or(0);
        }
        row.3 += lost[i].unwrap_or(0);
    }
    let charts = vec![
        capacity_chart(
            ctx,
            "capacity-gpus",
            "GPUs contracted, planned, delivered and expected",
            false,
            &by_month,
        ),
        capacity_chart(
            ctx,
            "capacity-mw",
            "Power (MW) contracted, planned, delivered and expected",
            true,
            &by_month,
        ),
    ];
    let kpis = capacity_kpis(&by_vendor, ctx);
    let vendor_table = Table {
        id: "capacity-by-vendor".to_owned(),
        title: format!("Capacity by vendor and resource, as of {as_of}"),
        columns: [
            "vendor",
            "resource",
            "contracted",
            "planned_by_month_end",
            "delivered",
            "to_come",
            "capacity_days_lost",
        ]
        .map(str::to_owned)
        .to_vec(),
        kinds: [ColumnKind::Text, ColumnKind::Text]
            .into_iter()
            .chain([ColumnKind::Number; 5])
            .collect(),
        rows: by_vendor
            .iter()
            .map(
                |((vendor, resource), (contracted, delivered, planned, lost))| {
                    vec![
                        vendor.clone(),
                        resource.clone(),
                        format_scaled_trimmed(*contracted, 6),
                        format_scaled_trimmed(*planned, 6),
                        format_scaled_trimmed(*delivered, 6),
                        format_scaled_trimmed((contracted - delivered).max(0), 6),
                        format_scaled_trimmed(*lost, 6),
                    ]
                },
            )
            .collect(),
        // Drill-down: the dashboard for that vendor alone.
        links: by_vendor
            .keys()
            .map(|(vendor, _)| {
                let query = super::super::DashboardQuery {
                    vendor: vendor.clone(),
                    ..ctx.query.clone()
                };
                format!("{}{}", View::Capacity.path(), query.query_string())
            })
            .collect(),
    };
    let cost = cost_table(ctx).await?;
    let phases = phases_to_come(ctx).await?;
    Ok(Dashboard {
        kpis,
        charts,
        tables: vec![vendor_table, cost, phases],
        notes: ctx
            .scenario_note("the phases still to come are the scenario's")
            .into_iter()
            .collect(),
        ..Default::default()
    })
}

fn capacity_chart(
    ctx: &Ctx<'_>,
    id: &str,
    title: &str,
    power: bool,
    by_month: &BTreeMap<(bool, NaiveDate), Month>,
) -> Chart {
    let months: Vec<(NaiveDate, Month)> = by_month
        .iter()
        .filter(|((p, _), _)| *p == power)
        .map(|((_, m), v)| (*m, *v))
        .collect();
    let series = |name: &str, shape: Shape, pick: &dyn Fn(&Month) -> Option<i64>| {
        Series::new(
            name,
            shape,
            Axis::Left,
            months
                .iter()
                .map(|(_, m)| pick(m).map(unit_point).unwrap_or_default())
                .collect(),
        )
    };
    Chart {
        id: id.to_owned(),
        title: title.to_owned(),
        x_kind: XKind::Date,
        x_title: "month".to_owned(),
        x: months.iter().map(|(m, _)| date_x(*m)).collect(),
        x_labels: months.iter().map(|(m, _)| m.to_string()).collect(),
        drill: vec![None; months.len()],
        left: Unit::Count,
        right: None,
        series: vec![
            series("Contracted", Shape::Dashed, &|m| Some(m.contracted)),
            series("Planned", Shape::Line, &|m| Some(m.planned)),
            series("Delivered", Shape::Line, &|m| m.delivered),
            series("Expected", Shape::Dashed, &|m| Some(m.expected)),
        ],
        marks: Vec::new(),
        empty: if power {
            "No phase of these contracts states its power.".to_owned()
        } else {
            "No GPUs planned for these filters.".to_owned()
        }
        .replace(
            "these",
            if ctx.query.vendor.is_empty() {
                "these"
            } else {
                "this vendor's"
            },
        ),
    }
}

type VendorRow = (i64, i64, i64, i64);

fn capacity_kpis(by_vendor: &BTreeMap<(String, String), VendorRow>, ctx: &Ctx<'_>) -> Vec<Kpi> {
    let link = format!("{}{}", View::Capacity.path(), ctx.query.query_string());
    let sum = |power: bool, pick: fn(&VendorRow) -> i64| -> i128 {
        by_vendor
            .iter()
            .filter(|((_, r), _)| is_power(r) == power)
            .map(|(_, v)| i128::from(pick(v)))
            .sum()
    };
    let card = |id: &str, title: &str, power: bool, unit: &str| {
        let (contracted, delivered) = (sum(power, |v| v.0), sum(power, |v| v.1));
        kpi(
            id,
            title,
            vec![Line::plain(format!("{} {unit}", units(delivered)))],
            vec![
                Line::plain(format!("of {} contracted", units(contracted))),
                Line::plain(format!(
                    "{} to come",
                    units((contracted - delivered).max(0))
                )),
            ],
            link.clone(),
        )
    };
    vec![
        card("gpus-delivered", "GPUs delivered", false, "GPUs"),
        card("mw-delivered", "Power delivered", true, "MW"),
        kpi(
            "capacity-days-lost",
            "Capacity-days lost to late deliveries",
            vec![Line::plain(format!(
                "{} GPU-days",
                units(sum(false, |v| v.3))
            ))],
            vec![Line::plain(format!(
                "{} MW-days",
                units(sum(true, |v| v.3))
            ))],
            link,
        ),
    ]
}

/// Spend per GPU-hour and per MW-month by vendor (per currency), against the rate cards.
async fn cost_table(ctx: &Ctx<'_>) -> Result<Table, ReportError> {
    let report = ctx.report(ReportName::CapacityCost).await?;
    let c = Columns::new(&report.frame);
    let (vendors, contracts) = (c.text("vendor")?, c.text("contract")?);
    let (spend, card) = (c.exact("spend")?, c.exact("card_spend")?);
    let (gpu_hours, mw_months) = (c.micros("gpu_hours")?, c.micros("mw_months")?);
    let months = c.dates("month")?;
    // (vendor, currency) → spend, card spend, GPU-hours, MW-months (exact sums).
    let mut sums: BTreeMap<(String, String), [i128; 4]> = BTreeMap::new();
    for i in 0..c.len() {
        if !months[i].is_some_and(|m| ctx.shows_month(m)) {
            continue;
        }
        let s = sums
            .entry((vendors[i].clone(), ctx.currency(&contracts[i])))
            .or_default();
        s[0] += i128::from(spend[i].unwrap_or(0));
        s[1] += i128::from(card[i].unwrap_or(0));
        s[2] += i128::from(gpu_hours[i].unwrap_or(0));
        s[3] += i128::from(mw_months[i].unwrap_or(0));
    }
    let per = |amount: i128, units: i128| -> String {
        if units <= 0 {
            return String::new();
        }
        // Millionths of money per unit, rounded once to the cent where shown.
        let e6 = domain::fx::divide_half_even(amount * 1_000_000, units);
        domain::decimal::format_scaled_wide(domain::fx::divide_half_even(e6, 10_000), 2)
    };
    Ok(Table {
        id: "capacity-cost".to_owned(),
        title: "Cost per GPU-hour and per MW-month, against the rate cards".to_owned(),
        columns: [
            "vendor",
            "currency",
            "spend",
            "gpu_hours",
            "effective_per_gpu_hour",
            "card_per_gpu_hour",
            "mw_months",
            "effective_per_mw_month",
        ]
        .map(str::to_owned)
        .to_vec(),
        kinds: [ColumnKind::Text, ColumnKind::Text]
            .into_iter()
            .chain([ColumnKind::Number; 6])
            .collect(),
        rows: sums
            .iter()
            .map(
                |((vendor, currency), [spend, card, gpu_hours, mw_months])| {
                    vec![
                        vendor.clone(),
                        currency.clone(),
                        domain::decimal::format_scaled_wide(
                            domain::fx::divide_half_even(*spend, 10_000),
                            2,
                        ),
                        units(*gpu_hours),
                        per(*spend, *gpu_hours),
                        if *card > 0 {
                            per(*card, *gpu_hours)
                        } else {
                            String::new()
                        },
                        units(*mw_months),
                        per(*spend, *mw_months),
                    ]
                },
            )
            .collect(),
        links: Vec::new(),
    })
}

/// Each phase with capacity still owed (the scenario's dates under a scenario), by planned
/// date: what the plan-driven forecast is waiting for. Each row leads to its contract.
async fn phases_to_come(ctx: &Ctx<'_>) -> Result<Table, ReportError> {
    let under = ctx.under_scenario();
    let source = under.as_ref().unwrap_or(ctx);
    let report = source.report(ReportName::Slippage).await?;
    let c = Columns::new(&report.frame);
    let (contracts, phases, resources) =
        (c.text("contract")?, c.text("phase")?, c.text("resource")?);
    let (planned, outstanding) = (c.dates("planned_date")?, c.micros("outstanding_quantity")?);
    // The slippage report has a row per receipt; a phase's last row holds what it still owes.
    let mut owed: BTreeMap<(String, String), (NaiveDate, String, i64)> = BTreeMap::new();
    for i in 0..c.len() {
        if let Some(day) = planned[i] {
            owed.insert(
                (contracts[i].clone(), phases[i].clone()),
                (day, resources[i].clone(), outstanding[i].unwrap_or(0)),
            );
        }
    }
    let mut rows: Vec<(NaiveDate, String, String, String, i64)> = owed
        .into_iter()
        .filter(|(_, (_, _, left))| *left > 0)
        .map(|((contract, phase), (day, resource, left))| (day, contract, phase, resource, left))
        .collect();
    rows.sort();
    let as_of = ctx.as_of();
    Ok(Table {
        id: "phases-to-come".to_owned(),
        title: "Phases still to come".to_owned(),
        columns: [
            "contract",
            "phase",
            "resource",
            "planned_date",
            "outstanding",
            "overdue_days",
        ]
        .map(str::to_owned)
        .to_vec(),
        kinds: vec![
            ColumnKind::Text,
            ColumnKind::Text,
            ColumnKind::Text,
            ColumnKind::Date,
            ColumnKind::Number,
            ColumnKind::Number,
        ],
        links: rows
            .iter()
            .map(|(_, contract, ..)| {
                format!("/contracts/{}", crate::paging::path_segment(contract))
            })
            .collect(),
        rows: rows
            .into_iter()
            .map(|(day, contract, phase, resource, left)| {
                vec![
                    contract,
                    phase,
                    resource,
                    day.to_string(),
                    format_scaled_trimmed(left, 6),
                    (as_of - day).num_days().max(0).to_string(),
                ]
            })
            .collect(),
    })
}
