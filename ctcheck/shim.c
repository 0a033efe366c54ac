/* Valgrind client requests for the constant-time check (ctcheck). Outside valgrind
 * every request is a no-op (the macros compile to a magic instruction sequence that
 * does nothing on real hardware). Header: Debian's `valgrind` package. */
#include <stddef.h>
#include <valgrind/memcheck.h>

/* Mark [p, p+n) undefined: memcheck then reports every branch or address that depends
 * on these bytes. */
void ctg_poison(void *p, size_t n) { (void)VALGRIND_MAKE_MEM_UNDEFINED(p, n); }

/* Mark [p, p+n) defined again (declassification). */
void ctg_unpoison(void *p, size_t n) { (void)VALGRIND_MAKE_MEM_DEFINED(p, n); }

/* Non-zero when running under valgrind. */
unsigned ctg_running_on_valgrind(void) { return RUNNING_ON_VALGRIND; }

/* How many of the n bytes at p hold at least one undefined bit (0 outside valgrind).
 * Reads the V bits without raising an error. */
size_t ctg_undefined_bytes(const void *p, size_t n) {
  unsigned char vbits[256];
  size_t count = 0;
  const unsigned char *src = (const unsigned char *)p;
  while (n > 0) {
    size_t k = n < sizeof vbits ? n : sizeof vbits;
    if (VALGRIND_GET_VBITS(src, vbits, k) != 1) return 0;
    for (size_t i = 0; i < k; i++) count += vbits[i] != 0;
    src += k;
    n -= k;
  }
  return count;
}
