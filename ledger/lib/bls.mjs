// BLS12-381 with @noble/curves, for the tests only: an independent oracle for the uncompressed,
// padded form of the EIP-2537 precompiles (each field element 64 bytes: 16 zero bytes, then 48
// big-endian bytes; G2 as x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1), which the library computes in Rust
// (`toEip2537Bytes()`, used by `cipherchart/ledger`; ledger/test/eip2537.test.mjs compares the
// two on every vector point), a signer for test objects, hash to G2 and points outside the
// subgroup. Not part of the npm package.
import { bls12_381 } from '@noble/curves/bls12-381.js';

const { G1, G2, fields } = bls12_381;
const { Fp, Fp2 } = fields;
export const P = Fp.ORDER;
const HALF = (P - 1n) / 2n;

export const SIG_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
export const POP_DST = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';

export const hex = (b) => '0x' + Buffer.from(b).toString('hex');
export const bytes = (h) => Uint8Array.from(Buffer.from(h.replace(/^0x/, ''), 'hex'));

function fe(v) {
  const out = new Uint8Array(64);
  let x = v;
  for (let i = 63; i >= 16; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

function be48(v) {
  return fe(v).slice(16);
}

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** Uncompressed padded encoding (128 bytes) of a G1 point given as {x, y} bigints. */
export function g1Padded({ x, y }) {
  return concat(fe(x), fe(y));
}

/** Uncompressed padded encoding (256 bytes) of a G2 point given as {x: {c0, c1}, y: {c0, c1}}. */
export function g2Padded({ x, y }) {
  return concat(fe(x.c0), fe(x.c1), fe(y.c0), fe(y.c1));
}

/** The compressed 48-byte encoding of an affine G1 point (no validity check). */
export function g1Compress({ x, y }) {
  const c = be48(x);
  c[0] |= 0x80 | (y > HALF ? 0x20 : 0);
  return c;
}

/** The compressed 96-byte encoding of an affine G2 point (no validity check). */
export function g2Compress({ x, y }) {
  const c = concat(be48(x.c1), be48(x.c0));
  const sign = y.c1 !== 0n ? y.c1 > HALF : y.c0 > HALF;
  c[0] |= 0x80 | (sign ? 0x20 : 0);
  return c;
}

/** A compressed public key (hex or bytes, 48) uncompressed for the precompiles (128 bytes). */
export function g1Uncompress(pk) {
  const p = G1.Point.fromBytes(typeof pk === 'string' ? bytes(pk) : pk);
  return g1Padded(p.toAffine());
}

/** A compressed signature (hex or bytes, 96) uncompressed for the precompiles (256 bytes). */
export function g2Uncompress(sig) {
  const p = G2.Point.fromBytes(typeof sig === 'string' ? bytes(sig) : sig);
  return g2Padded(p.toAffine());
}

/** Signs with the cipherchart ciphersuite (min-pk, SIG_DST unless given): 96 bytes. */
export function sign(secretKeyHex, message, dst = SIG_DST) {
  const h = G2.hashToCurve(message, { DST: dst });
  const sk = BigInt('0x' + secretKeyHex.replace(/^0x/, ''));
  return h.multiply(sk).toBytes(true);
}

/** hash_to_curve to G2 (RFC 9380), uncompressed padded, for comparison with the contract. */
export function hashToG2Padded(message, dst = SIG_DST) {
  return g2Padded(G2.hashToCurve(message, { DST: dst }).toAffine());
}

/** A point on the G1 curve (y² = x³ + 4) that is not in the prime-order subgroup. */
export function g1OutsideSubgroup() {
  for (let x = 1n; ; x++) {
    const rhs = Fp.add(Fp.pow(x, 3n), 4n);
    let y;
    try {
      y = Fp.sqrt(rhs);
    } catch {
      continue;
    }
    if (Fp.eql(Fp.sqr(y), rhs)) {
      const pt = G1.Point.fromAffine({ x, y });
      let inSubgroup = true;
      try {
        pt.assertValidity();
      } catch {
        inSubgroup = false;
      }
      if (!inSubgroup) return { x, y };
    }
  }
}

/** A point on the G2 twist (y² = x³ + 4(1 + i)) that is not in the prime-order subgroup. */
export function g2OutsideSubgroup() {
  const b = Fp2.create({ c0: 4n, c1: 4n });
  for (let c0 = 1n; ; c0++) {
    const x = Fp2.create({ c0, c1: 1n });
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b);
    let y;
    try {
      y = Fp2.sqrt(rhs);
    } catch {
      continue;
    }
    if (!Fp2.eql(Fp2.sqr(y), rhs)) continue;
    const pt = G2.Point.fromAffine({ x, y });
    let inSubgroup = true;
    try {
      pt.assertValidity();
    } catch {
      inSubgroup = false;
    }
    if (!inSubgroup) return { x, y };
  }
}
