//! Hex for `Debug` output: identifiers (key ids, grant ids, header digests) shown short.

/// The first 8 bytes of an identifier in hex, for `Debug` output.
pub(crate) fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}
