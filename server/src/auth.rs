//! Who is asking, and may they: sessions and API tokens, sign-in and sign-out, the login rate
//! limit, CSRF on every state-changing request, and security headers on every response.
//!
//! Every request passes [`authenticate`]: a bearer token or the session cookie becomes a
//! [`Principal`] in the request's extensions (server functions read it from there). Nothing but
//! the sign-in page, `/healthz` and static files answers without one. Roles are checked where
//! the work is done (each server function and API handler), so a route cannot be reached by
//! guessing its URL.

use app::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use store::auth::{same_secret, Principal};
use store::login_limit;

pub const SESSION_COOKIE: &str = "ledger_session";
/// Single sign-on's two routes (see `crate::oidc`): public, as they are the way in.
pub const OIDC_START: &str = "/login/oidc";
pub const OIDC_CALLBACK: &str = "/login/oidc/callback";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf_token";
/// Form bodies read to find the CSRF field; bigger bodies must send the header instead.
const MAX_FORM_BYTES: usize = 1024 * 1024;

fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/login" | "/healthz" | "/favicon.png" | OIDC_START | OIDC_CALLBACK
    ) || path.starts_with("/pkg/")
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// The session cookie: HttpOnly, SameSite=Lax, the whole site; `None` removes it.
fn session_cookie(secret: Option<&str>, lifetime_seconds: i64, secure: bool) -> String {
    let max_age = match secret {
        Some(_) => cookie::time::Duration::seconds(lifetime_seconds),
        None => cookie::time::Duration::ZERO,
    };
    cookie::Cookie::build((SESSION_COOKIE, secret.unwrap_or_default()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(secure)
        .max_age(max_age)
        .build()
        .to_string()
}

/// Sign-ins, failed sign-ins and sign-outs in the audit trail: who, when and from where.
pub(crate) async fn audit_session(state: &AppState, who: &str, action: &str, address: &str) {
    let change = store::audit::Change {
        actor: who,
        entity: domain::AuditEntity::Session,
        entity_id: Some(address.to_owned()),
        action,
        before: None,
        after: Some(serde_json::json!({ "address": address })),
    };
    if let Err(e) = store::audit::record(&state.db, change).await {
        tracing::error!(error = %e, action, "cannot audit the session change");
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_owned())
}

fn plain(status: StatusCode, message: &str) -> Response {
    (status, format!("{message}\n")).into_response()
}

/// A refusal in the form the caller reads: problem details for the JSON API, text elsewhere.
fn refuse(path: &str, status: StatusCode, message: &str) -> Response {
    if path.starts_with(crate::api::problem::API_PREFIX) {
        crate::api::problem::Problem::new(status, message).into_response()
    } else {
        plain(status, message)
    }
}

pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let lookup = match (bearer(req.headers()), cookie(req.headers(), SESSION_COOKIE)) {
        (Some(token), _) => store::auth::token_principal(&state.db, &token).await,
        (None, Some(secret)) => store::auth::session_principal(&state.db, &secret).await,
        (None, None) => Ok(None),
    };
    let principal = match lookup {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "checking the session failed");
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "The ledger could not be reached. Please try again.",
            );
        }
    };
    let path = req.uri().path().to_owned();
    let Some(principal) = principal else {
        if is_public(&path) {
            return next.run(req).await;
        }
        if path.starts_with("/api/") {
            return refuse(
                &path,
                StatusCode::UNAUTHORIZED,
                "Sign in first, or send an API token (Authorization: Bearer …).",
            );
        }
        let target = req.uri().path_and_query().map_or("/", |p| p.as_str());
        let location = format!(
            "/login{}",
            domain::links::query_string(&[("next", target.to_owned())])
        );
        return Redirect::to(&location).into_response();
    };
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if writes {
        if let Some(expected) = principal.csrf_token.clone() {
            req = match check_csrf(req, &expected).await {
                Ok(req) => req,
                Err(response) => return response,
            };
        }
    }
    let user_id = principal.user_id;
    req.extensions_mut().insert(principal);
    let response = next.run(req).await;
    if writes {
        // After the handler: whatever it wrote has committed, and this user's next view must
        // include it.
        state.reports.wrote(user_id);
    }
    response
}

/// The session's CSRF token must come back in the `X-CSRF-Token` header or, for a form post,
/// in its `csrf_token` field. Token-authenticated requests carry no ambient credentials and
/// skip this.
async fn check_csrf(req: Request, expected: &str) -> Result<Request, Response> {
    let path = req.uri().path().to_owned();
    let refuse = || {
        tracing::warn!(%path, "refused a state-changing request without a valid CSRF token");
        refuse(
            &path,
            StatusCode::FORBIDDEN,
            "Missing or wrong CSRF token: reload the page and try again.",
        )
    };
    if let Some(sent) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if same_secret(sent, expected) {
            Ok(req)
        } else {
            Err(refuse())
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(refuse());
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return Err(plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The form is too large.",
        ));
    };
    let sent = form_urlencoded_field(&bytes, CSRF_FIELD);
    let req = Request::from_parts(parts, Body::from(bytes));
    match sent {
        Some(sent) if same_secret(&sent, expected) => Ok(req),
        _ => Err(refuse()),
    }
}

fn form_urlencoded_field(bytes: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// Headers on every response. A page sets its own CSP with its nonce (app::csp); everything
/// else gets the policy without one. Nothing may frame the app.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: &'static str, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(policy) = HeaderValue::from_str(&app::csp::policy(None)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "x-frame-options", "DENY");
    set(headers, "referrer-policy", "same-origin");
    response
}

#[derive(Debug, serde::Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Only a path on this site: never `//evil.example` or a full URL.
pub(crate) fn local_target(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/"
    }
}

pub(crate) fn back_to_login(pairs: &[(&str, String)]) -> Response {
    Redirect::to(&format!("/login{}", domain::links::query_string(pairs))).into_response()
}

/// Same-origin check for the one state-changing request made without a session.
fn cross_site(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match (
        headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()),
        host,
    ) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, rest)| rest) != Some(host),
        _ => false,
    }
}

/// Counts this attempt for the account and the address, then how long until they may try
/// again if either was already at its limit (then the attempt is taken back: a refusal
/// unchecked is not a failure). Returns the attempts to take back if the password is right.
async fn attempt(
    state: &AppState,
    account_key: &str,
    address_key: &str,
) -> Result<(Vec<i64>, Option<std::time::Duration>), store::DbErr> {
    let attempts = vec![
        login_limit::attempt(&state.db, account_key).await?,
        login_limit::attempt(&state.db, address_key).await?,
    ];
    // This attempt is counted, so the limit is reached past the limit.
    let account = login_limit::wait(
        &state.db,
        account_key,
        login_limit::MAX_FAILURES_PER_ACCOUNT + 1,
    );
    let address = login_limit::wait(
        &state.db,
        address_key,
        login_limit::MAX_FAILURES_PER_ADDRESS + 1,
    );
    let wait = account.await?.max(address.await?);
    if wait.is_some() {
        login_limit::forget(&state.db, &attempts).await?;
    }
    Ok((attempts, wait))
}

pub async fn login(State(state): State<AppState>, req: Request) -> Response {
    let connect = req.extensions().get::<ConnectInfo<SocketAddr>>().copied();
    let (parts, body) = req.into_parts();
    let headers = parts.headers;
    let form: LoginForm = match to_bytes(body, 64 * 1024)
        .await
        .ok()
        .and_then(|bytes| serde_urlencoded::from_bytes(&bytes).ok())
    {
        Some(form) => form,
        None => {
            return plain(
                StatusCode::BAD_REQUEST,
                "Send username and password as a form.",
            )
        }
    };
    if cross_site(&headers) {
        return plain(
            StatusCode::FORBIDDEN,
            "Sign-in from another site is refused.",
        );
    }
    let next = local_target(&form.next).to_owned();
    // No user name holds a control character; a NUL would not even reach PostgreSQL.
    let form = LoginForm {
        username: form.username.chars().filter(|c| !c.is_control()).collect(),
        ..form
    };
    if !state.sign_in.password {
        return back_to_login(&[("error", "password_off".into()), ("next", next)]);
    }
    let account_key = format!("user:{}", form.username.trim().to_lowercase());
    let address = connect.map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
    let address_key = format!("ip:{address}");
    let (attempts, wait) = match attempt(&state, &account_key, &address_key).await {
        Ok(counted) => counted,
        Err(e) => {
            tracing::error!(error = %e, "sign-in: cannot read the failure count");
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "The ledger could not be reached. Please try again.",
            );
        }
    };
    if let Some(wait) = wait {
        tracing::warn!(account = %account_key, address = %address_key, "sign-in refused: too many failures");
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return back_to_login(&[
            ("error", "locked".into()),
            ("retry", minutes.to_string()),
            ("next", next),
        ]);
    }
    let user = match store::auth::verify_password(&state.db, &form.username, &form.password).await {
        Ok(user) => user,
        Err(e) => {
            tracing::error!(error = %e, "sign-in: database error");
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "The ledger could not be reached. Please try again.",
            );
        }
    };
    let Some(user) = user else {
        // The attempt, counted before the check, stays as the failure.
        tracing::info!(account = %account_key, "sign-in failed");
        // As typed, but bounded: the trail must not grow by whatever is pasted into the box.
        let tried: String = form.username.trim().chars().take(64).collect();
        audit_session(&state, &tried, "failed sign-in", &address).await;
        return back_to_login(&[("error", "invalid".into()), ("next", next)]);
    };
    if let Err(e) = login_limit::clear(&state.db, &account_key).await {
        tracing::error!(error = %e, "sign-in: cannot clear the failures");
    }
    if let Err(e) = login_limit::forget(&state.db, &attempts).await {
        tracing::error!(error = %e, "sign-in: cannot take back the attempt");
    }
    start_session(&state, &user, &headers, &address, &next, "sign-in").await
}

/// The signed-in user's new session: the cookie set, the sign-in audited (`how`), and on to
/// `next` (already checked to be local).
pub(crate) async fn start_session(
    state: &AppState,
    user: &store::entities::user::Model,
    headers: &HeaderMap,
    address: &str,
    next: &str,
    how: &str,
) -> Response {
    let session =
        match store::auth::create_session(&state.db, user.id, state.session_lifetime).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "sign-in: cannot create the session");
                return plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The ledger could not be reached. Please try again.",
                );
            }
        };
    tracing::info!(user = %user.username, how, "signed in");
    let secure = state.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes() == b"https");
    let cookie = session_cookie(
        Some(&session.secret),
        state.session_lifetime.num_seconds(),
        secure,
    );
    audit_session(state, &user.username, how, address).await;
    let mut response = Redirect::to(next).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Ends the session (the CSRF check has already run in [`authenticate`]).
pub async fn logout(State(state): State<AppState>, req: Request) -> Response {
    let principal = req.extensions().get::<Principal>().cloned();
    let connect = req.extensions().get::<ConnectInfo<SocketAddr>>().copied();
    if let Some(secret) = cookie(req.headers(), SESSION_COOKIE) {
        if let Err(e) = store::auth::end_session(&state.db, &secret).await {
            tracing::error!(error = %e, "sign-out: cannot end the session");
        }
    }
    if let Some(who) = principal {
        let address = connect.map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
        audit_session(&state, &who.username, "sign-out", &address).await;
    }
    let mut response = back_to_login(&[("signed_out", "1".into())]);
    if let Ok(value) = HeaderValue::from_str(&session_cookie(None, 0, false)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The principal an API handler runs as, if its role allows `permission`.
pub fn require(
    principal: Option<&Principal>,
    permission: domain::Permission,
) -> Result<&Principal, Response> {
    domain::access::authorize(principal, |p| p.role, permission).map_err(|denied| {
        let status = StatusCode::from_u16(denied.status()).unwrap_or(StatusCode::FORBIDDEN);
        plain(status, &denied.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            local_target("/contracts?vendor=AWS"),
            "/contracts?vendor=AWS"
        );
        assert_eq!(local_target("//evil.example/x"), "/");
        assert_eq!(local_target("https://evil.example"), "/");
        assert_eq!(local_target(""), "/");
    }
}
