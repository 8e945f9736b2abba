//! sea-orm entities, one per table (see `migrations` for the constraints).

pub mod alert_delivery;
pub mod alert_event;
pub mod alert_firing;
pub mod alert_rule;
pub mod api_token;
pub mod audit_log;
pub mod board_pack;
pub mod board_pack_commentary;
pub mod commitment;
pub mod contract;
pub mod delivery_phase;
pub mod delivery_receipt;
pub mod exchange_rate;
pub mod import;
pub mod login_failure;
pub mod oidc_login;
pub mod rate_card;
pub mod revenue_entry;
pub mod session;
pub mod usage_entry;
pub mod user;
pub mod vendor;
