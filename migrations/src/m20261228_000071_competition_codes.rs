//! The final of a competition (issue 14, part B): anonymous practical parts (marking waits for
//! the 二次加密), conflicts of interest the practical engine honours per candidate, the two key
//! holders' seals, the sealed code rows, check-ins without codes, and the anonymous candidates of
//! a final with their group (and, once decrypted, their contestant).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER.
        m.alter_table(
            Table::alter()
                .table("practical_parts")
                .add_column(boolean("anonymous").default(false))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("practical_parts")
                .add_column(timestamp_with_time_zone_null("codes_final_at"))
                .to_owned(),
        )
        .await?;
        // Judges who may not mark a candidate beyond the same employer (trainer, declared, or an
        // employer the anonymous candidate row does not carry).
        m.create_table(
            Table::create()
                .table("practical_conflicts")
                .col(integer("candidate_id"))
                .col(integer("judge_id"))
                .primary_key(Index::create().col("candidate_id").col("judge_id"))
                .foreign_key(&mut fk("practical_conflicts", "candidate_id", "candidates"))
                .to_owned(),
        )
        .await?;
        // A key holder's seal: public key in the clear, secret key only wrapped under the
        // holder's passphrase; the layer's commitment once sealed; when it was opened.
        m.create_table(
            Table::create()
                .table("competition_seals")
                .col(integer("stage_id"))
                .col(integer("layer"))
                .col(integer("holder_id"))
                .col(text("public_key"))
                .col(text("wrapped_key"))
                .col(timestamp_with_time_zone("created_at"))
                .col(text_null("commitment"))
                .col(integer_null("row_count"))
                .col(timestamp_with_time_zone_null("sealed_at"))
                .col(timestamp_with_time_zone_null("opened_at"))
                .col(integer_null("opened_by"))
                .primary_key(Index::create().col("stage_id").col("layer"))
                .foreign_key(&mut fk(
                    "competition_seals",
                    "stage_id",
                    "competition_stages",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_sealed_rows")
                .col(pk_auto("id"))
                .col(integer("stage_id"))
                .col(integer("layer"))
                .col(text("ciphertext"))
                .col(text("digest"))
                .col(text_null("opened"))
                .foreign_key(&mut fk(
                    "competition_sealed_rows",
                    "stage_id",
                    "competition_stages",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_checkins")
                .col(integer("stage_id"))
                .col(integer("contestant_id"))
                .col(timestamp_with_time_zone("at"))
                .col(integer_null("by_user"))
                .primary_key(Index::create().col("stage_id").col("contestant_id"))
                .foreign_key(&mut fk(
                    "competition_checkins",
                    "stage_id",
                    "competition_stages",
                ))
                .foreign_key(&mut fk(
                    "competition_checkins",
                    "contestant_id",
                    "competition_contestants",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_anon")
                .col(integer("candidate_id").primary_key())
                .col(integer("stage_id"))
                .col(integer("group_id"))
                .col(integer_null("contestant_id"))
                // Whether a finalist has drawn this place at the door (the code row says which
                // code; this lets the draw pick among the free ones through an index).
                .col(boolean("taken").default(false))
                .foreign_key(&mut fk("competition_anon", "candidate_id", "candidates"))
                .foreign_key(&mut fk(
                    "competition_anon",
                    "stage_id",
                    "competition_stages",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("competition_anon_stage")
                .table("competition_anon")
                .col("stage_id")
                .col("group_id")
                .col("taken")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "competition_anon",
            "competition_checkins",
            "competition_sealed_rows",
            "competition_seals",
            "practical_conflicts",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        for c in ["codes_final_at", "anonymous"] {
            m.alter_table(
                Table::alter()
                    .table("practical_parts")
                    .drop_column(c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
