//! Domain-separated hashing to scalars and to the curve (work in progress).
