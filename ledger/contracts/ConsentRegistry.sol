// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BLS12381} from "./BLS12381.sol";
import {BlsKeyRegistry} from "./BlsKeyRegistry.sol";

/// @title Consent grants and revocations, each a cipherchart proof-chain entry (tag 0x30) signed
/// by its actor: the patient, or a holder for an attenuated token.
/// @notice A grant is an entry with action 6 (grant) and a revoke an entry with action 7
/// (revoke), whose subject is the 32-byte revocation id of a consent block and whose digest is
/// the SHA-256 of the token (`ConsentToken::grant_entry` / `revoke_entry`) or of the id
/// (`RevocationId::revoke_entry`). The contract checks the entry's structure and its
/// actor's BLS signature (over `u32 31 ‖ "CIPHERCHART-V01-CHAIN-ENTRY-SIG" ‖ the entry without
/// header and signature`), the actor's key being registered with its proof of possession.
/// State is kept per (revocation id, actor key), as cipherchart's `RevocationSet` does: a
/// revocation counts for a token only if its actor signed the revoked block or one upstream of
/// it (the issuing patient or a holder), so a stranger's revocation changes nothing for anyone
/// else's consent. The same entries can be appended to the clinic's log (their entry hash is in
/// the events). Nothing of the token itself is stored: ids, digests, keys and times only.
contract ConsentRegistry is BlsKeyRegistry {
    bytes internal constant ENTRY_SIG_TAG = "CIPHERCHART-V01-CHAIN-ENTRY-SIG";
    bytes internal constant ENTRY_HASH_TAG = "CIPHERCHART-V01-CHAIN-ENTRY-HASH-with-SHA256";
    uint16 internal constant ACTION_GRANT = 6;
    uint16 internal constant ACTION_REVOKE = 7;

    enum Status {
        None,
        Granted,
        Revoked
    }

    /// The state of one (revocation id, actor key). `tokenDigest` is the digest field of the
    /// recorded **grant** entry (SHA-256 of the token); zero when no grant was recorded (a
    /// revoke alone does not set it). Times are the entries' stated times, zero if none.
    struct Consent {
        Status status;
        uint64 grantTime;
        uint64 revokeTime;
        bytes32 tokenDigest;
    }

    mapping(bytes32 => mapping(bytes32 => Consent)) internal consents;

    /// In both events (names kept for ABI stability, review L10): `patientKey` is keccak256 of
    /// the entry's **actor** key (48 bytes), who signed it: the patient, or for an attenuated
    /// token the holder who signed the last block; `tokenDigest` is the entry's digest field
    /// as is: SHA-256 of the token for `ConsentToken::grant_entry` / `revoke_entry`, SHA-256
    /// of the revocation id for `RevocationId::revoke_entry`. `entryHash` is cipherchart's
    /// `Entry::hash`; `time` the entry's stated time.
    event Granted(
        bytes32 indexed revocationId, bytes32 indexed patientKey, bytes32 tokenDigest, bytes32 entryHash, uint64 time
    );
    event Revoked(
        bytes32 indexed revocationId, bytes32 indexed patientKey, bytes32 tokenDigest, bytes32 entryHash, uint64 time
    );

    error MalformedEntry();

    /// The longest entry metadata cipherchart reads or signs (`limits::MAX_ENTRY_METADATA_LEN`).
    uint256 internal constant MAX_ENTRY_METADATA_LEN = 65536;
    error WrongAction(uint16 action);
    error BadEntrySignature();
    error AlreadyGranted();
    error AlreadyRevoked();

    struct Parsed {
        bytes32 actor;
        uint16 action;
        uint64 time;
        bytes32 subject;
        bytes32 digest;
        bytes32 entryHash;
    }

    /// Parses a cipherchart entry whose subject is 32 bytes, and checks its actor's signature.
    function checkEntry(bytes calldata entry, bytes calldata signatureU) internal view returns (Parsed memory p) {
        // header 0..4, version 4, sequence 5..13, prev 13..45, time 45..53, actor 53..101,
        // action 101..103, subject length 103..107, subject 107..139, digest 139..171,
        // metadata length 171..175, metadata, signature (96).
        if (entry.length < 271 || bytes4(entry[0:4]) != 0x43433002 || entry[4] != 0x01) revert MalformedEntry();
        if (uint32(bytes4(entry[103:107])) != 32) revert MalformedEntry();
        uint256 metaLen = uint32(bytes4(entry[171:175]));
        // Rust's MAX_ENTRY_METADATA_LEN: an entry no cipherchart log can hold is refused
        // here too (docs/ledger-review.md, L1).
        if (metaLen > MAX_ENTRY_METADATA_LEN || entry.length != 271 + metaLen) revert MalformedEntry();
        p.time = uint64(bytes8(entry[45:53]));
        p.actor = keccak256(entry[53:101]);
        p.action = uint16(bytes2(entry[101:103]));
        p.subject = bytes32(entry[107:139]);
        p.digest = bytes32(entry[139:171]);
        p.entryHash = sha256(abi.encodePacked(ENTRY_HASH_TAG, entry));
        bytes memory pkU = registeredKey(p.actor);
        bytes memory message = abi.encodePacked(uint32(31), ENTRY_SIG_TAG, entry[4:entry.length - 96]);
        if (!BLS12381.verify(pkU, message, BLS12381.SIG_DST, entry[entry.length - 96:], signatureU)) {
            revert BadEntrySignature();
        }
    }

    /// Records a grant entry signed by its actor (the patient, or a holder). `signatureU` is the
    /// entry's signature uncompressed (256 bytes).
    function grant(bytes calldata entry, bytes calldata signatureU) external {
        Parsed memory p = checkEntry(entry, signatureU);
        if (p.action != ACTION_GRANT) revert WrongAction(p.action);
        Consent storage c = consents[p.subject][p.actor];
        if (c.status == Status.Revoked) revert AlreadyRevoked();
        if (c.status == Status.Granted) revert AlreadyGranted();
        c.status = Status.Granted;
        c.grantTime = p.time;
        c.tokenDigest = p.digest;
        emit Granted(p.subject, p.actor, p.digest, p.entryHash, p.time);
    }

    /// Records a revoke entry signed by its actor. Accepted with or without a recorded grant (a
    /// patient can revoke a token that was never put on chain); refused twice.
    function revoke(bytes calldata entry, bytes calldata signatureU) external {
        Parsed memory p = checkEntry(entry, signatureU);
        if (p.action != ACTION_REVOKE) revert WrongAction(p.action);
        Consent storage c = consents[p.subject][p.actor];
        if (c.status == Status.Revoked) revert AlreadyRevoked();
        c.status = Status.Revoked;
        c.revokeTime = p.time;
        emit Revoked(p.subject, p.actor, p.digest, p.entryHash, p.time);
    }

    /// Has the holder of `publicKey` (48 bytes compressed) revoked the block `revocationId`?
    /// A proxy asks this for the issuer and for each holder upstream of the block.
    function isRevoked(bytes32 revocationId, bytes calldata publicKey) external view returns (bool) {
        return consents[revocationId][keccak256(publicKey)].status == Status.Revoked;
    }

    function consentOf(bytes32 revocationId, bytes calldata publicKey) external view returns (Consent memory) {
        return consents[revocationId][keccak256(publicKey)];
    }
}
