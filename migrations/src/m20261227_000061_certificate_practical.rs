//! A certificate of an assessment with a practical part keeps the practical score beside the
//! theory score (`score`), so it can print both (理论知识 N 分 / 操作技能 N 分) and reprint
//! them unchanged.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("certificates")
                .add_column(double_null("practical_score"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("certificates")
                .drop_column("practical_score")
                .to_owned(),
        )
        .await
    }
}
