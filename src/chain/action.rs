//! What an entry records: the kind of manipulation.

use core::fmt;

use crate::error::{EncodingError, Error, Result};

/// The kind of manipulation an entry logs. On the wire a `u16` code: `1 … 8` for the
/// standard actions, `0x0100 … 0xffff` for application-defined ones; `0` and
/// `9 … 0xff` are reserved and rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// A record was created (sealed). Code 1.
    Create,
    /// A record was replaced by a new version. Code 2.
    Update,
    /// A record was read (opened). Code 3.
    Read,
    /// A record was handed to another party. Code 4.
    Share,
    /// A record was re-encrypted by a proxy. Code 5.
    ReEncrypt,
    /// Access was granted (a consent token or a re-key issued). Code 6.
    Grant,
    /// Access was revoked. Code 7.
    Revoke,
    /// A physical item changed hands or was observed (supply chains). Code 8.
    Custody,
    /// An application-defined action.
    Extension(ExtensionCode),
}

/// An application-defined action code, `0x0100 … 0xffff` (so that it can never be
/// mistaken for a standard or reserved code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExtensionCode(u16);

impl ExtensionCode {
    /// The smallest extension code.
    pub const MIN: u16 = 0x0100;

    /// Checks the range.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `code < 0x0100`.
    pub fn new(code: u16) -> Result<Self> {
        if code < Self::MIN {
            return Err(Error::InvalidArgument(
                "extension action codes start at 0x0100",
            ));
        }
        Ok(Self(code))
    }

    /// The code.
    pub fn get(self) -> u16 {
        self.0
    }
}

impl Action {
    /// An application-defined action, see [`ExtensionCode::new`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `code < 0x0100`.
    pub fn extension(code: u16) -> Result<Self> {
        ExtensionCode::new(code).map(Self::Extension)
    }

    /// The wire code.
    pub fn code(self) -> u16 {
        match self {
            Self::Create => 1,
            Self::Update => 2,
            Self::Read => 3,
            Self::Share => 4,
            Self::ReEncrypt => 5,
            Self::Grant => 6,
            Self::Revoke => 7,
            Self::Custody => 8,
            Self::Extension(c) => c.0,
        }
    }

    /// The action with wire code `code`.
    ///
    /// # Errors
    ///
    /// `InvalidEncoding(NonCanonical)` for a reserved code (`0`, `9 … 0xff`).
    pub fn from_code(code: u16) -> Result<Self> {
        Ok(match code {
            1 => Self::Create,
            2 => Self::Update,
            3 => Self::Read,
            4 => Self::Share,
            5 => Self::ReEncrypt,
            6 => Self::Grant,
            7 => Self::Revoke,
            8 => Self::Custody,
            c if c >= ExtensionCode::MIN => Self::Extension(ExtensionCode(c)),
            _ => return Err(EncodingError::NonCanonical.into()),
        })
    }

    /// The action that [`Display`](fmt::Display) writes as `name`: `create`, `update`,
    /// `read`, `share`, `re-encrypt`, `grant`, `revoke`, `custody`, or
    /// `extension-0x….` with exactly four lowercase hex digits (so that
    /// `Action::from_name(&a.to_string()) == Ok(a)` for every action). The bindings take
    /// actions by name through this one mapping.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for any other string, or an extension code below `0x0100`.
    pub fn from_name(name: &str) -> Result<Self> {
        Ok(match name {
            "create" => Self::Create,
            "update" => Self::Update,
            "read" => Self::Read,
            "share" => Self::Share,
            "re-encrypt" => Self::ReEncrypt,
            "grant" => Self::Grant,
            "revoke" => Self::Revoke,
            "custody" => Self::Custody,
            _ => {
                let hex = name
                    .strip_prefix("extension-0x")
                    .filter(|h| {
                        h.len() == 4 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                    })
                    .ok_or(Error::InvalidArgument("unknown action name"))?;
                let code = u16::from_str_radix(hex, 16)
                    .map_err(|_| Error::InvalidArgument("unknown action name"))?;
                Self::extension(code)?
            }
        })
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` so that width and alignment flags work in tables.
        match self {
            Self::Create => f.pad("create"),
            Self::Update => f.pad("update"),
            Self::Read => f.pad("read"),
            Self::Share => f.pad("share"),
            Self::ReEncrypt => f.pad("re-encrypt"),
            Self::Grant => f.pad("grant"),
            Self::Revoke => f.pad("revoke"),
            Self::Custody => f.pad("custody"),
            Self::Extension(c) => f.pad(&format!("extension-{:#06x}", c.0)),
        }
    }
}
