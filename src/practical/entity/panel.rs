//! The `practical_panel` table: the judges of a task.

use sea_orm::entity::prelude::*;

/// A judge on a task's panel.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practical_panel")]
pub struct Model {
    /// The task.
    #[sea_orm(primary_key, auto_increment = false)]
    pub task_id: i32,
    /// The judge (a staff account).
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
}

/// No relations are navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
