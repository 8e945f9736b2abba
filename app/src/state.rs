use leptos::prelude::LeptosOptions;
use sea_orm::DatabaseConnection;

/// What every request handler and server function can reach (provided as Leptos context).
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub reports: crate::reports::ReportCache,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, db: DatabaseConnection) -> Self {
        Self {
            leptos_options,
            db,
            reports: Default::default(),
        }
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
