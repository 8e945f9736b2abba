//! The compute-ledger binary's pieces, as a library so that tests can start the real app.

pub mod alerts;
pub mod api;
pub mod auth;
pub mod board_pack;
pub mod board_pack_mail;
pub mod cli;
pub mod cli_alerts;
pub mod cli_rate_cards;
pub mod cli_rates;
pub mod cli_users;
pub mod download;
pub mod oidc;
pub mod progress;
pub mod report_api;
pub mod serve_args;
pub mod upload;
pub mod web;
