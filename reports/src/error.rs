#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    BadRequest(String),
    #[error("the ledger could not be read")]
    Database(#[from] sea_orm::DbErr),
    #[error("the report could not be computed")]
    Compute(#[from] analytics::PolarsError),
    #[error("the report could not be computed")]
    Worker(String),
}
