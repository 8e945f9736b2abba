//! How the web server is started: its flags and environment variables (read by `cli` for
//! `serve`, used by `web`).

use clap::Parser;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (default: LEPTOS_SITE_ADDR, else 127.0.0.1:3000); port 0 picks a free port.
    #[arg(long)]
    pub addr: Option<std::net::SocketAddr>,
    /// Do not load the demo ledger into an empty database.
    // Boolish: the environment says `1`/`0` (as the README and the systemd unit do) as often
    // as `true`/`false`; clap's default parser for flags refuses `1`.
    #[arg(long, env = "LEDGER_NO_DEMO", action = clap::ArgAction::SetTrue, value_parser = clap::builder::BoolishValueParser::new())]
    pub no_demo: bool,
    /// Largest CSV the browser upload accepts, in MiB (bigger files: use `import` on the server).
    #[arg(long, env = "LEDGER_MAX_UPLOAD_MB", default_value_t = store::import::DEFAULT_UPLOAD_LIMIT_BYTES / (1024 * 1024))]
    pub max_upload_mb: u64,
    /// Hours a sign-in lasts before the user must sign in again.
    #[arg(long, env = "LEDGER_SESSION_HOURS", default_value_t = store::auth::DEFAULT_SESSION_HOURS)]
    pub session_hours: i64,
    /// Mark the session cookie Secure (set this when serving over HTTPS; behind a proxy that
    /// sends X-Forwarded-Proto: https it is set per request anyway).
    #[arg(long, env = "LEDGER_SECURE_COOKIES", action = clap::ArgAction::SetTrue, value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookies: bool,
    /// How old, in milliseconds, the figures a page or report shows may be while the ledger is
    /// being written: views within this time of the last check share one version instead of
    /// each asking the database and recomputing (a user always sees their own writes). 0 asks
    /// on every request.
    #[arg(long, env = "LEDGER_REPORT_MAX_AGE_MS", default_value_t = 250)]
    pub report_max_age_ms: u64,
    /// The currency the dashboards consolidate every amount into at the stored exchange
    /// rates unless the filter bar asks for another (or for each currency on its own).
    #[arg(long, env = "LEDGER_REPORTING_CURRENCY", default_value = "USD", value_parser = parse_currency)]
    pub reporting_currency: domain::Currency,
    #[command(flatten)]
    pub single_sign_on: SingleSignOnArgs,
}

pub(crate) fn parse_currency(raw: &str) -> Result<domain::Currency, String> {
    domain::Currency::parse(raw)
}

/// OpenID Connect sign-in with the company's identity provider (off unless an issuer is given).
#[derive(Debug, Clone, clap::Args)]
pub struct SingleSignOnArgs {
    /// The identity provider's issuer URL (its discovery document is read from
    /// ISSUER/.well-known/openid-configuration); setting it turns single sign-on on.
    #[arg(long, env = "LEDGER_OIDC_ISSUER", requires_all = ["oidc_client_id", "public_url"])]
    pub oidc_issuer: Option<String>,
    /// The client id this ledger is registered under at the provider.
    #[arg(long, env = "LEDGER_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// The client secret (better set in the environment than on the command line).
    #[arg(long, env = "LEDGER_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// The address users reach the ledger at, e.g. https://ledger.example.com; register
    /// PUBLIC_URL/login/oidc/callback as the redirect URI at the provider.
    #[arg(long, env = "LEDGER_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The role of a user created at their first single sign-on when no group maps to one.
    #[arg(long, env = "LEDGER_OIDC_DEFAULT_ROLE", default_value = "viewer", value_parser = domain::Role::parse)]
    pub oidc_default_role: domain::Role,
    /// The ID token claim that lists the user's groups (e.g. `groups`), read with --oidc-roles.
    #[arg(long, env = "LEDGER_OIDC_ROLE_CLAIM")]
    pub oidc_role_claim: Option<String>,
    /// Which group gives which role, e.g. `ledger-admins=admin,finance=editor`; a user in
    /// several gets the strongest, and the role is set again at every sign-in.
    #[arg(long, env = "LEDGER_OIDC_ROLES")]
    pub oidc_roles: Option<String>,
    /// The name on the sign-in button ("Sign in with …").
    #[arg(
        long,
        env = "LEDGER_OIDC_LABEL",
        default_value = "your company account"
    )]
    pub oidc_label: String,
    /// Turn password sign-in off (only with single sign-on configured).
    #[arg(long, env = "LEDGER_NO_PASSWORD_LOGIN", action = clap::ArgAction::SetTrue, value_parser = clap::builder::BoolishValueParser::new())]
    pub no_password_login: bool,
}

impl ServeArgs {
    /// `serve` with no flags: defaults and environment variables, as if typed on its own.
    pub fn from_env() -> Self {
        #[derive(Parser)]
        struct ServeOnly {
            #[command(flatten)]
            args: ServeArgs,
        }
        ServeOnly::parse_from(["compute-ledger"]).args
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Parser)]
    struct Serve {
        #[command(flatten)]
        args: ServeArgs,
    }

    // The only test that sets these variables, so no other test sees them change.
    #[test]
    fn flags_take_one_and_zero_from_the_environment() {
        std::env::set_var("LEDGER_NO_DEMO", "1");
        std::env::set_var("LEDGER_SECURE_COOKIES", "0");
        let args = Serve::try_parse_from(["compute-ledger"]).unwrap().args;
        assert!(args.no_demo);
        assert!(!args.secure_cookies);
        std::env::set_var("LEDGER_NO_DEMO", "maybe");
        assert!(Serve::try_parse_from(["compute-ledger"]).is_err());
        std::env::remove_var("LEDGER_NO_DEMO");
        std::env::remove_var("LEDGER_SECURE_COOKIES");
        let args = Serve::try_parse_from(["compute-ledger", "--no-demo"])
            .unwrap()
            .args;
        assert!(args.no_demo && !args.secure_cookies);
    }
}
