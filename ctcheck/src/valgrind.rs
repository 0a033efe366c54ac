//! Safe wrappers around the valgrind client requests of `shim.c`.

use core::ffi::c_void;
use core::mem::size_of_val;
use core::panic::Location;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

extern "C" {
    fn ctg_poison(p: *mut c_void, n: usize);
    fn ctg_unpoison(p: *mut c_void, n: usize);
    fn ctg_running_on_valgrind() -> u32;
    fn ctg_undefined_bytes(p: *const c_void, n: usize) -> usize;
}

/// Marks every byte of `x` undefined (secret). Takes `&mut` so that the compiler must
/// reload the value from memory after the call.
pub fn poison<T: ?Sized>(x: &mut T) {
    // SAFETY: the pointer and length describe exactly the memory of `x`, which is valid
    // and exclusively borrowed; the request changes only valgrind's shadow state.
    unsafe { ctg_poison((x as *mut T).cast(), size_of_val(x)) }
}

/// Marks every byte of `x` defined (public).
pub fn unpoison<T: ?Sized>(x: &mut T) {
    // SAFETY: as in `poison`.
    unsafe { ctg_unpoison((x as *mut T).cast(), size_of_val(x)) }
}

/// Marks every byte of `x` defined (public) without a mutable borrow: for a public part
/// of a value that was poisoned whole (an `Authority`'s public key). The request changes
/// only valgrind's shadow state, never the memory.
pub fn unpoison_shared<T: ?Sized>(x: &T) {
    // SAFETY: the pointer and length describe the memory of `x`, valid for reads; the
    // request writes only valgrind's shadow state, so casting away `const` writes nothing.
    unsafe { ctg_unpoison((x as *const T).cast_mut().cast(), size_of_val(x)) }
}

/// How many bytes of `x` are undefined (0 outside valgrind).
pub fn undefined_bytes<T: ?Sized>(x: &T) -> usize {
    // SAFETY: the pointer and length describe the memory of `x`, valid for reads; the
    // request only reads valgrind's shadow state.
    unsafe { ctg_undefined_bytes((x as *const T).cast(), size_of_val(x)) }
}

/// Whether the process runs under valgrind.
pub fn on_valgrind() -> bool {
    // SAFETY: no arguments, no memory access.
    unsafe { ctg_running_on_valgrind() != 0 }
}

/// Secret-tainted bytes that reached a case output (`cases::output`).
pub static TAINTED_OUTPUT: AtomicUsize = AtomicUsize::new(0);

/// Secret-tainted bytes that reached one of cipherchart's named declassification points.
pub static TAINTED_DECLASSIFIED: AtomicUsize = AtomicUsize::new(0);

/// Per declassification site (`file:line` of the call in cipherchart's code): calls and
/// tainted bytes, for the runner's review against `[[declassify]]` in `allow.toml`.
pub static SITES: Mutex<SiteCounts> = Mutex::new(BTreeMap::new());

/// `(file, line)` of a declassification call → (calls, tainted bytes).
pub type SiteCounts = BTreeMap<(&'static str, u32), (usize, usize)>;

/// Counts the tainted bytes of `x`, then declares it public.
fn count_and_unpoison<T: ?Sized>(x: &mut T, counter: &AtomicUsize) -> usize {
    let n = undefined_bytes(x);
    counter.fetch_add(n, Ordering::Relaxed);
    unpoison(x);
    n
}

/// A case output: counts its tainted bytes (into `TAINTED_OUTPUT`), then declares it
/// public.
pub fn declassify<T: ?Sized>(x: &mut T) {
    count_and_unpoison(x, &TAINTED_OUTPUT);
}

/// The hook cipherchart calls at each of its named declassification points: counts the
/// tainted bytes (into `TAINTED_DECLASSIFIED`) and records the call site.
pub fn declassify_hook(limbs: &mut [u64], site: &'static Location<'static>) {
    let n = count_and_unpoison(limbs, &TAINTED_DECLASSIFIED);
    let mut sites = SITES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let e = sites.entry((site.file(), site.line())).or_insert((0, 0));
    e.0 += 1;
    e.1 += n;
}
