use std::fmt;

/// A rule broken by one field: which column (or form field) and why, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    pub column: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(column: &str, reason: impl Into<String>) -> Self {
        Self {
            column: column.to_owned(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.column, self.reason)
    }
}

impl std::error::Error for FieldError {}

/// Attaches the column name to a reason produced by a value parser.
pub trait InColumn<T> {
    fn in_column(self, column: &str) -> Result<T, FieldError>;
}

impl<T> InColumn<T> for Result<T, String> {
    fn in_column(self, column: &str) -> Result<T, FieldError> {
        self.map_err(|reason| FieldError::new(column, reason))
    }
}
