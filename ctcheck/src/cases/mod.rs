//! The cases, one `#[inline(never)]` `op_*` function each. Public inputs come from the
//! seeded RNG; secret inputs are poisoned right after construction.

mod api;
mod api_more;
mod api_paths;
mod api_reject;
mod api_session_catch_up;
mod api_v3;
mod canary;
mod curve;
mod field;
mod gt;
mod pairing;
mod sig;

use core::hint::black_box;

use ark_bls12_381::{G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::CurveGroup;
use ark_ff::UniformRand;
use cipherchart::hazmat::ct::SecretScalar;
use rand_chacha::ChaCha20Rng;
use rand_core::RngCore;

use crate::valgrind::{declassify, poison};
use crate::{Case, Kind};

/// Every case, in the order the runner lists them.
pub fn all() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(canary::cases());
    v.extend(field::cases());
    v.extend(curve::cases());
    v.extend(gt::cases());
    v.extend(pairing::cases());
    v.extend(api::cases());
    v.extend(api_more::cases());
    v.extend(api_paths::cases());
    v.extend(api_reject::cases());
    v.extend(api_v3::cases());
    v.extend(api_session_catch_up::cases());
    v.extend(sig::cases());
    v
}

/// Shorthand for a case entry.
pub(crate) const fn case(
    name: &'static str,
    kind: Kind,
    cost: u32,
    run: fn(&mut ChaCha20Rng),
) -> Case {
    Case {
        name,
        kind,
        cost,
        run,
    }
}

/// A value made secret: every byte marked undefined.
pub(crate) fn secret<T>(mut x: T) -> T {
    poison(&mut x);
    black_box(x)
}

/// A uniformly random secret scalar.
pub(crate) fn secret_scalar(rng: &mut ChaCha20Rng) -> SecretScalar {
    let mut wide = [0u8; 64];
    rng.fill_bytes(&mut wide);
    secret(SecretScalar::from_bytes_wide(&wide))
}

/// Public random points.
pub(crate) fn g1(rng: &mut ChaCha20Rng) -> G1Affine {
    G1Projective::rand(rng).into_affine()
}
pub(crate) fn g2(rng: &mut ChaCha20Rng) -> G2Affine {
    G2Projective::rand(rng).into_affine()
}

/// Counts the output's tainted bytes (heap contents included) and declares it public.
pub(crate) fn output<T: Output>(mut x: T) {
    x.declassify_all();
    black_box(&x);
}

/// A case output whose secret-tainted bytes `output` can count.
///
/// `declassify` inspects `size_of_val` bytes in place, which for a `Vec` is its
/// (pointer, capacity, length) header, never the heap buffer: a `Vec<u8>` output went
/// through `output` counted as untainted even when every element was secret. Types
/// must therefore opt in: [`Inline`] ones (every byte inline) are declassified in
/// place, a `Vec` of them element by element; any other type does not compile.
pub(crate) trait Output {
    /// Counts this value's tainted bytes into `TAINTED_OUTPUT` and declares them public.
    fn declassify_all(&mut self);
}

/// Types that hold their whole value inline (no pointer to other memory).
pub(crate) trait Inline {}

impl<T: Inline> Output for T {
    fn declassify_all(&mut self) {
        declassify(self);
    }
}

impl<T: Inline> Output for Vec<T> {
    fn declassify_all(&mut self) {
        declassify(self.as_mut_slice());
    }
}

impl<const N: usize> Inline for [u8; N] {}
impl Inline for u8 {}
impl Inline for u64 {}
impl Inline for ark_bls12_381::Fr {}
impl<P: ark_ec::short_weierstrass::SWCurveConfig> Inline for ark_ec::short_weierstrass::Affine<P> {}
impl<P: ark_ec::short_weierstrass::SWCurveConfig> Inline
    for ark_ec::short_weierstrass::Projective<P>
{
}
impl Inline for cipherchart::hazmat::ct::fields::CtFr {}
impl Inline for cipherchart::hazmat::ct::fields::CtFq {}
impl Inline for cipherchart::hazmat::ct::fields::CtFq2 {}
impl Inline for SecretScalar {}
impl Inline for Option<SecretScalar> {}
impl<C: cipherchart::hazmat::ct::curve::CtCurve> Inline
    for cipherchart::hazmat::ct::secret::SecretPoint<C>
{
}
impl<C: cipherchart::hazmat::ct::curve::CtCurve> Inline
    for Option<cipherchart::hazmat::ct::secret::SecretPoint<C>>
{
}
impl Inline for cipherchart::hazmat::ct::SecretGt {}
