use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery_receipts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub phase_id: i64,
    pub date: Date,
    pub quantity_micros: i64,
    pub note: String,
    pub power_micros: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
