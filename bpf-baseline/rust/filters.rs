//! The paper's four filters written as a Rust programmer would: a length
//! check, big-endian field reads through safe indexing, early returns.
//! They return 262144 (libpcap's accept value at snaplen 262144) exactly
//! when libpcap's bpf_filter accepts on the optimised program, truncated
//! captures included (a load past the captured bytes rejects).
#![forbid(unsafe_code)]

/// libpcap's return value for an accepted packet at snaplen 262144.
pub const ACCEPT: u32 = 262_144;

const NET_A: u32 = 0x8002_ce00; // 128.2.206.0/24
const NET_B: u32 = 0x8002_d100; // 128.2.209.0/24
const ETH_IP: u32 = 0x0800;
const ETH_ARP: u32 = 0x0806;

/// Big-endian 16-bit field at `off` (indexing is checked).
fn be16(p: &[u8], off: usize) -> u32 {
    u32::from(u16::from_be_bytes([p[off], p[off + 1]]))
}

/// Big-endian 32-bit field at `off` (indexing is checked).
fn be32(p: &[u8], off: usize) -> u32 {
    u32::from_be_bytes([p[off], p[off + 1], p[off + 2], p[off + 3]])
}

/// True when the /24s of `src` and `dst` are A->B or B->A.
fn between(src: u32, dst: u32) -> bool {
    let (s, d) = (src & 0xffff_ff00, dst & 0xffff_ff00);
    (s == NET_A && d == NET_B) || (s == NET_B && d == NET_A)
}

/// Filter 1, `ip`: IPv4 frames.
pub fn ip_all(p: &[u8]) -> u32 {
    if p.len() < 14 || be16(p, 12) != ETH_IP {
        return 0;
    }
    ACCEPT
}

/// Filter 2, `ip src net 128.2.206.0/24`.
pub fn src_net(p: &[u8]) -> u32 {
    if p.len() < 14 || be16(p, 12) != ETH_IP {
        return 0;
    }
    if p.len() < 30 || be32(p, 26) & 0xffff_ff00 != NET_A {
        return 0;
    }
    ACCEPT
}

/// Filter 3, IPv4 or ARP between 128.2.206/24 and 128.2.209/24 (ARP
/// compares the sender and target protocol addresses, as libpcap does).
pub fn net_pair(p: &[u8]) -> u32 {
    if p.len() < 14 {
        return 0;
    }
    let ok = match be16(p, 12) {
        ETH_IP => p.len() >= 34 && between(be32(p, 26), be32(p, 30)),
        ETH_ARP => p.len() >= 42 && between(be32(p, 28), be32(p, 38)),
        _ => false,
    };
    if ok {
        ACCEPT
    } else {
        0
    }
}

/// Filter 4, `ip and tcp dst port 21`: unfragmented (or first-fragment)
/// IPv4 TCP to port 21, the port found after the variable-length IP
/// header (IHL taken as found, as libpcap does).
pub fn tcp_dst21(p: &[u8]) -> u32 {
    if p.len() < 24 || be16(p, 12) != ETH_IP || p[23] != 6 {
        return 0;
    }
    if be16(p, 20) & 0x1fff != 0 {
        return 0;
    }
    let hl = usize::from(p[14] & 0x0f) * 4;
    if p.len() < 14 + hl + 4 || be16(p, 14 + hl + 2) != 21 {
        return 0;
    }
    ACCEPT
}
