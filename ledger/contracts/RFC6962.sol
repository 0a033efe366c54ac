// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title RFC 6962 / RFC 9162 Merkle tree hashing and proof verification, as cipherchart's
/// `chain::merkle` (SHA-256, leaves H(0x00 ‖ d), nodes H(0x01 ‖ l ‖ r)).
/// @notice The verifiers follow RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) step by
/// step, exactly as `src/chain/merkle/verify.rs`: they return false where the Rust code returns
/// VerificationFailed or InvalidArgument (index ≥ size, old size 0, old size > new size).
library RFC6962 {
    /// The leaf hash of an entry: SHA-256(0x00 ‖ entry hash).
    function leafHash(bytes32 entryHash) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(uint8(0), entryHash));
    }

    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(uint8(1), left, right));
    }

    function verifyInclusion(bytes32 leaf, uint64 index, uint64 size, bytes32[] memory proof, bytes32 root)
        internal
        pure
        returns (bool)
    {
        if (index >= size) return false;
        uint64 fn = index;
        uint64 sn = size - 1;
        bytes32 r = leaf;
        for (uint256 i = 0; i < proof.length; i++) {
            if (sn == 0) return false;
            if (fn & 1 == 1 || fn == sn) {
                r = nodeHash(proof[i], r);
                if (fn & 1 == 0) {
                    while (fn & 1 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, proof[i]);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r == root;
    }

    function verifyConsistency(
        uint64 oldSize,
        uint64 newSize,
        bytes32 oldRoot,
        bytes32 newRoot,
        bytes32[] memory proof
    ) internal pure returns (bool) {
        if (oldSize == 0 || oldSize > newSize) return false;
        if (oldSize == newSize) return proof.length == 0 && oldRoot == newRoot;
        if (proof.length == 0) return false;
        uint256 start;
        bytes32 seed;
        if (oldSize & (oldSize - 1) == 0) {
            // a power of two: the old root is the first node of the path
            seed = oldRoot;
            start = 0;
        } else {
            seed = proof[0];
            start = 1;
        }
        uint64 fn = oldSize - 1;
        uint64 sn = newSize - 1;
        while (fn & 1 == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        bytes32 fr = seed;
        bytes32 sr = seed;
        for (uint256 i = start; i < proof.length; i++) {
            bytes32 c = proof[i];
            if (sn == 0) return false;
            if (fn & 1 == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if (fn & 1 == 0) {
                    while (fn & 1 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && fr == oldRoot && sr == newRoot;
    }
}
