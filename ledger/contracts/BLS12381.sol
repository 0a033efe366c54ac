// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title BLS signatures of cipherchart's ciphersuite, verified with the EIP-2537 precompiles.
/// @notice Ciphersuite BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_ (min-pk): public keys in G1,
/// signatures in G2. A point is handed over twice: in its 48/96-byte compressed (ZCash/IETF) form,
/// which is what cipherchart signs, hashes and logs, and in the uncompressed, padded form the
/// precompiles take (G1: x ‖ y, G2: x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1, each field element 64 bytes with
/// 16 leading zero bytes). `matchesG1` / `matchesG2` check that both name the same point: same x,
/// flags "compressed, not infinity", and the sign bit equal to the sign of y. Together with the
/// on-curve and subgroup checks the pairing precompile performs on every input, the compressed
/// bytes are then the one canonical encoding of a valid group element (see ledger/README.md).
library BLS12381 {
    address internal constant MODEXP = address(0x05);
    address internal constant G2ADD = address(0x0d);
    address internal constant PAIRING = address(0x0f);
    address internal constant MAP_FP2_TO_G2 = address(0x11);

    /// The signature DST (cipherchart `SIG_DST`).
    bytes internal constant SIG_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
    /// The proof-of-possession DST (cipherchart `POP_DST`).
    bytes internal constant POP_DST = "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

    // p, split into its top 16 bytes and its low 32 bytes.
    uint256 internal constant P_HI = 0x1a0111ea397fe69a4b1ba7b6434bacd7;
    uint256 internal constant P_LO = 0x64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab;
    // (p - 1) / 2: y is "lexicographically largest" (sign bit set) iff y > (p - 1) / 2.
    uint256 internal constant HALF_HI = 0x0d0088f51cbff34d258dd3db21a5d66b;
    uint256 internal constant HALF_LO = 0xb23ba5c279c2895fb39869507b587b120f55ffff58a9ffffdcff7fffffffd555;

    // -g1, the negated G1 generator, uncompressed and padded.
    uint256 internal constant NEG_G1_X_HI = 0x17f1d3a73197d7942695638c4fa9ac0f;
    uint256 internal constant NEG_G1_X_LO = 0xc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb;
    uint256 internal constant NEG_G1_Y_HI = 0x114d1d6855d545a8aa7d76c8cf2e21f2;
    uint256 internal constant NEG_G1_Y_LO = 0x67816aef1db507c96655b9d5caac42364e6f38ba0ecb751bad54dcd6b939c2ca;

    /// EIP-2537 (Prague) price of the one pairing check made per verification, two pairs:
    /// 37,700 + 2 × 32,600.
    uint256 internal constant PAIRING_PRICE = 102_900;
    /// The gas forwarded to that check: its price and a margin (about 46%). A point off the
    /// curve or outside the subgroup makes the precompile fail, and a failing precompile
    /// consumes all the gas forwarded to it; without a cap that is 63/64 of what the sender
    /// provided (review L11). If a future fork priced two pairs above this, every check
    /// would fail, closed (nothing accepted wrongly): such a chain needs a redeployment
    /// with a new cap.
    uint256 internal constant PAIRING_GAS = 150_000;

    error BadPointEncoding();
    error PrecompileFailed(address precompile);
    /// A domain separation tag of length 0 (RFC 9380 §3.1: tags MUST be nonempty).
    error InvalidDst();
    /// Too little gas left for the pairing check to run in full: a short budget is an
    /// error, never a verdict on the signature (review LA-3).
    error InsufficientGas();

    // ---------------------------------------------------------------- hash to G2 (RFC 9380)

    /// expand_message_xmd with SHA-256 (RFC 9380 §5.3.1), len_in_bytes = 256 (two Fp2 elements,
    /// L = 64 bytes each). The DST must not be empty (§3.1); one longer than 255 bytes is
    /// replaced by SHA-256("H2C-OVERSIZE-DST-" ‖ DST) (§5.3.3), as noble-curves does.
    function expandMessageXmd(bytes memory message, bytes memory dst) internal pure returns (bytes memory out) {
        if (dst.length == 0) revert InvalidDst();
        if (dst.length > 255) dst = abi.encodePacked(sha256(abi.encodePacked("H2C-OVERSIZE-DST-", dst)));
        bytes memory dstPrime = abi.encodePacked(dst, uint8(dst.length));
        // msg_prime = Z_pad (64 zero bytes) ‖ msg ‖ I2OSP(256, 2) ‖ I2OSP(0, 1) ‖ DST_prime
        bytes32 b0 = sha256(abi.encodePacked(bytes32(0), bytes32(0), message, uint16(256), uint8(0), dstPrime));
        bytes32 bi = sha256(abi.encodePacked(b0, uint8(1), dstPrime));
        out = new bytes(256);
        assembly {
            mstore(add(out, 32), bi)
        }
        for (uint256 i = 2; i <= 8; i++) {
            bi = sha256(abi.encodePacked(b0 ^ bi, uint8(i), dstPrime));
            assembly {
                mstore(add(out, mul(i, 32)), bi)
            }
        }
    }

    /// A 64-byte big-endian integer reduced mod p, as a padded 64-byte field element (MODEXP
    /// precompile with exponent 1 and the 64-byte zero-padded modulus).
    function reduce64(bytes memory data, uint256 offset) private view returns (uint256 hi, uint256 lo) {
        bytes memory input = new bytes(96 + 64 + 1 + 64);
        assembly {
            let p := add(input, 32)
            mstore(p, 64) // base length
            mstore(add(p, 32), 1) // exponent length
            mstore(add(p, 64), 64) // modulus length
            mstore(add(p, 96), mload(add(add(data, 32), offset)))
            mstore(add(p, 128), mload(add(add(data, 64), offset)))
            mstore8(add(p, 160), 1) // exponent
            mstore(add(p, 161), P_HI) // modulus = 0^16 ‖ p (p occupies the last 48 bytes)
            mstore(add(p, 193), P_LO)
        }
        (bool ok, bytes memory r) = MODEXP.staticcall(input);
        if (!ok || r.length != 64) revert PrecompileFailed(MODEXP);
        assembly {
            hi := mload(add(r, 32))
            lo := mload(add(r, 64))
        }
    }

    /// hash_to_curve for BLS12381G2_XMD:SHA-256_SSWU_RO_ with the given DST: the 256 bytes of
    /// expand_message_xmd give u0 = (c0, c1), u1 = (c0, c1), each reduced mod p; each is mapped
    /// with MAP_FP2_TO_G2 (SSWU, isogeny and cofactor clearing) and the two points are added with
    /// G2ADD (clear_cofactor is a homomorphism, so clear(Q0) + clear(Q1) = clear(Q0 + Q1)).
    /// Returns the point uncompressed and padded (256 bytes).
    function hashToG2(bytes memory message, bytes memory dst) internal view returns (bytes memory) {
        bytes memory uniform = expandMessageXmd(message, dst);
        bytes memory adds = new bytes(512);
        for (uint256 i = 0; i < 2; i++) {
            bytes memory fe = new bytes(128);
            (uint256 h0, uint256 l0) = reduce64(uniform, i * 128);
            (uint256 h1, uint256 l1) = reduce64(uniform, i * 128 + 64);
            assembly {
                mstore(add(fe, 32), h0)
                mstore(add(fe, 64), l0)
                mstore(add(fe, 96), h1)
                mstore(add(fe, 128), l1)
            }
            (bool ok, bytes memory q) = MAP_FP2_TO_G2.staticcall(fe);
            if (!ok || q.length != 256) revert PrecompileFailed(MAP_FP2_TO_G2);
            assembly {
                let dstPtr := add(add(adds, 32), mul(i, 256))
                let srcPtr := add(q, 32)
                for { let k := 0 } lt(k, 256) { k := add(k, 32) } {
                    mstore(add(dstPtr, k), mload(add(srcPtr, k)))
                }
            }
        }
        (bool ok2, bytes memory sum) = G2ADD.staticcall(adds);
        if (!ok2 || sum.length != 256) revert PrecompileFailed(G2ADD);
        return sum;
    }

    // ---------------------------------------------------------------- encodings

    function load48(bytes memory b, uint256 offset) private pure returns (uint256 hi, uint256 lo) {
        // 48 bytes at offset: the first 16 bytes as hi, the last 32 as lo.
        assembly {
            let p := add(add(b, 32), offset)
            hi := shr(128, mload(p))
            lo := mload(add(p, 16))
        }
    }

    function padded(bytes memory b, uint256 offset) private pure returns (uint256 zeros, uint256 hi, uint256 lo) {
        // a padded 64-byte field element at offset: 16 bytes that must be zero, then 48 bytes.
        assembly {
            let p := add(add(b, 32), offset)
            zeros := shr(128, mload(p))
            hi := shr(128, mload(add(p, 16)))
            lo := mload(add(p, 32))
        }
    }

    function gtHalf(uint256 hi, uint256 lo) private pure returns (bool) {
        return hi > HALF_HI || (hi == HALF_HI && lo > HALF_LO);
    }

    /// Checks that `c` (48 bytes, compressed) and `u` (128 bytes, uncompressed and padded) are the
    /// same G1 point and not the identity. Curve and subgroup membership are left to the
    /// pairing precompile, which refuses a point that fails them.
    function matchesG1(bytes memory c, bytes memory u) internal pure returns (bool) {
        if (c.length != 48 || u.length != 128) return false;
        uint8 flags = uint8(c[0]) & 0xe0;
        if (flags & 0x80 == 0 || flags & 0x40 != 0) return false;
        bool sign = flags & 0x20 != 0;
        (uint256 cHi, uint256 cLo) = load48(c, 0);
        cHi &= 0x1fffffffffffffffffffffffffffffff; // the three flag bits off
        (uint256 z0, uint256 xHi, uint256 xLo) = padded(u, 0);
        (uint256 z1, uint256 yHi, uint256 yLo) = padded(u, 64);
        if (z0 != 0 || z1 != 0) return false;
        if (cHi != xHi || cLo != xLo) return false;
        if (yHi == 0 && yLo == 0) return false; // the identity (all zero) or not on the curve
        return gtHalf(yHi, yLo) == sign;
    }

    /// Checks that `c` (96 bytes, compressed: x.c1 ‖ x.c0 with the flags in the first byte) and `u`
    /// (256 bytes: x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1, padded) are the same G2 point and not the identity.
    /// The sign of y is the sign of y.c1, or of y.c0 when y.c1 = 0 (ZCash serialization).
    function matchesG2(bytes memory c, bytes memory u) internal pure returns (bool) {
        if (c.length != 96 || u.length != 256) return false;
        uint8 flags = uint8(c[0]) & 0xe0;
        if (flags & 0x80 == 0 || flags & 0x40 != 0) return false;
        // x.c1 is first in the compressed form (flags masked off), x.c0 second.
        if (!sameElement(c, 0, true, u, 64) || !sameElement(c, 48, false, u, 0)) return false;
        (uint256 z2, uint256 y0Hi, uint256 y0Lo) = padded(u, 128);
        (uint256 z3, uint256 y1Hi, uint256 y1Lo) = padded(u, 192);
        if (z2 | z3 != 0) return false;
        bool y1Zero = y1Hi == 0 && y1Lo == 0;
        if (y1Zero && y0Hi == 0 && y0Lo == 0) return false; // the identity
        bool ySign = y1Zero ? gtHalf(y0Hi, y0Lo) : gtHalf(y1Hi, y1Lo);
        return ySign == (flags & 0x20 != 0);
    }

    /// The 48 bytes of `c` at `cOff` (flag bits masked if `masked`) equal the padded field
    /// element of `u` at `uOff`, whose 16 leading bytes are zero.
    function sameElement(bytes memory c, uint256 cOff, bool masked, bytes memory u, uint256 uOff)
        private
        pure
        returns (bool)
    {
        (uint256 cHi, uint256 cLo) = load48(c, cOff);
        if (masked) cHi &= 0x1fffffffffffffffffffffffffffffff;
        (uint256 z, uint256 hi, uint256 lo) = padded(u, uOff);
        return z == 0 && cHi == hi && cLo == lo;
    }

    // ---------------------------------------------------------------- verification

    /// e(pk, H(msg)) == e(g1, sig), checked as e(pk, H) · e(-g1, sig) == 1 with the pairing
    /// precompile (which checks that pk ∈ G1 and sig ∈ G2, on the curve and in the subgroup).
    /// Returns false for a wrong signature and for a point the precompile refuses, which
    /// then costs at most PAIRING_GAS.
    function pairingCheck(bytes memory pkU, bytes memory h, bytes memory sigU) internal view returns (bool) {
        bytes memory input = abi.encodePacked(
            pkU,
            h,
            bytes16(0),
            bytes16(uint128(NEG_G1_X_HI)),
            bytes32(NEG_G1_X_LO),
            bytes16(0),
            bytes16(uint128(NEG_G1_Y_HI)),
            bytes32(NEG_G1_Y_LO),
            sigU
        );
        // Below this the call would get less than PAIRING_GAS (at most 63/64 of what is left
        // is forwarded, EIP-150) and could fail for want of gas, making a valid signature
        // read as invalid to whoever chose the gas limit (review LA-3).
        if (gasleft() < PAIRING_GAS + PAIRING_GAS / 63 + 2_000) revert InsufficientGas();
        (bool ok, bytes memory r) = PAIRING.staticcall{gas: PAIRING_GAS}(input);
        if (!ok || r.length != 32) return false;
        return abi.decode(r, (uint256)) == 1;
    }

    /// Verifies a signature given uncompressed only, against a checked (registered) public key
    /// that is not the identity. The identity signature cannot pass: e(pk, H(m)) ≠ 1.
    function verifyUncompressed(bytes memory pkU, bytes memory message, bytes memory dst, bytes memory sigU)
        internal
        view
        returns (bool)
    {
        if (sigU.length != 256) return false;
        return pairingCheck(pkU, hashToG2(message, dst), sigU);
    }

    /// Verifies a signature given in both forms against an uncompressed public key that has been
    /// checked (registered) before. The compressed signature must match the uncompressed one.
    function verify(bytes memory pkU, bytes memory message, bytes memory dst, bytes memory sigC, bytes memory sigU)
        internal
        view
        returns (bool)
    {
        if (!matchesG2(sigC, sigU)) return false;
        return pairingCheck(pkU, hashToG2(message, dst), sigU);
    }
}
