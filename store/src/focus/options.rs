//! How a FOCUS cost-and-usage file is read: which cost is spend, which charge categories count.

/// Which FOCUS cost is spend against the commitment. `EffectiveCost` (the default) is what
/// the charge cost after discounts and with prepaid purchases spread over the period they
/// cover; `BilledCost` is what the invoice says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FocusCost {
    #[default]
    Effective,
    Billed,
}

impl FocusCost {
    pub fn column(self) -> &'static str {
        match self {
            FocusCost::Effective => "EffectiveCost",
            FocusCost::Billed => "BilledCost",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "effective" | "effectivecost" => Some(Self::Effective),
            "billed" | "billedcost" => Some(Self::Billed),
            _ => None,
        }
    }
}

/// Which charge categories besides Usage, Purchase and Credit count as spend.
///
/// FOCUS `Adjustment` rows change what a past charge cost (SLA credits, billing corrections,
/// refunds): they are real spend and count by default, applied to a contract only when their
/// `ContractApplied` names one. `Tax` is not infrastructure spend and is skipped by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FocusCharges {
    pub adjustments: bool,
    pub taxes: bool,
}

impl Default for FocusCharges {
    fn default() -> Self {
        Self {
            adjustments: true,
            taxes: false,
        }
    }
}

/// `count` or `skip` (the CLI's and the upload form's spelling).
pub fn parse_count_or_skip(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "count" | "include" | "yes" => Some(true),
        "skip" | "exclude" | "no" => Some(false),
        _ => None,
    }
}
