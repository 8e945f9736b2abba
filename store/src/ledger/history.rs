//! Reading the audit trail back: newest first, filterable by entity, as field-level changes.

use super::PageRequest;
use crate::entities::audit_log;
use domain::views::{AuditRow, Page};
use domain::AuditEntity;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::Value as Json;

pub async fn list(
    db: &impl ConnectionTrait,
    entity: Option<AuditEntity>,
    page: PageRequest,
) -> Result<Page<AuditRow>, DbErr> {
    let mut query = audit_log::Entity::find();
    if let Some(entity) = entity {
        query = query.filter(audit_log::Column::Entity.eq(entity.as_str()));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(audit_log::Column::Id)
        .offset(page.offset())
        .limit(page.page_size)
        .all(db)
        .await?;
    Ok(Page {
        rows: rows.into_iter().map(audit_row).collect(),
        total,
        page: page.page,
        page_size: page.page_size,
    })
}

/// The contract's own entries and those of its phases, receipts and usage (`REF/...`).
pub(crate) async fn for_contract(
    db: &impl ConnectionTrait,
    reference: &str,
    limit: u64,
) -> Result<Vec<AuditRow>, DbErr> {
    let rows = audit_log::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(audit_log::Column::Entity.eq("contract"))
                        .add(audit_log::Column::EntityId.eq(reference)),
                )
                .add(audit_log::Column::EntityId.starts_with(format!("{reference}/"))),
        )
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(audit_row).collect())
}

fn audit_row(m: audit_log::Model) -> AuditRow {
    AuditRow {
        id: m.id,
        at: super::utc_text(m.at),
        actor: m.actor,
        entity: m.entity,
        entity_id: m.entity_id,
        action: m.action,
        changes: changes(m.before.as_ref(), m.after.as_ref()),
    }
}

/// Field by field: what differs between before and after (all fields of a create).
fn changes(before: Option<&Json>, after: Option<&Json>) -> Vec<(String, String, String)> {
    let empty = serde_json::Map::new();
    let before = before.and_then(Json::as_object).unwrap_or(&empty);
    let after = after.and_then(Json::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let old = before.get(key).map(text).unwrap_or_default();
            let new = after.get(key).map(text).unwrap_or_default();
            (old != new).then(|| (key.clone(), old, new))
        })
        .collect()
}

fn text(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::changes;
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_listed() {
        let before = json!({"amount": "10.00", "unit": "gpu_hour", "note": null});
        let after = json!({"amount": "12.50", "unit": "gpu_hour", "note": "fixed"});
        assert_eq!(
            changes(Some(&before), Some(&after)),
            vec![
                ("amount".to_owned(), "10.00".to_owned(), "12.50".to_owned()),
                ("note".to_owned(), String::new(), "fixed".to_owned()),
            ]
        );
        let created = changes(None, Some(&json!({"name": "AWS", "rows": 3})));
        assert_eq!(
            created,
            vec![
                ("name".to_owned(), String::new(), "AWS".to_owned()),
                ("rows".to_owned(), String::new(), "3".to_owned()),
            ]
        );
    }
}
