//! Unit tests of the policy module: errors with positions, limits, precedence, NFC.
