//! Compiles the valgrind client-request shim against Debian's `valgrind/memcheck.h`.
fn main() {
    println!("cargo:rerun-if-changed=shim.c");
    cc::Build::new()
        .file("shim.c")
        .opt_level(2)
        .compile("ctgshim");
}
