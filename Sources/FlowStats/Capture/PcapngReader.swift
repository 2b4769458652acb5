#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small, streaming pcapng reader: flowcsv's fallback for the pcapng files that
/// libpcap 1.10 refuses (interfaces with different link types or snapshot lengths,
/// sections with different byte orders). Wireshark reads those; so do we.
///
/// Reads block by block through one reusable buffer (see ``PcapngFile``), so memory is
/// bounded by the largest block, never the file. Handles several sections (each Section
/// Header Block resets the interfaces and may switch byte order), several interfaces per
/// section with their own link type, snapshot length, `if_tsresol` and `if_tsoffset`,
/// and Enhanced, Simple and (obsolete) Packet Blocks. Other blocks are skipped.
///
/// The reader owns an open file; copies of the struct share it (and its position).
struct PcapngReader {
    /// Blocks longer than this are reported as bad instead of buffered.
    static let maximumBlockLength = 256 * 1024 * 1024

    private let state: State

    /// Opens `path` and reads its first Section Header Block.
    init(path: String) throws(CaptureError) {
        let file = try PcapngFile(path: path)
        state = State(file: file)
        try state.readFirstSectionHeader()
    }

    /// Calls `body` for each packet (EPB, SPB, and obsolete Packet Block type 2) in file order.
    /// The buffer is valid only during the call. Returns how reading ended.
    mutating func forEachPacket(_ body: (PacketHeader, UnsafeRawBufferPointer) -> Void) -> ReadEnd {
        state.forEachPacket(body)
    }
}

extension PcapngReader {
    enum BlockType {
        static let sectionHeader: UInt32 = 0x0A0D_0D0A
        static let interfaceDescription: UInt32 = 1
        static let packet: UInt32 = 2  // obsolete
        static let simplePacket: UInt32 = 3
        static let enhancedPacket: UInt32 = 6
    }

    static let byteOrderMagic: UInt32 = 0x1A2B_3C4D

    /// What the reader knows about one interface of the current section.
    struct Interface {
        var linkType: LinkType
        var snaplen: UInt32
        var clock: PcapngClock
    }

    final class State {
        let file: PcapngFile
        var bigEndian = false
        var interfaces: [Interface] = []
        /// Set once reading has ended; later calls return it again.
        var finished: ReadEnd?

        init(file: PcapngFile) {
            self.file = file
        }

        // MARK: First section header (init)

        func readFirstSectionHeader() throws(CaptureError) {
            switch file.fill(12) {
            case .ready:
                break
            case .endOfFile(let n):
                if n < 4 || raw32(file.window(n), 0) != BlockType.sectionHeader {
                    throw CaptureError(.notACapture, n == 0 ? "empty file, not a pcapng capture" : "not a pcapng capture (\(n) bytes)")
                }
                throw CaptureError(.badHeader, "truncated pcapng section header block (\(n) of at least 28 bytes)")
            case .readError(let code):
                throw CaptureError(.unreadable, "cannot read: \(String(cString: strerror(code)))")
            }
            let head = file.window(12)
            let type = raw32(head, 0)
            guard type == BlockType.sectionHeader else {
                let hex = (0..<4).map { String(head[$0], radix: 16).leftPadded(to: 2) }.joined()
                throw CaptureError(.notACapture, "not a pcapng capture (starts with 0x\(hex))")
            }
            guard let order = Self.byteOrder(raw32(head, 8)) else {
                let hex = (8..<12).map { String(head[$0], radix: 16).leftPadded(to: 2) }.joined()
                throw CaptureError(.badHeader, "bad pcapng byte-order magic 0x\(hex)")
            }
            bigEndian = order
            let length = Int(PcapngBytes(base: head.baseAddress!, bigEndian: bigEndian).u32(4))
            if length < 28 || length % 4 != 0 || length > 1024 * 1024 {
                throw CaptureError(.badHeader, "pcapng section header block has an invalid length \(length)")
            }
            switch file.fill(length) {
            case .ready:
                break
            case .endOfFile(let n):
                throw CaptureError(.badHeader, "truncated pcapng section header block (\(n) of \(length) bytes)")
            case .readError(let code):
                throw CaptureError(.unreadable, "cannot read: \(String(cString: strerror(code)))")
            }
            let block = PcapngBytes(base: file.window(length).baseAddress!, bigEndian: bigEndian)
            if Int(block.u32(length - 4)) != length {
                throw CaptureError(.badHeader, "pcapng section header block length \(length) does not match its trailing length \(block.u32(length - 4))")
            }
            let major = block.u16(12), minor = block.u16(14)
            if major != 1 {
                throw CaptureError(.badHeader, "unsupported pcapng version \(major).\(minor)")
            }
            file.consume(length)
        }

        // MARK: Blocks

        func forEachPacket(_ body: (PacketHeader, UnsafeRawBufferPointer) -> Void) -> ReadEnd {
            if let finished { return finished }
            let end = readBlocks(body)
            finished = end
            return end
        }

        private func readBlocks(_ body: (PacketHeader, UnsafeRawBufferPointer) -> Void) -> ReadEnd {
            while true {
                let blockOffset = file.offset
                // Block type and total length (and for an SHB, the byte-order magic,
                // which says how to read the length).
                switch file.fill(12) {
                case .ready:
                    break
                case .endOfFile(let n):
                    if n == 0 { return .complete }
                    if n < 8 {
                        return .truncated("file ends in the middle of a block header at offset \(blockOffset) (\(n) of 8 bytes)")
                    }
                    // 8..11 bytes: a block shorter than 12 bytes is invalid anyway; let
                    // the checks below report which, or the truncation.
                case .readError(let code):
                    return .failed("read error at offset \(blockOffset): \(String(cString: strerror(code)))")
                }
                let head = file.window(min(12, file.available))
                if raw32(head, 0) == BlockType.sectionHeader {  // reads the same in either byte order
                    guard head.count >= 12 else {
                        return .truncated("file ends in the middle of a section header block at offset \(blockOffset) (\(head.count) of at least 28 bytes)")
                    }
                    guard let order = Self.byteOrder(raw32(head, 8)) else {
                        return .failed("section header block at offset \(blockOffset) has a bad byte-order magic")
                    }
                    bigEndian = order
                }
                let headBytes = PcapngBytes(base: head.baseAddress!, bigEndian: bigEndian)
                let type = headBytes.u32(0)
                let length = Int(headBytes.u32(4))
                if length < 12 || length % 4 != 0 {
                    return .failed("bad block at offset \(blockOffset): total length \(length) is \(length < 12 ? "less than 12" : "not a multiple of 4")")
                }
                if length > PcapngReader.maximumBlockLength {
                    return .failed("bad block at offset \(blockOffset): total length \(length) is over the \(PcapngReader.maximumBlockLength >> 20) MiB limit")
                }
                switch file.fill(length) {
                case .ready:
                    break
                case .endOfFile(let n):
                    return .truncated("file ends in the middle of a block at offset \(blockOffset) (\(n) of \(length) bytes)")
                case .readError(let code):
                    return .failed("read error at offset \(blockOffset): \(String(cString: strerror(code)))")
                }
                let block = PcapngBytes(base: file.window(length).baseAddress!, bigEndian: bigEndian)
                let trailing = Int(block.u32(length - 4))
                if trailing != length {
                    return .failed("bad block at offset \(blockOffset): total length \(length) does not match the trailing length \(trailing)")
                }
                let bodyLength = length - 12
                switch type {
                case BlockType.enhancedPacket:
                    if let failure = packet(block, bodyLength, at: blockOffset, kind: .enhanced, body) { return .failed(failure) }
                case BlockType.simplePacket:
                    if let failure = packet(block, bodyLength, at: blockOffset, kind: .simple, body) { return .failed(failure) }
                case BlockType.packet:
                    if let failure = packet(block, bodyLength, at: blockOffset, kind: .obsolete, body) { return .failed(failure) }
                case BlockType.interfaceDescription:
                    if let failure = interfaceDescription(block, bodyLength, at: blockOffset) { return .failed(failure) }
                case BlockType.sectionHeader:
                    if bodyLength < 16 {
                        return .failed("section header block at offset \(blockOffset) is too short (\(length) bytes)")
                    }
                    let major = block.u16(12)
                    if major != 1 {
                        return .failed("section header block at offset \(blockOffset) has unsupported pcapng version \(major).\(block.u16(14))")
                    }
                    interfaces.removeAll(keepingCapacity: true)
                default:
                    break  // NRB, ISB, DSB, custom, ...: not needed
                }
                file.consume(length)
            }
        }

        private enum PacketKind { case enhanced, simple, obsolete }

        /// Hands one packet block to `body`; returns a failure reason or nil.
        private func packet(_ block: PcapngBytes, _ bodyLength: Int, at offset: Int64, kind: PacketKind,
                            _ body: (PacketHeader, UnsafeRawBufferPointer) -> Void) -> String? {
            let fixed = kind == .simple ? 4 : 20
            let name: String
            switch kind {
            case .enhanced: name = "enhanced packet block"
            case .simple: name = "simple packet block"
            case .obsolete: name = "packet block"
            }
            if bodyLength < fixed {
                return "\(name) at offset \(offset) is too short (\(bodyLength + 12) bytes)"
            }
            let interfaceID: Int
            let ticks: UInt64
            var captured: Int
            let original: Int
            let dataRoom = bodyLength - fixed
            switch kind {
            case .enhanced, .obsolete:
                interfaceID = kind == .enhanced ? Int(block.u32(8)) : Int(block.u16(8))
                ticks = UInt64(block.u32(12)) << 32 | UInt64(block.u32(16))
                captured = Int(block.u32(20))
                original = Int(block.u32(24))
            case .simple:
                interfaceID = 0
                ticks = 0  // an SPB has no timestamp; libpcap reports 0 (plus if_tsoffset)
                original = Int(block.u32(8))
                captured = original
            }
            guard interfaceID < interfaces.count else {
                return "\(name) at offset \(offset) is for interface \(interfaceID), which has no interface description block"
            }
            let interface = interfaces[interfaceID]
            if kind == .simple {
                if interface.snaplen != 0 { captured = min(captured, Int(interface.snaplen)) }
                captured = min(captured, dataRoom)
            } else if captured > dataRoom {
                return "\(name) at offset \(offset) has a captured length \(captured) larger than its data (\(dataRoom) bytes)"
            }
            let header = PacketHeader(
                timestampNs: interface.clock.nanoseconds(ticks),
                capturedLength: captured,
                wireLength: max(original, captured),
                linkType: interface.linkType)
            body(header, UnsafeRawBufferPointer(start: block.base + 8 + fixed, count: captured))
            return nil
        }

        /// Adds an interface from an IDB; returns a failure reason or nil.
        private func interfaceDescription(_ block: PcapngBytes, _ bodyLength: Int, at offset: Int64) -> String? {
            if bodyLength < 8 {
                return "interface description block at offset \(offset) is too short (\(bodyLength + 12) bytes)"
            }
            let linkType = LinkType(rawValue: UInt32(block.u16(8)))
            let snaplen = block.u32(12)
            var units: UInt64 = 1_000_000
            var tsoffset: Int64 = 0
            // Options: code (2), length (2), value padded to 4 bytes.
            var at = 16
            let end = 8 + bodyLength
            while end - at >= 4 {
                let code = block.u16(at)
                let length = Int(block.u16(at + 2))
                let padded = (length + 3) & ~3
                if padded > end - at - 4 {
                    return "interface description block at offset \(offset) has an option \(code) running past the block"
                }
                let value = at + 4
                switch code {
                case 0:  // opt_endofopt
                    at = end
                    continue
                case 9:  // if_tsresol
                    guard length == 1 else {
                        return "interface description block at offset \(offset) has an if_tsresol option of length \(length), not 1"
                    }
                    let resol = block.base.load(fromByteOffset: value, as: UInt8.self)
                    guard let u = PcapngClock.unitsPerSecond(tsresol: resol) else {
                        return "interface description block at offset \(offset) has an unsupported if_tsresol 0x\(String(resol, radix: 16).leftPadded(to: 2))"
                    }
                    units = u
                case 14:  // if_tsoffset
                    guard length == 8 else {
                        return "interface description block at offset \(offset) has an if_tsoffset option of length \(length), not 8"
                    }
                    tsoffset = Int64(bitPattern: block.u64(value))
                default:
                    break
                }
                at = value + padded
            }
            interfaces.append(Interface(
                linkType: linkType, snaplen: snaplen,
                clock: PcapngClock(unitsPerSecond: units, offsetSeconds: tsoffset)))
            return nil
        }

        // MARK: Helpers

        /// true = big-endian, false = little-endian, nil = not a byte-order magic.
        /// `raw` is the four bytes as loaded in host order.
        static func byteOrder(_ raw: UInt32) -> Bool? {
            if UInt32(bigEndian: raw) == PcapngReader.byteOrderMagic { return true }
            if UInt32(littleEndian: raw) == PcapngReader.byteOrderMagic { return false }
            return nil
        }
    }
}

/// Four bytes as loaded in host order (the SHB block type reads the same either way).
@inline(__always)
private func raw32(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
    bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)
}
