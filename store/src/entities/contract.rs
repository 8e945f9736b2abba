use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contracts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub reference: String,
    pub vendor_id: i64,
    pub title: String,
    pub start_date: Date,
    pub end_date: Date,
    /// Retired by the commitments table (migration 9): always 0, and the two below always the
    /// defaults. Kept because SQLite cannot drop a column a CHECK names.
    pub committed_minor: i64,
    pub currency: String,
    pub commitment_model: String,
    pub fulfillment_interval: String,
    pub notes: String,
    pub created_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
