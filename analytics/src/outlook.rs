//! How the forward-looking reports (projection, true-up, ratio outlook) carry spend past the
//! as-of date; the baseline's is the default, a what-if scenario sets its own (`scenario.rs`).

use std::collections::HashMap;

/// How the projections carry spend forward: the observed run-rate scaled, or a fixed spend a
/// day for a contract with no history (one that exists only in a scenario).
#[derive(Debug, Clone, PartialEq)]
pub struct Outlook {
    pub run_rate_factor: f64,
    pub fixed_daily_e6: HashMap<String, f64>,
    /// Revenue growth a month, compounded (0.05 = 5% a month); the baseline holds it flat.
    pub revenue_growth: f64,
    /// The plan-driven forecast's utilisation instead of the rate cards' (basis points).
    pub utilisation_bp: Option<i64>,
}

impl Default for Outlook {
    fn default() -> Self {
        Self {
            run_rate_factor: 1.0,
            fixed_daily_e6: HashMap::new(),
            revenue_growth: 0.0,
            utilisation_bp: None,
        }
    }
}

impl Outlook {
    /// The spend a day the projection carries forward for `contract`, from its observed one.
    pub fn run_rate(&self, contract: &str, observed: f64) -> f64 {
        self.fixed_daily_e6
            .get(contract)
            .copied()
            .unwrap_or(observed * self.run_rate_factor)
    }

    /// How much the observed variability widens or narrows with the run-rate.
    pub fn spread_factor(&self, contract: &str) -> f64 {
        if self.fixed_daily_e6.contains_key(contract) {
            0.0
        } else {
            self.run_rate_factor
        }
    }
}
