use sea_orm::entity::prelude::*;

/// One commitment of a contract (see `domain::commitment`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub contract_id: i64,
    /// Unique within the contract; the contract's own commitment has the contract's reference.
    pub reference: String,
    pub category: String,
    pub committed_minor: i64,
    pub quantity_micros: Option<i64>,
    pub unit: String,
    pub commitment_model: String,
    pub fulfillment_interval: String,
    pub start_date: Date,
    pub end_date: Date,
    /// SKU prefixes separated by `;`; empty: all the contract's spend.
    pub scope: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
