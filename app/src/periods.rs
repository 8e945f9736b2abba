//! Period close: the months closed for the books, closing one and reopening one (admins).

use crate::auth::CsrfField;
use crate::forms::{field_errors, Field, FormStatus, LoadError, Saved};
use domain::views::ClosedPeriod;
use domain::Permission;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "list_periods", input = GetUrl)]
pub async fn list_periods() -> Result<Vec<ClosedPeriod>, ServerFnError> {
    crate::auth::require(Permission::Read)?;
    let state = crate::state::app_state()?;
    store::ledger::periods::list(&state.db)
        .await
        .map_err(crate::forms::database_error)
}

/// A month from a month picker (`YYYY-MM`) or a date (`YYYY-MM-DD`, any day of it).
#[cfg(feature = "ssr")]
fn parse_month(raw: &str) -> Result<chrono::NaiveDate, Vec<domain::FieldError>> {
    let raw = raw.trim();
    let date = if raw.len() == 7 {
        format!("{raw}-01")
    } else {
        raw.to_owned()
    };
    domain::date::parse_iso_date(&date)
        .map(domain::date::month_start)
        .map_err(|e| vec![domain::FieldError::new("month", e)])
}

#[server(prefix = "/api", endpoint = "close_period")]
pub async fn close_period(csrf_token: String, month: String) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, Permission::ClosePeriods)?;
    let month = match parse_month(&month) {
        Ok(month) => month,
        Err(errors) => return Ok(Err(errors)),
    };
    let result = store::ledger::periods::close(&state.db, &who.username, month).await;
    crate::forms::answer(result.map(|()| format!("{} is closed.", month.format("%B %Y"))))
}

#[server(prefix = "/api", endpoint = "reopen_period")]
pub async fn reopen_period(csrf_token: String, month: String) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, Permission::ClosePeriods)?;
    let month = match parse_month(&month) {
        Ok(month) => month,
        Err(errors) => return Ok(Err(errors)),
    };
    let result = store::ledger::periods::reopen(&state.db, &who.username, month).await;
    crate::forms::answer(result.map(|()| format!("{} is open again.", month.format("%B %Y"))))
}

#[component]
pub fn PeriodsPage() -> impl IntoView {
    let close = ServerAction::<ClosePeriod>::new();
    let reopen = ServerAction::<ReopenPeriod>::new();
    let periods = Resource::new(
        move || close.version().get() + reopen.version().get(),
        |_| list_periods(),
    );
    let errors = field_errors(close.value());
    let admin = crate::auth::may(Permission::ClosePeriods);
    view! {
        <h1>"Closed months"</h1>
        <p class="hint">"Usage, revenue and receipts dated in a closed month cannot be added, corrected or imported until an admin reopens it."</p>
        <div class="form-row" class:hidden=!admin>
            <ActionForm action=close>
                <CsrfField/>
                <fieldset class="form-grid compact">
                    <legend>"Close a month"</legend>
                    <Field form="close-period" name="month" label="Month" errors input_type="month" required=true/>
                    <button type="submit">"Close month"</button>
                    <FormStatus answer=close.value() pending=close.pending()/>
                </fieldset>
            </ActionForm>
        </div>
        <FormStatus answer=reopen.value() pending=reopen.pending()/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match periods.await {
                    Ok(rows) if rows.is_empty() => Either::Left(view! { <p class="empty">"No month is closed."</p> }.into_any()),
                    Ok(rows) => Either::Left(view! {
                        <table class="ledger-table" id="periods">
                            <thead><tr>
                                <th scope="col">"Month"</th><th scope="col">"Closed"</th><th scope="col">"By"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|p| {
                                    let month = p.month.format("%Y-%m").to_string();
                                    view! {
                                        <tr>
                                            <th scope="row">{p.month.format("%B %Y").to_string()}</th>
                                            <td>{p.closed_at.format("%Y-%m-%d %H:%M UTC").to_string()}</td>
                                            <td>{p.closed_by}</td>
                                            <td>
                                                {admin.then(|| view! {
                                                    <ActionForm action=reopen>
                                                        <CsrfField/>
                                                        <input type="hidden" name="month" value=month.clone()/>
                                                        <button type="submit" class="link">"Reopen"</button>
                                                    </ActionForm>
                                                })}
                                            </td>
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
