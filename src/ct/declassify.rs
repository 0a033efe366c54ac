//! Declassification: the named points where a secret-derived value becomes public.
//!
//! Constant-time code may branch on, index by or compare public values only. When the
//! protocol publishes a value computed from secrets (a public key, a ciphertext
//! header, a signature, the outcome "this scalar is zero" whose probability is 2^-255),
//! it passes through one of the functions here. In normal builds they do nothing. The
//! valgrind harness (`ctcheck/`, feature `ctcheck`) installs a hook that counts how
//! many secret-tainted bytes arrive (proof that the secret reached the output) and
//! then marks them defined, so the public code after the publication point is not
//! reported. Every declassification is therefore visible in the source by name.
//!
//! The functions here and the `publish…`/`from_*` exits of [`super::secret`] are
//! `#[track_caller]`: the hook receives the source location of the call in the code that
//! publishes, and the check fails on any location not reviewed in `ctcheck/allow.toml`
//! (`[[declassify]]`), so a new declassification cannot go unnoticed.

use ark_bls12_381::{Bls12_381, Fq, Fq12, Fq2, Fr};
use ark_ec::pairing::PairingOutput;
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use subtle::Choice;

/// The hook's type: the limbs being declared public, and the source location of the
/// declassification (the caller of the `#[track_caller]` chain).
#[cfg(feature = "ctcheck")]
pub type DeclassifyHook = fn(&mut [u64], &'static core::panic::Location<'static>);

#[cfg(feature = "ctcheck")]
static HOOK: std::sync::OnceLock<DeclassifyHook> = std::sync::OnceLock::new();

/// Installs the declassification hook (the valgrind harness only). Returns false if a
/// hook was already installed.
#[cfg(feature = "ctcheck")]
pub fn set_declassify_hook(hook: DeclassifyHook) -> bool {
    HOOK.set(hook).is_ok()
}

/// Declares these limbs public.
#[inline]
#[track_caller]
pub fn declassify_limbs(limbs: &mut [u64]) {
    #[cfg(feature = "ctcheck")]
    if let Some(hook) = HOOK.get() {
        hook(limbs, core::panic::Location::caller());
    }
    #[cfg(not(feature = "ctcheck"))]
    let _ = limbs;
}

/// Declares a secret-derived bit public and returns it as a `bool` to branch on. Use it
/// only for outcomes the protocol reveals anyway (a check that fails with negligible
/// probability, an accept/reject decision).
#[track_caller]
pub fn declassify_choice(c: Choice) -> bool {
    let mut v = [u64::from(c.unwrap_u8())];
    declassify_limbs(&mut v);
    v[0] != 0
}

/// Values that can be declared public in place.
pub trait Declassify {
    /// Declares `self` public (see the module documentation).
    fn declassify(&mut self);
}

/// Public bytes held by value (a key id, a header's masked seed, a v3 header's key
/// commitment and wrap), declared as little-endian limbs of eight bytes; the bytes are
/// unchanged. `N` must be a multiple of 8 (checked at compile time).
impl<const N: usize> Declassify for [u8; N] {
    #[track_caller]
    fn declassify(&mut self) {
        const {
            assert!(
                N.is_multiple_of(8),
                "declassified byte arrays are whole limbs"
            )
        };
        let mut limbs: Vec<u64> = self
            .chunks_exact(8)
            .map(|c| {
                let mut b = [0u8; 8];
                b.copy_from_slice(c);
                u64::from_le_bytes(b)
            })
            .collect();
        declassify_limbs(&mut limbs);
        for (chunk, l) in self.chunks_exact_mut(8).zip(limbs) {
            chunk.copy_from_slice(&l.to_le_bytes());
        }
    }
}

impl Declassify for Fq {
    #[track_caller]
    fn declassify(&mut self) {
        declassify_limbs(&mut (self.0).0);
    }
}

impl Declassify for Fr {
    #[track_caller]
    fn declassify(&mut self) {
        declassify_limbs(&mut (self.0).0);
    }
}

impl Declassify for Fq2 {
    #[track_caller]
    fn declassify(&mut self) {
        self.c0.declassify();
        self.c1.declassify();
    }
}

impl Declassify for Fq12 {
    #[track_caller]
    fn declassify(&mut self) {
        for c6 in [&mut self.c0, &mut self.c1] {
            for c2 in [&mut c6.c0, &mut c6.c1, &mut c6.c2] {
                c2.declassify();
            }
        }
    }
}

impl<P: SWCurveConfig> Declassify for Affine<P>
where
    P::BaseField: Declassify,
{
    #[track_caller]
    fn declassify(&mut self) {
        self.x.declassify();
        self.y.declassify();
    }
}

impl Declassify for PairingOutput<Bls12_381> {
    #[track_caller]
    fn declassify(&mut self) {
        self.0.declassify();
    }
}
