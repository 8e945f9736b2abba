//! The audit trail page: every create, update, correction, archive and import, newest first.

use crate::forms::{server_message, SelectField};
use crate::paging::{page_param, param, Pager};
use domain::views::{AuditRow, Page};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

pub const PAGE_SIZE: u64 = 100;

#[server(prefix = "/api", endpoint = "list_audit", input = GetUrl)]
pub async fn list_audit(entity: String, page: u64) -> Result<Page<AuditRow>, ServerFnError> {
    crate::auth::require(domain::Permission::Read)?;
    use store::ledger::history::{self, ENTITIES};
    let state = crate::state::app_state()?;
    let entity = Some(entity.trim()).filter(|e| !e.is_empty());
    if let Some(e) = entity.filter(|e| !ENTITIES.contains(e)) {
        return Err(ServerFnError::new(format!(
            "{e:?} is not an entity; use one of {}",
            ENTITIES.join(", ")
        )));
    }
    history::list(
        &state.db,
        entity,
        store::ledger::PageRequest::new(page, PAGE_SIZE),
    )
    .await
    .map_err(crate::forms::database_error)
}

/// Labels for the store's entity names (`store::ledger::history::ENTITIES`, which the server
/// function checks against; the store is not part of the browser build).
const ENTITY_OPTIONS: &[(&str, &str)] = &[
    ("", "Everything"),
    ("vendor", "Vendors"),
    ("contract", "Contracts"),
    ("phase", "Delivery phases"),
    ("receipt", "Receipts"),
    ("usage", "Usage"),
    ("revenue", "Revenue"),
    ("import", "Imports"),
    ("user", "Users"),
    ("token", "API tokens"),
];

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let entries = Resource::new(
        move || {
            let q = query.get();
            (param(&q, "entity"), page_param(&q))
        },
        |(entity, page)| list_audit(entity, page),
    );
    let q = query.get_untracked();
    let options: Vec<(String, String)> = ENTITY_OPTIONS
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect();
    view! {
        <h1>"Audit trail"</h1>
        <Form method="GET" action="" attr:class="filters">
            <SelectField form="audit-filter" name="entity" label="Show" errors=Signal::derive(Vec::new) options selected=param(&q, "entity")/>
            <button type="submit">"Apply"</button>
        </Form>
        <Transition fallback=|| view! { <p class="loading">"Loading the audit trail…"</p> }>
            {move || Suspend::new(async move {
                let q = query.get_untracked();
                match entries.await {
                    Ok(page) => Either::Left(view! {
                        <HistoryTable rows=page.rows.clone()/>
                        <Pager page=page.page page_count=page.page_count() total=page.total path="/audit" filters=vec![("entity", param(&q, "entity"))]/>
                    }),
                    Err(e) => Either::Right(view! { <p class="error" role="alert">{server_message(&e)}</p> }),
                }
            })}
        </Transition>
    }
}

/// Who changed what, when: one row per change, field by field (before → after).
#[component]
pub fn HistoryTable(rows: Vec<AuditRow>) -> impl IntoView {
    if rows.is_empty() {
        return Either::Left(view! { <p class="empty">"No changes recorded yet."</p> });
    }
    Either::Right(view! {
        <table class="ledger-table" id="audit">
            <thead>
                <tr>
                    <th scope="col">"When (UTC)"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"What"</th>
                    <th scope="col">"Entry"</th>
                    <th scope="col">"Changes (before → after)"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| view! {
                    <tr>
                        <td class="date">{row.at.clone()}</td>
                        <td>{row.actor.clone()}</td>
                        <td>{format!("{} {}", row.entity, row.action)}</td>
                        <td>{row.entity_id.clone().unwrap_or_default()}</td>
                        <td class="wrap">
                            <ul class="changes">
                                {row.changes.iter().map(|(field, before, after)| view! {
                                    <li>
                                        <span class="field-name">{field.clone()}</span>": "
                                        {(!before.is_empty()).then(|| view! { <del>{before.clone()}</del>" → " })}
                                        <ins>{after.clone()}</ins>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    })
}
