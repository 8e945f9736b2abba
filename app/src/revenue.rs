//! Revenue: one entry per month and currency; add one or correct one.

use crate::auth::CsrfField;
use crate::forms::{field_errors, Field, FormStatus, LoadError, Saved};
use crate::paging::param;
use domain::views::RevenueRow;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[server(prefix = "/api", endpoint = "list_revenue", input = GetUrl)]
pub async fn list_revenue(from: String, to: String) -> Result<Vec<RevenueRow>, ServerFnError> {
    crate::auth::require(domain::Permission::Read)?;
    let state = crate::state::app_state()?;
    let month = |raw: &str, what: &str| -> Result<Option<chrono::NaiveDate>, ServerFnError> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        // A month picker sends YYYY-MM; a date picker YYYY-MM-DD.
        let date = if raw.trim().len() == 7 {
            format!("{}-01", raw.trim())
        } else {
            raw.to_owned()
        };
        domain::date::parse_iso_date(&date)
            .map(Some)
            .map_err(|e| ServerFnError::new(format!("{what}: {e}")))
    };
    store::ledger::revenue::list(&state.db, month(&from, "from")?, month(&to, "to")?)
        .await
        .map_err(crate::forms::database_error)
}

#[cfg(feature = "ssr")]
fn parse(
    period_start: &str,
    amount: &str,
    currency: &str,
) -> Result<domain::NewRevenue, Vec<domain::FieldError>> {
    domain::NewRevenue::parse(&domain::entries::RawRevenue {
        period_start,
        amount,
        currency,
    })
}

#[server(prefix = "/api", endpoint = "add_revenue")]
pub async fn add_revenue(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    period_start: String,
    amount: String,
    currency: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::WriteEntries)?;
    let new = match parse(&period_start, &amount, &currency) {
        Ok(new) => new,
        Err(errors) => return Ok(Err(errors)),
    };
    let result = store::ledger::revenue::add(&state.db, &who.username, new).await;
    crate::forms::answer(result.map(|id| format!("Revenue entry #{id} added.")))
}

#[server(prefix = "/api", endpoint = "correct_revenue")]
pub async fn correct_revenue(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    id: String,
    period_start: String,
    amount: String,
    currency: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::WriteEntries)?;
    let id = crate::forms::parse_id(&id, "revenue entry")?;
    let new = match parse(&period_start, &amount, &currency) {
        Ok(new) => new,
        Err(errors) => return Ok(Err(errors)),
    };
    let result = store::ledger::revenue::correct(&state.db, &who.username, id, new).await;
    crate::forms::answer(result.map(|()| format!("Revenue entry #{id} corrected.")))
}

#[component]
pub fn RevenuePage() -> impl IntoView {
    let query = use_query_map();
    let add = ServerAction::<AddRevenue>::new();
    let correct = ServerAction::<CorrectRevenue>::new();
    let editing = RwSignal::new(None::<RevenueRow>);
    let revenue = Resource::new(
        move || {
            let q = query.get();
            (
                param(&q, "from"),
                param(&q, "to"),
                add.version().get() + correct.version().get(),
            )
        },
        |(from, to, _)| list_revenue(from, to),
    );
    let add_errors = field_errors(add.value());
    let no_errors = Signal::derive(Vec::new);
    let q = query.get_untracked();
    view! {
        <h1>"Revenue"</h1>
        <Form method="GET" action="" attr:class="filters">
            <Field form="revenue-filter" name="from" label="From month" errors=no_errors input_type="month" value=param(&q, "from")/>
            <Field form="revenue-filter" name="to" label="To month" errors=no_errors input_type="month" value=param(&q, "to")/>
            <button type="submit">"Apply"</button>
        </Form>
        <div class="form-row" class:hidden=!crate::auth::may(domain::Permission::WriteEntries)>
            <ActionForm action=add>
                <CsrfField/>
                <fieldset class="form-grid compact">
                    <legend>"Add a month's revenue"</legend>
                    <Field form="add-revenue" name="period_start" label="Month (first day)" errors=add_errors input_type="date" required=true/>
                    <Field form="add-revenue" name="amount" label="Amount" errors=add_errors inputmode="decimal" required=true/>
                    <Field form="add-revenue" name="currency" label="Currency" errors=add_errors value="USD" required=true/>
                    <button type="submit">"Add revenue"</button>
                    <FormStatus answer=add.value() pending=add.pending()/>
                </fieldset>
            </ActionForm>
            {move || editing.get().map(|row| {
                let errors = field_errors(correct.value());
                view! {
                    <ActionForm action=correct>
                        <CsrfField/>
                        <fieldset class="form-grid compact">
                            <legend>{format!("Correct entry #{}", row.id)}</legend>
                            <input type="hidden" name="id" value=row.id.to_string()/>
                            <Field form="correct-revenue" name="period_start" label="Month (first day)" errors input_type="date" value=row.period_start.to_string() required=true/>
                            <Field form="correct-revenue" name="amount" label="Amount" errors inputmode="decimal" value=row.amount.amount_string() required=true/>
                            <Field form="correct-revenue" name="currency" label="Currency" errors value=row.amount.currency().to_string() required=true/>
                            <button type="submit">"Save correction"</button>
                            <FormStatus answer=correct.value() pending=correct.pending()/>
                        </fieldset>
                    </ActionForm>
                }
            })}
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading revenue…"</p> }>
            {move || Suspend::new(async move {
                match revenue.await {
                    Ok(rows) if rows.is_empty() => Either::Left(view! { <p class="empty">"No revenue recorded for this selection."</p> }.into_any()),
                    Ok(rows) => Either::Left(view! { <RevenueTable rows editing/> }.into_any()),
                    Err(e) => Either::Right(view! { <LoadError error=e/> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn RevenueTable(rows: Vec<RevenueRow>, editing: RwSignal<Option<RevenueRow>>) -> impl IntoView {
    view! {
        <table class="ledger-table" id="revenue">
            <thead>
                <tr>
                    <th scope="col">"#"</th>
                    <th scope="col">"Month"</th>
                    <th scope="col" class="num">"Revenue"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let for_button = row.clone();
                        view! {
                            <tr>
                                <td class="num">{row.id}</td>
                                <td class="date">{row.period_start.format("%Y-%m").to_string()}</td>
                                <td class="num">{row.amount.display_grouped()}</td>
                                <td>
                                    <button type="button" class="link" on:click=move |_| editing.set(Some(for_button.clone()))>
                                        "Correct"
                                    </button>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
