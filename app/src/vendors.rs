//! Vendors: who the commitments are signed with. Create one, rename or re-classify it.

use crate::auth::CsrfField;
use crate::forms::{field_errors, word_options, Field, FormStatus, LoadError, Saved, SelectField};
use domain::views::VendorRow;
use domain::VendorKind;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "list_vendors", input = GetUrl)]
pub async fn list_vendors() -> Result<Vec<VendorRow>, ServerFnError> {
    crate::auth::require(domain::Permission::Read)?;
    let state = crate::state::app_state()?;
    store::ledger::vendors::list(&state.db)
        .await
        .map_err(crate::forms::database_error)
}

#[cfg(feature = "ssr")]
fn parse(name: &str, kind: &str) -> Result<domain::NewVendor, Vec<domain::FieldError>> {
    domain::NewVendor::parse(&domain::entries::RawVendor { name, kind })
}

#[server(prefix = "/api", endpoint = "create_vendor")]
pub async fn create_vendor(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    name: String,
    kind: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::WriteEntries)?;
    let new = match parse(&name, &kind) {
        Ok(new) => new,
        Err(errors) => return Ok(Err(errors)),
    };
    let display = new.name.clone();
    let result = store::ledger::vendors::create(&state.db, &who.username, new).await;
    crate::forms::answer(result.map(|_| format!("Vendor {display} added.")))
}

#[server(prefix = "/api", endpoint = "update_vendor")]
pub async fn update_vendor(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    id: String,
    name: String,
    kind: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::WriteEntries)?;
    let id = crate::forms::parse_id(&id, "vendor")?;
    let new = match parse(&name, &kind) {
        Ok(new) => new,
        Err(errors) => return Ok(Err(errors)),
    };
    let display = new.name.clone();
    let result = store::ledger::vendors::update(&state.db, &who.username, id, new).await;
    crate::forms::answer(result.map(|()| format!("Vendor {display} saved.")))
}

#[component]
pub fn VendorsPage() -> impl IntoView {
    let create = ServerAction::<CreateVendor>::new();
    let update = ServerAction::<UpdateVendor>::new();
    let editing = RwSignal::new(None::<VendorRow>);
    let vendors = Resource::new(
        move || create.version().get() + update.version().get(),
        |_| list_vendors(),
    );
    let errors = field_errors(create.value());
    view! {
        <h1>"Vendors"</h1>
        <div class="form-row" class:hidden=!crate::auth::may(domain::Permission::WriteEntries)>
            <ActionForm action=create>
                <CsrfField/>
                <fieldset class="form-grid compact">
                    <legend>"Add a vendor"</legend>
                    <Field form="vendor" name="name" label="Name" errors required=true hint="CoreWeave"/>
                    <SelectField form="vendor" name="kind" label="Kind" errors options=word_options(VendorKind::ALL) selected="other"/>
                    <button type="submit">"Add vendor"</button>
                    <FormStatus answer=create.value() pending=create.pending()/>
                </fieldset>
            </ActionForm>
            {move || editing.get().map(|v| {
                let errors = field_errors(update.value());
                view! {
                    <ActionForm action=update>
                        <CsrfField/>
                        <fieldset class="form-grid compact">
                            <legend>{format!("Edit {}", v.name)}</legend>
                            <input type="hidden" name="id" value=v.id.to_string()/>
                            <Field form="edit-vendor" name="name" label="Name" errors value=v.name.clone() required=true/>
                            <SelectField form="edit-vendor" name="kind" label="Kind" errors options=word_options(VendorKind::ALL) selected=v.kind.clone()/>
                            <button type="submit">"Save vendor"</button>
                            <FormStatus answer=update.value() pending=update.pending()/>
                        </fieldset>
                    </ActionForm>
                }
            })}
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading vendors…"</p> }>
            {move || Suspend::new(async move {
                match vendors.await {
                    Ok(rows) if rows.is_empty() => Either::Left(view! { <p class="empty">"No vendors yet: add the first one above."</p> }.into_any()),
                    Ok(rows) => Either::Left(view! {
                        <table class="ledger-table" id="vendors">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Kind"</th>
                                    <th scope="col" class="num">"Contracts"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|v| {
                                    let for_button = v.clone();
                                    view! {
                                        <tr>
                                            <th scope="row">{v.name.clone()}</th>
                                            <td>{v.kind.clone()}</td>
                                            <td class="num">{v.contracts}</td>
                                            <td>
                                                <button type="button" class="link" on:click=move |_| editing.set(Some(for_button.clone()))>"Edit"</button>
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
