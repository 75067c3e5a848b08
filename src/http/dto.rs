//! Request and response bodies of the API.

use crate::auth::entity as user;
use crate::auth::{Role, Roles};
use crate::bank::entity::{bank, question};
use crate::bank::model::{Question, QuestionBody};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A staff account as the API shows it (never the password hash).
#[derive(Serialize, ToSchema)]
pub struct UserDto {
    /// Id.
    pub id: i32,
    /// Login name.
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// Roles.
    pub roles: Vec<Role>,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// Employer or school (工作单位/学校), for conflicts of interest in judging.
    pub affiliation: String,
    /// Created.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<user::Model> for UserDto {
    fn from(u: user::Model) -> Self {
        UserDto {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            roles: Roles::from_stored(&u.roles).as_slice().to_vec(),
            disabled: u.disabled,
            affiliation: u.affiliation,
            created_at: u.created_at,
        }
    }
}

/// Log in with username and password.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A staff session.
#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for the `Authorization` header.
    pub token: String,
    /// When it expires (Unix seconds).
    pub expires_at: i64,
    /// The account.
    pub user: UserDto,
}

/// Change one's own password.
#[derive(Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    /// The current password.
    pub current_password: String,
    /// The new password (8+ characters).
    pub new_password: String,
}

/// Create a staff account.
#[derive(Deserialize, ToSchema)]
pub struct CreateUserRequest {
    /// Login name.
    pub username: String,
    /// Shown name (defaults to the username).
    #[serde(default)]
    pub display_name: String,
    /// Initial password.
    pub password: String,
    /// At least one role.
    pub roles: Vec<Role>,
    /// Employer or school (optional; judges: for conflicts of interest).
    #[serde(default)]
    pub affiliation: String,
}

/// Change an account; omitted fields stay as they are.
#[derive(Deserialize, ToSchema)]
pub struct UpdateUserRequest {
    /// New shown name.
    pub display_name: Option<String>,
    /// New roles.
    pub roles: Option<Vec<Role>>,
    /// Disable or re-enable.
    pub disabled: Option<bool>,
    /// New employer or school.
    pub affiliation: Option<String>,
}

/// An admin sets a new password for an account.
#[derive(Deserialize, ToSchema)]
pub struct ResetPasswordRequest {
    /// The new password.
    pub password: String,
}

/// A bank.
#[derive(Serialize, ToSchema)]
pub struct BankDto {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Generated data for benchmarks.
    pub synthetic: bool,
    /// The two-person rule (二人审核): questions are drawn only after another person approved them.
    pub review_required: bool,
    /// Number of questions (any status).
    pub questions: i64,
    /// Last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl BankDto {
    /// From a row and its question count.
    pub fn new(b: bank::Model, questions: i64) -> BankDto {
        BankDto {
            code: b.code,
            name: b.name,
            description: b.description,
            synthetic: b.synthetic,
            review_required: b.review_required,
            questions,
            updated_at: b.updated_at,
        }
    }
}

/// Create a bank.
#[derive(Deserialize, ToSchema)]
pub struct CreateBankRequest {
    /// Code: A–Z, 0–9, `-`, `_`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
}

/// Change a bank.
#[derive(Deserialize, ToSchema)]
pub struct UpdateBankRequest {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
}

/// A category in the tree.
#[derive(Serialize, ToSchema)]
pub struct CategoryNode {
    /// Id.
    pub id: i32,
    /// Own name.
    pub name: String,
    /// Full path.
    pub path: String,
    /// Questions here and below.
    pub questions: i64,
    /// Sub-categories.
    #[schema(no_recursion)]
    pub children: Vec<CategoryNode>,
}

/// A question in a list.
#[derive(Serialize, ToSchema)]
pub struct QuestionSummary {
    /// Id.
    pub id: i32,
    /// Bank code.
    pub bank: String,
    /// Identifier in the bank.
    pub ident: String,
    /// Kind.
    pub kind: String,
    /// Status.
    pub status: String,
    /// Difficulty 1–5.
    pub difficulty: i16,
    /// Points.
    pub points: f64,
    /// Stem.
    pub stem: String,
    /// Current version.
    pub version: i32,
    /// Category id.
    pub category_id: Option<i32>,
}

impl QuestionSummary {
    /// From a row and its bank code.
    pub fn new(q: question::Model, bank: String) -> QuestionSummary {
        QuestionSummary {
            id: q.id,
            bank,
            ident: q.ident,
            kind: q.kind,
            status: q.status,
            difficulty: q.difficulty,
            points: q.points,
            stem: q.stem,
            version: q.version,
            category_id: q.category_id,
        }
    }
}

/// A page of results.
#[derive(Serialize, ToSchema)]
pub struct QuestionPage {
    /// Matches in all.
    pub total: u64,
    /// This page (from 1).
    pub page: u64,
    /// Page size.
    pub per_page: u64,
    /// The questions.
    pub items: Vec<QuestionSummary>,
}

/// A question with its full content, key included (staff only).
#[derive(Serialize, ToSchema)]
pub struct QuestionDto {
    /// Id.
    pub id: i32,
    /// Bank code.
    pub bank: String,
    /// Version shown.
    pub version: i32,
    /// Latest version.
    pub current_version: i32,
    /// The question's lifecycle status now (draft, in_review, active, flagged, retired).
    pub status: String,
    /// Last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// The content (for the current version, `body.status` is the lifecycle status too).
    pub body: QuestionBody,
}

impl QuestionDto {
    /// From a row, a version number and its content.
    pub fn new(row: &question::Model, bank: String, version: i32, q: Question) -> QuestionDto {
        QuestionDto {
            id: row.id,
            bank,
            version,
            current_version: row.version,
            status: row.status.clone(),
            updated_at: row.updated_at,
            body: q.into_body(),
        }
    }
}

/// An edit: the whole new content, and the version it was based on.
#[derive(Deserialize, ToSchema)]
pub struct UpdateQuestionRequest {
    /// The version the editor started from; a mismatch is a 409.
    pub expected_version: Option<i32>,
    /// The new content.
    pub body: QuestionBody,
}

/// A version in a question's history.
#[derive(Serialize, ToSchema)]
pub struct VersionDto {
    /// Number.
    pub version: i32,
    /// Written.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// By whom (user id), none for system imports.
    pub created_by: Option<i32>,
    /// Content fingerprint.
    pub fingerprint: String,
}

/// A stored image.
#[derive(Serialize, ToSchema)]
pub struct MediaDto {
    /// Hex SHA-256.
    pub sha256: String,
    /// MIME type.
    pub mime: String,
    /// Where it is served; use it in a stem as `![alt](url)`.
    pub url: String,
}

/// An audit log entry.
#[derive(Serialize, ToSchema)]
pub struct AuditDto {
    /// Id.
    pub id: i64,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who (username or `system`).
    pub actor: String,
    /// Acting user id.
    pub actor_id: Option<i32>,
    /// What.
    pub action: String,
    /// Kind of thing.
    pub target_type: String,
    /// Its id.
    pub target_id: String,
    /// Specifics.
    pub detail: serde_json::Value,
}

impl From<crate::audit::entity::Model> for AuditDto {
    fn from(a: crate::audit::entity::Model) -> Self {
        AuditDto {
            id: a.id,
            at: a.at,
            actor: a.actor,
            actor_id: a.actor_id,
            action: a.action,
            target_type: a.target_type,
            target_id: a.target_id,
            detail: serde_json::from_str(&a.detail).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// Health.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the database answers.
    pub status: String,
    /// Version of the server.
    pub version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
}
