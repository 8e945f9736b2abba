//! The FX effect of a consolidated view: a figure converted at each day's rate beside the same
//! figure at constant rates (every amount at one day's rates), and the difference between them,
//! the way finance teams report the change due to rates.

use super::super::model::Kpi;
use super::context::{contract_figures, Ctx};
use super::currencies::{kpi, Line};
use chrono::NaiveDate;
use reports::{ReportError, ReportName};

/// The card of one figure: converted, at constant rates, and the effect.
fn card(
    id: &str,
    title: &str,
    currency: &str,
    (converted, constant): (i128, i128),
    day: NaiveDate,
    href: String,
) -> Kpi {
    kpi(
        id,
        title,
        vec![Line::money("", currency, converted)],
        vec![
            Line::money(&format!("at constant rates of {day}: "), currency, constant),
            Line::money("FX effect: ", currency, converted - constant),
        ],
        href,
    )
}

/// Spend burned against the commitments to the as-of date, at each day's rate and at constant
/// rates (None when nothing is converted).
pub(super) async fn burned(ctx: &Ctx<'_>, href: String) -> Result<Option<Kpi>, ReportError> {
    let Some((day, constant)) = ctx.at_constant_rates() else {
        return Ok(None);
    };
    let spent = |figures: Vec<analytics::figures::CommitmentFigures>| -> i128 {
        figures.iter().map(|f| i128::from(f.spent)).sum()
    };
    let converted = spent(contract_figures(ctx).await?);
    let at_constant = match contract_figures(&constant).await {
        Ok(figures) => spent(figures),
        // No rate as early as the constant-rate day: the card is left out, the converted
        // figures stand.
        Err(ReportError::BadRequest(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(ctx.currency.map(|view| {
        card(
            "fx-burned",
            "Burned to date, FX effect",
            view.currency.as_str(),
            (converted, at_constant),
            day,
            href,
        )
    }))
}

/// Infrastructure spend and revenue over the months shown, at each day's rate and at constant
/// rates (None when nothing is converted).
pub(super) async fn spend_and_revenue(
    ctx: &Ctx<'_>,
    href: String,
) -> Result<Vec<Kpi>, ReportError> {
    let Some((day, constant)) = ctx.at_constant_rates() else {
        return Ok(Vec::new());
    };
    let Some(view) = ctx.currency else {
        return Ok(Vec::new());
    };
    // Summed exactly over the months shown, rounded to the cent once.
    let sums = |report: &reports::Report, column: &str| -> Result<i128, ReportError> {
        let c = report.columns();
        let months = c.dates("month")?;
        let exact: i128 = c
            .exact(column)?
            .into_iter()
            .zip(months)
            .filter(|(_, m)| m.is_some_and(|m| ctx.shows_month(m)))
            .map(|(v, _)| i128::from(v.unwrap_or(0)))
            .sum();
        Ok(domain::fx::divide_half_even(
            exact,
            i128::from(domain::exact::PER_MINOR),
        ))
    };
    let converted = ctx.report(ReportName::Ratio).await?;
    let at_constant = match constant.report(ReportName::Ratio).await {
        Ok(report) => report,
        Err(ReportError::BadRequest(_)) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let currency = view.currency.as_str();
    Ok(vec![
        card(
            "fx-infra-spend",
            "Infrastructure spend, FX effect",
            currency,
            (
                sums(&converted, "infra_spend")?,
                sums(&at_constant, "infra_spend")?,
            ),
            day,
            href.clone(),
        ),
        card(
            "fx-revenue",
            "Revenue, FX effect",
            currency,
            (sums(&converted, "revenue")?, sums(&at_constant, "revenue")?),
            day,
            href,
        ),
    ])
}
