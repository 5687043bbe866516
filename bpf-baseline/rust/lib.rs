//! pccf_baseline_rust - the paper's four packet filters in safe Rust, for
//! the benchmark's `rust` technique (a type-safe language, as SPIN's
//! Modula-3 in the paper): every slice index is bounds-checked by the
//! language unless rustc proves it in range.
//!
//! `filters.rs` holds the filters and forbids unsafe code outright;
//! `shim.rs` is the one audited file with `unsafe`: it turns the C ABI's
//! (pointer, length) into a slice.  Built by bench/bench.mk with
//! `rustc -O -C panic=abort --crate-type staticlib`.  Untrusted.
#![deny(unsafe_code)]

mod filters;
#[allow(unsafe_code)]
mod shim;
