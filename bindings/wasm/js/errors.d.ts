/** Base class of every error thrown by cipherchart. */
export class CipherchartError extends Error {
  /** The stable code of errors of this class. */
  static readonly code: string;
  constructor(message: string, code?: string);
  /** The stable machine-readable code, shared with Rust and Python. */
  readonly code: string;
  /**
   * The reason, for consent, chain, encoding, limit and key-file errors (`expired`, `revoked`,
   * `not_in_subgroup`, `wrong_passphrase_or_damaged`, …; Rust's `Error::kind()`, Python's `.kind`); otherwise `undefined`.
   */
  readonly kind: string | undefined;
}
/** Bytes handed to a decoder are malformed (code `invalid_encoding`). */
export class InvalidEncoding extends CipherchartError {}
/** A policy text does not follow the grammar (code `policy_syntax`). */
export class PolicySyntaxError extends CipherchartError {
  constructor(message: string, position?: number);
  /** Byte offset into the NFC-normalised policy text. */
  readonly position: number | undefined;
}
/** A policy is well formed but not acceptable (code `policy_invalid`). */
export class PolicyInvalid extends CipherchartError {}
/** A policy or attribute set exceeds a resource bound (code `limit_exceeded`). */
export class LimitExceeded extends CipherchartError {}
/** An attribute name is not `namespace:value` or not canonical (code `invalid_attribute`). */
export class InvalidAttribute extends CipherchartError {}
/** The key's attributes do not satisfy the policy (code `policy_not_satisfied`). */
export class PolicyNotSatisfied extends CipherchartError {}
/** Decryption failed; deliberately opaque (code `decryption_failed`). */
export class DecryptionFailed extends CipherchartError {}
/** A signature, proof or checkpoint did not verify (code `verification_failed`). */
export class VerificationFailed extends CipherchartError {}
/**
 * A key, re-key or record was issued by another authority than the one named; checked before any
 * pairing (code `wrong_authority`).
 */
export class WrongAuthority extends CipherchartError {}
/** An argument is out of its documented range (code `invalid_argument`). */
export class InvalidArgument extends CipherchartError {}
/** An I/O operation failed (code `io`). */
export class IoError extends CipherchartError {}
/** A consent token was rejected; the message says why (code `consent_error`). */
export class ConsentError extends CipherchartError {}
/**
 * A proof chain failed verification at an entry; the message names it (code `chain_error`).
 * `.kind`: `encoding`, `sequence`, `link`, `signature`, `modified`, `missing`, `root`, `store`,
 * `locked` (another writer holds the store file) or `file_changed` (the store file was written
 * by someone else; nothing was appended).
 */
export class ChainError extends CipherchartError {
  constructor(message: string, index?: number);
  /** The index of the first entry found at fault (or the tree size that could not be read). */
  readonly index: number | undefined;
}
/**
 * A key file could not be written or read (code `key_file_error`). `.kind`:
 * `wrong_passphrase_or_damaged`, `malformed`, `header_mac`, `damaged`, `work_factor_too_high`,
 * `work_factor_too_low`, `wrong_key_type` or `invalid_passphrase`.
 */
export class KeyFileError extends CipherchartError {}
/**
 * A version notice is not current (code `stale_notice`): expired, issued more than five minutes
 * ahead of the verifier's clock, older than the notice already accepted, or another notice under
 * the same serial.
 */
export class StaleNotice extends CipherchartError {}
/**
 * A version notice would move attribute versions backwards, or raises a name by more than its
 * bump count allows (code `notice_rollback`).
 */
export class NoticeRollback extends CipherchartError {}
/** An attribute version above every version notice the verifier can check (code `future_version`). */
export class FutureVersion extends CipherchartError {}
export class StaleReKey extends CipherchartError {}
/** The error class for each stable code. */
export const ERROR_CLASSES: Readonly<Record<string, typeof CipherchartError>>;
