// Error classes thrown by the cipherchart WebAssembly bindings.
//
// Every error is a real `Error` subclass with a stable machine-readable `.code`, the same code
// as the Rust `Error::code()` and the Python exception's `.code`. The Rust side builds them
// through `_fromNative` (wasm-bindgen imports this file as a snippet); the package entry points
// re-export the classes so that `err instanceof PolicySyntaxError` works for callers.

/** Base class of every error thrown by cipherchart. */
export class CipherchartError extends Error {
  /** The stable code of errors of this class (`.code` of an instance may be more specific). */
  static code = 'cipherchart_error';

  /**
   * @param {string} message
   * @param {string} [code] defaults to the class's code
   */
  constructor(message, code) {
    super(message);
    this.name = new.target.name;
    /** @type {string} */
    this.code = code ?? new.target.code;
    /**
     * The reason, for consent, chain, encoding, limit and key-file errors (`expired`, `revoked`,
     * `not_in_subgroup`, `wrong_passphrase_or_damaged`, …; the same as Rust's `Error::kind()` and Python's `.kind`).
     * @type {string | undefined}
     */
    this.kind = undefined;
  }
}

/** Bytes handed to a decoder are malformed. */
export class InvalidEncoding extends CipherchartError {
  static code = 'invalid_encoding';
}

/** A policy text does not follow the grammar; `.position` is the byte offset of the problem. */
export class PolicySyntaxError extends CipherchartError {
  static code = 'policy_syntax';

  /**
   * @param {string} message
   * @param {number} [position] byte offset into the NFC-normalised policy text
   */
  constructor(message, position) {
    super(message);
    /** @type {number | undefined} */
    this.position = position;
  }
}

/** A policy is well formed but not acceptable (e.g. it repeats an attribute). */
export class PolicyInvalid extends CipherchartError {
  static code = 'policy_invalid';
}

/** A policy or attribute set exceeds a resource bound. */
export class LimitExceeded extends CipherchartError {
  static code = 'limit_exceeded';
}

/** An attribute name is not of the form `namespace:value` or not canonical. */
export class InvalidAttribute extends CipherchartError {
  static code = 'invalid_attribute';
}

/** The key's attributes do not satisfy the record's policy. */
export class PolicyNotSatisfied extends CipherchartError {
  static code = 'policy_not_satisfied';
}

/** Decryption failed (tampered or mismatched data). Deliberately opaque. */
export class DecryptionFailed extends CipherchartError {
  static code = 'decryption_failed';
}

/** A signature, proof or checkpoint did not verify. Deliberately opaque. */
export class VerificationFailed extends CipherchartError {
  static code = 'verification_failed';
}

/**
 * A key, re-key or record was issued by another authority than the one named (a user key of
 * authority B opening a record of A, a re-key of B re-encrypting a record of A, a delegation key
 * of B made into a re-key under A's public key). Checked before any pairing.
 */
export class WrongAuthority extends CipherchartError {
  static code = 'wrong_authority';
}

/** An argument is out of its documented range. */
export class InvalidArgument extends CipherchartError {
  static code = 'invalid_argument';
}

/** An I/O operation failed. */
export class IoError extends CipherchartError {
  static code = 'io';
}

/** A consent token was rejected (expired, revoked, widened, wrong issuer, not permitted, …). */
export class ConsentError extends CipherchartError {
  static code = 'consent_error';
}

/** A proof chain failed verification at some entry (bad link, signature, root, store, …). */
export class ChainError extends CipherchartError {
  static code = 'chain_error';

  /**
   * @param {string} message
   * @param {number} [index] the first entry found at fault
   */
  constructor(message, index) {
    super(message);
    /** @type {number | undefined} */
    this.index = index;
  }
}

/**
 * A key file could not be written or read. `.kind` says why: `wrong_passphrase_or_damaged`,
 * `malformed` (not a cipherchart key file), `header_mac`, `damaged`, `work_factor_too_high`
 * (more scrypt work than `KeyFileOptions.maxWorkFactor` allows), `work_factor_too_low`,
 * `wrong_key_type` (another kind of key than the one asked for) or `invalid_passphrase` (an
 * empty passphrase when writing, or a string with a lone surrogate).
 */
export class KeyFileError extends CipherchartError {
  static code = 'key_file_error';
}

/**
 * A version notice is not current: expired, issued more than five minutes ahead of the
 * verifier's clock, older than the notice already accepted, or another notice under the same
 * serial.
 */
export class StaleNotice extends CipherchartError {
  static code = 'stale_notice';
}

/**
 * A version notice would move attribute versions backwards, or raises a name by more than its
 * bump count allows. Worth an alarm.
 */
export class NoticeRollback extends CipherchartError {
  static code = 'notice_rollback';
}

/** An attribute version above every version notice the verifier can check. */
export class FutureVersion extends CipherchartError {
  static code = 'future_version';
}

/**
 * A re-key at older attribute versions than the current notice of its source or target
 * authority: a name it delegates or a name of its target policy was bumped since it was made.
 * Make a new re-key under the current notices.
 */
export class StaleReKey extends CipherchartError {
  static code = 'stale_rekey';
}

/** The error class for each stable code. */
export const ERROR_CLASSES = Object.freeze(
  Object.fromEntries(
    [
      InvalidEncoding,
      PolicySyntaxError,
      PolicyInvalid,
      LimitExceeded,
      InvalidAttribute,
      PolicyNotSatisfied,
      DecryptionFailed,
      VerificationFailed,
      WrongAuthority,
      InvalidArgument,
      IoError,
      ConsentError,
      ChainError,
      KeyFileError,
      StaleNotice,
      NoticeRollback,
      FutureVersion,
      StaleReKey,
    ].map((cls) => [cls.code, cls]),
  ),
);

/**
 * Called from Rust (`to_js_err`): the error object for a core error. A code this file does not
 * know yet (a newer core) still gives a `CipherchartError` carrying that code.
 * @param {string} code
 * @param {string} message
 * @param {number | undefined} position the byte offset of a policy syntax error, or the entry
 *   index of a chain error
 * @param {string | undefined} kind the reason (`Error::kind()`)
 * @returns {CipherchartError}
 */
export function _fromNative(code, message, position, kind) {
  const cls = ERROR_CLASSES[code];
  let e;
  if (cls === PolicySyntaxError || cls === ChainError) e = new cls(message, position);
  else e = cls ? new cls(message) : new CipherchartError(message, code);
  if (kind !== undefined) e.kind = kind;
  return e;
}
