//! Form plumbing shared by every page: what a write answers, fields that show their own error
//! beside them, and the line under a form that says what happened.
//!
//! Validation lives in the domain types; a server function parses the raw text with them and
//! answers `Ok(Err(field errors))` for bad input, so the form keeps what was typed and marks
//! each field. `Err(ServerFnError)` is for the rest (not found, database down).

use domain::FieldError;
use leptos::prelude::*;

/// A write's answer: a message for the user, or the fields to fix.
pub type Saved = Result<String, Vec<FieldError>>;

/// The last answer of a form's action.
pub type LastAnswer = Signal<Option<Result<Saved, ServerFnError>>>;

/// The field errors of the last answer (none before the first submit or after a success).
pub fn field_errors(answer: impl Into<LastAnswer>) -> Signal<Vec<FieldError>> {
    let answer = answer.into();
    Signal::derive(move || match answer.get() {
        Some(Ok(Err(errors))) => errors,
        _ => Vec::new(),
    })
}

fn error_for(errors: &[FieldError], name: &str) -> Option<String> {
    let reasons: Vec<&str> = errors
        .iter()
        .filter(|e| e.column == name)
        .map(|e| e.reason.as_str())
        .collect();
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// A labelled input with its error beside it. `form` keeps ids unique when a page has several
/// forms with a field of the same name.
#[component]
pub fn Field(
    form: &'static str,
    name: &'static str,
    label: &'static str,
    errors: Signal<Vec<FieldError>>,
    #[prop(optional, into)] value: String,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] inputmode: &'static str,
) -> impl IntoView {
    let id = format!("{form}-{name}");
    let error_id = format!("{id}-error");
    let error = move || errors.with(|e| error_for(e, name));
    view! {
        <div class="field" class:invalid=move || error().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                value=value
                required=required
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                placeholder=(!hint.is_empty()).then_some(hint)
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            <span class="field-error" id=error_id role="alert">{error}</span>
        </div>
    }
}

/// A labelled `<select>`; `options` are `(value, label)` pairs.
#[component]
pub fn SelectField(
    form: &'static str,
    name: &'static str,
    label: &'static str,
    errors: Signal<Vec<FieldError>>,
    options: Vec<(String, String)>,
    #[prop(optional, into)] selected: String,
) -> impl IntoView {
    let id = format!("{form}-{name}");
    let error_id = format!("{id}-error");
    let error = move || errors.with(|e| error_for(e, name));
    view! {
        <div class="field" class:invalid=move || error().is_some()>
            <label for=id.clone()>{label}</label>
            <select
                id=id
                name=name
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=error_id.clone()
            >
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let is_selected = value == selected;
                        view! { <option value=value selected=is_selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <span class="field-error" id=error_id role="alert">{error}</span>
        </div>
    }
}

/// Under the submit button: saved, what to fix, or why it failed.
#[component]
pub fn FormStatus(#[prop(into)] answer: LastAnswer, pending: Memo<bool>) -> impl IntoView {
    move || {
        if pending.get() {
            return view! { <p class="form-status" role="status">"Saving…"</p> }.into_any();
        }
        match answer.get() {
            Some(Ok(Ok(message))) => {
                view! { <p class="form-status saved" role="status">{message}</p> }.into_any()
            }
            Some(Ok(Err(errors))) => view! {
                <p class="form-status error" role="alert">
                    {format!(
                        "Nothing was saved: {} field{} to fix.",
                        errors.len(),
                        if errors.len() == 1 { "" } else { "s" }
                    )}
                </p>
            }
            .into_any(),
            Some(Err(e)) => view! {
                <p class="form-status error" role="alert">{server_message(&e)}</p>
            }
            .into_any(),
            None => ().into_any(),
        }
    }
}

/// The message a server function error carries, without the framework's prefix.
pub fn server_message(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        other => other.to_string(),
    }
}

/// The one way a page says that loading its data failed: the server's sentence, announced.
#[component]
pub fn LoadError(error: ServerFnError) -> impl IntoView {
    view! { <p class="error" role="alert">{server_message(&error)}</p> }
}

/// `(value, label)` options for a closed set of words, e.g. vendor kinds.
pub fn word_options<T: std::fmt::Display>(all: &[T]) -> Vec<(String, String)> {
    all.iter()
        .map(|w| (w.to_string(), w.to_string().replace('_', " ")))
        .collect()
}

#[cfg(feature = "ssr")]
pub use server_side::*;

#[cfg(feature = "ssr")]
mod server_side {
    use super::Saved;
    use leptos::prelude::ServerFnError;
    use store::ledger::WriteError;

    /// A store write's result as the form's answer. Database errors are logged in full and
    /// shown as a plain sentence: no SQL reaches the browser.
    pub fn answer(result: Result<String, WriteError>) -> Result<Saved, ServerFnError> {
        match result {
            Ok(message) => Ok(Ok(message)),
            Err(WriteError::Invalid(errors)) => Ok(Err(errors)),
            Err(WriteError::Conflict(error)) => Ok(Err(vec![error])),
            Err(WriteError::NotFound(message)) => Err(ServerFnError::new(message)),
            Err(WriteError::Database(e)) => Err(database_error(e)),
        }
    }

    /// An entry number from a form's hidden field.
    pub fn parse_id(raw: &str, what: &str) -> Result<i64, ServerFnError> {
        raw.trim()
            .parse()
            .map_err(|_| ServerFnError::new(format!("{raw:?} is not a {what} number")))
    }

    pub fn database_error(e: impl std::fmt::Display) -> ServerFnError {
        tracing::error!(error = %e, "database error");
        ServerFnError::new("The ledger could not be reached. Please try again.")
    }
}
