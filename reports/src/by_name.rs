//! The reports by name: which analytics function answers each.

use crate::{Report, ReportError, ReportName, ReportRequest};
use analytics::consolidate::{consolidate, ConsolidateError, Consolidation, RatesOn};
use analytics::{LedgerFrames, ReportTable};

pub(crate) fn compute(
    name: ReportName,
    request: &ReportRequest,
    frames: &LedgerFrames,
    version: i64,
) -> Result<Report, ReportError> {
    let filters = &request.filters;
    let changed;
    let frames = match &request.scenario {
        Some(scenario) => {
            changed = analytics::scenario::apply(frames, scenario)?;
            &changed
        }
        None => frames,
    };
    // The as-of date and trailing window of the reports that look forward.
    let as_of = request.as_of_or_today();
    let (consolidated, stale) = match &request.currency {
        Some(view) => {
            let how = Consolidation {
                currency: view.currency,
                commitments: view.commitments,
                rates_on: view.constant_at.map_or(RatesOn::EachDay, RatesOn::Constant),
                as_of,
            };
            let (frames, stale) = consolidate(frames, &how).map_err(|e| match e {
                ConsolidateError::Polars(e) => ReportError::Compute(e),
                readable => ReportError::BadRequest(readable.to_string()),
            })?;
            (Some(frames), stale)
        }
        None => (None, Vec::new()),
    };
    let frames = consolidated.as_ref().unwrap_or(frames);
    let window = request
        .window_days
        .unwrap_or(analytics::projection::DEFAULT_WINDOW_DAYS);
    let frame = match name {
        ReportName::BurnDown => analytics::burn_down(frames, filters)?,
        ReportName::PortfolioBurnDown => analytics::portfolio_burn_down(frames, filters)?,
        ReportName::Concentration => analytics::vendor_concentration(frames, filters)?,
        ReportName::Ratio => analytics::infra_to_revenue(frames, filters)?,
        ReportName::Slippage => analytics::delivery_slippage(frames, filters)?,
        ReportName::RatioTtm => analytics::ratio_ttm(frames, filters)?,
        ReportName::CommitmentConcentration => {
            analytics::commitment_concentration(frames, filters, as_of)?
        }
        ReportName::TrueUp => analytics::trueup(frames, filters, as_of, window)?,
        ReportName::RatioOutlook => analytics::ratio_outlook(frames, filters, as_of, window)?,
        ReportName::Commitments => analytics::commitment_fulfilment(frames, filters)?,
        ReportName::UsageBurnDown => analytics::usage_burn_down(frames, filters)?,
        ReportName::Projection => analytics::projection(frames, filters, as_of, window)?,
        ReportName::PlanForecast => analytics::plan_forecast(frames, filters, as_of, window)?,
        ReportName::Capacity => analytics::capacity::capacity_over_time(frames, filters, as_of)?,
        ReportName::CapacityCost => analytics::capacity::capacity_cost(frames, filters, as_of)?,
    };
    let table = ReportTable::from_frame(&frame)?;
    Ok(Report {
        frame,
        table,
        version,
        stale_rates: stale,
    })
}
