//! Everything that touches the database: connection and migrations, entities, queries,
//! CSV import/export and the demo ledger. The CLI, the server functions and the API all go
//! through here.

pub mod alerts;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod board_packs;
pub mod db;
pub mod demo;
pub mod entities;
pub mod export;
pub mod focus;
pub mod formats;
pub mod fx;
pub mod idempotency;
pub mod import;
pub mod keyed_csv;
pub mod ledger;
pub mod login_limit;
pub mod rate_cards;
pub mod reports;
pub mod roles;
mod rollup;
pub mod sso;
pub mod sweep;
pub mod testing;
mod write;

pub use db::{connect, default_database_url};
pub use import::{
    check_files, import_files, ImportError, ImportReport, ImportSource, LedgerFile, RowError,
};
pub use sea_orm::{DatabaseConnection, DbErr};
