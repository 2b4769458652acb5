// Zeek's protocol detection for UDP tunnels: the tests its Teredo and AYIYA packet analyzers
// run on a UDP payload when the connection's port has no packet analyzer
// (`UDPAnalyzer::DeliverPacket` → `Analyzer::ForwardPacket` → `DetectInnerAnalyzer`; the
// scripts `base/packet-protocols/{ayiya,teredo}/main.zeek` register both with
// `register_protocol_detection`, AYIYA first in load order). Facts from Zeek master
// (a13de64fbb): `src/packet_analysis/protocol/teredo/Teredo.cc` (`TeredoAnalyzer::DetectProtocol`
// and its pattern), `src/packet_analysis/protocol/ayiya/AYIYA.cc` (`AYIYAAnalyzer::DetectProtocol`).
// Used only with `DecodeOptions.detectTunnelsByContent` (`--preset zeek`).

/// Zeek's content tests for Teredo and AYIYA. Each reads only bytes inside `payload`.
enum TunnelDetection {
    /// `AYIYAAnalyzer::DetectProtocol`: at least 3 bytes, byte 1 0x52 (signature length 5
    /// words, SHA-1) and byte 2 0x11 (authentication 1, opcode forward).
    static func looksLikeAYIYA(_ payload: UnsafeRawBufferPointer) -> Bool {
        payload.count >= 3 && payload[1] == 0x52 && payload[2] == 0x11
    }

    /// `TeredoAnalyzer::DetectProtocol`:
    /// - at least 40 bytes, starting with an IPv6 version nibble or an indicator `00 00`/`00 01`;
    /// - Zeek's pattern, matched from the start: a byte 0x60…0x6F, then `20 01 00 00` (the
    ///   Teredo prefix 2001::/32) at offset 8 (source address) or 24 (destination address),
    ///   with 40 bytes in all;
    /// - else, when byte 1 is 1 (authentication: client id length at 2, authentication length
    ///   at 3, then 9 bytes of nonce and confirmation), skip `13 + id + auth` bytes, still 40
    ///   after, and read the next 16-bit value; then if that value (or byte 1 without
    ///   authentication) is 0, an origin indication: skip 8 bytes, 40 must remain, and the next
    ///   byte's version nibble must be 6.
    static func looksLikeTeredo(_ payload: UnsafeRawBufferPointer) -> Bool {
        var len = payload.count
        guard len >= 40 else { return false }
        let b0 = payload[0]
        let b1 = payload[1]
        if b0 >> 4 != 6 && (b0 != 0 || (b1 != 0 && b1 != 1)) { return false }
        if b0 >= 0x60 && b0 <= 0x6F && (hasTeredoPrefix(payload, at: 8) || hasTeredoPrefix(payload, at: 24)) {
            return true
        }
        var o = 0
        var value = UInt16(b1)
        if value == 1 {
            let skip = 13 + Int(payload[2]) + Int(payload[3])
            guard len >= skip else { return false }
            o += skip
            len -= skip
            guard len >= 40 else { return false }
            value = UInt16(payload[o]) << 8 | UInt16(payload[o + 1])
        }
        guard value == 0 else { return false }
        // len >= 40 here: the 8-byte origin indication and 40 more are checked next.
        o += 8
        len -= 8
        guard len >= 40 else { return false }
        return payload[o] >> 4 == 6
    }

    /// Bytes `20 01 00 00` at `offset` (the caller has checked 40 bytes are there).
    private static func hasTeredoPrefix(_ p: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        p[offset] == 0x20 && p[offset + 1] == 0x01 && p[offset + 2] == 0x00 && p[offset + 3] == 0x00
    }
}
