//! Trailers (`docs/revocation-v3.md` §6.2, §11.8): what a closed session or stream was, in
//! 32 bytes a chain entry can name. A trailer fixes the header the items were sealed under
//! (its digest and key commitment) and the items themselves (their count and the RFC 6962
//! root of their digests), so that a header re-wrapped at newer versions after close
//! vouches for exactly the sealer's items: a past reader who kept the old stream key can
//! forge frames that pass the AEAD, but not frames that match the root.
//!
//! Layout (`docs/formats.md`, "Trailer (v3)"): `43 43 43 03 ‖ u8 kind ‖ bytes id ‖
//! header_digest[32] ‖ key_commitment[32] ‖ u64 count ‖ root[32]`.

use sha2::{Digest, Sha256};

use super::kem::KemHeader;
use super::MAX_RECORD_ID_LEN;
use crate::chain::merkle::{leaf_hash, node_hash, EMPTY_ROOT};
use crate::encoding::{ObjectType, Reader, Writer, FORMAT_VERSION_V3};
use crate::error::{EncodingError, Error, Result};
use crate::hash::dst;

/// What a trailer closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrailerKind {
    /// A session (code 1; its items are the encodings of its records, in order).
    Session,
    /// A stream (code 2; its items are the stream's frames).
    Stream,
}

impl TrailerKind {
    fn code(self) -> u8 {
        match self {
            Self::Session => 1,
            Self::Stream => 2,
        }
    }
}

/// The trailer of a closed session or stream (`docs/formats.md`, "Trailer (v3)").
///
/// Public data: anyone holding a stream computes its trailer
/// ([`stream_trailer`](crate::stream_trailer)), and a session's sealer keeps it as it
/// seals ([`SessionSealer::trailer`](crate::SessionSealer::trailer); anyone holding the
/// header and records computes it with [`session_trailer`](crate::session_trailer)). The
/// sealer logs it when it closes the stream or session
/// ([`Entry::for_stream_close`](crate::Entry::for_stream_close),
/// [`Entry::for_session_close`](crate::Entry::for_session_close)), which is what lets the
/// authority re-wrap the header later
/// ([`Authority::rewrap_stream`](crate::Authority::rewrap_stream),
/// [`Authority::rewrap_session`](crate::Authority::rewrap_session)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trailer {
    pub(crate) kind: TrailerKind,
    pub(crate) id: Vec<u8>,
    pub(crate) header_digest: [u8; 32],
    pub(crate) key_commitment: [u8; 32],
    pub(crate) count: u64,
    pub(crate) root: [u8; 32],
}

impl Trailer {
    /// What the trailer closes.
    pub fn kind(&self) -> TrailerKind {
        self.kind
    }

    /// The session or stream id.
    pub fn id(&self) -> &[u8] {
        &self.id
    }

    /// The digest of the KEM header the items were sealed under (the header at close).
    pub fn header_digest(&self) -> [u8; 32] {
        self.header_digest
    }

    /// The key commitment of that header's envelope (the items' AD binds it).
    pub fn key_commitment(&self) -> [u8; 32] {
        self.key_commitment
    }

    /// The number of items (a stream's frames: at least one; a session's records: any).
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The RFC 6962 Merkle root over the items' digests, in order.
    pub fn root(&self) -> [u8; 32] {
        self.root
    }

    /// The trailer digest: SHA-256 of `CIPHERCHART-V01-TRAILER-DIGEST-with-SHA256` ‖ the
    /// encoding. What chain entries and a re-wrapped header's KEM context name.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(dst::TRAILER_DIGEST);
        h.update(self.to_bytes());
        h.finalize().into()
    }

    /// The canonical encoding.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::at_version(ObjectType::Trailer, FORMAT_VERSION_V3);
        self.write_fields(&mut w);
        w.finish()
    }

    fn write_fields(&self, w: &mut Writer) {
        w.u8(self.kind.code());
        w.bytes(&self.id);
        w.fixed(&self.header_digest);
        w.fixed(&self.key_commitment);
        w.u64(self.count);
        w.fixed(&self.root);
    }

    /// Decodes a trailer.
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`](crate::Error::InvalidEncoding): `WrongType`,
    /// `UnsupportedVersion` (only version 3 exists), `BadLength` for an id above 1,024
    /// bytes, `NonCanonical` for a kind other than 1 or 2, a stream trailer with no item,
    /// or a count of 0 with a root other than the empty tree's; `Truncated`,
    /// `TrailingBytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (mut r, _) = Reader::new_at(bytes, ObjectType::Trailer, &[FORMAT_VERSION_V3])?;
        let trailer = Self::read_fields(&mut r)?;
        r.finish()?;
        Ok(trailer)
    }

    fn read_fields(r: &mut Reader<'_>) -> Result<Self> {
        let kind = match r.u8()? {
            1 => TrailerKind::Session,
            2 => TrailerKind::Stream,
            _ => return Err(EncodingError::NonCanonical.into()),
        };
        let id = r.bytes(MAX_RECORD_ID_LEN)?.to_vec();
        let header_digest = r.fixed::<32>()?;
        let key_commitment = r.fixed::<32>()?;
        let count = r.u64()?;
        let root = r.fixed::<32>()?;
        let empty_ok = count != 0 || root == EMPTY_ROOT;
        if !empty_ok || (kind == TrailerKind::Stream && count == 0) {
            return Err(EncodingError::NonCanonical.into());
        }
        Ok(Self {
            kind,
            id,
            header_digest,
            key_commitment,
            count,
            root,
        })
    }
}

/// The digest of item `index` (§11.8): SHA-256 of the tag ‖ u64 index ‖ u32 len ‖ item,
/// the item given in parts (a frame's prefix and its ciphertext).
fn item_digest(index: u64, parts: &[&[u8]]) -> [u8; 32] {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let mut h = Sha256::new();
    h.update(dst::TRAILER_ITEM);
    h.update(index.to_be_bytes());
    // Items are frames (at most 16 MiB + 21 bytes) or session records.
    h.update((len as u32).to_be_bytes());
    parts.iter().for_each(|p| h.update(p));
    h.finalize().into()
}

/// The key commitment of a v3 header's envelope (`DecryptionFailed` for a header without
/// one: never a v3 stream's or session's).
pub(crate) fn commitment_of(header: &KemHeader) -> Result<[u8; 32]> {
    header
        .envelope
        .as_ref()
        .map(|e| e.key_commitment)
        .ok_or(Error::DecryptionFailed)
}

impl Trailer {
    /// The trailer of `count` items of `kind` with RFC 6962 root `root`, sealed under the
    /// v3 `header` of the stream or session `id`.
    pub(crate) fn over(
        kind: TrailerKind,
        id: &[u8],
        header: &KemHeader,
        (count, root): (u64, [u8; 32]),
    ) -> Result<Self> {
        Ok(Self {
            kind,
            id: id.to_vec(),
            header_digest: header.digest,
            key_commitment: commitment_of(header)?,
            count,
            root,
        })
    }

    /// Refuses a trailer that is not the one of the `kind` stream or session `id` under
    /// `header`: for a header as sealed, another kind, id, header digest or key commitment;
    /// for a header re-wrapped before (it `carried` a trailer), other than that trailer
    /// (`InvalidArgument`). Its count and root are the items' to check.
    pub(crate) fn check_names(
        &self,
        kind: TrailerKind,
        id: &[u8],
        header: &KemHeader,
        carried: Option<&Trailer>,
    ) -> Result<()> {
        let its_own = match carried {
            // Re-wrapped before: its trailer stays.
            Some(carried) => carried == self,
            None => {
                self.kind == kind
                    && self.id == id
                    && self.header_digest == header.digest
                    && Some(self.key_commitment) == commitment_of(header).ok()
            }
        };
        if its_own {
            return Ok(());
        }
        Err(Error::InvalidArgument(match kind {
            TrailerKind::Stream => "not this stream's trailer",
            TrailerKind::Session => "not this session's trailer",
        }))
    }
}

/// The RFC 6962 leaf hash of item `index`: what an inclusion proof under a trailer's root
/// starts from.
pub(crate) fn item_leaf(index: u64, parts: &[&[u8]]) -> [u8; 32] {
    leaf_hash(&item_digest(index, parts))
}

/// The RFC 6962 root of a sequence of items, computed as they arrive in O(log n) memory
/// (the items of a stream are never all held: a stream of one-byte chunks must not cost
/// its reader memory in proportion to its length).
///
/// It keeps the roots of the perfect subtrees ("mountains") the leaves so far form, the
/// largest first; the RFC 6962 root of `n` leaves splits at the largest power of two
/// below `n`, which is the first mountain, so the root is the right fold of the mountains.
#[derive(Default)]
pub(crate) struct RootBuilder {
    count: u64,
    /// (root, height) of each mountain, heights strictly decreasing.
    mountains: Vec<([u8; 32], u32)>,
}

impl RootBuilder {
    /// Adds the next item, given in parts.
    pub(crate) fn push(&mut self, parts: &[&[u8]]) {
        let mut node = (item_leaf(self.count, parts), 0u32);
        while let Some(&(left, height)) = self.mountains.last() {
            if height != node.1 {
                break;
            }
            self.mountains.pop();
            node = (node_hash(&left, &node.0), height + 1);
        }
        self.mountains.push(node);
        self.count += 1;
    }

    /// The number of items so far.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// The root over the items so far (the empty tree's root when there are none).
    pub(crate) fn root(&self) -> [u8; 32] {
        let mut mountains = self.mountains.iter().rev();
        let Some(&(mut root, _)) = mountains.next() else {
            return EMPTY_ROOT;
        };
        for (left, _) in mountains {
            root = node_hash(left, &root);
        }
        root
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::merkle::MerkleTree;

    #[test]
    fn the_streaming_root_is_the_rfc6962_root_for_every_size() {
        let mut builder = RootBuilder::default();
        let mut tree = MerkleTree::new();
        assert_eq!(builder.root(), tree.root());
        for i in 0u64..130 {
            let item = i.to_le_bytes();
            builder.push(&[&item[..3], &item[3..]]);
            tree.push(leaf_hash(&item_digest(i, &[&item])));
            assert_eq!(builder.root(), tree.root(), "{} items", i + 1);
            assert_eq!(builder.count(), i + 1);
        }
    }

    #[test]
    fn the_decoder_refuses_every_rule() {
        let trailer = Trailer {
            kind: TrailerKind::Stream,
            id: b"s".to_vec(),
            header_digest: [1; 32],
            key_commitment: [2; 32],
            count: 1,
            root: [3; 32],
        };
        let bytes = trailer.to_bytes();
        assert_eq!(Trailer::from_bytes(&bytes).as_ref(), Ok(&trailer));
        let bad = |edit: &dyn Fn(&mut Trailer)| {
            let mut t = trailer.clone();
            edit(&mut t);
            Trailer::from_bytes(&t.to_bytes())
        };
        let non_canonical = Err(EncodingError::NonCanonical.into());
        assert_eq!(bad(&|t| t.count = 0), non_canonical);
        assert_eq!(
            bad(&|t| {
                t.kind = TrailerKind::Session;
                t.count = 0;
            }),
            non_canonical
        );
        assert!(bad(&|t| {
            t.kind = TrailerKind::Session;
            t.count = 0;
            t.root = EMPTY_ROOT;
        })
        .is_ok());
        for kind in [0u8, 3, 0xff] {
            let mut b = bytes.clone();
            b[4] = kind;
            assert_eq!(Trailer::from_bytes(&b), non_canonical);
        }
        let mut v2 = bytes.clone();
        v2[3] = 2;
        assert_eq!(
            Trailer::from_bytes(&v2),
            Err(EncodingError::UnsupportedVersion.into())
        );
        for cut in 0..bytes.len() {
            assert!(Trailer::from_bytes(&bytes[..cut]).is_err());
        }
        let mut long = bytes.clone();
        long.push(0);
        assert_eq!(
            Trailer::from_bytes(&long),
            Err(EncodingError::TrailingBytes.into())
        );
        let too_long_id = Trailer {
            id: vec![0; MAX_RECORD_ID_LEN + 1],
            ..trailer.clone()
        };
        assert_eq!(
            Trailer::from_bytes(&too_long_id.to_bytes()),
            Err(EncodingError::BadLength.into())
        );
    }
}
