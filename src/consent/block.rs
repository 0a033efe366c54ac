//! The blocks of a token: their payloads, canonical encodings, the messages their
//! signatures cover, and the narrowing rule between consecutive blocks.

use std::collections::BTreeSet;

use super::grant::{Grantee, Narrowing, Scope, Window};
use super::select::{
    check_selection, check_set, read_selection, read_set, write_opt_selection, write_selection,
    write_set, Kind,
};
use super::{CONSENT_VERSION, MAX_SUBJECT_LEN, NONCE_LEN};
use crate::encoding::{Reader, Writer, G1_LEN};
use crate::error::{ConsentError, EncodingError, Error, Result};
use crate::hash::dst;
use crate::policy::{Policy, MAX_POLICY_TEXT_LEN};
use crate::sig::{BlsPublicKey, BlsSignature};

/// Grantee codes on the wire.
const GRANTEE_POLICY: u8 = 1;
const GRANTEE_KEY: u8 = 2;

/// The authority block (index 0), signed by the issuer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Authority {
    pub(crate) issuer: BlsPublicKey,
    pub(crate) subject: String,
    pub(crate) grantee: Grantee,
    pub(crate) scope: Scope,
    pub(crate) purposes: BTreeSet<String>,
    pub(crate) window: Window,
    pub(crate) rekey_digest: Option<[u8; 32]>,
    pub(crate) holder: Option<BlsPublicKey>,
    pub(crate) nonce: [u8; NONCE_LEN],
}

/// An attenuation block (index ≥ 1), signed by the holder the block before names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attenuation {
    pub(crate) index: u8,
    pub(crate) narrowing: Narrowing,
}

/// A decoded block payload.
// A token holds at most 16 blocks: the size difference between the variants is not
// worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    Authority(Authority),
    Attenuation(Attenuation),
}

impl Block {
    /// The index the payload claims (its first byte).
    pub(crate) fn index(&self) -> u8 {
        match self {
            Self::Authority(_) => 0,
            Self::Attenuation(a) => a.index,
        }
    }

    /// The next holder this block names, if any.
    pub(crate) fn holder(&self) -> Option<&BlsPublicKey> {
        match self {
            Self::Authority(a) => a.holder.as_ref(),
            Self::Attenuation(a) => a.narrowing.holder.as_ref(),
        }
    }

    /// The canonical payload bytes.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut w = Writer::raw();
        w.u8(self.index());
        match self {
            Self::Authority(a) => {
                w.g1(a.issuer.point());
                w.text(&a.subject);
                match &a.grantee {
                    Grantee::Policy(p) => {
                        w.u8(GRANTEE_POLICY);
                        w.bytes(&p.to_bytes());
                    }
                    Grantee::Key(k) => {
                        w.u8(GRANTEE_KEY);
                        w.g1(k.point());
                    }
                }
                write_selection(&mut w, &a.scope.records);
                write_selection(&mut w, &a.scope.categories);
                write_set(&mut w, &a.purposes);
                w.u64(a.window.not_before());
                w.u64(a.window.expiry());
                write_opt_fixed(&mut w, a.rekey_digest.as_ref().map(|d| &d[..]));
                write_opt_key(&mut w, a.holder.as_ref());
                w.fixed(&a.nonce);
            }
            Self::Attenuation(b) => {
                let n = &b.narrowing;
                write_opt_selection(&mut w, n.records.as_ref());
                write_opt_selection(&mut w, n.categories.as_ref());
                match &n.purposes {
                    None => w.u8(0),
                    Some(p) => {
                        w.u8(1);
                        write_set(&mut w, p);
                    }
                }
                match &n.window {
                    None => w.u8(0),
                    Some(win) => {
                        w.u8(1);
                        w.u64(win.not_before());
                        w.u64(win.expiry());
                    }
                }
                write_opt_key(&mut w, n.holder.as_ref());
            }
        }
        w.finish()
    }

    /// Decodes a payload strictly (every value valid and canonical, nothing after it).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`] for anything malformed; the policy decoder's errors
    /// for a grantee policy that is not canonical text.
    pub(crate) fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::raw(bytes);
        let index = r.u8()?;
        let block = if index == 0 {
            let issuer = read_key(&mut r)?;
            let subject = r.text(MAX_SUBJECT_LEN)?;
            if !valid_subject(subject) {
                return Err(EncodingError::InvalidText.into());
            }
            let grantee = match r.u8()? {
                GRANTEE_POLICY => {
                    Grantee::Policy(Policy::from_bytes(r.bytes(MAX_POLICY_TEXT_LEN)?)?)
                }
                GRANTEE_KEY => Grantee::Key(read_key(&mut r)?),
                _ => return Err(EncodingError::NonCanonical.into()),
            };
            let records = required(read_selection(&mut r, Kind::RecordId, false)?)?;
            let categories = required(read_selection(&mut r, Kind::Label, false)?)?;
            let purposes = read_set(&mut r, Kind::Label)?;
            let window = read_window(&mut r)?;
            let rekey_digest = match read_flag(&mut r)? {
                false => None,
                true => Some(r.fixed::<32>()?),
            };
            let holder = read_opt_key(&mut r)?;
            let nonce = r.fixed::<NONCE_LEN>()?;
            Self::Authority(Authority {
                issuer,
                subject: subject.to_owned(),
                grantee,
                scope: Scope {
                    records,
                    categories,
                },
                purposes,
                window,
                rekey_digest,
                holder,
                nonce,
            })
        } else {
            let records = read_selection(&mut r, Kind::RecordId, true)?;
            let categories = read_selection(&mut r, Kind::Label, true)?;
            let purposes = match read_flag(&mut r)? {
                false => None,
                true => Some(read_set(&mut r, Kind::Label)?),
            };
            let window = match read_flag(&mut r)? {
                false => None,
                true => Some(read_window(&mut r)?),
            };
            let holder = read_opt_key(&mut r)?;
            Self::Attenuation(Attenuation {
                index,
                narrowing: Narrowing {
                    records,
                    categories,
                    purposes,
                    window,
                    holder,
                },
            })
        };
        r.finish()?;
        Ok(block)
    }
}

/// Checks the values of a grant before the issuer signs them.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming the first bad value.
pub(crate) fn check_authority(a: &Authority) -> Result<()> {
    if !valid_subject(&a.subject) {
        return Err(Error::InvalidArgument(
            "consent subject must be 1 to 1024 bytes without control characters",
        ));
    }
    check_selection(&a.scope.records, Kind::RecordId, BAD_RECORDS)?;
    check_selection(&a.scope.categories, Kind::Label, BAD_CATEGORIES)?;
    check_set(&a.purposes, Kind::Label, BAD_PURPOSES)
}

/// Checks the values of a narrowing before the holder signs them.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming the first bad value.
pub(crate) fn check_narrowing(n: &Narrowing) -> Result<()> {
    if let Some(s) = &n.records {
        check_selection(s, Kind::RecordId, BAD_RECORDS)?;
    }
    if let Some(s) = &n.categories {
        check_selection(s, Kind::Label, BAD_CATEGORIES)?;
    }
    if let Some(p) = &n.purposes {
        check_set(p, Kind::Label, BAD_PURPOSES)?;
    }
    Ok(())
}

const BAD_RECORDS: &str =
    "consent record ids: 1 to 256 distinct non-empty ids of at most 1024 bytes";
const BAD_CATEGORIES: &str =
    "consent categories: 1 to 256 distinct NFC labels of 1 to 255 bytes without control characters";
const BAD_PURPOSES: &str =
    "consent purposes: 1 to 256 distinct NFC labels of 1 to 255 bytes without control characters";

fn valid_subject(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_SUBJECT_LEN && !s.chars().any(char::is_control)
}

fn required(s: Option<super::Selection>) -> Result<super::Selection> {
    s.ok_or_else(|| EncodingError::NonCanonical.into())
}

fn read_flag(r: &mut Reader<'_>) -> Result<bool> {
    r.bool()
}

fn read_window(r: &mut Reader<'_>) -> Result<Window> {
    let not_before = r.u64()?;
    let expiry = r.u64()?;
    Window::new(not_before, expiry).map_err(|_| EncodingError::NonCanonical.into())
}

fn read_key(r: &mut Reader<'_>) -> Result<BlsPublicKey> {
    BlsPublicKey::from_bytes(&r.fixed::<G1_LEN>()?)
}

fn read_opt_key(r: &mut Reader<'_>) -> Result<Option<BlsPublicKey>> {
    Ok(match read_flag(r)? {
        false => None,
        true => Some(read_key(r)?),
    })
}

fn write_opt_key(w: &mut Writer, k: Option<&BlsPublicKey>) {
    match k {
        None => w.u8(0),
        Some(k) => {
            w.u8(1);
            w.g1(k.point());
        }
    }
}

fn write_opt_fixed(w: &mut Writer, v: Option<&[u8]>) {
    match v {
        None => w.u8(0),
        Some(v) => {
            w.u8(1);
            w.fixed(v);
        }
    }
}

/// The message block `index` is signed over: the tag as a length-prefixed field, the
/// version, the index, the previous block's signature (absent for index 0), and the
/// payload as a length-prefixed field.
pub(crate) fn block_message(index: u8, prev: Option<&BlsSignature>, payload: &[u8]) -> Vec<u8> {
    let mut w = Writer::raw();
    w.bytes(dst::CONSENT_BLOCK);
    w.u8(CONSENT_VERSION);
    w.u8(index);
    if let Some(prev) = prev {
        w.fixed(&prev.to_bytes());
    }
    w.bytes(payload);
    w.finish()
}

/// The message of a holder proof: the tag, the version, the block count and the last
/// block's signature.
pub(crate) fn proof_message(count: u8, last: &BlsSignature) -> Vec<u8> {
    let mut w = Writer::raw();
    w.bytes(dst::CONSENT_PROOF);
    w.u8(CONSENT_VERSION);
    w.u8(count);
    w.fixed(&last.to_bytes());
    w.finish()
}

/// The rights in force after some blocks: each attenuation may only narrow them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Effective {
    pub(crate) scope: Scope,
    pub(crate) purposes: BTreeSet<String>,
    pub(crate) window: Window,
}

impl Effective {
    /// The rights the authority block grants.
    pub(crate) fn of(a: &Authority) -> Self {
        Self {
            scope: a.scope.clone(),
            purposes: a.purposes.clone(),
            window: a.window,
        }
    }

    /// Applies an attenuation.
    ///
    /// # Errors
    ///
    /// [`ConsentError::Widened`] if any given value is not within the current one.
    pub(crate) fn narrow(&mut self, n: &Narrowing) -> Result<()> {
        let widened = || Error::Consent(ConsentError::Widened);
        if let Some(s) = &n.records {
            if !s.is_within(&self.scope.records) {
                return Err(widened());
            }
            self.scope.records = s.clone();
        }
        if let Some(s) = &n.categories {
            if !s.is_within(&self.scope.categories) {
                return Err(widened());
            }
            self.scope.categories = s.clone();
        }
        if let Some(p) = &n.purposes {
            if !p.is_subset(&self.purposes) {
                return Err(widened());
            }
            self.purposes = p.clone();
        }
        if let Some(w) = &n.window {
            if !w.is_within(&self.window) {
                return Err(widened());
            }
            self.window = *w;
        }
        Ok(())
    }
}
