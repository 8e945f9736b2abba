//! The Alerts page: the inbox of fired alerts (acknowledge them), and the rules that fire them
//! (editors and admins add and remove rules). The top bar shows how many wait unacknowledged.

use crate::auth::CsrfField;
use crate::forms::{field_errors, word_options, Field, FormStatus, LoadError, Saved, SelectField};
use domain::alerts::{AlertEventView, AlertKind, AlertRuleView};
use domain::Permission;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "list_alert_rules", input = GetUrl)]
pub async fn list_alert_rules() -> Result<Vec<AlertRuleView>, ServerFnError> {
    crate::auth::require(Permission::Read)?;
    let state = crate::state::app_state()?;
    let rules = store::alerts::rules::list(&state.db)
        .await
        .map_err(crate::forms::database_error)?;
    Ok(rules.iter().map(|r| r.view()).collect())
}

#[server(prefix = "/api", endpoint = "list_alert_events", input = GetUrl)]
pub async fn list_alert_events() -> Result<Vec<AlertEventView>, ServerFnError> {
    crate::auth::require(Permission::Read)?;
    let state = crate::state::app_state()?;
    store::alerts::inbox::list(&state.db, 200)
        .await
        .map_err(crate::forms::database_error)
}

/// For the top bar: 0 when nobody is signed in (the sign-in page has the bar too).
#[server(prefix = "/api", endpoint = "unacknowledged_alerts", input = GetUrl)]
pub async fn unacknowledged_alerts() -> Result<u64, ServerFnError> {
    if crate::auth::principal().is_none() {
        return Ok(0);
    }
    let state = crate::state::app_state()?;
    store::alerts::inbox::unacknowledged(&state.db)
        .await
        .map_err(crate::forms::database_error)
}

#[server(prefix = "/api", endpoint = "create_alert_rule")]
#[allow(clippy::too_many_arguments)]
pub async fn create_alert_rule(
    csrf_token: String,
    name: String,
    kind: String,
    threshold: String,
    scope: String,
    webhook: String,
    email: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, Permission::WriteEntries)?;
    let raw = domain::alerts::RawAlertRule {
        name: &name,
        kind: &kind,
        threshold: &threshold,
        scope: &scope,
        webhook: &webhook,
        email: &email,
    };
    let result = store::alerts::rules::create_from(&state.db, &who.username, &raw).await;
    let name = name.trim();
    crate::forms::answer(result.map(|_| format!("Rule {name:?} is watching.")))
}

#[server(prefix = "/api", endpoint = "remove_alert_rule")]
pub async fn remove_alert_rule(csrf_token: String, name: String) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, Permission::WriteEntries)?;
    let result = store::alerts::rules::remove(&state.db, &who.username, &name).await;
    crate::forms::answer(result.map(|()| format!("Rule {name:?} is removed.")))
}

#[server(prefix = "/api", endpoint = "acknowledge_alert")]
pub async fn acknowledge_alert(csrf_token: String, id: String) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, Permission::Read)?;
    let id = crate::forms::parse_id(&id, "alert")?;
    match store::alerts::inbox::acknowledge(&state.db, &who.username, id).await {
        Ok(true) => Ok(Ok("Acknowledged.".into())),
        Ok(false) => Ok(Ok("Already acknowledged.".into())),
        Err(e) => Err(crate::forms::database_error(e)),
    }
}

/// "Alerts" in the top bar, with the count waiting.
#[component]
pub fn AlertsLink() -> impl IntoView {
    let count = Resource::new(|| (), |_| unacknowledged_alerts());
    view! {
        <a href="/alerts" id="alerts-link">
            "Alerts"
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match count.await {
                        Ok(n) if n > 0 => Some(view! {
                            <span class="badge" id="alerts-badge" aria-label=format!("{n} unacknowledged")>{n.to_string()}</span>
                        }),
                        _ => None,
                    }
                })}
            </Suspense>
        </a>
    }
}

#[component]
pub fn AlertsPage() -> impl IntoView {
    let create = ServerAction::<CreateAlertRule>::new();
    let remove = ServerAction::<RemoveAlertRule>::new();
    let acknowledge = ServerAction::<AcknowledgeAlert>::new();
    let rules = Resource::new(
        move || create.version().get() + remove.version().get(),
        |_| list_alert_rules(),
    );
    let events = Resource::new(move || acknowledge.version().get(), |_| list_alert_events());
    let errors = field_errors(create.value());
    let editor = crate::auth::may(Permission::WriteEntries);
    let kinds: Vec<(String, String)> = AlertKind::ALL
        .iter()
        .zip(word_options(AlertKind::ALL))
        .map(|(k, (value, _))| (value, k.describe().to_owned()))
        .collect();
    view! {
        <h1>"Alerts"</h1>
        <h2>"Inbox"</h2>
        <FormStatus answer=acknowledge.value() pending=acknowledge.pending()/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Ok(rows) if rows.is_empty() => Either::Left(view! { <p class="empty">"Nothing has fired. Rules below say what is watched."</p> }.into_any()),
                    Ok(rows) => Either::Left(view! {
                        <table class="ledger-table" id="alert-inbox">
                            <thead><tr>
                                <th scope="col">"Fired"</th><th scope="col">"Rule"</th><th scope="col">"What"</th>
                                <th scope="col">"Figure"</th><th scope="col">"Sent"</th><th scope="col">"Seen"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|e| {
                                    let id = e.id.to_string();
                                    let sent = e.deliveries.iter().map(|d| match &d.last_error {
                                        Some(error) if d.state != "sent" => format!("{} {}: {} after {} attempt(s): {error}", d.channel, d.target, d.state, d.attempts),
                                        _ => format!("{} {}: {}", d.channel, d.target, d.state),
                                    }).collect::<Vec<_>>().join("; ");
                                    let unseen = e.acknowledged.is_none();
                                    view! {
                                        <tr class:unseen=unseen>
                                            <td>{e.fired_at}</td>
                                            <td>{e.rule}</td>
                                            <td><a href=e.link>{e.message}</a></td>
                                            <td>{e.figure}</td>
                                            <td class="deliveries">{if sent.is_empty() { "inbox only".to_owned() } else { sent }}</td>
                                            <td>{match e.acknowledged {
                                                Some(by) => Either::Left(by),
                                                None => Either::Right(view! {
                                                    <ActionForm action=acknowledge>
                                                        <CsrfField/>
                                                        <input type="hidden" name="id" value=id/>
                                                        <button type="submit" class="link">"Acknowledge"</button>
                                                    </ActionForm>
                                                }),
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()),
                    Err(e) => Either::Right(view! { <LoadError error=e/> }),
                }
            })}
        </Transition>
        <h2>"Rules"</h2>
        <div class="form-row" class:hidden=!editor>
            <ActionForm action=create>
                <CsrfField/>
                <fieldset class="form-grid">
                    <legend>"Add a rule"</legend>
                    <Field form="alert" name="name" label="Name" errors required=true/>
                    <SelectField form="alert" name="kind" label="When" errors options=kinds/>
                    <Field form="alert" name="threshold" label="Threshold (x)" errors inputmode="decimal" hint="Blank: the kind's default."/>
                    <Field form="alert" name="scope" label="Scope" errors hint="all, vendor:NAME, contract:REF or commitment:REF/NAME"/>
                    <Field form="alert" name="webhook" label="Webhook URL" errors input_type="url" hint="Optional; Slack-compatible JSON, signed."/>
                    <Field form="alert" name="email" label="E-mail to" errors hint="Optional; comma-separated."/>
                    <button type="submit">"Add rule"</button>
                    <FormStatus answer=create.value() pending=create.pending()/>
                </fieldset>
            </ActionForm>
        </div>
        <FormStatus answer=remove.value() pending=remove.pending()/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rules.await {
                    Ok(rows) if rows.is_empty() => Either::Left(view! { <p class="empty">"No rule yet: add one to be told when a commitment runs ahead, a true-up looms or spend jumps."</p> }.into_any()),
                    Ok(rows) => Either::Left(view! {
                        <table class="ledger-table" id="alert-rules">
                            <thead><tr>
                                <th scope="col">"Name"</th><th scope="col">"When"</th><th scope="col">"x"</th>
                                <th scope="col">"Scope"</th><th scope="col">"Also to"</th><th scope="col">"By"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    let name = r.name.clone();
                                    let also: Vec<String> = r.webhook.iter().cloned().chain(r.email.iter().cloned()).collect();
                                    view! {
                                        <tr>
                                            <th scope="row">{r.name}</th>
                                            <td>{r.kind.describe()}</td>
                                            <td class="num">{r.threshold}</td>
                                            <td>{r.scope}</td>
                                            <td>{also.join(", ")}</td>
                                            <td>{r.created_by}</td>
                                            <td>{editor.then(|| view! {
                                                <ActionForm action=remove>
                                                    <CsrfField/>
                                                    <input type="hidden" name="name" value=name.clone()/>
                                                    <button type="submit" class="link">"Remove"</button>
                                                </ActionForm>
                                            })}</td>
                                        </tr>
                                    }
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
