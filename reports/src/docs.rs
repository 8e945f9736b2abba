//! What each report's columns hold and how they are computed, documented once: the Formats
//! page and `docs/reports.md` are written from here, and a test holds the column lists to the
//! reports' own headers.

use domain::ReportName;

/// A report's columns in CSV order, and how its figures are computed.
pub struct ReportDoc {
    pub name: ReportName,
    pub columns: &'static [&'static str],
    pub formula: &'static str,
}

pub const REPORTS: &[ReportDoc] = &[
    ReportDoc {
        name: ReportName::BurnDown,
        columns: &["contract", "commitment", "date", "cumulative_spend", "remaining"],
        formula: "remaining = committed − cumulative spend applied to the commitment. Spend under no contract, or applied to no commitment, burns nothing.",
    },
    ReportDoc {
        name: ReportName::UsageBurnDown,
        columns: &["contract", "commitment", "unit", "date", "cumulative_quantity", "remaining_quantity"],
        formula: "remaining quantity = committed quantity − quantity applied so far, in the commitment's unit.",
    },
    ReportDoc {
        name: ReportName::Commitments,
        columns: &["contract", "commitment", "category", "unit", "start_date", "end_date", "committed", "applied", "remaining", "committed_quantity", "applied_quantity", "remaining_quantity", "not_counted"],
        formula: "remaining = committed − applied (and the same for quantities); not counted = the contract's spend in a scoped commitment's period that its scope kept out.",
    },
    ReportDoc {
        name: ReportName::TrueUp,
        columns: &["contract", "commitment", "model", "interval_start", "interval_end", "minimum", "consumed", "projected", "true_up", "status", "exhaustion_date", "overrun", "plan_projected", "plan_true_up"],
        formula: "Build-up: per fulfilment interval, minimum = the commitment split evenly; projected = consumed + run-rate × days left; true-up = max(0, minimum − consumed) for an ended interval (owed), max(0, minimum − projected) for a running one (projected). Burn-down: one row, the day the pool runs out at the run-rate and the on-demand overrun after it. plan_projected and plan_true_up: the same with the plan-driven forecast (see plan-forecast) in place of the run-rate; empty for a contract without a rate card.",
    },
    ReportDoc {
        name: ReportName::PlanForecast,
        columns: &["contract", "commitment", "as_of", "committed", "spent", "run_rate_total", "run_rate_shortfall", "plan_remaining", "plan_total", "plan_shortfall", "plan_exhaustion_date", "gpus_online", "gpus_to_come", "mw_online", "mw_to_come"],
        formula: "Plan-driven: each day from the as-of date to the end of the period, Σ over resources of units online × 24 h × utilisation × the rate card's price per unit-hour in force that day; units online = receipts so far plus each phase's outstanding quantity from its planned date (a scenario's delayed date; an overdue phase from the day after the as-of date); a phase's power counts as the resource MW. plan_total = spent + plan_remaining; plan_shortfall = max(0, committed − plan_total). The run-rate columns are the projection report's. Plan columns are empty for a contract without a rate card.",
    },
    ReportDoc {
        name: ReportName::Capacity,
        columns: &["vendor", "resource", "month", "contracted", "planned", "delivered", "expected", "capacity_days_lost"],
        formula: "Units of each resource (GPUs of a kind; MW for power, a phase's stated power or a power phase's quantity): contracted = every phase's quantity; planned = due by the month's end; delivered = received by the month's end (receipts without power deliver the phase's power pro rata); expected = online by the month's end on the plan-driven forecast's schedule; capacity-days lost = Σ over the month's days up to the as-of date of max(0, planned − delivered).",
    },
    ReportDoc {
        name: ReportName::CapacityCost,
        columns: &["vendor", "contract", "month", "spend", "gpu_hours", "mw_months", "card_spend", "effective_per_gpu_hour", "card_per_gpu_hour", "effective_per_mw_month"],
        formula: "gpu_hours = Σ days GPUs online × 24; mw_months = Σ days MW online ÷ days in the month; effective per GPU-hour = spend ÷ gpu_hours; card per GPU-hour = what the rate cards price that capacity at ÷ gpu_hours; effective per MW-month = spend ÷ mw_months. Months up to the as-of date with capacity online.",
    },
    ReportDoc {
        name: ReportName::PortfolioBurnDown,
        columns: &["date", "cumulative_spend", "remaining"],
        formula: "The filtered contracts together: remaining = Σ committed − Σ cumulative spend (sum one currency at a time).",
    },
    ReportDoc {
        name: ReportName::Concentration,
        columns: &["month", "vendor", "spend", "share", "hhi"],
        formula: "share = vendor's spend ÷ the month's spend (all spend, under a contract or none); HHI = 10000 × Σ share².",
    },
    ReportDoc {
        name: ReportName::Ratio,
        columns: &["month", "infra_spend", "revenue", "ratio"],
        formula: "ratio = infrastructure spend ÷ revenue, for months with both; spend includes on-demand spend under no contract.",
    },
    ReportDoc {
        name: ReportName::RatioOutlook,
        columns: &["month", "infra_spend", "revenue", "ratio"],
        formula: "The twelve months after the as-of month: spend at each contract's trailing run-rate (window_days), revenue held at its latest month or grown by a scenario.",
    },
    ReportDoc {
        name: ReportName::Projection,
        columns: &["contract", "commitment", "as_of", "committed", "spent", "run_rate_per_day", "projected_total", "projected_low", "projected_high", "projected_shortfall", "exhaustion_date", "term_elapsed_share", "burned_share"],
        formula: "run-rate = spend over the trailing window_days (default 90) ÷ its days; projected total = spent + run-rate × days left; shortfall = max(0, committed − projected total); exhaustion = the day spent + run-rate × days reaches committed.",
    },
    ReportDoc {
        name: ReportName::RatioTtm,
        columns: &["month", "infra_spend", "revenue", "ratio", "ttm_infra_spend", "ttm_revenue", "ttm_ratio", "outstanding_commitments", "annualised_revenue", "commitments_to_revenue"],
        formula: "TTM = the twelve months to this one; commitments ÷ revenue = outstanding commitments ÷ (month's revenue × 12), the \"6:1\" figure.",
    },
    ReportDoc {
        name: ReportName::CommitmentConcentration,
        columns: &["vendor", "outstanding", "share", "hhi"],
        formula: "outstanding = committed − applied as of the date (default today), per vendor; HHI = 10000 × Σ share².",
    },
    ReportDoc {
        name: ReportName::Slippage,
        columns: &["contract", "phase", "resource", "planned_date", "planned_quantity", "receipt_date", "received_quantity", "cumulative_received", "days_late", "outstanding_quantity"],
        formula: "One row per receipt, and one per phase with nothing received yet. days late = receipt date − planned date (negative: early; empty without a receipt); outstanding = planned − cumulative received (negative: over-received).",
    },
];

/// What a column holds, wherever it appears.
pub fn meaning(column: &str) -> &'static str {
    match column {
        "contract" => "The contract's reference.",
        "commitment" => "The commitment's reference (a contract's own commitment has the contract's).",
        "date" => "The day.",
        "month" => "The month's first day.",
        "vendor" => "The vendor's name.",
        "unit" => "The unit of a usage commitment's quantity.",
        "category" => "`spend` or `usage`.",
        "model" => "`build_up` (a minimum) or `burn_down` (a prepaid pool).",
        "start_date" | "end_date" => "The commitment's period.",
        "interval_start" | "interval_end" => "The fulfilment interval (the whole period, or a year, quarter or month of it).",
        "as_of" => "The date the figures are as of.",
        "cumulative_spend" => "Spend up to and including the day (money, 2 places).",
        "cumulative_quantity" => "Quantity applied up to and including the day.",
        "remaining" => "Committed minus spent; negative once overspent.",
        "remaining_quantity" => "Committed quantity minus quantity applied.",
        "committed" => "The committed amount.",
        "applied" => "Spend applied to the commitment to the as-of date.",
        "committed_quantity" => "A usage commitment's quantity.",
        "applied_quantity" => "Quantity applied to it.",
        "not_counted" => "The contract's spend in the period that the commitment's scope kept out.",
        "minimum" => "What the interval must reach.",
        "consumed" => "Spend applied in the interval so far.",
        "projected" => "Consumed plus the run-rate to the interval's end.",
        "true_up" => "What is owed (or projected to be) beyond the spend: the shortfall against the minimum.",
        "status" => "`owed` (an ended interval short of its minimum), `projected` (a running one heading short) or `met`.",
        "exhaustion_date" => "The day the commitment is, or is projected to be, used up.",
        "overrun" => "Burn-down: projected on-demand spend after the pool runs out.",
        "spend" => "The vendor's spend in the month.",
        "share" => "A fraction of the whole, 0 to 1.",
        "hhi" => "Herfindahl-Hirschman index: 10000 × Σ share² (10000: one vendor).",
        "infra_spend" => "Infrastructure spend in the month (under contracts and on-demand).",
        "revenue" => "The company's revenue in the month.",
        "ratio" => "Infrastructure spend ÷ revenue.",
        "spent" => "Spend applied to the commitment to the as-of date.",
        "run_rate_per_day" => "Average daily spend over the trailing window.",
        "projected_total" => "Spent plus the run-rate to the end of the period.",
        "projected_low" | "projected_high" => "A 90% band around the projected total, from how much the daily spend in the window varies.",
        "projected_shortfall" => "Committed minus projected total, when positive.",
        "term_elapsed_share" => "The part of the period gone by.",
        "burned_share" => "The part of the commitment spent.",
        "ttm_infra_spend" => "Infrastructure spend over the trailing twelve months.",
        "ttm_revenue" => "Revenue over the trailing twelve months.",
        "ttm_ratio" => "TTM infrastructure spend ÷ TTM revenue.",
        "outstanding_commitments" => "Commitments not yet spent, as of the month's end.",
        "annualised_revenue" => "The month's revenue × 12.",
        "commitments_to_revenue" => "Outstanding commitments ÷ annualised revenue.",
        "outstanding" => "Remaining commitments of the vendor.",
        "phase" => "The delivery phase.",
        "resource" => "What the phase delivers (GPUs of a kind, MW).",
        "planned_date" => "When the phase is due.",
        "planned_quantity" => "How much the phase promises.",
        "receipt_date" => "When a receipt arrived (empty: nothing yet).",
        "received_quantity" => "How much that receipt brought.",
        "cumulative_received" => "Received for the phase so far.",
        "days_late" => "Days after the planned date (negative: early).",
        "outstanding_quantity" => "Planned minus received so far.",
        "plan_projected" => "Consumed plus the plan-driven forecast to the interval's end.",
        "plan_true_up" => "The true-up under the plan-driven forecast.",
        "run_rate_total" => "Spent plus the run-rate to the end of the period (the projection's total).",
        "run_rate_shortfall" => "Committed minus the run-rate total, when positive.",
        "plan_remaining" => "The plan-driven forecast of the spend still to come in the period.",
        "plan_total" => "Spent plus the plan-driven forecast.",
        "plan_shortfall" => "Committed minus the plan total, when positive.",
        "plan_exhaustion_date" => "The day the plan-driven forecast uses the commitment up.",
        "gpus_online" => "Accelerators received by the as-of date.",
        "gpus_to_come" => "Accelerators still to arrive.",
        "mw_online" => "Power (MW) delivered by the as-of date.",
        "mw_to_come" => "Power (MW) still to arrive.",
        "contracted" => "Every phase's quantity of the resource.",
        "planned" => "Due by the month's end on the planned dates.",
        "delivered" => "Received by the month's end (empty after the as-of month).",
        "expected" => "Online by the month's end on the plan-driven forecast's schedule.",
        "capacity_days_lost" => "Units × days planned but not yet delivered in the month.",
        "gpu_hours" => "Accelerator-hours online in the month.",
        "mw_months" => "MW online over the month (MW-days ÷ the month's days).",
        "card_spend" => "What the rate cards price the capacity online at.",
        "effective_per_gpu_hour" => "Spend ÷ GPU-hours online: the price actually paid.",
        "card_per_gpu_hour" => "Card spend ÷ GPU-hours: the price the rate cards expect.",
        "effective_per_mw_month" => "Spend ÷ MW-months online.",
        _ => "",
    }
}

impl ReportDoc {
    pub fn of(name: ReportName) -> Option<&'static ReportDoc> {
        REPORTS.iter().find(|r| r.name == name)
    }
}

/// `docs/reports.md`, written from the list above.
pub fn markdown() -> String {
    let mut md = String::from(
        "# Reports\n\n\
         Every report is served as `GET /api/reports/<name>.csv` and `.json` (the same query \
         as the Reports page: `as_of`, `vendor`, `contract`, `commitment`, `scenario`, \
         `window_days`), and by `compute-ledger report <name>`. Money has exactly two places \
         (rounded once, half to even); shares and ratios are fractions at full precision. \
         The app's Formats page shows the same text.\n",
    );
    for name in ReportName::ALL {
        let Some(doc) = ReportDoc::of(*name) else {
            continue;
        };
        md.push_str(&format!(
            "\n## `{}`\n\n{}\n\n{}\n\n| column | header | meaning |\n|---|---|---|\n",
            name.as_str(),
            name.describe(),
            doc.formula
        ));
        for column in doc.columns {
            md.push_str(&format!(
                "| `{column}` | {} | {} |\n",
                domain::columns::header(column),
                meaning(column)
            ));
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_and_column_is_explained() {
        for name in ReportName::ALL {
            let doc = ReportDoc::of(*name).unwrap_or_else(|| panic!("{name:?} undocumented"));
            for column in doc.columns {
                assert!(
                    !meaning(column).is_empty(),
                    "{name:?}: {column} unexplained"
                );
            }
        }
    }

    #[test]
    fn docs_reports_md_is_written_from_the_list() {
        store::testing::assert_doc_current("docs/reports.md", &markdown());
    }
}
