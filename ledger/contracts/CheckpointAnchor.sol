// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BLS12381} from "./BLS12381.sol";
import {RFC6962} from "./RFC6962.sol";
import {BlsKeyRegistry} from "./BlsKeyRegistry.sol";

/// @title Anchors cipherchart checkpoints (C2SP signed notes, tag 0x31) of registered logs.
/// @notice A log is its origin and its BLS key, registered once with the key's proof of
/// possession. `anchor` rebuilds the checkpoint's note text from (origin, size, root), checks the
/// log's signature over `u32 30 ‖ "CIPHERCHART-V01-CHECKPOINT-SIG" ‖ note text` with the EIP-2537
/// precompiles, and accepts only a larger size whose root extends the last anchored one (an
/// RFC 9162 consistency proof). Anyone may submit: the log's signature is the authorization.
/// Submitting what is already there succeeds and changes nothing (a registered log, an
/// anchored checkpoint), so a copy of a transaction mined first never makes the original
/// revert. Nothing but origins, keys, sizes, roots and signatures is stored.
contract CheckpointAnchor is BlsKeyRegistry {
    bytes internal constant CHECKPOINT_TAG = "CIPHERCHART-V01-CHECKPOINT-SIG";
    /// The root of the empty tree: SHA-256 of the empty string (cipherchart `EMPTY_ROOT`).
    bytes32 internal constant EMPTY_ROOT = 0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855;

    struct Log {
        string origin;
        bytes32 keyHash;
        uint64 size;
        bytes32 root;
    }

    mapping(bytes32 => Log) internal logs;
    mapping(bytes32 => mapping(uint64 => bytes32)) internal roots;

    event LogRegistered(bytes32 indexed logId, bytes4 keyId, string origin, bytes publicKey);
    /// `signature` is the 96-byte compressed signature: with the origin and the key id it
    /// rebuilds the exact signed note cipherchart wrote.
    event Anchored(bytes32 indexed logId, uint64 size, bytes32 root, bytes signature);

    error InvalidOrigin();
    error UnknownLog(bytes32 logId);
    error NotGrowing(uint64 anchoredSize, uint64 size);
    error UnexpectedConsistencyProof();
    error InconsistentRoot();
    error BadCheckpointSignature();

    /// The log id: SHA-256(origin ‖ 0x0A ‖ 0xFF ‖ "CIPHERCHART-V01-CHECKPOINT-SIG" ‖ public key),
    /// whose first 4 bytes are the C2SP key id of the log's signature lines.
    function logIdOf(string memory origin, bytes memory publicKey) public pure returns (bytes32) {
        return sha256(abi.encodePacked(origin, bytes2(0x0aff), CHECKPOINT_TAG, publicKey));
    }

    /// Registers a log (once): its origin (1-255 bytes of printable ASCII without '+', a subset
    /// of what cipherchart accepts) and its key with the proof of possession. Idempotent: the
    /// log id binds origin and key, so a log already registered under it is exactly the one
    /// asked for; its id is returned without checking or emitting anything again (review L6).
    function registerLog(string calldata origin, bytes calldata publicKey, bytes calldata publicKeyU, bytes calldata popU)
        external
        returns (bytes32 logId)
    {
        bytes memory o = bytes(origin);
        if (o.length == 0 || o.length > 255) revert InvalidOrigin();
        for (uint256 i = 0; i < o.length; i++) {
            uint8 c = uint8(o[i]);
            if (c <= 0x20 || c >= 0x7f || c == 0x2b) revert InvalidOrigin();
        }
        logId = logIdOf(origin, publicKey);
        if (logs[logId].keyHash != bytes32(0)) return logId;
        bytes32 keyHash = registerKey(publicKey, publicKeyU, popU);
        logs[logId] = Log({origin: origin, keyHash: keyHash, size: 0, root: bytes32(0)});
        emit LogRegistered(logId, bytes4(logId), origin, publicKey);
    }

    /// Anchors the checkpoint (size, root) of a registered log, signed by its key. `signature` is
    /// the 96-byte signature as in the note, `signatureU` the same point uncompressed (256
    /// bytes). `consistency` proves that the tree at `size` extends the last anchored tree (read
    /// `latest` just before sending); it must be empty for the first anchor.
    ///
    /// A checkpoint already anchored (same size, same root) succeeds without checking or
    /// emitting anything (review L5): a retry, or the clinic's transaction after someone
    /// anchored the same checkpoint first, is not an error. The proof must start at the
    /// latest anchored size, not any anchored size: a tree that extends an older anchored
    /// tree need not extend a later one (it may rewrite the entries in between).
    ///
    /// Size 0 (the empty log, which cipherchart signs too) is accepted only with the empty
    /// tree's root and only before any other anchor (review L4). It proves nothing about
    /// later entries: the first non-empty checkpoint still needs no proof.
    function anchor(
        bytes32 logId,
        uint64 size,
        bytes32 root,
        bytes calldata signature,
        bytes calldata signatureU,
        bytes32[] calldata consistency
    ) external {
        Log storage l = logs[logId];
        if (l.keyHash == bytes32(0)) revert UnknownLog(logId);
        if (root != bytes32(0) && roots[logId][size] == root) return; // already anchored
        uint64 last = l.size;
        if (size == 0) {
            if (last != 0) revert NotGrowing(last, size);
            if (root != EMPTY_ROOT) revert InconsistentRoot();
            if (consistency.length != 0) revert UnexpectedConsistencyProof();
        } else if (size <= last) {
            revert NotGrowing(last, size);
        } else if (last == 0) {
            if (consistency.length != 0) revert UnexpectedConsistencyProof();
        } else if (!RFC6962.verifyConsistency(last, size, l.root, root, consistency)) {
            revert InconsistentRoot();
        }
        bytes memory message = abi.encodePacked(uint32(30), CHECKPOINT_TAG, noteText(l.origin, size, root));
        if (!BLS12381.verify(keys[l.keyHash], message, BLS12381.SIG_DST, signature, signatureU)) {
            revert BadCheckpointSignature();
        }
        l.size = size;
        l.root = root;
        roots[logId][size] = root;
        emit Anchored(logId, size, root, signature);
    }

    /// The last anchored checkpoint: (0, 0) before the first, (0, EMPTY_ROOT) after an empty
    /// one.
    function latest(bytes32 logId) external view returns (uint64 size, bytes32 root) {
        Log storage l = logs[logId];
        return (l.size, l.root);
    }

    /// The root anchored at `size` (zero if none was).
    function rootAt(bytes32 logId, uint64 size) external view returns (bytes32) {
        return roots[logId][size];
    }

    function logOf(bytes32 logId) external view returns (string memory origin, bytes32 keyHash, uint64 size, bytes32 root) {
        Log storage l = logs[logId];
        return (l.origin, l.keyHash, l.size, l.root);
    }

    /// Is the entry with this entry hash at `index` in the last anchored tree? (Leaf hash
    /// SHA-256(0x00 ‖ entry hash), RFC 6962 audit path.)
    function verifyInclusion(bytes32 logId, bytes32 entryHash, uint64 index, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        Log storage l = logs[logId];
        if (l.size == 0) return false;
        return RFC6962.verifyInclusion(RFC6962.leafHash(entryHash), index, l.size, proof, l.root);
    }

    /// Is `leafHash` at `index` in the tree anchored at `size` (a receipt issued at that size)?
    /// Takes the leaf hash, SHA-256(0x00 ‖ entry hash); `verifyEntryInclusionAt` takes the
    /// entry hash.
    function verifyInclusionAt(bytes32 logId, uint64 size, bytes32 leafHash, uint64 index, bytes32[] calldata proof)
        public
        view
        returns (bool)
    {
        bytes32 root = roots[logId][size];
        if (root == bytes32(0)) return false;
        return RFC6962.verifyInclusion(leafHash, index, size, proof, root);
    }

    /// Is the entry with this entry hash (cipherchart `Entry::hash`, as `verifyInclusion`
    /// takes) at `index` in the tree anchored at `size`? (review L12)
    function verifyEntryInclusionAt(bytes32 logId, uint64 size, bytes32 entryHash, uint64 index, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        return verifyInclusionAt(logId, size, RFC6962.leafHash(entryHash), index, proof);
    }

    /// The note text cipherchart signs: origin, decimal size, standard base64 root, one per line.
    function noteText(string memory origin, uint64 size, bytes32 root) public pure returns (bytes memory) {
        return abi.encodePacked(origin, "\n", decimal(size), "\n", base64(root), "\n");
    }

    function decimal(uint64 v) internal pure returns (bytes memory out) {
        if (v == 0) return "0";
        uint256 len;
        for (uint64 t = v; t != 0; t /= 10) len++;
        out = new bytes(len);
        for (uint256 i = len; i > 0; i--) {
            out[i - 1] = bytes1(uint8(48 + (v % 10)));
            v /= 10;
        }
    }

    /// Standard base64 with padding of 32 bytes (44 characters).
    function base64(bytes32 data) internal pure returns (bytes memory out) {
        bytes memory table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        out = new bytes(44);
        uint256 d = uint256(data);
        // 32 bytes = 10 groups of 3 bytes + 2 bytes.
        for (uint256 g = 0; g < 10; g++) {
            uint256 triple = (d >> (256 - 24 * (g + 1))) & 0xffffff;
            out[4 * g] = table[(triple >> 18) & 63];
            out[4 * g + 1] = table[(triple >> 12) & 63];
            out[4 * g + 2] = table[(triple >> 6) & 63];
            out[4 * g + 3] = table[triple & 63];
        }
        uint256 last = (d & 0xffff) << 8; // the last 2 bytes, then a zero byte
        out[40] = table[(last >> 18) & 63];
        out[41] = table[(last >> 12) & 63];
        out[42] = table[(last >> 6) & 63];
        out[43] = "=";
    }
}
