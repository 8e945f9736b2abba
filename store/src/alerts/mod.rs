//! Alerts in the ledger: the rules (audited like every entry), which of their subjects fire
//! now, the inbox of fired events, and the queue of their deliveries. What a rule finds is
//! worked out by the server from the reports; this module keeps the state that makes a rule
//! fire once per episode and a delivery retry until it succeeds.

pub mod deliveries;
pub mod firing;
pub mod inbox;
pub mod rules;
