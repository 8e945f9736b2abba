//! The board pack's stored parts: finance's commentary per month and section (audited), and
//! the published versions, each frozen with its figures and its PDF bytes.

use crate::entities::{board_pack, board_pack_commentary as commentary};
use crate::ledger::WriteError;
use crate::write::EntityWrite;
use chrono::{DateTime, Utc};
use domain::board_pack::{Month, PackVersionView, Section};
use domain::AuditEntity;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// The month's commentary, in section order; sections without any are left out.
pub async fn commentary(
    db: &impl ConnectionTrait,
    month: Month,
) -> Result<Vec<(Section, String)>, DbErr> {
    let rows = commentary::Entity::find()
        .filter(commentary::Column::Month.eq(month.to_string()))
        .all(db)
        .await?;
    let mut found: Vec<(Section, String)> = rows
        .into_iter()
        .filter_map(|row| Some((Section::parse(&row.section).ok()?, row.body)))
        .collect();
    found.sort_by_key(|(section, _)| Section::ALL.iter().position(|s| s == section));
    Ok(found)
}

/// Sets a section's commentary (empty text removes it); the audit entry keeps the text before.
pub async fn save_commentary(
    db: &DatabaseConnection,
    actor: &str,
    month: Month,
    section: Section,
    body: &str,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let existing = commentary::Entity::find()
        .filter(commentary::Column::Month.eq(month.to_string()))
        .filter(commentary::Column::Section.eq(section.as_str()))
        .one(&w.txn)
        .await?;
    let before = existing.as_ref().map(|row| row.body.clone());
    if before.as_deref().unwrap_or("") == body {
        return Ok(());
    }
    match (existing, body.is_empty()) {
        (Some(row), true) => {
            commentary::Entity::delete_by_id(row.id)
                .exec(&w.txn)
                .await?;
        }
        (Some(row), false) => {
            let mut active = row.into_active_model();
            active.body = Set(body.to_owned());
            active.updated_at = Set(Utc::now());
            active.updated_by = Set(actor.to_owned());
            active.update(&w.txn).await?;
        }
        (None, _) => {
            commentary::ActiveModel {
                month: Set(month.to_string()),
                section: Set(section.as_str().to_owned()),
                body: Set(body.to_owned()),
                updated_at: Set(Utc::now()),
                updated_by: Set(actor.to_owned()),
                ..Default::default()
            }
            .insert(&w.txn)
            .await?;
        }
    }
    let text = |body: Option<String>| body.map(|b| serde_json::json!({ "commentary": b }));
    w.commit(
        AuditEntity::BoardPack,
        Some(format!("{month} {section}")),
        "commentary",
        text(before),
        text((!body.is_empty()).then(|| body.to_owned())),
    )
    .await
}

/// A published version, without its PDF.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub id: i64,
    pub month: Month,
    pub version: i32,
    /// The figures as the pack showed them (JSON written by the app).
    pub content: String,
    pub changes: Vec<String>,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    pub emailed_at: Option<DateTime<Utc>>,
}

impl Published {
    pub fn view(&self) -> PackVersionView {
        let time = |at: DateTime<Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
        PackVersionView {
            version: self.version,
            published_at: time(self.published_at),
            published_by: self.published_by.clone(),
            changes: self.changes.clone(),
            emailed_at: self.emailed_at.map(time),
        }
    }
}

/// A stored version without its PDF, so listing versions does not read megabytes.
#[derive(sea_orm::FromQueryResult)]
struct Row {
    id: i64,
    month: String,
    version: i32,
    content: String,
    changes: String,
    published_at: DateTime<Utc>,
    published_by: String,
    emailed_at: Option<DateTime<Utc>>,
}

fn published(row: Row) -> Result<Published, DbErr> {
    let month = Month::parse(&row.month).map_err(DbErr::Custom)?;
    let changes = serde_json::from_str(&row.changes).map_err(|e| DbErr::Json(e.to_string()))?;
    Ok(Published {
        id: row.id,
        month,
        version: row.version,
        content: row.content,
        changes,
        published_at: row.published_at,
        published_by: row.published_by,
        emailed_at: row.emailed_at,
    })
}

fn without_pdf() -> sea_orm::Select<board_pack::Entity> {
    board_pack::Entity::find().select_only().columns([
        board_pack::Column::Id,
        board_pack::Column::Month,
        board_pack::Column::Version,
        board_pack::Column::Content,
        board_pack::Column::Changes,
        board_pack::Column::PublishedAt,
        board_pack::Column::PublishedBy,
        board_pack::Column::EmailedAt,
    ])
}

/// The month's published versions, newest first.
pub async fn versions(db: &impl ConnectionTrait, month: Month) -> Result<Vec<Published>, DbErr> {
    without_pdf()
        .filter(board_pack::Column::Month.eq(month.to_string()))
        .order_by_desc(board_pack::Column::Version)
        .into_model::<Row>()
        .all(db)
        .await?
        .into_iter()
        .map(published)
        .collect()
}

/// A published version's PDF as it was published: the newest, or `version`.
pub async fn pdf(
    db: &impl ConnectionTrait,
    month: Month,
    version: Option<i32>,
) -> Result<Option<(i32, Vec<u8>)>, DbErr> {
    let mut find = board_pack::Entity::find()
        .filter(board_pack::Column::Month.eq(month.to_string()))
        .order_by_desc(board_pack::Column::Version);
    if let Some(version) = version {
        find = find.filter(board_pack::Column::Version.eq(version));
    }
    Ok(find.one(db).await?.map(|row| (row.version, row.pdf)))
}

/// Stores `version` of the month's pack; refused when that version (or a later one) was
/// published meanwhile, so two people publishing at once cannot both be "version 2".
pub async fn publish(
    db: &DatabaseConnection,
    actor: &str,
    month: Month,
    version: i32,
    content: String,
    pdf: Vec<u8>,
    changes: &[String],
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let newest = without_pdf()
        .filter(board_pack::Column::Month.eq(month.to_string()))
        .order_by_desc(board_pack::Column::Version)
        .into_model::<Row>()
        .one(&w.txn)
        .await?;
    if let Some(newest) = newest.filter(|n| n.version >= version) {
        return Err(WriteError::Conflict(domain::FieldError::new(
            "month",
            format!(
                "version {} of {month} was published meanwhile by {}; publish again to issue the next",
                newest.version, newest.published_by
            ),
        )));
    }
    let bytes = pdf.len();
    board_pack::ActiveModel {
        month: Set(month.to_string()),
        version: Set(version),
        content: Set(content),
        pdf: Set(pdf),
        changes: Set(serde_json::to_string(changes).map_err(|e| DbErr::Json(e.to_string()))?),
        published_at: Set(Utc::now()),
        published_by: Set(actor.to_owned()),
        emailed_at: Set(None),
        ..Default::default()
    }
    .insert(&w.txn)
    .await?;
    w.commit(
        AuditEntity::BoardPack,
        Some(format!("{month} v{version}")),
        "publish",
        None,
        Some(serde_json::json!({ "version": version, "pdf_bytes": bytes, "changes": changes })),
    )
    .await
}

/// The newest version of each month not yet e-mailed, oldest month first (sending one marks
/// the month's older versions as superseded, see `mark_emailed`).
pub async fn not_emailed(db: &impl ConnectionTrait) -> Result<Vec<Published>, DbErr> {
    let rows = without_pdf()
        .filter(board_pack::Column::EmailedAt.is_null())
        .order_by_asc(board_pack::Column::Month)
        .order_by_desc(board_pack::Column::Version)
        .into_model::<Row>()
        .all(db)
        .await?;
    let mut newest: Vec<Published> = Vec::new();
    for row in rows {
        let row = published(row)?;
        if newest.last().is_none_or(|last| last.month != row.month) {
            newest.push(row);
        }
    }
    Ok(newest)
}

/// Records that a version went out; older unsent versions of the month are then superseded.
pub async fn mark_emailed(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    let at = Utc::now();
    if let Some(row) = board_pack::Entity::find_by_id(id).one(db).await? {
        board_pack::Entity::update_many()
            .col_expr(
                board_pack::Column::EmailedAt,
                sea_orm::sea_query::Expr::value(at),
            )
            .filter(board_pack::Column::Month.eq(row.month))
            .filter(board_pack::Column::Version.lte(row.version))
            .filter(board_pack::Column::EmailedAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}

/// What happened in a month, for the pack's "changes" section: contracts that started in it
/// (by their start date; archived ones left out), receipts dated in it, and alerts fired in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthChanges {
    /// (contract, title, start date)
    pub contracts: Vec<(String, String, chrono::NaiveDate)>,
    /// (contract, phase, resource, date, quantity in millionths)
    pub receipts: Vec<(String, String, String, chrono::NaiveDate, i64)>,
    /// (fired at, rule, message)
    pub alerts: Vec<(DateTime<Utc>, String, String)>,
}

pub async fn month_changes(db: &impl ConnectionTrait, month: Month) -> Result<MonthChanges, DbErr> {
    use crate::entities::{alert_event, contract, delivery_phase, delivery_receipt};
    let (first, last) = (month.first_day(), month.last_day());
    let contracts = contract::Entity::find()
        .filter(contract::Column::StartDate.between(first, last))
        .filter(contract::Column::ArchivedAt.is_null())
        .order_by_asc(contract::Column::StartDate)
        .order_by_asc(contract::Column::Reference)
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.reference, c.title, c.start_date))
        .collect();
    let receipts = delivery_receipt::Entity::find()
        .filter(delivery_receipt::Column::Date.between(first, last))
        .order_by_asc(delivery_receipt::Column::Date)
        .order_by_asc(delivery_receipt::Column::Id)
        .all(db)
        .await?;
    let phases: std::collections::HashMap<i64, delivery_phase::Model> =
        delivery_phase::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    let references: std::collections::HashMap<i64, String> = contract::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.reference))
        .collect();
    let receipts = receipts
        .into_iter()
        .filter_map(|r| {
            let phase = phases.get(&r.phase_id)?;
            let contract = references.get(&phase.contract_id)?.clone();
            Some((
                contract,
                phase.phase.clone(),
                phase.resource.clone(),
                r.date,
                r.quantity_micros,
            ))
        })
        .collect();
    let start = first.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let end = (last + chrono::Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let alerts = alert_event::Entity::find()
        .filter(alert_event::Column::FiredAt.gte(start))
        .filter(alert_event::Column::FiredAt.lt(end))
        .order_by_asc(alert_event::Column::FiredAt)
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.fired_at, e.rule_name, e.message))
        .collect();
    Ok(MonthChanges {
        contracts,
        receipts,
        alerts,
    })
}
