"""cipherchart: attribute-based encryption of health records on BLS12-381.

Python bindings of the Rust crate ``cipherchart``: thin wrappers, no logic of their own.
Bytes in and out are :class:`bytes`; every exception derives from :class:`CipherchartError`
(see :mod:`cipherchart.errors`). Pairing-heavy calls release the GIL, so threads run them in
parallel; randomness comes from the operating system.

Streams (:func:`seal_stream`, :meth:`UserKey.open_stream`, :func:`read_stream_info`) take
binary file objects: anything with ``read(n) -> bytes`` for input and ``write(b)`` for output
(``io.BytesIO``, ``open(path, "rb")``/``"wb"``). The core works in chunks without the GIL and
takes it back for each ``read``/``write`` call; an exception raised by the file object is
re-raised unchanged.

Secret objects (:class:`Authority`, :class:`UserKey`, :class:`DelegationKey`, :class:`ReKey`, :class:`BlsSigningKey`,
session sealers and openers) have no equality or hash, and their ``repr`` shows no secret.
Pickling the secret keys is supported and exports them: treat a pickle of a key as the key.
"""

# Every public name of the native module (its `__all__`: the classes, the functions and the
# limits of `cipherchart::limits::ALL`, looped over in Rust) and of `errors`, with no list here:
# tests/test_surface.py checks them against `bindings/surface.txt`, the one list of the public
# surface in Rust, Python and JavaScript.
from cipherchart._native import *  # noqa: F403
from cipherchart._native import __version__
from cipherchart.errors import *  # noqa: F403

