//! The audit trail page: every create, update, correction, archive and import, newest first.

use crate::forms::{LoadError, SelectField};
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
    let state = crate::state::app_state()?;
    let entity = match entity.trim() {
        "" => None,
        word => Some(word.parse::<domain::AuditEntity>().map_err(|_| {
            let words: Vec<&str> = domain::AuditEntity::ALL
                .iter()
                .map(|e| e.as_str())
                .collect();
            ServerFnError::new(format!(
                "{word:?} is not an entity; use one of {}",
                words.join(", ")
            ))
        })?),
    };
    store::ledger::history::list(
        &state.db,
        entity,
        store::ledger::PageRequest::new(page, PAGE_SIZE),
    )
    .await
    .map_err(crate::forms::database_error)
}

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
    let options: Vec<(String, String)> = std::iter::once((String::new(), "Everything".to_owned()))
        .chain(
            domain::AuditEntity::ALL
                .iter()
                .map(|e| (e.as_str().to_owned(), e.label().to_owned())),
        )
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
                    Err(e) => Either::Right(view! { <LoadError error=e/> }),
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
