// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BLS12381} from "./BLS12381.sol";
import {RFC6962} from "./RFC6962.sol";

/// @title Stateless views of the libraries: what the anchor and the registry check, callable
/// alone (by other contracts, and by the tests against the conformance vectors).
contract LedgerVerifier {
    function verifyInclusion(bytes32 leaf, uint64 index, uint64 size, bytes32[] calldata proof, bytes32 root)
        external
        pure
        returns (bool)
    {
        return RFC6962.verifyInclusion(leaf, index, size, proof, root);
    }

    function verifyConsistency(uint64 oldSize, uint64 newSize, bytes32 oldRoot, bytes32 newRoot, bytes32[] calldata proof)
        external
        pure
        returns (bool)
    {
        return RFC6962.verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof);
    }

    function leafHash(bytes32 entryHash) external pure returns (bytes32) {
        return RFC6962.leafHash(entryHash);
    }

    /// A signature under SIG_DST by `publicKey` (48 bytes, with its uncompressed form), given in
    /// both forms. False for any mismatch, wrong signature, or point the precompiles refuse.
    /// (The key is not checked for possession here: registries do that once.)
    function verifySignature(
        bytes calldata publicKey,
        bytes calldata publicKeyU,
        bytes calldata message,
        bytes calldata signature,
        bytes calldata signatureU
    ) external view returns (bool) {
        if (!BLS12381.matchesG1(publicKey, publicKeyU)) return false;
        return BLS12381.verify(publicKeyU, message, BLS12381.SIG_DST, signature, signatureU);
    }

    function hashToG2(bytes calldata message, bytes calldata dst) external view returns (bytes memory) {
        return BLS12381.hashToG2(message, dst);
    }

    function matchesG1(bytes calldata c, bytes calldata u) external pure returns (bool) {
        return BLS12381.matchesG1(c, u);
    }

    function matchesG2(bytes calldata c, bytes calldata u) external pure returns (bool) {
        return BLS12381.matchesG2(c, u);
    }
}
