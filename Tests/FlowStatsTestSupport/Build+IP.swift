// IPv4 and IPv6 network-layer headers, IPv6 extension headers and fragmentation.

/// Builders for packets byte by byte: whole IP packets with valid checksums, their parts,
/// and the link-layer framings flowcsv reads. Every function is pure and deterministic.
///
/// Addresses are strings: a string containing `:` is IPv6, otherwise IPv4. Malformed input
/// traps (this is test support, not production code).
public enum Build {}

extension Build {
    /// An IPv4 packet: a 20-byte header plus `options` (zero-padded to a multiple of 4
    /// bytes, IHL set to match), then `payload`. The header checksum is valid.
    ///
    /// - Parameters:
    ///   - fragmentOffset8: the fragment offset field, in 8-byte units.
    ///   - totalLength: when given, written into the Total Length field instead of the true
    ///     length (the bytes are not changed); the checksum covers the value written.
    public static func ipv4(src: String, dst: String, protocol proto: UInt8, payload: [UInt8], id: UInt16 = 1, ttl: UInt8 = 64,
                            dontFragment: Bool = false, moreFragments: Bool = false, fragmentOffset8: UInt16 = 0,
                            options: [UInt8] = [], totalLength: UInt16? = nil) -> [UInt8] {
        let s = address(src)
        let d = address(dst)
        precondition(s.count == 4 && d.count == 4, "ipv4 needs IPv4 addresses: \(src) \(dst)")
        var opts = options
        opts.padZeros(toMultipleOf: 4)
        let headerLength = 20 + opts.count
        precondition(headerLength <= 60, "IPv4 options longer than 40 bytes")
        guard let trueLength = UInt16(exactly: headerLength + payload.count) else {
            preconditionFailure("IPv4 packet longer than 65535 bytes")
        }
        let length = totalLength ?? trueLength
        var flagsAndOffset = fragmentOffset8 & 0x1FFF
        if dontFragment { flagsAndOffset |= 0x4000 }
        if moreFragments { flagsAndOffset |= 0x2000 }

        var header: [UInt8] = []
        header.reserveCapacity(headerLength + payload.count)
        header.append(0x40 | UInt8(headerLength / 4))
        header.append(0)  // DSCP/ECN
        header.appendBE(length)
        header.appendBE(id)
        header.appendBE(flagsAndOffset)
        header.append(ttl)
        header.append(proto)
        header.appendBE(UInt16(0))  // checksum, filled below
        header += s
        header += d
        header += opts
        header.setBE16(internetChecksum(header), at: 10)
        return header + payload
    }

    /// An IPv6 packet: the 40-byte fixed header (traffic class and flow label zero) then
    /// `payload`, which holds any extension headers followed by the upper-layer message.
    /// `payloadLength`, when given, is written instead of the true payload length.
    public static func ipv6(src: String, dst: String, nextHeader: UInt8, payload: [UInt8], hopLimit: UInt8 = 64,
                            payloadLength: UInt16? = nil) -> [UInt8] {
        let s = address(src)
        let d = address(dst)
        precondition(s.count == 16 && d.count == 16, "ipv6 needs IPv6 addresses: \(src) \(dst)")
        guard let trueLength = UInt16(exactly: payload.count) else {
            preconditionFailure("IPv6 payload longer than 65535 bytes (jumbograms not supported)")
        }
        let length = payloadLength ?? trueLength
        var packet: [UInt8] = [0x60, 0, 0, 0]
        packet.reserveCapacity(40 + payload.count)
        packet.appendBE(length)
        packet.append(nextHeader)
        packet.append(hopLimit)
        packet += s
        packet += d
        packet += payload
        return packet
    }

    /// A generic IPv6 extension header in the Hop-by-Hop / Routing / Destination Options
    /// layout: `[nextHeader, hdrExtLen] + body`, the body zero-padded so the whole header is a
    /// multiple of 8 bytes (at least 8). Zero bytes are Pad1 options in HBH/DestOpts; for a
    /// Routing header put routing type and segments left at the start of `body`.
    public static func ipv6Extension(nextHeader: UInt8, body: [UInt8]) -> [UInt8] {
        var header: [UInt8] = [nextHeader, 0] + body
        header.padZeros(toMultipleOf: 8)
        precondition(header.count / 8 - 1 <= 255, "extension header too long")
        header[1] = UInt8(header.count / 8 - 1)
        return header
    }

    /// An 8-byte IPv6 Fragment header (next header 44 goes in the preceding header).
    /// `offset8` is in 8-byte units; `more` is the M flag.
    public static func ipv6Fragment(nextHeader: UInt8, offset8: UInt16, more: Bool, id: UInt32) -> [UInt8] {
        var header: [UInt8] = [nextHeader, 0]
        header.appendBE((offset8 & 0x1FFF) << 3 | (more ? 1 : 0))
        header.appendBE(id)
        return header
    }

    /// An IPv6 Authentication Header (next header 51 goes in the preceding header):
    /// `[nextHeader, payloadLen] + body`, where `body` is reserved(2), SPI(4), sequence(4)
    /// and ICV. The body is zero-padded so the header is a multiple of 8 bytes (at least 16),
    /// and Payload Len is the length in 4-octet units minus 2.
    public static func ipv6AH(nextHeader: UInt8, body: [UInt8]) -> [UInt8] {
        var header: [UInt8] = [nextHeader, 0] + body
        while header.count < 12 { header.append(0) }
        header.padZeros(toMultipleOf: 8)
        precondition(header.count / 4 - 2 <= 255, "AH too long")
        header[1] = UInt8(header.count / 4 - 2)
        return header
    }

    /// Splits an IPv4 packet into fragments carrying at most `fragmentSize` payload bytes
    /// each (rounded down to a multiple of 8; the last may be shorter). All keep the
    /// identification; offsets and MF are set (a packet that is itself a fragment keeps its
    /// base offset and its MF on the last piece); DF is cleared; the first fragment keeps all
    /// options, later ones only options with the copy bit; header checksums are valid.
    /// A packet whose payload already fits is returned unchanged as the only element.
    public static func ipv4Fragments(_ ipPacket: [UInt8], fragmentSize: Int) -> [[UInt8]] {
        precondition(ipPacket.count >= 20 && ipPacket[0] >> 4 == 4, "not an IPv4 packet")
        let headerLength = Int(ipPacket[0] & 0x0F) * 4
        precondition(headerLength >= 20 && headerLength <= ipPacket.count, "bad IHL")
        let step = fragmentSize / 8 * 8
        precondition(step >= 8, "fragmentSize must be at least 8")
        let end = min(Int(ipPacket.readBE16(at: 2)), ipPacket.count)
        let payload = Array(ipPacket[headerLength..<max(end, headerLength)])
        if payload.count <= step {
            return [ipPacket]
        }
        let original = ipPacket.readBE16(at: 6)
        let baseOffset8 = Int(original & 0x1FFF)
        let originalMore = original & 0x2000 != 0

        let firstHeader = Array(ipPacket[0..<headerLength])
        var laterHeader = Array(ipPacket[0..<20])
        laterHeader += copiedOptions(Array(ipPacket[20..<headerLength]))
        laterHeader.padZeros(toMultipleOf: 4)
        laterHeader[0] = 0x40 | UInt8(laterHeader.count / 4)

        var fragments: [[UInt8]] = []
        var offset = 0
        while offset < payload.count {
            let chunkEnd = min(offset + step, payload.count)
            let last = chunkEnd == payload.count
            var header = offset == 0 ? firstHeader : laterHeader
            header.setBE16(UInt16(header.count + chunkEnd - offset), at: 2)
            var flagsAndOffset = UInt16((baseOffset8 + offset / 8) & 0x1FFF)
            if !last || originalMore { flagsAndOffset |= 0x2000 }
            header.setBE16(flagsAndOffset, at: 6)
            header.setBE16(0, at: 10)
            header.setBE16(internetChecksum(header), at: 10)
            fragments.append(header + payload[offset..<chunkEnd])
            offset = chunkEnd
        }
        return fragments
    }

    /// The IPv4 options whose type has the copy bit (0x80) set, unpadded.
    static func copiedOptions(_ options: [UInt8]) -> [UInt8] {
        var kept: [UInt8] = []
        var i = 0
        while i < options.count {
            let type = options[i]
            if type == 0 { break }            // End of Option List
            if type == 1 { i += 1; continue }  // NOP
            guard i + 1 < options.count else { break }
            let length = max(Int(options[i + 1]), 2)
            let option = options[i..<min(i + length, options.count)]
            if type & 0x80 != 0 { kept += option }
            i += length
        }
        return kept
    }

    /// Splits an IPv6 packet (fixed header then upper-layer data; no extension headers
    /// expected) into fragments: each is the fixed header with Next Header 44 and its Payload
    /// Length fixed, a Fragment header with `id`, the original next header, the offset and M,
    /// then at most `fragmentSize` bytes (rounded down to a multiple of 8; the last may be
    /// shorter). A payload that already fits gives one atomic fragment (offset 0, M clear).
    public static func ipv6Fragments(_ ipPacket: [UInt8], fragmentSize: Int, id: UInt32) -> [[UInt8]] {
        precondition(ipPacket.count >= 40 && ipPacket[0] >> 4 == 6, "not an IPv6 packet")
        let step = fragmentSize / 8 * 8
        precondition(step >= 8, "fragmentSize must be at least 8")
        let nextHeader = ipPacket[6]
        let end = min(40 + Int(ipPacket.readBE16(at: 4)), ipPacket.count)
        let payload = Array(ipPacket[40..<end])
        var fixed = Array(ipPacket[0..<40])
        fixed[6] = 44
        var fragments: [[UInt8]] = []
        var offset = 0
        repeat {
            let chunkEnd = min(offset + step, payload.count)
            let more = chunkEnd < payload.count
            fixed.setBE16(UInt16(8 + chunkEnd - offset), at: 4)
            fragments.append(fixed + ipv6Fragment(nextHeader: nextHeader, offset8: UInt16(offset / 8), more: more, id: id)
                + payload[offset..<chunkEnd])
            offset = chunkEnd
        } while offset < payload.count
        return fragments
    }
}
