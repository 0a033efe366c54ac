// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BLS12381} from "./BLS12381.sol";

/// @title BLS public keys registered once, each with its proof of possession checked on chain.
/// @notice A key is named by keccak256 of its 48-byte compressed encoding (the form cipherchart
/// writes). Registration checks that the uncompressed form names the same point (not the
/// identity) and that the proof of possession (the key's signature over its own 48 bytes under
/// POP_DST) verifies, which also makes the pairing precompile check that the key is on the curve
/// and in G1. Later verifications reuse the stored uncompressed key.
abstract contract BlsKeyRegistry {
    mapping(bytes32 => bytes) internal keys;

    event KeyRegistered(bytes32 indexed keyHash, bytes publicKey);

    error InvalidPublicKey();
    error InvalidProofOfPossession();
    error UnknownKey(bytes32 keyHash);

    /// Registers `publicKey` (48 bytes) given also uncompressed (`publicKeyU`, 128 bytes) with its
    /// proof of possession uncompressed (`popU`, 256 bytes). Idempotent: a key already registered
    /// is returned without checking or emitting anything again.
    function registerKey(bytes calldata publicKey, bytes calldata publicKeyU, bytes calldata popU)
        public
        returns (bytes32 keyHash)
    {
        keyHash = keccak256(publicKey);
        if (keys[keyHash].length != 0) return keyHash;
        if (!BLS12381.matchesG1(publicKey, publicKeyU)) revert InvalidPublicKey();
        if (!BLS12381.verifyUncompressed(publicKeyU, publicKey, BLS12381.POP_DST, popU)) {
            revert InvalidProofOfPossession();
        }
        keys[keyHash] = publicKeyU;
        emit KeyRegistered(keyHash, publicKey);
    }

    /// The uncompressed form of a registered key (empty if unknown).
    function keyOf(bytes32 keyHash) external view returns (bytes memory) {
        return keys[keyHash];
    }

    function registeredKey(bytes32 keyHash) internal view returns (bytes memory pkU) {
        pkU = keys[keyHash];
        if (pkU.length == 0) revert UnknownKey(keyHash);
    }
}
