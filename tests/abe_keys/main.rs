//! FAME keys from the outside: user-key and re-key encodings (the committed key vectors,
//! truncations, bad points in every slot) and the row-comb caches behind key use (many
//! authorities, every policy shape, LRU eviction, concurrent sealing).

#[path = "../common/mod.rs"]
mod common;

mod combs;
mod key_material;
mod misuse;
