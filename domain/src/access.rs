//! Who may do what. The server enforces it on every server function, API route and writing CLI
//! path; the pages use the same table only to hide what a role cannot use.

use serde::{Deserialize, Serialize};

crate::kinds::word_enum!(
    /// `viewer` (CFO: reads everything, exports), `editor` (procurement: + ledger entries,
    /// receipts, uploads), `analyst` (viewer + bulk import), `admin` (everything, + users).
    Role { Viewer = "viewer", Editor = "editor", Analyst = "analyst", Admin = "admin" }
    default Viewer
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Every page, list and report, and exporting them.
    Read,
    /// Create, edit, correct and archive single ledger entries; log receipts.
    WriteEntries,
    /// Upload / import CSV files.
    Import,
    /// Add and disable users.
    ManageUsers,
    /// Close a month for the books, and reopen it.
    ClosePeriods,
}

/// Why a caller may not do something: signed out (HTTP 401), or a role that does not allow it
/// (403). The text is the sentence the caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    SignedOut,
    Forbidden(Role),
}

impl Denied {
    pub fn status(self) -> u16 {
        match self {
            Denied::SignedOut => 401,
            Denied::Forbidden(_) => 403,
        }
    }
}

impl std::fmt::Display for Denied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Denied::SignedOut => f.write_str("Sign in first."),
            Denied::Forbidden(role) => write!(f, "A {role} may not do this."),
        }
    }
}

/// The one role check: every server function, API route and writing CLI path asks here with
/// its caller (none when signed out) and gets the caller back when the role allows `permission`.
pub fn authorize<P>(
    caller: Option<P>,
    role_of: impl Fn(&P) -> Role,
    permission: Permission,
) -> Result<P, Denied> {
    match caller {
        None => Err(Denied::SignedOut),
        Some(p) if !role_of(&p).allows(permission) => Err(Denied::Forbidden(role_of(&p))),
        Some(p) => Ok(p),
    }
}

impl Role {
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Editor => matches!(permission, Read | WriteEntries | Import),
            Role::Analyst => matches!(permission, Read | Import),
            Role::Viewer => matches!(permission, Read),
        }
    }
}

/// The signed-in user as the pages see it. `csrf_token` goes into every form that writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub username: String,
    pub role: Role,
    pub csrf_token: String,
}

impl SignedIn {
    pub fn may(&self, permission: Permission) -> bool {
        self.role.allows(permission)
    }
}

/// How this server lets people sign in (set when it starts; shown on the sign-in page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOptions {
    /// User name and password (off when the company's identity provider is the only way in).
    pub password: bool,
    /// The button's label when OpenID Connect sign-in is configured.
    pub single_sign_on: Option<String>,
}

impl Default for SignInOptions {
    fn default() -> Self {
        Self {
            password: true,
            single_sign_on: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_names_why_a_caller_is_turned_away() {
        let role = |r: &Role| *r;
        assert_eq!(
            authorize(None, role, Permission::Read),
            Err(Denied::SignedOut)
        );
        assert_eq!(
            authorize(Some(Role::Viewer), role, Permission::WriteEntries),
            Err(Denied::Forbidden(Role::Viewer))
        );
        assert_eq!(
            authorize(Some(Role::Editor), role, Permission::WriteEntries),
            Ok(Role::Editor)
        );
        assert_eq!(Denied::SignedOut.status(), 401);
        assert_eq!(
            Denied::Forbidden(Role::Analyst).to_string(),
            "A analyst may not do this."
        );
        assert_eq!(Denied::Forbidden(Role::Analyst).status(), 403);
    }

    #[test]
    fn roles_are_least_privilege() {
        use Permission::*;
        let table = [
            (Role::Viewer, [true, false, false, false, false]),
            (Role::Editor, [true, true, true, false, false]),
            (Role::Analyst, [true, false, true, false, false]),
            (Role::Admin, [true, true, true, true, true]),
        ];
        for (role, expected) in table {
            let got =
                [Read, WriteEntries, Import, ManageUsers, ClosePeriods].map(|p| role.allows(p));
            assert_eq!(got, expected, "{role}");
        }
        assert!(Role::parse("root").is_err());
    }
}
