//! The queue of deliveries: each fired event once per webhook and address, retried with
//! backoff until it is sent or has failed `MAX_ATTEMPTS` times. Sending is the server's; this
//! keeps the state, so a restart or a second server picks up where the first left off.

use crate::entities::{alert_delivery, alert_event};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";
/// After this many failed attempts a delivery gives up (shown as failed in the inbox).
pub const MAX_ATTEMPTS: i32 = 6;
/// The first retry waits this long, each next one twice as long (30 s … 16 min).
const FIRST_RETRY: TimeDelta = TimeDelta::seconds(30);
/// A delivery taken by a sender is not taken by another for this long.
const LEASE: TimeDelta = TimeDelta::minutes(2);

/// A delivery whose time has come, with its event.
#[derive(Debug, Clone)]
pub struct Due {
    pub id: i64,
    pub channel: String,
    pub target: String,
    pub attempts: i32,
    pub event: alert_event::Model,
}

/// Takes up to `limit` deliveries due at `now` (leasing them, so two servers do not send the
/// same one).
pub async fn take_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Due>, DbErr> {
    let candidates = alert_delivery::Entity::find()
        .filter(alert_delivery::Column::State.eq(PENDING))
        .filter(alert_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(alert_delivery::Column::NextAttemptAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut due = Vec::new();
    for d in candidates {
        let taken = alert_delivery::Entity::update_many()
            .col_expr(
                alert_delivery::Column::NextAttemptAt,
                Expr::value(now + LEASE),
            )
            .filter(alert_delivery::Column::Id.eq(d.id))
            .filter(alert_delivery::Column::NextAttemptAt.eq(d.next_attempt_at))
            .exec(db)
            .await?
            .rows_affected;
        if taken != 1 {
            continue;
        }
        let Some(event) = alert_event::Entity::find_by_id(d.event_id).one(db).await? else {
            continue;
        };
        due.push(Due {
            id: d.id,
            channel: d.channel,
            target: d.target,
            attempts: d.attempts,
            event,
        });
    }
    Ok(due)
}

/// Records an attempt: sent, or failed with its reason and retried later (or given up).
pub async fn record(
    db: &DatabaseConnection,
    delivery: &Due,
    outcome: Result<(), String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let attempts = delivery.attempts + 1;
    let mut update = alert_delivery::Entity::update_many()
        .col_expr(alert_delivery::Column::Attempts, Expr::value(attempts))
        .filter(alert_delivery::Column::Id.eq(delivery.id));
    update = match outcome {
        Ok(()) => update
            .col_expr(alert_delivery::Column::State, Expr::value(SENT))
            .col_expr(alert_delivery::Column::SentAt, Expr::value(Some(now)))
            .col_expr(
                alert_delivery::Column::LastError,
                Expr::value(Option::<String>::None),
            ),
        Err(reason) => {
            let state = if attempts >= MAX_ATTEMPTS {
                FAILED
            } else {
                PENDING
            };
            let wait = FIRST_RETRY * 2i32.pow((attempts - 1).clamp(0, 10) as u32);
            update
                .col_expr(alert_delivery::Column::State, Expr::value(state))
                .col_expr(alert_delivery::Column::LastError, Expr::value(Some(reason)))
                .col_expr(
                    alert_delivery::Column::NextAttemptAt,
                    Expr::value(now + wait),
                )
        }
    };
    update.exec(db).await?;
    Ok(())
}
