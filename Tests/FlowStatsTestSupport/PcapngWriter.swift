// pcapng files: Section Header, Interface Description, Enhanced/Simple Packet blocks.

/// Writes pcapng files (draft-ietf-opsawg-pcapng).
public enum PcapngWriter {
    /// One Interface Description Block.
    public struct Interface: Sendable, Equatable {
        /// The LINKTYPE_ value (1 Ethernet, 113 SLL, 276 SLL2, ...).
        public var linkType: UInt16
        /// Snap length; 0 means no limit.
        public var snaplen: UInt32
        /// The `if_tsresol` option byte: high bit clear means 10^-n seconds, set means
        /// 2^-n. `nil` writes no option, which means microseconds.
        public var tsresol: UInt8?
        /// The `if_tsoffset` option: seconds added to every stored timestamp. `nil` writes no option.
        public var tsoffsetSeconds: Int64?

        public init(linkType: UInt16, snaplen: UInt32 = 0, tsresol: UInt8? = nil, tsoffsetSeconds: Int64? = nil) {
            self.linkType = linkType
            self.snaplen = snaplen
            self.tsresol = tsresol
            self.tsoffsetSeconds = tsoffsetSeconds
        }
    }

    /// One section: a Section Header Block, its interfaces, then its packets.
    public struct Section: Sendable, Equatable {
        public var interfaces: [Interface]
        /// Packets in file order; each `interface` indexes `interfaces`.
        public var records: [PcapRecord]
        /// Write the whole section big-endian (otherwise little-endian).
        public var bigEndian: Bool
        /// Write Simple Packet Blocks (no timestamp, no interface id: all records must be on
        /// interface 0) instead of Enhanced Packet Blocks.
        public var simplePacketBlocks: Bool
        /// Also write a Name Resolution Block after the interfaces and an Interface Statistics
        /// Block per interface at the end of the section, which a packet reader must skip.
        public var nameResolutionAndStatistics: Bool

        public init(interfaces: [Interface], records: [PcapRecord], bigEndian: Bool = false,
                    simplePacketBlocks: Bool = false, nameResolutionAndStatistics: Bool = false) {
            self.interfaces = interfaces
            self.records = records
            self.bigEndian = bigEndian
            self.simplePacketBlocks = simplePacketBlocks
            self.nameResolutionAndStatistics = nameResolutionAndStatistics
        }
    }

    /// Block type of the Section Header Block.
    public static let sectionHeaderType: UInt32 = 0x0A0D_0D0A
    /// Block type of the Interface Description Block.
    public static let interfaceDescriptionType: UInt32 = 1
    /// Block type of the Simple Packet Block.
    public static let simplePacketType: UInt32 = 3
    /// Block type of the Name Resolution Block.
    public static let nameResolutionType: UInt32 = 4
    /// Block type of the Interface Statistics Block.
    public static let interfaceStatisticsType: UInt32 = 5
    /// Block type of the Enhanced Packet Block.
    public static let enhancedPacketType: UInt32 = 6

    /// A complete pcapng file: for each section a Section Header Block (version 1.0,
    /// section length -1, no options), one Interface Description Block per interface
    /// (options `if_tsresol`/`if_tsoffset` when set), then one Enhanced Packet Block per
    /// record with its timestamp in that interface's resolution (rounded down), or a Simple
    /// Packet Block when the section asks for them. Bodies are padded to 32 bits and the
    /// block total length is written at both ends.
    public static func file(_ sections: [Section]) -> [UInt8] {
        var out: [UInt8] = []
        for section in sections {
            out += sectionBytes(section)
        }
        return out
    }

    /// One block: type, total length, `body` zero-padded to 32 bits, total length again.
    public static func block(type: UInt32, body: [UInt8], bigEndian: Bool) -> [UInt8] {
        var padded = body
        padded.padZeros(toMultipleOf: 4)
        let total = UInt32(12 + padded.count)
        var out: [UInt8] = []
        out.reserveCapacity(Int(total))
        out.append(type, bigEndian: bigEndian)
        out.append(total, bigEndian: bigEndian)
        out += padded
        out.append(total, bigEndian: bigEndian)
        return out
    }

    /// A timestamp in an interface's units (`if_tsresol`, after subtracting `if_tsoffset`),
    /// rounded down, as the unsigned 64-bit value stored in an EPB.
    public static func timestampUnits(_ timestampNs: Int64, for interface: Interface) -> UInt64 {
        var value = Int128(timestampNs) - Int128(interface.tsoffsetSeconds ?? 0) * 1_000_000_000
        let resolution = interface.tsresol ?? 6
        let exponent = Int(resolution & 0x7F)
        if resolution & 0x80 == 0 {
            precondition(exponent <= 30, "if_tsresol 10^-\(exponent) is too fine to write")
            if exponent <= 9 {
                value = floorDivide(value, power10(9 - exponent))
            } else {
                value *= power10(exponent - 9)
            }
        } else {
            precondition(exponent <= 90, "if_tsresol 2^-\(exponent) is too fine to write")
            value = floorDivide(value << exponent, 1_000_000_000)
        }
        return UInt64(truncatingIfNeeded: value)
    }

    static func power10(_ n: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<n { result *= 10 }
        return result
    }

    static func floorDivide(_ a: Int128, _ b: Int128) -> Int128 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func sectionBytes(_ section: Section) -> [UInt8] {
        let be = section.bigEndian
        var out: [UInt8] = []

        var shb: [UInt8] = []
        shb.append(UInt32(0x1A2B_3C4D), bigEndian: be)  // byte-order magic
        shb.append(UInt16(1), bigEndian: be)
        shb.append(UInt16(0), bigEndian: be)
        shb.append(Int64(-1), bigEndian: be)            // section length unknown
        out += block(type: sectionHeaderType, body: shb, bigEndian: be)

        for interface in section.interfaces {
            var idb: [UInt8] = []
            idb.append(interface.linkType, bigEndian: be)
            idb.append(UInt16(0), bigEndian: be)
            idb.append(interface.snaplen, bigEndian: be)
            var options: [[UInt8]] = []
            if let tsresol = interface.tsresol {
                options.append(option(code: 9, value: [tsresol], bigEndian: be))
            }
            if let offset = interface.tsoffsetSeconds {
                var value: [UInt8] = []
                value.append(offset, bigEndian: be)
                options.append(option(code: 14, value: value, bigEndian: be))
            }
            if !options.isEmpty {
                idb += options.joined()
                idb += option(code: 0, value: [], bigEndian: be)
            }
            out += block(type: interfaceDescriptionType, body: idb, bigEndian: be)
        }

        if section.nameResolutionAndStatistics {
            out += nameResolutionBlock(bigEndian: be)
        }

        for record in section.records {
            precondition(section.interfaces.indices.contains(record.interface),
                         "record on interface \(record.interface) but the section has \(section.interfaces.count)")
            var body: [UInt8] = []
            if section.simplePacketBlocks {
                precondition(record.interface == 0, "Simple Packet Blocks belong to interface 0")
                body.append(UInt32(truncatingIfNeeded: record.wireLength), bigEndian: be)
                body += record.data
                out += block(type: simplePacketType, body: body, bigEndian: be)
            } else {
                let units = timestampUnits(record.timestampNs, for: section.interfaces[record.interface])
                body.append(UInt32(record.interface), bigEndian: be)
                body.append(UInt32(truncatingIfNeeded: units >> 32), bigEndian: be)
                body.append(UInt32(truncatingIfNeeded: units), bigEndian: be)
                body.append(UInt32(truncatingIfNeeded: record.data.count), bigEndian: be)
                body.append(UInt32(truncatingIfNeeded: record.wireLength), bigEndian: be)
                body += record.data
                out += block(type: enhancedPacketType, body: body, bigEndian: be)
            }
        }

        if section.nameResolutionAndStatistics {
            for (index, interface) in section.interfaces.enumerated() {
                let mine = section.records.filter { $0.interface == index }
                let units = timestampUnits(mine.last?.timestampNs ?? 0, for: interface)
                var isb: [UInt8] = []
                isb.append(UInt32(index), bigEndian: be)
                isb.append(UInt32(truncatingIfNeeded: units >> 32), bigEndian: be)
                isb.append(UInt32(truncatingIfNeeded: units), bigEndian: be)
                var received: [UInt8] = []
                received.append(UInt64(mine.count), bigEndian: be)
                isb += option(code: 4, value: received, bigEndian: be)  // isb_ifrecv
                isb += option(code: 5, value: [UInt8](repeating: 0, count: 8), bigEndian: be)  // isb_ifdrop
                isb += option(code: 0, value: [], bigEndian: be)
                out += block(type: interfaceStatisticsType, body: isb, bigEndian: be)
            }
        }
        return out
    }

    /// A fixed Name Resolution Block: one IPv4 record (192.0.2.1 = "example.test") and end.
    static func nameResolutionBlock(bigEndian be: Bool) -> [UInt8] {
        var body: [UInt8] = []
        let value: [UInt8] = [192, 0, 2, 1] + Array("example.test".utf8) + [0]
        body += option(code: 1, value: value, bigEndian: be)  // nrb_record_ipv4, same layout as an option
        body += option(code: 0, value: [], bigEndian: be)     // nrb_record_end
        return block(type: nameResolutionType, body: body, bigEndian: be)
    }

    /// An option (or NRB record): code, length, value zero-padded to 32 bits.
    static func option(code: UInt16, value: [UInt8], bigEndian be: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.append(code, bigEndian: be)
        out.append(UInt16(value.count), bigEndian: be)
        out += value
        out.padZeros(toMultipleOf: 4)
        return out
    }
}
