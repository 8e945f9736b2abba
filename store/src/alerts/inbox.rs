//! The in-app inbox: fired alerts newest first, how their deliveries went, acknowledgement.

use crate::entities::{alert_delivery, alert_event};
use chrono::Utc;
use domain::alerts::{AlertEventView, DeliveryView};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// The newest `limit` events.
pub async fn list(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<AlertEventView>, DbErr> {
    let events = alert_event::Entity::find()
        .order_by_desc(alert_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let deliveries = alert_delivery::Entity::find()
        .filter(alert_delivery::Column::EventId.is_in(ids))
        .order_by_asc(alert_delivery::Column::Id)
        .all(db)
        .await?;
    let time = |t: chrono::DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    Ok(events
        .into_iter()
        .map(|e| AlertEventView {
            id: e.id,
            deliveries: deliveries
                .iter()
                .filter(|d| d.event_id == e.id)
                .map(|d| DeliveryView {
                    channel: d.channel.clone(),
                    target: match d.channel.as_str() {
                        "webhook" => domain::alerts::webhook_label(&d.target),
                        _ => d.target.clone(),
                    },
                    state: d.state.clone(),
                    attempts: d.attempts,
                    last_error: d.last_error.clone(),
                })
                .collect(),
            rule: e.rule_name,
            kind: e.kind,
            subject: e.subject,
            figure: e.figure,
            message: e.message,
            link: e.link,
            fired_at: time(e.fired_at),
            acknowledged: e
                .acknowledged_at
                .map(|at| format!("{} by {}", time(at), e.acknowledged_by.unwrap_or_default())),
        })
        .collect())
}

/// Events nobody has acknowledged yet (the badge in the top bar).
pub async fn unacknowledged(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    alert_event::Entity::find()
        .filter(alert_event::Column::AcknowledgedAt.is_null())
        .count(db)
        .await
}

/// Marks an event seen; `false` if there is no such event or it was already acknowledged.
pub async fn acknowledge(db: &DatabaseConnection, actor: &str, id: i64) -> Result<bool, DbErr> {
    let Some(event) = alert_event::Entity::find_by_id(id).one(db).await? else {
        return Ok(false);
    };
    if event.acknowledged_at.is_some() {
        return Ok(false);
    }
    let mut active = event.into_active_model();
    active.acknowledged_at = Set(Some(Utc::now()));
    active.acknowledged_by = Set(Some(actor.to_owned()));
    active.update(db).await?;
    Ok(true)
}
