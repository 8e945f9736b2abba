//! What every dashboard reads: the query's filters and date range, the commitments, the
//! reports under the baseline and (when one is chosen) a what-if scenario, and the links
//! from a figure to its rows.

use super::super::{DashboardQuery, View};
use crate::paging::query_string;
use crate::state::AppState;
use analytics::figures::CommitmentFigures as ContractFigures;
use chrono::NaiveDate;
use domain::date::month_end;
use domain::snapshot::CommitmentFacts;
use reports::{self, CurrencyView, LedgerCurrencies, ReportError, ReportName, ReportRequest};
use std::collections::BTreeMap;
use std::sync::Arc;

pub(super) struct Ctx<'a> {
    pub(super) state: &'a AppState,
    pub(super) query: &'a DashboardQuery,
    pub(super) request: ReportRequest,
    /// The same request under the chosen what-if scenario.
    pub(super) scenario: Option<ReportRequest>,
    pub(super) from: Option<NaiveDate>,
    pub(super) to: Option<NaiveDate>,
    /// Every commitment, by (contract, commitment) reference.
    pub(super) contracts: BTreeMap<(String, String), CommitmentFacts>,
    /// The figures include every write finished before this time.
    pub(super) figures_as_of: chrono::DateTime<chrono::Utc>,
    /// The currency every figure is in (None: each in its own).
    pub(super) currency: Option<CurrencyView>,
    /// What the reader should know about the currencies (a fallback, stale rates).
    pub(super) currency_notes: Vec<String>,
    /// The currencies the filter bar offers.
    pub(super) currencies: LedgerCurrencies,
}

fn optional_date(raw: &str, name: &str) -> Result<Option<NaiveDate>, ReportError> {
    match raw.trim() {
        "" => Ok(None),
        raw => domain::date::parse_iso_date(raw)
            .map(Some)
            .map_err(|e| ReportError::BadRequest(format!("{name} {e}"))),
    }
}

impl<'a> Ctx<'a> {
    pub(super) async fn new(
        state: &'a AppState,
        query: &'a DashboardQuery,
    ) -> Result<Self, ReportError> {
        let filters = reports::parse_filters(
            Some(query.as_of.as_str()),
            std::slice::from_ref(&query.vendor),
            std::slice::from_ref(&query.contract),
            &[],
        )?;
        let from = optional_date(&query.from, "from")?;
        let to = optional_date(&query.to, "to")?;
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                return Err(ReportError::BadRequest(format!(
                    "from ({from}) is after to ({to})"
                )));
            }
        }
        // From the reports' own snapshot: no query of its own on every dashboard view.
        let ledger = state.reports.view(&state.db).await?;
        let contracts = ledger
            .commitments
            .into_iter()
            .map(|c| ((c.contract.clone(), c.commitment.clone()), c))
            .collect();
        let mut ctx = Self {
            state,
            query,
            request: ReportRequest::new(filters),
            scenario: None,
            from,
            to,
            contracts,
            figures_as_of: ledger.as_of,
            currency: None,
            currency_notes: Vec::new(),
            currencies: ledger.currencies,
        };
        ctx.choose_currency().await?;
        ctx.scenario = match query.scenario.trim() {
            "" => None,
            name => Some(ctx.request.clone().with_scenario(&state.db, name).await?),
        };
        Ok(ctx)
    }

    /// Consolidates into the currency the query asks for (blank: the reporting currency, or
    /// each currency on its own with a note when a rate is missing; `each`: no conversion).
    async fn choose_currency(&mut self) -> Result<(), ReportError> {
        let asked = self.query.currency.trim();
        if asked == "each" {
            return Ok(());
        }
        let code = match asked {
            "" => self.state.reporting_currency.to_string(),
            code => code.to_owned(),
        };
        let Some(view) = CurrencyView::parse(&code, &self.query.commitments_at, "")? else {
            return Ok(());
        };
        let single = self.currencies.amounts.iter().all(|c| *c == view.currency);
        if !single {
            let request = self.request.clone().in_currency(Some(view));
            let tried = reports::run(
                &self.state.reports,
                &self.state.db,
                ReportName::Projection,
                &request,
            )
            .await;
            match tried {
                Ok(report) => {
                    self.currency_notes.extend(
                        report
                            .stale_rates
                            .iter()
                            .map(|s| format!("Stale rate: {s}.")),
                    );
                    self.request = request;
                }
                // Asked for by default, not by name: show what can be shown, and why.
                Err(ReportError::BadRequest(why)) if asked.is_empty() => {
                    self.currency_notes
                        .push(format!("Each currency is shown on its own: {why}."));
                    return Ok(());
                }
                Err(e) => return Err(e),
            }
            for c in self.contracts.values_mut() {
                c.currency = view.currency;
            }
        }
        self.currency = Some(view);
        Ok(())
    }

    /// The same figures at constant rates (every amount at the rates of the range's first day,
    /// or of the as-of year's first day), for the FX effect; None when nothing is converted.
    pub(super) fn at_constant_rates(&self) -> Option<(NaiveDate, Ctx<'a>)> {
        let view = self.request.currency?;
        let day = self.from.unwrap_or_else(|| {
            NaiveDate::from_ymd_opt(chrono::Datelike::year(&self.as_of()), 1, 1)
                .unwrap_or_else(|| self.as_of())
        });
        let mut constant = self.clone_with(
            self.request
                .clone()
                .in_currency(Some(view.at_constant_rates(day))),
        );
        constant.scenario = None;
        Some((day, constant))
    }

    fn clone_with(&self, request: ReportRequest) -> Ctx<'a> {
        Ctx {
            state: self.state,
            query: self.query,
            request,
            scenario: None,
            from: self.from,
            to: self.to,
            contracts: self.contracts.clone(),
            figures_as_of: self.figures_as_of,
            currency: self.currency,
            currency_notes: Vec::new(),
            currencies: self.currencies.clone(),
        }
    }

    pub(super) async fn report(
        &self,
        name: ReportName,
    ) -> Result<Arc<reports::Report>, ReportError> {
        reports::run(&self.state.reports, &self.state.db, name, &self.request).await
    }

    /// The context with the scenario's request as its own (None without a scenario).
    pub(super) fn under_scenario(&self) -> Option<Ctx<'a>> {
        let request = self.scenario.clone()?;
        let mut contracts = self.contracts.clone();
        for c in request.scenario.iter().flat_map(|s| &s.new_contracts) {
            let mut k = c.commitment();
            if let Some(view) = request.currency {
                k.currency = view.currency;
            }
            contracts.insert((k.contract.clone(), k.commitment.clone()), k);
        }
        let mut under = self.clone_with(request);
        under.contracts = contracts;
        Some(under)
    }

    /// Says which scenario is drawn beside the baseline, and what else to know.
    pub(super) fn scenario_note(&self, also: &str) -> Option<String> {
        let s = self.scenario.as_ref()?.scenario.as_ref()?;
        Some(format!(
            "Scenario {:?} ({}) is drawn beside the baseline; {also}.",
            s.name,
            s.summary()
        ))
    }

    pub(super) fn as_of(&self) -> NaiveDate {
        self.request
            .filters
            .as_of
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }

    /// Inside the date range of the filter bar.
    pub(super) fn shows(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| date >= f) && self.to.is_none_or(|t| date <= t)
    }

    /// A month is shown when any of its days is.
    pub(super) fn shows_month(&self, month: NaiveDate) -> bool {
        self.from.is_none_or(|f| month_end(month) >= f) && self.to.is_none_or(|t| month <= t)
    }

    /// The usage entries behind a day or a month, with the bar's vendor / contract filters.
    pub(super) fn usage_link(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        contract: Option<&str>,
    ) -> String {
        let contract = contract.unwrap_or(self.query.contract.as_str());
        format!(
            "/usage{}",
            query_string(&[
                ("contract", contract.to_owned()),
                ("vendor", self.query.vendor.clone()),
                ("from", from.to_string()),
                ("to", to.to_string()),
            ])
        )
    }

    /// This dashboard's link for another query (drill-down within the dashboards).
    pub(super) fn dashboard_link(&self, view: View, contract: &str) -> String {
        let query = DashboardQuery {
            contract: contract.to_owned(),
            ..self.query.clone()
        };
        format!("{}{}", view.path(), query.query_string())
    }

    pub(super) fn currency(&self, contract: &str) -> String {
        self.contracts
            .values()
            .find(|c| c.contract == contract)
            .map(|c| c.currency.to_string())
            .unwrap_or_default()
    }
}

pub(super) async fn contract_figures(ctx: &Ctx<'_>) -> Result<Vec<ContractFigures>, ReportError> {
    let report = ctx.report(ReportName::Projection).await?;
    let mut figures = ContractFigures::from_projection(&report.frame, &ctx.contracts)?;
    let plan = ctx.report(ReportName::PlanForecast).await?;
    ContractFigures::add_plan(&mut figures, &plan.frame)?;
    Ok(figures)
}
