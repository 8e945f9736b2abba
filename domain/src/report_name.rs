//! The reports by name, and what each one answers (shared by the server, the CLI and the
//! browser's reports page).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportName {
    BurnDown,
    PortfolioBurnDown,
    Concentration,
    Ratio,
    Projection,
    Slippage,
    RatioTtm,
    CommitmentConcentration,
    TrueUp,
    RatioOutlook,
    Commitments,
    UsageBurnDown,
    PlanForecast,
    Capacity,
    CapacityCost,
}

impl ReportName {
    pub const ALL: &'static [ReportName] = &[
        ReportName::BurnDown,
        ReportName::PortfolioBurnDown,
        ReportName::Concentration,
        ReportName::Ratio,
        ReportName::Projection,
        ReportName::Slippage,
        ReportName::RatioTtm,
        ReportName::CommitmentConcentration,
        ReportName::TrueUp,
        ReportName::RatioOutlook,
        ReportName::Commitments,
        ReportName::UsageBurnDown,
        ReportName::PlanForecast,
        ReportName::Capacity,
        ReportName::CapacityCost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportName::BurnDown => "burndown",
            ReportName::PortfolioBurnDown => "portfolio-burndown",
            ReportName::Concentration => "concentration",
            ReportName::Ratio => "ratio",
            ReportName::Projection => "projection",
            ReportName::Slippage => "slippage",
            ReportName::RatioTtm => "ratio-ttm",
            ReportName::CommitmentConcentration => "commitment-concentration",
            ReportName::TrueUp => "trueup",
            ReportName::RatioOutlook => "ratio-outlook",
            ReportName::Commitments => "commitments",
            ReportName::UsageBurnDown => "usage-burndown",
            ReportName::PlanForecast => "plan-forecast",
            ReportName::Capacity => "capacity",
            ReportName::CapacityCost => "capacity-cost",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == raw)
            .ok_or_else(|| {
                format!(
                    "unknown report {raw:?}; the reports are {}",
                    Self::ALL
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

impl ReportName {
    /// One line for the reports page.
    pub fn describe(self) -> &'static str {
        match self {
            ReportName::BurnDown => "Per spend commitment and day: cumulative spend and remaining commitment.",
            ReportName::PortfolioBurnDown => "Per day: the filtered contracts together, cumulative spend and remaining commitment.",
            ReportName::Concentration => "Per month: each vendor's share of spend, and the HHI.",
            ReportName::Ratio => "Per month: infrastructure spend, revenue and their ratio.",
            ReportName::Projection => "Per spend commitment: run-rate projection to the end of its period, shortfall or exhaustion date.",
            ReportName::Slippage => "Per delivery phase: planned vs received, days late, capacity outstanding.",
            ReportName::RatioTtm => "Trailing twelve months ratio, and outstanding commitments ÷ annualised revenue.",
            ReportName::CommitmentConcentration => "Outstanding commitments by vendor, share and HHI.",
            ReportName::RatioOutlook => "Per month for the next twelve: spend at the projected run-rate, revenue held at its latest month (or grown by a scenario), and their ratio.",
            ReportName::UsageBurnDown => "Per usage commitment and day: quantity consumed so far and remaining, in its unit.",
            ReportName::Commitments => "Per commitment, spend or usage: applied, remaining (amount and quantity), and spend its scope kept out.",
            ReportName::TrueUp => "Per commitment: true-up owed or projected per fulfilment interval (build-up), exhaustion and on-demand overrun (burn-down), at the run-rate and by the delivery plan.",
            ReportName::PlanForecast => "Per spend commitment: the plan-driven forecast (capacity online and still to arrive × hours × utilisation × rate card) beside the run-rate projection.",
            ReportName::Capacity => "Per vendor, resource (GPUs of a kind, MW) and month: contracted, planned, delivered and expected capacity, and capacity-days lost to late deliveries.",
            ReportName::CapacityCost => "Per vendor, contract and month: spend per GPU-hour and per MW-month online, against the rate card's price.",
        }
    }
}
