//! The signed-in user on the pages: the sign-in page, the user menu, the CSRF field every
//! writing form carries, and (on the server) the role check every server function starts with.

use domain::{Permission, SignedIn};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_router::hooks::use_query_map;

/// The signed-in user (None on the sign-in page). Read with `GetUrl`: it changes nothing.
#[server(prefix = "/api", endpoint = "current_user", input = GetUrl)]
pub async fn current_user() -> Result<Option<SignedIn>, ServerFnError> {
    Ok(initial_session())
}

/// The signed-in user when the page is built: on the server from the request, in the browser
/// from the `<meta name="ledger-session">` the server put in the page head (the same data, so
/// hydration sees what the server rendered; Rails does the same with its csrf meta tag).
pub fn initial_session() -> Option<SignedIn> {
    #[cfg(feature = "ssr")]
    {
        server_side::principal().map(|p| SignedIn {
            username: p.username,
            role: p.role,
            csrf_token: p.csrf_token.unwrap_or_default(),
        })
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        document()
            .query_selector("meta[name=ledger-session]")
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .and_then(|json| serde_json::from_str(&json).ok())
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        None
    }
}

/// For the page head (rendered on the server only): the session as JSON for
/// [`initial_session`].
pub fn session_meta() -> impl IntoView {
    let json = initial_session()
        .and_then(|s| serde_json::to_string(&s).ok())
        .unwrap_or_default();
    view! { <meta name="ledger-session" content=json/> }
}

pub use domain::SignInOptions;

/// The sign-in options, read like [`initial_session`]: from the server's state, in the
/// browser from the `<meta name="ledger-sign-in">` the server rendered.
pub fn sign_in_options() -> SignInOptions {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::state::AppState>()
            .map(|s| s.sign_in.clone())
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        document()
            .query_selector("meta[name=ledger-sign-in]")
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        SignInOptions::default()
    }
}

/// For the page head (rendered on the server only): the options for [`sign_in_options`].
pub fn sign_in_meta() -> impl IntoView {
    let json = serde_json::to_string(&sign_in_options()).unwrap_or_default();
    view! { <meta name="ledger-sign-in" content=json/> }
}

/// Provided by the app once the user is known; `None` while signed out.
#[derive(Clone)]
pub struct Session(pub Option<SignedIn>);

pub fn use_session() -> Option<SignedIn> {
    use_context::<Session>().and_then(|s| s.0)
}

/// Whether the signed-in user's role allows `permission` (only to hide what they cannot use;
/// the server checks again).
pub fn may(permission: Permission) -> bool {
    use_session().is_some_and(|s| s.may(permission))
}

/// The hidden field that carries the session's CSRF token in every form that writes.
#[component]
pub fn CsrfField() -> impl IntoView {
    let token = use_session().map(|s| s.csrf_token).unwrap_or_default();
    view! { <input type="hidden" name="csrf_token" value=token/> }
}

/// Shown instead of a form the user's role may not use.
#[component]
pub fn NotAllowed(what: &'static str) -> impl IntoView {
    let role = use_session()
        .map(|s| s.role.to_string())
        .unwrap_or_default();
    view! { <p class="empty not-allowed">{format!("A {role} cannot {what}.")}</p> }
}

#[component]
pub fn UserMenu() -> impl IntoView {
    {
        use_session().map(|s| {
            view! {
                <div class="user-menu">
                    <span class="who">{s.username.clone()}" · "{s.role.to_string()}</span>
                    <a href="/account">"Account"</a>
                    <form method="post" action="/logout">
                        <input type="hidden" name="csrf_token" value=s.csrf_token.clone()/>
                        <button type="submit" class="link light">"Sign out"</button>
                    </form>
                </div>
            }
        })
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let next = query.get("next").unwrap_or_default();
    let options = sign_in_options();
    let message = match query.get("error").as_deref() {
        Some("invalid") => Some(("error", "Wrong user name or password.".to_owned())),
        Some("sso") => Some((
            "error",
            "Single sign-on did not complete. Please try again.".to_owned(),
        )),
        Some("sso_expired") => Some((
            "error",
            "That sign-in was already used or took too long. Please sign in again.".to_owned(),
        )),
        Some("sso_email") => Some((
            "error",
            "Your identity provider did not vouch for an e-mail address, so no ledger user could be matched. Ask your administrator.".to_owned(),
        )),
        Some("disabled") => Some(("error", "Your account is disabled. Ask an administrator.".to_owned())),
        Some("password_off") => Some((
            "error",
            "Sign-in with a password is turned off here; use single sign-on.".to_owned(),
        )),
        Some("locked") => Some((
            "error",
            format!(
                "Too many failed sign-ins. Try again in {} minute(s).",
                query.get("retry").unwrap_or_else(|| "15".into())
            ),
        )),
        _ if query.get("signed_out").is_some() => Some(("saved", "You are signed out.".to_owned())),
        _ => None,
    };
    view! {
        <section class="login">
            <h1>"Sign in"</h1>
            {message.map(|(class, text)| view! { <p class=format!("form-status {class}") role="alert" id="login-message">{text}</p> })}
            {options.single_sign_on.clone().map(|label| {
                let href = format!("/login/oidc{}", domain::links::query_string(&[("next", next.clone())]));
                view! {
                    <p class="sso"><a class="button" id="login-sso" href=href>{format!("Sign in with {label}")}</a></p>
                }
            })}
            {options.password.then(|| view! {
            <form method="post" action="/login" class="form-grid compact">
                <input type="hidden" name="next" value=next.clone()/>
                <div class="field">
                    <label for="login-username">"User name"</label>
                    <input id="login-username" name="username" autocomplete="username" required autofocus/>
                </div>
                <div class="field">
                    <label for="login-password">"Password"</label>
                    <input id="login-password" name="password" type="password" autocomplete="current-password" required/>
                </div>
                <button type="submit">"Sign in"</button>
            </form>
            })}
        </section>
    }
}

#[cfg(feature = "ssr")]
pub use server_side::{principal, require, writer};

#[cfg(feature = "ssr")]
mod server_side {
    use leptos::prelude::*;
    use store::auth::Principal;

    pub fn principal() -> Option<Principal> {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Principal>().cloned())
    }

    fn status(code: http::StatusCode) {
        if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(code);
        }
    }

    /// How every writing server function starts: the caller (if their role allows
    /// `permission`) and the app state. `csrf_token` is the function's form field, already
    /// checked against the session by the CSRF middleware before the call.
    pub fn writer(
        csrf_token: String,
        permission: domain::Permission,
    ) -> Result<(Principal, crate::state::AppState), ServerFnError> {
        drop(csrf_token);
        Ok((require(permission)?, crate::state::app_state()?))
    }

    /// The caller, if their role allows `permission`; otherwise 401 / 403 and a sentence.
    pub fn require(permission: domain::Permission) -> Result<Principal, ServerFnError> {
        domain::access::authorize(principal(), |p| p.role, permission).map_err(|denied| {
            status(
                http::StatusCode::from_u16(denied.status()).unwrap_or(http::StatusCode::FORBIDDEN),
            );
            ServerFnError::new(denied.to_string())
        })
    }
}
