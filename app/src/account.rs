//! The signed-in user's account: who they are, and their API tokens for scripts (an analyst's
//! cron job exporting reports). A token acts with its owner's role; it is shown once and only
//! its hash is kept.

use crate::auth::{use_session, CsrfField};
use crate::forms::{field_errors, Field, FormStatus, LoadError, Saved};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

#[server(prefix = "/api", endpoint = "list_tokens", input = GetUrl)]
pub async fn list_tokens() -> Result<Vec<TokenRow>, ServerFnError> {
    let who = crate::auth::require(domain::Permission::Read)?;
    let state = crate::state::app_state()?;
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    Ok(store::auth::list_tokens(&state.db, who.user_id)
        .await
        .map_err(crate::forms::database_error)?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            created_at: fmt(t.created_at),
            last_used_at: t.last_used_at.map(fmt),
            revoked: t.revoked_at.is_some(),
        })
        .collect())
}

/// The answer carries the token itself: the only time it is ever shown.
#[server(prefix = "/api", endpoint = "create_token")]
pub async fn create_token(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    name: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::Read)?;
    match store::auth::create_token(&state.db, &who.username, who.user_id, &name).await {
        Ok((_, secret)) => Ok(Ok(format!(
            "Token created. Copy it now, it is not shown again: {secret}"
        ))),
        Err(store::auth::UserError::Invalid(errors)) => Ok(Err(errors)),
        Err(store::auth::UserError::Database(e)) => Err(crate::forms::database_error(e)),
    }
}

#[server(prefix = "/api", endpoint = "revoke_token")]
pub async fn revoke_token(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    id: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::Read)?;
    let id = crate::forms::parse_id(&id, "token")?;
    match store::auth::revoke_token(&state.db, &who, id).await {
        Ok(true) => Ok(Ok(format!("Token #{id} revoked."))),
        Ok(false) => Err(ServerFnError::new(format!("no token #{id} of yours"))),
        Err(e) => Err(crate::forms::database_error(e)),
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = Resource::new(
        move || create.version().get() + revoke.version().get(),
        |_| list_tokens(),
    );
    let errors = field_errors(create.value());
    let who = use_session()
        .map(|s| format!("Signed in as {} ({}).", s.username, s.role))
        .unwrap_or_default();
    view! {
        <h1>"Account"</h1>
        <p class="lead">{who}</p>
        <h2>"API tokens"</h2>
        <p class="lead">
            "For scripts: send " <code>"Authorization: Bearer <token>"</code>
            " to the reports and ledger APIs. A token can do what your role can, until you revoke it. "
            <a href="/api-docs.html" rel="external" id="api-reference">"API reference"</a>
        </p>
        <ActionForm action=create>
            <CsrfField/>
            <fieldset class="form-grid compact">
                <legend>"New token"</legend>
                <Field form="token" name="name" label="What uses it" errors required=true hint="nightly report export"/>
                <button type="submit">"Create token"</button>
                <FormStatus answer=create.value() pending=create.pending()/>
            </fieldset>
        </ActionForm>
        <FormStatus answer=revoke.value() pending=revoke.pending()/>
        <Transition fallback=|| view! { <p class="loading">"Loading tokens…"</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(rows) if rows.is_empty() => Either::Left(view! { <p class="empty">"No tokens yet."</p> }.into_any()),
                    Ok(rows) => Either::Left(view! {
                        <table class="ledger-table" id="tokens">
                            <thead><tr>
                                <th scope="col">"#"</th><th scope="col">"Name"</th><th scope="col">"Created"</th>
                                <th scope="col">"Last used"</th><th scope="col">"Status"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|t| view! {
                                    <tr>
                                        <td class="num">{t.id}</td>
                                        <th scope="row">{t.name.clone()}</th>
                                        <td>{t.created_at.clone()}</td>
                                        <td>{t.last_used_at.clone().unwrap_or_else(|| "never".into())}</td>
                                        <td>
                                            {if t.revoked {
                                                Either::Left(view! { <span class="badge">"revoked"</span> })
                                            } else {
                                                Either::Right(view! {
                                                    <ActionForm action=revoke>
                                                        <CsrfField/>
                                                        <input type="hidden" name="id" value=t.id.to_string()/>
                                                        <button type="submit" class="link">"Revoke"</button>
                                                    </ActionForm>
                                                })
                                            }}
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()),
                    Err(e) => Either::Right(view! { <LoadError error=e/> }),
                }
            })}
        </Transition>
    }
}
