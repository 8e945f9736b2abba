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

#[cfg(test)]
mod tests {
    use super::*;

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
