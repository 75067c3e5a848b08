//! Staff roles.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a staff account may do. Admins may do everything.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages accounts, settings and everything else.
    Admin,
    /// Keeps question banks and sets up exams.
    Author,
    /// Watches exam rooms.
    Proctor,
    /// Marks practical tasks.
    Judge,
    /// 监督: oversees marking; approves corrections to locked marks (with admins).
    Supervisor,
    /// 监督仲裁组: reviews appeals (申诉) against provisional results and decides them.
    Arbitrator,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Author,
        Role::Proctor,
        Role::Judge,
        Role::Supervisor,
        Role::Arbitrator,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Author => "author",
            Role::Proctor => "proctor",
            Role::Judge => "judge",
            Role::Supervisor => "supervisor",
            Role::Arbitrator => "arbitrator",
        }
    }

    /// Reads a role code.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s.trim())
    }
}

/// A set of roles as stored (`"admin,author"`): sorted, no duplicates, at least one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(transparent)]
pub struct Roles(Vec<Role>);

impl Roles {
    /// Builds a set from a list; an empty list is refused.
    pub fn new(mut roles: Vec<Role>) -> Option<Roles> {
        roles.sort();
        roles.dedup();
        (!roles.is_empty()).then_some(Roles(roles))
    }

    /// Reads the stored form.
    pub fn from_stored(s: &str) -> Roles {
        Roles::new(s.split(',').filter_map(Role::parse).collect()).unwrap_or(Roles(vec![]))
    }

    /// The stored form.
    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Whether the set grants a role (admin grants every role).
    pub fn allows(&self, role: Role) -> bool {
        self.0.contains(&Role::Admin) || self.0.contains(&role)
    }

    /// The roles in order.
    pub fn as_slice(&self) -> &[Role] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_is_allowed_everything_and_others_only_their_role() {
        let admin = Roles::from_stored("admin");
        assert!(admin.allows(Role::Judge));
        let author = Roles::from_stored("author,proctor");
        assert!(author.allows(Role::Proctor));
        assert!(!author.allows(Role::Admin));
    }

    #[test]
    fn an_empty_role_set_is_refused() {
        assert!(Roles::new(vec![]).is_none());
        assert_eq!(
            Roles::from_stored("judge,author,judge").to_stored(),
            "author,judge"
        );
    }
}
