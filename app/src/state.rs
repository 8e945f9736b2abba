use leptos::prelude::{use_context, LeptosOptions, ServerFnError};
use sea_orm::DatabaseConnection;

/// What every request handler and server function can reach (provided as Leptos context).
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub reports: reports::ReportCache,
    /// Largest CSV the upload endpoint accepts.
    pub upload_limit_bytes: u64,
    /// How long a sign-in lasts.
    pub session_lifetime: chrono::Duration,
    /// Mark the session cookie `Secure` (also done per request behind a TLS proxy).
    pub secure_cookies: bool,
    /// Password and/or single sign-on, as the sign-in page offers them.
    pub sign_in: domain::SignInOptions,
    /// The currency dashboards consolidate into unless asked for another.
    pub reporting_currency: domain::Currency,
}

/// USD: the currency the boards of this ledger's users speak, unless configured otherwise.
pub fn default_reporting_currency() -> domain::Currency {
    domain::Currency::parse("USD").unwrap_or_else(|_| unreachable!("USD is a currency code"))
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, db: DatabaseConnection) -> Self {
        Self {
            leptos_options,
            db,
            reports: Default::default(),
            upload_limit_bytes: store::import::DEFAULT_UPLOAD_LIMIT_BYTES,
            session_lifetime: chrono::Duration::hours(store::auth::DEFAULT_SESSION_HOURS),
            secure_cookies: false,
            sign_in: Default::default(),
            reporting_currency: default_reporting_currency(),
        }
    }
}

impl AppState {
    /// The state of a command that reads the ledger as a page does but serves no site (the
    /// board pack from the command line, the benchmark).
    pub fn offline(db: DatabaseConnection) -> Self {
        let options = LeptosOptions::builder()
            .output_name("compute-ledger")
            .build();
        Self::new(options, db)
    }

    /// The state for one caller's requests: the reports they see always include their own
    /// writes (see `reports::ReportCache::viewed_by`).
    pub fn seen_by(mut self, principal: Option<&store::auth::Principal>) -> Self {
        if let Some(p) = principal {
            self.reports = self.reports.viewed_by(p.user_id);
        }
        self
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state inside a server function (leptos_axum provides it as context), for its caller.
pub fn app_state() -> Result<AppState, ServerFnError> {
    let state =
        use_context::<AppState>().ok_or_else(|| ServerFnError::new("server state is missing"))?;
    Ok(state.seen_by(crate::auth::principal().as_ref()))
}
