//! Tables of the certificate domain. The counters are read and written with raw SQL in the repo.

/// The `certificate_types` table.
pub mod certificate_type {
    use sea_orm::entity::prelude::*;

    /// A certificate type: title, wording, fields, validity, layout and number pattern.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "certificate_types")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// Type code, unique (carried in the QR payload).
        pub code: String,
        /// Title, e.g. 广东省安防从业人员继续教育培训合格证.
        pub title: String,
        /// English title.
        pub title_en: String,
        /// Body text with placeholders.
        pub wording: String,
        /// Occupation or course (职业/培训项目).
        pub course: String,
        /// Level (等级), may be empty.
        pub level: String,
        /// Years of validity; none = does not expire.
        pub validity_years: Option<i32>,
        /// `landscape` or `portrait`.
        pub orientation: String,
        /// Number pattern, e.g. `{issuer}{year}{serial:6}`.
        pub number_pattern: String,
        /// Issuer code used in numbers.
        pub issuer_code: String,
        /// Issuer (发证机构) printed on the certificate.
        pub issuer_name: String,
        /// Print the score with the result.
        pub show_score: bool,
        /// Printed fields, comma-separated, in order.
        pub fields: String,
        /// Accent colour, `#RRGGBB`.
        pub accent: String,
        /// Who created it.
        pub created_by: Option<i32>,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Last changed.
        pub updated_at: DateTimeUtc,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `certificate_keys` table.
pub mod key {
    use sea_orm::entity::prelude::*;

    /// An Ed25519 signing key. The secret stays in the database, like the JWT secret.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "certificate_keys")]
    pub struct Model {
        /// Key id (1, 2, …), carried in payloads.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        /// Public key, Base64.
        pub public_key: String,
        /// Secret key seed, hex. Never leaves the server.
        pub secret_key: String,
        /// Created (signs from then).
        pub created_at: DateTimeUtc,
        /// Replaced by a newer key.
        pub retired_at: Option<DateTimeUtc>,
        /// Revoked: nothing it signed is trusted.
        pub revoked_at: Option<DateTimeUtc>,
        /// Why it was revoked.
        pub revoke_reason: Option<String>,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The `certificates` table.
pub mod certificate {
    use crate::certificate::status::Status;
    use sea_orm::entity::prelude::*;

    /// An issued certificate.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "certificates")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key)]
        pub id: i32,
        /// Certificate number, unique.
        pub number: String,
        /// What makes issuing idempotent (`candidate:<id>` or `reissue:<id>`).
        pub issue_key: String,
        /// Its type.
        pub type_id: i32,
        /// The session whose result it certifies.
        pub session_id: Option<i32>,
        /// The holder as a candidate of that session.
        pub candidate_id: Option<i32>,
        /// The attempt whose result it certifies.
        pub attempt_id: Option<i32>,
        /// The holder's name (printed in full; masked in the QR code and on the verify page).
        pub holder_name: String,
        /// The holder's ID number, masked (the full number is not kept here).
        pub id_masked: Option<String>,
        /// Occupation or course.
        pub course: String,
        /// Level.
        pub level: String,
        /// Result as printed, e.g. 合格 or 合格（86分）.
        pub result: String,
        /// Points earned.
        pub score: Option<f64>,
        /// Points available.
        pub max_score: Option<f64>,
        /// The practical part's score out of 100, for an assessment with one (`score` is then
        /// the theory's).
        pub practical_score: Option<f64>,
        /// The session as printed, e.g. 第七十四期 广州站.
        pub session_label: String,
        /// Issue date.
        pub issued_on: Date,
        /// Expiry date.
        pub expires_on: Option<Date>,
        /// The signing key.
        pub key_id: i32,
        /// Index in the status list.
        pub status_index: i64,
        /// Valid, suspended, revoked or superseded.
        pub status: Status,
        /// Why the status last changed.
        pub status_reason: Option<String>,
        /// When the status last changed.
        pub status_changed_at: Option<DateTimeUtc>,
        /// The certificate this one corrects.
        pub replaces: Option<i32>,
        /// The certificate that corrects this one.
        pub superseded_by: Option<i32>,
        /// The QR text (URL with the signed payload).
        pub qr_text: String,
        /// Who issued it (none: automatic on release by the system).
        pub issued_by: Option<i32>,
        /// Created.
        pub created_at: DateTimeUtc,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
