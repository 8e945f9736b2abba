//! The one way to run a report: through the cache, at the ledger's current version.

use crate::{Report, ReportCache, ReportError, ReportName, ReportRequest};
use std::sync::Arc;

pub async fn run(
    cache: &ReportCache,
    db: &sea_orm::DatabaseConnection,
    name: ReportName,
    request: &ReportRequest,
) -> Result<Arc<Report>, ReportError> {
    let generation = cache.generation(db).await?;
    generation.report(name, request.clone()).await
}
