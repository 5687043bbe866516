//! The C ABI boundary: the only file of the crate with `unsafe`, audited.
//!
//! Each entry point has the pccf filter ABI (MISSION §3):
//! `uint32_t f(const uint8_t *pkt, uint64_t caplen, uint64_t wirelen,
//! uint32_t *mem)`.  The caller guarantees that `caplen` bytes at `pkt`
//! are readable and unchanged during the call and that `caplen < 2^32`;
//! that is exactly what `slice::from_raw_parts` needs.  `wirelen` and
//! `mem` are not used by the paper's filters.
use crate::filters;

/// The captured bytes as a slice; an empty slice when `caplen` is 0 (the
/// pointer may then be anything, which from_raw_parts would not allow).
fn packet<'a>(pkt: *const u8, caplen: u64) -> &'a [u8] {
    if caplen == 0 || pkt.is_null() {
        return &[];
    }
    // SAFETY: by the ABI's precondition, `caplen` (< 2^32, so it fits in
    // usize) bytes at `pkt` are readable, initialised, and not written
    // while the filter runs; u8 has alignment 1; the slice does not
    // outlive the call (the filters return a u32, keeping no reference).
    unsafe { core::slice::from_raw_parts(pkt, caplen as usize) }
}

macro_rules! export {
    ($c:ident, $f:path) => {
        #[no_mangle]
        pub extern "C" fn $c(pkt: *const u8, caplen: u64, _wirelen: u64, _mem: *mut u32) -> u32 {
            $f(packet(pkt, caplen))
        }
    };
}

export!(pccf_rust_ip_all, filters::ip_all);
export!(pccf_rust_src_net, filters::src_net);
export!(pccf_rust_net_pair, filters::net_pair);
export!(pccf_rust_tcp_dst21, filters::tcp_dst21);
