//! The burn-down chart: cumulative spend against the commitment, the on-pace line, the
//! run-rate projection and its band, a scenario's line, and the exhaustion or shortfall mark;
//! for one commitment or a currency's portfolio.

use super::super::model::{Axis, Chart, Mark, Point, Series, Shape, Unit, XKind};
use super::super::scale::{date_x, group_number};
use super::context::Ctx;
use super::currencies::money;
use super::report_columns::ReportColumns;
use analytics::figures::CommitmentFigures as ContractFigures;
use chrono::NaiveDate;
use reports::{self, Report, ReportError, ReportName};

/// One point per day with usage, plus the start and end of the term(s) and the as-of date.
pub(super) struct DayAxis {
    days: Vec<NaiveDate>,
}

impl DayAxis {
    fn new(days: impl IntoIterator<Item = NaiveDate>) -> Self {
        let mut days: Vec<NaiveDate> = days.into_iter().collect();
        days.sort();
        days.dedup();
        Self { days }
    }

    fn index(&self, day: NaiveDate) -> Option<usize> {
        self.days.binary_search(&day).ok()
    }
}

/// A burn-down report's (date, cumulative spend) figures.
pub(super) fn cumulative_spend(report: &Report) -> Result<Vec<(NaiveDate, Point)>, ReportError> {
    let c = ReportColumns::new(report);
    Ok(c.dates("date")?
        .into_iter()
        .zip(c.points("cumulative_spend")?)
        .collect())
}

/// A burn-down chart: spend so far, the commitment, the on-pace line and the projection.
pub(super) fn burn_down_chart(
    ctx: &Ctx<'_>,
    id: &str,
    title: String,
    spend: Vec<(NaiveDate, Point)>,
    figures: &[&ContractFigures],
    scenario: Option<(&str, &[&ContractFigures])>,
    drill: impl Fn(NaiveDate) -> String,
) -> Chart {
    let as_of = ctx.as_of();
    let start = figures.iter().map(|f| f.start).min();
    let end = figures.iter().map(|f| f.end).max();
    let scenario_end = scenario.and_then(|(_, s)| s.iter().map(|f| f.end).max());
    let spend: Vec<(NaiveDate, Point)> = spend.into_iter().filter(|(d, _)| ctx.shows(*d)).collect();
    let mut days: Vec<NaiveDate> = spend.iter().map(|(d, _)| *d).collect();
    // The term's ends and the as-of date frame the chart; with no contracts there is no frame.
    let as_of_day = (!figures.is_empty()).then_some(as_of);
    let range_days = [start, end, as_of_day]
        .into_iter()
        .flatten()
        .filter(|d| ctx.shows(*d));
    days.extend(range_days);
    // One contract runs out on a date; a portfolio's contracts do not pool, so its chart marks
    // the summed shortfall instead.
    let exhaustion = match figures {
        [one] => one.exhaustion,
        _ => None,
    };
    days.extend(exhaustion.filter(|d| ctx.shows(*d)));
    days.extend(scenario_end.filter(|d| ctx.shows(*d)));
    let axis = DayAxis::new(days);
    let n = axis.days.len();
    let committed: i64 = figures.iter().map(|f| f.committed).sum();
    let spent: i64 = figures.iter().map(|f| f.spent).sum();
    let projected: i64 = figures.iter().map(|f| f.projected_total).sum();
    let shortfall: i64 = figures.iter().map(|f| f.shortfall).sum();

    let mut actual = vec![Point::default(); n];
    for (day, point) in &spend {
        if let Some(i) = axis.index(*day) {
            actual[i] = point.clone();
        }
    }
    let commitment = vec![Point::money(committed); n];
    let pace: Vec<Point> = axis
        .days
        .iter()
        .map(|d| Point::money(figures.iter().map(|f| f.on_pace(*d)).sum()))
        .collect();
    let mut projection = vec![Point::default(); n];
    if !figures.is_empty() {
        if let Some(i) = axis.index(as_of) {
            projection[i] = Point::money(spent);
        }
        match exhaustion {
            Some(day) => {
                if let Some(i) = axis.index(day) {
                    projection[i] = Point::money(committed);
                }
            }
            _ => {
                if let Some(i) = end.and_then(|e| axis.index(e)) {
                    projection[i] = Point::money(projected);
                }
            }
        }
    }
    // The band is drawn to the end of the term (it says how sure the end figure is).
    let mut low = vec![Point::default(); n];
    let mut high = vec![Point::default(); n];
    if let (Some(i), Some(e)) = (axis.index(as_of), end.and_then(|e| axis.index(e))) {
        if !figures.is_empty() && e > i {
            low[i] = Point::money(spent);
            high[i] = Point::money(spent);
            low[e] = Point::money(figures.iter().map(|f| f.projected_low).sum());
            high[e] = Point::money(figures.iter().map(|f| f.projected_high).sum());
        }
    }
    let mut series = vec![
        Series::new("Cumulative spend", Shape::Line, Axis::Left, actual),
        Series::new("Commitment", Shape::Dashed, Axis::Left, commitment),
        Series::new("On pace", Shape::Dashed, Axis::Left, pace),
        Series::new("Projection", Shape::Dashed, Axis::Left, projection),
        Series::new("Projection low (90%)", Shape::Dashed, Axis::Left, low),
        Series::new("Projection high (90%)", Shape::Dashed, Axis::Left, high),
    ];
    // The plan-driven forecast beside the run-rate's (a commitment without a rate card at its
    // run-rate), drawn to the end of the term.
    let plan_total = |chosen: &[&ContractFigures]| -> i64 {
        chosen
            .iter()
            .map(|f| f.plan_total.unwrap_or(f.projected_total))
            .sum()
    };
    if figures.iter().any(|f| f.plan_total.is_some()) {
        let mut line = vec![Point::default(); n];
        if let (Some(i), Some(e)) = (axis.index(as_of), end.and_then(|e| axis.index(e))) {
            line[i] = Point::money(spent);
            line[e] = Point::money(plan_total(figures));
        }
        series.push(Series::new(
            "Plan-driven forecast",
            Shape::Dashed,
            Axis::Left,
            line,
        ));
    }
    if let Some((name, chosen)) = scenario {
        if chosen.iter().any(|f| f.plan_total.is_some()) {
            let mut line = vec![Point::default(); n];
            let spent: i64 = chosen.iter().map(|f| f.spent).sum();
            if let (Some(i), Some(e)) =
                (axis.index(as_of), scenario_end.and_then(|e| axis.index(e)))
            {
                line[i] = Point::money(spent);
                line[e] = Point::money(plan_total(chosen));
            }
            series.push(Series::new(
                &format!("Scenario: {name} (plan)"),
                Shape::Dashed,
                Axis::Left,
                line,
            ));
        }
        let mut line = vec![Point::default(); n];
        let spent: i64 = chosen.iter().map(|f| f.spent).sum();
        if let Some(i) = axis.index(as_of) {
            line[i] = Point::money(spent);
        }
        if let Some(e) = scenario_end.and_then(|e| axis.index(e)) {
            line[e] = Point::money(chosen.iter().map(|f| f.projected_total).sum());
        }
        series.push(Series::new(
            &format!("Scenario: {name}"),
            Shape::Line,
            Axis::Left,
            line,
        ));
    }
    let mut marks = Vec::new();
    if let Some(day) = exhaustion.filter(|d| ctx.shows(*d)) {
        marks.push(Mark {
            x: date_x(day),
            text: format!("Exhausted {day}"),
        });
    } else if let Some(day) = end.filter(|d| ctx.shows(*d) && shortfall > 0) {
        marks.push(Mark {
            x: date_x(day),
            text: format!("Shortfall {}", group_number(&money(shortfall))),
        });
    }
    if ctx.shows(as_of) && n > 0 {
        marks.push(Mark {
            x: date_x(as_of),
            text: format!("As of {as_of}"),
        });
    }
    let spend_days: std::collections::HashSet<NaiveDate> = spend.iter().map(|(d, _)| *d).collect();
    Chart {
        id: id.to_owned(),
        title,
        x_kind: XKind::Date,
        x_title: "date".to_owned(),
        x: axis.days.iter().map(|d| date_x(*d)).collect(),
        x_labels: axis.days.iter().map(|d| d.to_string()).collect(),
        drill: axis
            .days
            .iter()
            .map(|d| spend_days.contains(d).then(|| drill(*d)))
            .collect(),
        left: Unit::Money,
        right: None,
        series,
        marks,
        empty: "No usage recorded for these filters yet.".to_owned(),
    }
}

/// The filtered contracts of the first currency together (sums across currencies would mean
/// nothing).
pub(super) async fn portfolio_chart(
    ctx: &Ctx<'_>,
    figures: &[ContractFigures],
    scenario: Option<(&str, &[ContractFigures])>,
) -> Result<Chart, ReportError> {
    let currency = figures
        .iter()
        .map(|f| f.currency.as_str())
        .min()
        .unwrap_or_default();
    let chosen: Vec<&ContractFigures> = figures.iter().filter(|f| f.currency == currency).collect();
    let mut request = ctx.request.clone();
    if chosen.len() != figures.len() {
        request.filters.contracts = chosen.iter().map(|f| f.contract.clone()).collect();
        request.filters.contracts.dedup();
    }
    let report = reports::run(
        &ctx.state.reports,
        &ctx.state.db,
        ReportName::PortfolioBurnDown,
        &request,
    )
    .await?;
    let spend = cumulative_spend(&report)?;
    let scenario_chosen: Option<(&str, Vec<&ContractFigures>)> =
        scenario.map(|(name, s)| (name, s.iter().filter(|f| f.currency == currency).collect()));
    Ok(burn_down_chart(
        ctx,
        "portfolio-burndown",
        format!("Portfolio burn-down ({currency})").replace(" ()", ""),
        spend,
        &chosen,
        scenario_chosen.as_ref().map(|(n, s)| (*n, s.as_slice())),
        |d| ctx.usage_link(d, d, None),
    ))
}
