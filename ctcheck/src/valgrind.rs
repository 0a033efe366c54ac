//! Safe wrappers around the valgrind client requests of `shim.c`.

use core::ffi::c_void;
use core::mem::size_of_val;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// Secret-tainted bytes that reached a declassification point or a case output.
pub static TAINTED: AtomicUsize = AtomicUsize::new(0);

/// Counts the tainted bytes of `x`, then declares it public.
pub fn declassify<T: ?Sized>(x: &mut T) {
    TAINTED.fetch_add(undefined_bytes(x), Ordering::Relaxed);
    unpoison(x);
}

/// The hook cipherchart calls at each of its named declassification points.
pub fn declassify_hook(limbs: &mut [u64]) {
    declassify(limbs);
}
