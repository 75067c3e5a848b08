//! Certificates: their types (title, wording, fields, validity, layout, number pattern), the
//! Ed25519 signing keys, the issued certificates with their status, the counters for serials
//! and status-list indexes, and each session's certificate type.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("certificate_types")
                .col(pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("title"))
                .col(string("title_en"))
                .col(text("wording"))
                .col(string("course"))
                .col(string("level"))
                .col(integer_null("validity_years"))
                .col(string("orientation"))
                .col(string("number_pattern"))
                .col(string("issuer_code"))
                .col(string("issuer_name"))
                .col(boolean("show_score"))
                .col(string("fields"))
                .col(string("accent"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        // Ids are chosen by the code (1, 2, …) because the QR payload carries them.
        m.create_table(
            Table::create()
                .table("certificate_keys")
                .col(integer("id").primary_key())
                .col(string("public_key"))
                .col(string("secret_key"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("retired_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(string_null("revoke_reason"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("certificates")
                .col(pk_auto("id"))
                .col(string_uniq("number"))
                // What makes issuing idempotent: `candidate:<id>` for a session's result,
                // `reissue:<id>` for the correction of a certificate.
                .col(string_uniq("issue_key"))
                .col(integer("type_id"))
                .col(integer_null("session_id"))
                .col(integer_null("candidate_id"))
                .col(integer_null("attempt_id"))
                .col(string("holder_name"))
                .col(string_null("id_masked"))
                .col(string("course"))
                .col(string("level"))
                .col(string("result"))
                .col(double_null("score"))
                .col(double_null("max_score"))
                .col(string("session_label"))
                .col(date("issued_on"))
                .col(date_null("expires_on"))
                .col(integer("key_id"))
                .col(big_integer_uniq("status_index"))
                .col(string("status"))
                .col(string_null("status_reason"))
                .col(timestamp_with_time_zone_null("status_changed_at"))
                .col(integer_null("replaces"))
                .col(integer_null("superseded_by"))
                .col(text("qr_text"))
                .col(integer_null("issued_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("certificates", "type_id")
                        .to("certificate_types", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("certificates", "key_id")
                        .to("certificate_keys", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_certificates_session", "session_id"),
            ("ix_certificates_candidate", "candidate_id"),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table("certificates")
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table("certificate_counters")
                .col(string("name").primary_key())
                .col(big_integer("value"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("exam_sessions")
                .add_column(integer_null("certificate_type_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("exam_sessions")
                .drop_column("certificate_type_id")
                .to_owned(),
        )
        .await?;
        for t in [
            "certificate_counters",
            "certificates",
            "certificate_keys",
            "certificate_types",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
