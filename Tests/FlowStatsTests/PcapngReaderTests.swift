import Foundation
import Testing
@testable import FlowStats
import FlowStatsTestSupport

// Tests for flowcsv's own pcapng block reader (the fallback for files libpcap 1.10
// refuses). Files are built with PcapngWriter, or block by block below for what the
// writer does not produce (obsolete Packet Blocks, corrupt blocks, raw timestamps).
// Expected values are worked out by hand from what was written.

// MARK: - Helpers

/// One packet as the reader delivered it, bytes copied out.
private struct ReadPacket: Equatable {
    var header: PacketHeader
    var bytes: [UInt8]
}

/// Writes `bytes` to a scratch file and reads it with PcapngReader.
private func readPcapng(_ bytes: [UInt8], name: String = #function) throws -> (packets: [ReadPacket], end: ReadEnd) {
    let dir = try temporaryDirectory(name)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/capture.pcapng"
    try bytes.write(toFile: path)
    var reader = try PcapngReader(path: path)
    var packets: [ReadPacket] = []
    let end = reader.forEachPacket { header, data in
        packets.append(ReadPacket(header: header, bytes: Array(data)))
    }
    return (packets, end)
}

/// The error PcapngReader.init throws for these bytes, or nil.
private func openError(_ bytes: [UInt8], name: String = #function) throws -> CaptureError? {
    let dir = try temporaryDirectory(name)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/capture.pcapng"
    try bytes.write(toFile: path)
    do throws(CaptureError) {
        _ = try PcapngReader(path: path)
        return nil
    } catch {
        return error
    }
}

private func failure(_ end: ReadEnd) -> String? {
    if case .failed(let message) = end { return message }
    return nil
}

private func truncation(_ end: ReadEnd) -> String? {
    if case .truncated(let message) = end { return message }
    return nil
}

/// Blocks written by hand, for what PcapngWriter does not make.
private enum Raw {
    static func u16(_ v: UInt16, _ be: Bool) -> [UInt8] { bytes(of: v, be) }
    static func u32(_ v: UInt32, _ be: Bool) -> [UInt8] { bytes(of: v, be) }
    static func u64(_ v: UInt64, _ be: Bool) -> [UInt8] { bytes(of: v, be) }

    static func bytes<T: FixedWidthInteger>(of value: T, _ be: Bool) -> [UInt8] {
        let size = T.bitWidth / 8
        return (0..<size).map { i in UInt8(truncatingIfNeeded: value >> ((be ? size - 1 - i : i) * 8)) }
    }

    static func block(_ type: UInt32, _ body: [UInt8], be: Bool = false) -> [UInt8] {
        PcapngWriter.block(type: type, body: body, bigEndian: be)
    }

    static func shb(be: Bool = false, major: UInt16 = 1, minor: UInt16 = 0) -> [UInt8] {
        block(0x0A0D_0D0A, u32(0x1A2B_3C4D, be) + u16(major, be) + u16(minor, be) + u64(UInt64.max, be), be: be)
    }

    static func option(_ code: UInt16, _ value: [UInt8], be: Bool) -> [UInt8] {
        var out = u16(code, be) + u16(UInt16(value.count), be) + value
        while out.count % 4 != 0 { out.append(0) }
        return out
    }

    static func idb(_ linkType: UInt16, snaplen: UInt32 = 0, tsresol: UInt8? = nil, tsoffset: Int64? = nil, be: Bool = false) -> [UInt8] {
        var body = u16(linkType, be) + u16(0, be) + u32(snaplen, be)
        if let tsresol { body += option(9, [tsresol], be: be) }
        if let tsoffset { body += option(14, u64(UInt64(bitPattern: tsoffset), be), be: be) }
        if tsresol != nil || tsoffset != nil { body += option(0, [], be: be) }
        return block(1, body, be: be)
    }

    static func epb(interface: UInt32 = 0, ticks: UInt64, data: [UInt8], captured: UInt32? = nil, wire: UInt32? = nil, be: Bool = false) -> [UInt8] {
        let body = u32(interface, be) + u32(UInt32(ticks >> 32), be) + u32(UInt32(truncatingIfNeeded: ticks), be)
            + u32(captured ?? UInt32(data.count), be) + u32(wire ?? UInt32(data.count), be) + data
        return block(6, body, be: be)
    }

    /// Obsolete Packet Block (type 2): 16-bit interface id, 16-bit drops count.
    static func pb(interface: UInt16 = 0, drops: UInt16 = 0, ticks: UInt64, data: [UInt8], wire: UInt32? = nil, be: Bool = false) -> [UInt8] {
        let body = u16(interface, be) + u16(drops, be) + u32(UInt32(ticks >> 32), be) + u32(UInt32(truncatingIfNeeded: ticks), be)
            + u32(UInt32(data.count), be) + u32(wire ?? UInt32(data.count), be) + data
        return block(2, body, be: be)
    }
}

private let udpPacket = Build.udp("10.0.0.1", 40000, "10.0.0.2", 53, payload: Array("hello".utf8))   // IPv4: 20 + 8 + 5 = 33 bytes
private let ethernetFrame = Build.ethernet(udpPacket)                                                  // 14 + 33 = 47 bytes
private let sllFrame = Build.linuxSLL(udpPacket)                                                       // 16 + 33 = 49 bytes

// MARK: - Tests

@Suite struct PcapngReaderTests {
    @Test func builtPacketsHaveTheExpectedSizes() {
        #expect(udpPacket.count == 33)
        #expect(ethernetFrame.count == 47)
        #expect(sllFrame.count == 49)
    }

    @Test func ethernetAndRawInterfacesInOneSection() throws {
        let file = PcapngWriter.file([PcapngWriter.Section(
            interfaces: [PcapngWriter.Interface(linkType: 1), PcapngWriter.Interface(linkType: 101)],
            records: [
                PcapRecord(1_700_000_000_000_001_000, ethernetFrame),
                PcapRecord(1_700_000_000_500_000_000, udpPacket, interface: 1),
                PcapRecord(1_700_000_001_000_000_000, ethernetFrame, wireLength: 147),
            ])])
        let (packets, end) = try readPcapng(file)
        #expect(end == .complete)
        #expect(packets.count == 3)
        guard packets.count == 3 else { return }
        // Default resolution is microseconds; these times are whole microseconds.
        #expect(packets[0].header == PacketHeader(timestampNs: 1_700_000_000_000_001_000, capturedLength: 47, wireLength: 47, linkType: .ethernet))
        #expect(packets[1].header == PacketHeader(timestampNs: 1_700_000_000_500_000_000, capturedLength: 33, wireLength: 33, linkType: .raw))
        #expect(packets[2].header == PacketHeader(timestampNs: 1_700_000_001_000_000_000, capturedLength: 47, wireLength: 147, linkType: .ethernet))
        #expect(packets[0].bytes == ethernetFrame)
        #expect(packets[1].bytes == udpPacket)
        #expect(packets[2].bytes == ethernetFrame)
    }

    @Test func ethernetAndLinuxSLLWithDifferentResolutions() throws {
        let file = PcapngWriter.file([PcapngWriter.Section(
            interfaces: [PcapngWriter.Interface(linkType: 1, snaplen: 65535),
                         PcapngWriter.Interface(linkType: 113, snaplen: 262144, tsresol: 9)],
            records: [
                PcapRecord(1_700_000_000_123_456_000, ethernetFrame),
                PcapRecord(1_700_000_000_123_456_789, sllFrame, interface: 1),
                PcapRecord(1_700_000_000_123_457_000, ethernetFrame),
            ])])
        let (packets, end) = try readPcapng(file)
        #expect(end == .complete)
        #expect(packets.map(\.header.linkType) == [.ethernet, .linuxSLL, .ethernet])
        #expect(packets.map(\.header.timestampNs) == [1_700_000_000_123_456_000, 1_700_000_000_123_456_789, 1_700_000_000_123_457_000])
        #expect(packets.map(\.header.capturedLength) == [47, 49, 47])
        #expect(packets.map(\.bytes) == [ethernetFrame, sllFrame, ethernetFrame])
    }

    @Test(arguments: [false, true])
    func twoSectionsWithDifferentByteOrders(firstBigEndian: Bool) throws {
        // Section 2 has its own interface list: its interface 0 is raw, not Ethernet.
        let file = PcapngWriter.file([
            PcapngWriter.Section(
                interfaces: [PcapngWriter.Interface(linkType: 1)],
                records: [PcapRecord(1_600_000_000_000_000_000, ethernetFrame, wireLength: 60)],
                bigEndian: firstBigEndian),
            PcapngWriter.Section(
                interfaces: [PcapngWriter.Interface(linkType: 101, tsresol: 9), PcapngWriter.Interface(linkType: 113)],
                records: [PcapRecord(1_600_000_000_000_000_001, udpPacket),
                          PcapRecord(1_600_000_002_000_000_000, sllFrame, interface: 1)],
                bigEndian: !firstBigEndian, nameResolutionAndStatistics: true),
        ])
        let (packets, end) = try readPcapng(file)
        #expect(end == .complete)
        #expect(packets.map(\.header) == [
            PacketHeader(timestampNs: 1_600_000_000_000_000_000, capturedLength: 47, wireLength: 60, linkType: .ethernet),
            PacketHeader(timestampNs: 1_600_000_000_000_000_001, capturedLength: 33, wireLength: 33, linkType: .raw),
            PacketHeader(timestampNs: 1_600_000_002_000_000_000, capturedLength: 49, wireLength: 49, linkType: .linuxSLL),
        ])
        #expect(packets.map(\.bytes) == [ethernetFrame, udpPacket, sllFrame])
    }

    @Test func nanosecondResolution() throws {
        let file = PcapngWriter.file([PcapngWriter.Section(
            interfaces: [PcapngWriter.Interface(linkType: 1, tsresol: 9)],
            records: [PcapRecord(0, ethernetFrame), PcapRecord(1, ethernetFrame),
                      PcapRecord(1_700_000_000_123_456_789, ethernetFrame)],
            bigEndian: true)])
        let (packets, end) = try readPcapng(file)
        #expect(end == .complete)
        #expect(packets.map(\.header.timestampNs) == [0, 1, 1_700_000_000_123_456_789])
    }

    @Test func binaryResolutionTwoToTheMinus20() throws {
        // 2^-20 s units: 0.5 s = 2^19 units, 1/256 s = 3_906_250 ns = 4096 units, both exact.
        let file = PcapngWriter.file([PcapngWriter.Section(
            interfaces: [PcapngWriter.Interface(linkType: 1, tsresol: 0x80 | 20)],
            records: [PcapRecord(1_700_000_000_500_000_000, ethernetFrame),
                      PcapRecord(1_700_000_000_003_906_250, ethernetFrame)])])
        let (packets, end) = try readPcapng(file)
        #expect(end == .complete)
        #expect(packets.map(\.header.timestampNs) == [1_700_000_000_500_000_000, 1_700_000_000_003_906_250])

        // One unit past a whole second: 10^9 / 2^20 = 953.67 ns, truncated to 953.
        let raw = Raw.shb() + Raw.idb(1, tsresol: 0x80 | 20)
            + Raw.epb(ticks: 1_700_000_000 << 20 | 1, data: ethernetFrame)
            + Raw.epb(ticks: 1_700_000_000 << 20 | 0xFFFFF, data: ethernetFrame)
        let (rawPackets, rawEnd) = try readPcapng(raw)
        #expect(rawEnd == .complete)
        // (2^20 - 1) units = 10^9 - 953.67 ns -> 999_999_046.33 ns, truncated.
        #expect(rawPackets.map(\.header.timestampNs) == [1_700_000_000_000_000_953, 1_700_000_000_999_999_046])
    }

    @Test func binaryResolutionTwoToTheMinus63DoesNotOverflow() throws {
        // Units of 2^-63 s: 3 * 2^62 units = 1.5 s. fraction * 10^9 would overflow 64 bits.
        let raw = Raw.shb() + Raw.idb(1, tsresol: 0x80 | 63) + Raw.epb(ticks: 3 << 62, data: ethernetFrame)
        let (packets, end) = try readPcapng(raw)
        #expect(end == .complete)
        #expect(packets.map(\.header.timestampNs) == [1_500_000_000])
    }

    @Test func resolutionsFinerThanNanosecondsTruncate() throws {
        // Picoseconds (10^-12): 10_000_000 s + 123_456_789_999 ps -> ...789 ns (999 ps dropped).
        let raw = Raw.shb() + Raw.idb(1, tsresol: 12)
            + Raw.epb(ticks: 10_000_000 * 1_000_000_000_000 + 123_456_789_999, data: ethernetFrame)
        let (packets, end) = try readPcapng(raw)
        #expect(end == .complete)
        #expect(packets.map(\.header.timestampNs) == [10_000_000_123_456_789])

        // Same through the writer (which multiplies by 1000 on the way in).
        let file = PcapngWriter.file([PcapngWriter.Section(
            interfaces: [PcapngWriter.Interface(linkType: 1, tsresol: 12)],
            records: [PcapRecord(10_000_000_123_456_789, ethernetFrame)])])
        #expect(try readPcapng(file).packets.map(\.header.timestampNs) == [10_000_000_123_456_789])
    }

    @Test func coarseDecimalResolution() throws {
        // 10^-2 s units (centiseconds): 170_000_000_012 units = 1_700_000_000.12 s.
        let raw = Raw.shb(be: true) + Raw.idb(1, tsresol: 2, be: true) + Raw.epb(ticks: 170_000_000_012, data: ethernetFrame, be: true)
        #expect(try readPcapng(raw).packets.map(\.header.timestampNs) == [1_700_000_000_120_000_000])
    }

    @Test func timestampOffset() throws {
        // The writer subtracts if_tsoffset, the reader adds it back.
        let file = PcapngWriter.file([PcapngWriter.Section(
            interfaces: [PcapngWriter.Interface(linkType: 1, tsresol: 9, tsoffsetSeconds: 1_600_000_000)],
            records: [PcapRecord(1_600_000_005_000_000_007, ethernetFrame)])])
        #expect(try readPcapng(file).packets.map(\.header.timestampNs) == [1_600_000_005_000_000_007])

        // Raw: 1000 s in microseconds, offset -100 s -> 900 s. Offset 1_000_000_000 s with 2.5 s.
        let raw = Raw.shb() + Raw.idb(1, tsoffset: -100) + Raw.idb(1, tsresol: 0x80 | 1, tsoffset: 1_000_000_000)
            + Raw.epb(interface: 0, ticks: 1_000_000_000, data: ethernetFrame)
            + Raw.epb(interface: 1, ticks: 5, data: ethernetFrame)
        let (packets, end) = try readPcapng(raw)
        #expect(end == .complete)
        #expect(packets.map(\.header.timestampNs) == [900_000_000_000, 1_000_000_002_500_000_000])
    }

    @Test func timestampsPastInt64NanosecondsWrapLikeTheLibpcapBackend() throws {
        // The timestamp of nfstream's dhcp captures: 0x41B35E88_12EBF2C8 microseconds
        // = 4_734_231_571_822 s + 539_464 us, ~ year 151991. In nanoseconds that is
        // beyond Int64; (s * 10^9 + 539_464_000) mod 2^64 as signed = -6581655120815301312
        // (worked out with Python's big integers), which is what PcapSource's
        // `tv_sec &* 1e9 &+ tv_nsec` gives for the same file.
        let raw = Raw.shb() + Raw.idb(1) + Raw.epb(ticks: 0x41B3_5E88_12EB_F2C8, data: ethernetFrame)
            + Raw.epb(ticks: 0x41B3_5E88_12EB_F2C8 + 70_345_000, data: ethernetFrame)
        let (packets, end) = try readPcapng(raw)
        #expect(end == .complete)
        #expect(packets.map(\.header.timestampNs) == [-6_581_655_120_815_301_312, -6_581_655_120_815_301_312 + 70_345_000_000])
    }

    @Test func simplePacketBlocks() throws {
        let big = [UInt8](repeating: 0xAB, count: 100)
        let exact = [UInt8](0..<32)
        let file = PcapngWriter.file([
            // snaplen 64: a 100-byte packet keeps 64 bytes; 47 stays 47.
            PcapngWriter.Section(
                interfaces: [PcapngWriter.Interface(linkType: 1, snaplen: 64)],
                records: [PcapRecord(5, big), PcapRecord(5, ethernetFrame)],
                simplePacketBlocks: true),
            // snaplen 0 (no limit): the block's data bounds the captured length (32 of 100).
            PcapngWriter.Section(
                interfaces: [PcapngWriter.Interface(linkType: 101, tsoffsetSeconds: 7)],
                records: [PcapRecord(5, exact, wireLength: 100)],
                bigEndian: true, simplePacketBlocks: true),
        ])
        let (packets, end) = try readPcapng(file)
        #expect(end == .complete)
        // An SPB has no timestamp: 0, plus the interface's if_tsoffset (as libpcap does).
        #expect(packets.map(\.header) == [
            PacketHeader(timestampNs: 0, capturedLength: 64, wireLength: 100, linkType: .ethernet),
            PacketHeader(timestampNs: 0, capturedLength: 47, wireLength: 47, linkType: .ethernet),
            PacketHeader(timestampNs: 7_000_000_000, capturedLength: 32, wireLength: 100, linkType: .raw),
        ])
        #expect(packets.map(\.bytes) == [Array(big.prefix(64)), ethernetFrame, exact])
    }

    @Test(arguments: [false, true])
    func obsoletePacketBlock(bigEndian be: Bool) throws {
        let raw = Raw.shb(be: be) + Raw.idb(113, be: be) + Raw.idb(1, tsresol: 9, be: be)
            + Raw.pb(interface: 1, drops: 3, ticks: 1_700_000_000_000_000_042, data: ethernetFrame, wire: 1514, be: be)
            + Raw.pb(interface: 0, ticks: 1_700_000_000_250_000, data: sllFrame, be: be)
        let (packets, end) = try readPcapng(raw)
        #expect(end == .complete)
        #expect(packets.map(\.header) == [
            PacketHeader(timestampNs: 1_700_000_000_000_000_042, capturedLength: 47, wireLength: 1514, linkType: .ethernet),
            PacketHeader(timestampNs: 1_700_000_000_250_000_000, capturedLength: 49, wireLength: 49, linkType: .linuxSLL),
        ])
        #expect(packets.map(\.bytes) == [ethernetFrame, sllFrame])
    }

    @Test func skipsOtherBlocks() throws {
        let raw = Raw.shb() + Raw.block(4, [0, 0, 0, 0])          // empty NRB
            + Raw.idb(1)
            + Raw.block(0x0000_000A, [1, 2, 3, 4, 5, 6, 7, 8])    // decryption secrets
            + Raw.epb(ticks: 1, data: ethernetFrame)
            + Raw.block(0x0000_0BAD, Array(repeating: 0xEE, count: 40))  // custom
            + Raw.block(5, Raw.u32(0, false) + Raw.u64(0, false))        // ISB
            + Raw.block(0x4000_0BAD, [])                                 // custom, empty body
            + Raw.epb(ticks: 2, data: udpPacket)
        let (packets, end) = try readPcapng(raw)
        #expect(end == .complete)
        #expect(packets.map(\.header.timestampNs) == [1_000, 2_000])
        #expect(packets.map(\.bytes) == [ethernetFrame, udpPacket])
    }

    @Test func truncatedInTheMiddleOfABlock() throws {
        let interfaces = [PcapngWriter.Interface(linkType: 1)]
        let records = [PcapRecord(1_000_000, ethernetFrame), PcapRecord(2_000_000, ethernetFrame), PcapRecord(3_000_000, udpPacket)]
        let full = PcapngWriter.file([PcapngWriter.Section(interfaces: interfaces, records: records)])
        // The first two records alone make a prefix of the same file: the third EPB starts there.
        let third = PcapngWriter.file([PcapngWriter.Section(interfaces: interfaces, records: Array(records.prefix(2)))]).count
        #expect(Array(full.prefix(third)) == PcapngWriter.file([PcapngWriter.Section(interfaces: interfaces, records: Array(records.prefix(2)))]))

        for cut in [third + 20, third + 5, full.count - 4, full.count - 1] {
            let (packets, end) = try readPcapng(Array(full.prefix(cut)))
            #expect(packets.count == 2, "cut at \(cut)")
            #expect(packets.map(\.bytes) == [ethernetFrame, ethernetFrame])
            let message = truncation(end)
            #expect(message != nil, "cut at \(cut): \(end)")
            #expect(message?.contains("offset \(third)") == true, "\(message ?? "")")
        }
        // Cut exactly between blocks: a complete file of two packets.
        let (packets, end) = try readPcapng(Array(full.prefix(third)))
        #expect(packets.count == 2)
        #expect(end == .complete)
    }

    @Test func badTrailingLength() throws {
        let head = Raw.shb() + Raw.idb(1) + Raw.epb(ticks: 1, data: ethernetFrame)
        var bad = Raw.epb(ticks: 2, data: ethernetFrame)
        bad[bad.count - 4] ^= 0x04  // trailing length now differs by 4
        let raw = head + bad + Raw.epb(ticks: 3, data: ethernetFrame)
        let (packets, end) = try readPcapng(raw)
        #expect(packets.map(\.header.timestampNs) == [1_000])
        let message = failure(end)
        #expect(message?.contains("offset \(head.count)") == true, "\(end)")
        #expect(message?.contains("trailing") == true, "\(end)")
        #expect(message?.contains("\n") == false)
    }

    @Test func badBlockLengths() throws {
        let head = Raw.shb() + Raw.idb(1) + Raw.epb(ticks: 1, data: ethernetFrame)
        // Total length 10 (< 12), 30 (not a multiple of 4), 256 MiB + 4 (over the limit).
        for length: UInt32 in [10, 30, 256 * 1024 * 1024 + 4] {
            let raw = head + Raw.u32(6, false) + Raw.u32(length, false) + [UInt8](repeating: 0, count: 40)
            let (packets, end) = try readPcapng(raw)
            #expect(packets.count == 1)
            let message = failure(end)
            #expect(message?.contains("offset \(head.count)") == true, "length \(length): \(end)")
        }
    }

    @Test func unknownInterfaceID() throws {
        let head = Raw.shb() + Raw.idb(1) + Raw.epb(interface: 0, ticks: 1, data: ethernetFrame)
        let raw = head + Raw.epb(interface: 1, ticks: 2, data: ethernetFrame) + Raw.epb(ticks: 3, data: ethernetFrame)
        let (packets, end) = try readPcapng(raw)
        #expect(packets.count == 1)
        let message = failure(end)
        #expect(message?.contains("offset \(head.count)") == true, "\(end)")
        #expect(message?.contains("interface 1") == true, "\(end)")
    }

    @Test func newSectionForgetsTheOldInterfaces() throws {
        // Section 1 has two interfaces, section 2 one; a packet on interface 1 in section 2 is bad.
        let head = Raw.shb() + Raw.idb(1) + Raw.idb(101) + Raw.epb(interface: 1, ticks: 1, data: udpPacket)
            + Raw.shb(be: true) + Raw.idb(1, be: true)
        let raw = head + Raw.epb(interface: 1, ticks: 2, data: ethernetFrame, be: true)
        let (packets, end) = try readPcapng(raw)
        #expect(packets.map(\.header.linkType) == [.raw])
        #expect(failure(end)?.contains("offset \(head.count)") == true, "\(end)")
    }

    @Test func packetBeforeAnyInterface() throws {
        let head = Raw.shb()
        let (packets, end) = try readPcapng(head + Raw.epb(ticks: 1, data: ethernetFrame))
        #expect(packets.isEmpty)
        #expect(failure(end)?.contains("offset \(head.count)") == true, "\(end)")
    }

    @Test func capturedLengthLargerThanTheBlock() throws {
        let head = Raw.shb() + Raw.idb(1) + Raw.epb(ticks: 1, data: ethernetFrame)
        // 47 bytes of data (padded to 48) but a captured length of 49.
        let raw = head + Raw.epb(ticks: 2, data: ethernetFrame, captured: 49, wire: 60)
        let (packets, end) = try readPcapng(raw)
        #expect(packets.count == 1)
        let message = failure(end)
        #expect(message?.contains("offset \(head.count)") == true, "\(end)")
        #expect(message?.contains("49") == true, "\(end)")
        // Exactly the padded room (48) is allowed: the padding byte is data as far as the block says.
        let (ok, okEnd) = try readPcapng(head + Raw.epb(ticks: 2, data: ethernetFrame, captured: 48, wire: 60))
        #expect(okEnd == .complete)
        #expect(ok.last?.header.capturedLength == 48)
        #expect(ok.last?.bytes == ethernetFrame + [0])
    }

    @Test func wireLengthIsAtLeastCapturedLength() throws {
        let raw = Raw.shb() + Raw.idb(1) + Raw.epb(ticks: 1, data: ethernetFrame, wire: 20)
        let packets = try readPcapng(raw).packets
        #expect(packets.map(\.header.wireLength) == [47])
    }

    @Test func largeBlocksAndManyPacketsStreamThroughTheBuffer() throws {
        // One block bigger than the initial 256 KiB buffer, then thousands of small ones of
        // varying sizes that cross buffer refills, then another big one.
        let huge = (0..<300_001).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var records = [PcapRecord(1_000, huge)]
        for i in 0..<3_000 {
            let size = 1 + (i * 37) % 1500
            records.append(PcapRecord(Int64(2_000 + i) * 1_000, (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ i) }))
        }
        records.append(PcapRecord(9_000_000, Array(huge.reversed()) + huge))
        let file = PcapngWriter.file([PcapngWriter.Section(interfaces: [PcapngWriter.Interface(linkType: 1)], records: records)])
        let (packets, end) = try readPcapng(file)
        #expect(end == .complete)
        #expect(packets.count == records.count)
        #expect(packets.map(\.bytes) == records.map(\.data))
        #expect(packets.map(\.header.timestampNs) == records.map(\.timestampNs))
        #expect(packets.allSatisfy { $0.header.capturedLength == $0.bytes.count })
    }

    @Test func readingAgainAfterTheEndDeliversNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a.pcapng"
        try (Raw.shb() + Raw.idb(1) + Raw.epb(ticks: 1, data: ethernetFrame)).write(toFile: path)
        var reader = try PcapngReader(path: path)
        var count = 0
        #expect(reader.forEachPacket { _, _ in count += 1 } == .complete)
        #expect(reader.forEachPacket { _, _ in count += 1 } == .complete)
        #expect(count == 1)
    }

    @Test func openErrors() throws {
        #expect(throws: CaptureError.self) { try PcapngReader(path: "/nonexistent/flowcsv/x.pcapng") }
        do throws(CaptureError) {
            _ = try PcapngReader(path: "/nonexistent/flowcsv/x.pcapng")
        } catch {
            #expect(error.kind == .missing)
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do throws(CaptureError) {
            _ = try PcapngReader(path: dir)
            Issue.record("a directory opened")
        } catch {
            #expect(error.kind == .unreadable)
        }

        #expect(try openError([])?.kind == .notACapture)
        #expect(try openError(Array("hello, world\n".utf8))?.kind == .notACapture)
        #expect(try openError(PcapWriter.classic([PcapRecord(0, ethernetFrame)]))?.kind == .notACapture)

        var badMagic = Raw.shb() + Raw.idb(1)
        badMagic[8] = 0x4E
        #expect(try openError(badMagic)?.kind == .badHeader)
        #expect(try openError(Raw.shb(major: 2) + Raw.idb(1))?.kind == .badHeader)
        #expect(try openError(Array(Raw.shb().prefix(20)))?.kind == .badHeader)
        var badTrailer = Raw.shb()
        badTrailer[badTrailer.count - 1] = 0x7F
        #expect(try openError(badTrailer)?.kind == .badHeader)

        // Every message is one line.
        for bytes in [[], badMagic, Raw.shb(major: 2)] {
            let error = try openError(bytes)
            #expect(error?.message.contains("\n") == false)
            #expect(error?.message.isEmpty == false)
        }
        // A section header and nothing else is a valid, empty capture.
        #expect(try readPcapng(Raw.shb()).end == .complete)
        #expect(try readPcapng(Raw.shb()).packets.isEmpty)
    }

    @Test func unsupportedTimestampResolutionFails() throws {
        let head = Raw.shb()
        let (packets, end) = try readPcapng(head + Raw.idb(1, tsresol: 20) + Raw.epb(ticks: 1, data: ethernetFrame))
        #expect(packets.isEmpty)
        #expect(failure(end)?.contains("offset \(head.count)") == true, "\(end)")
    }
}

// MARK: - Corpus (../shared/corpus, next to the package; the suite is skipped when absent)

private let corpusDirectory = SharedCorpus.path

/// The corpus's pcapng captures (full paths), told by content as flowcsv tells them
/// (``CaptureFormat/sniff(path:)``), not by file name; nil when the corpus is absent.
private func corpusPcapngFiles() -> [String]? {
    let captures = corpusDirectory + "/captures"
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: captures) else { return nil }
    return names.sorted().map { captures + "/" + $0 }.filter { (try? CaptureFormat.sniff(path: $0)) == .pcapng }
}

private func collect(_ read: ((PacketHeader, UnsafeRawBufferPointer) -> Void) -> ReadEnd) -> ([ReadPacket], ReadEnd) {
    var packets: [ReadPacket] = []
    let end = read { header, data in packets.append(ReadPacket(header: header, bytes: Array(data))) }
    return (packets, end)
}

@Suite(.enabled(if: SharedCorpus.isPresent, "needs ../shared/corpus next to the package"))
struct PcapngReaderCorpusTests {
    /// Packet by packet, the pcapng reader must agree with libpcap wherever libpcap reads.
    @Test func agreesWithLibpcapOnTheCorpus() throws {
        let files = try #require(corpusPcapngFiles())
        #expect(!files.isEmpty)
        var compared = 0
        for path in files {
            let name = (path as NSString).lastPathComponent
            let libpcap: CaptureReader
            do throws(CaptureError) {
                libpcap = try CaptureReader.open(path: path, backend: .libpcap)
            } catch {
                print("skipped \(name): libpcap cannot open it (\(error.message))")
                continue
            }
            let (expected, libpcapEnd) = collect { libpcap.forEachPacket($0) }
            let ours = try CaptureReader.open(path: path, backend: .pcapngReader)
            let (actual, ourEnd) = collect { ours.forEachPacket($0) }

            if libpcapEnd == .complete {
                #expect(ourEnd == .complete, "\(name): \(ourEnd)")
                #expect(actual.count == expected.count, "\(name): \(actual.count) packets, libpcap \(expected.count)")
            } else {
                // libpcap 1.10 stops at what it cannot handle; compare what it gave.
                print("\(name): libpcap stopped after \(expected.count) packets (\(libpcapEnd)); comparing those")
                #expect(actual.count >= expected.count, "\(name)")
            }
            for (index, (mine, theirs)) in zip(actual, expected).enumerated() {
                #expect(mine.header == theirs.header, "\(name) packet \(index + 1)")
                #expect(mine.bytes == theirs.bytes, "\(name) packet \(index + 1) bytes")
            }
            print("compared \(name): \(min(actual.count, expected.count)) packets agree with libpcap")
            compared += 1
        }
        #expect(compared > 0, "no corpus pcapng file was readable by libpcap")
    }

    /// The packet counts capinfos (Wireshark) reports for the corpus's pcapng files.
    @Test func packetCountsMatchCapinfos() throws {
        let files = try #require(corpusPcapngFiles())
        var checked = 0
        for path in files {
            let name = (path as NSString).lastPathComponent
            let refPath = corpusDirectory + "/refs/generated/" + name + ".capinfos.txt"
            guard let text = try? String(contentsOfFile: refPath, encoding: .utf8) else {
                print("skipped \(name): no \(refPath)")
                continue
            }
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Number of packets:") }),
                  let expected = Int(line.dropFirst("Number of packets:".count).trimmingCharacters(in: .whitespaces)) else {
                Issue.record("\(refPath) has no readable 'Number of packets:' line")
                continue
            }
            var reader = try PcapngReader(path: path)
            var count = 0
            let end = reader.forEachPacket { _, _ in count += 1 }
            #expect(end == .complete, "\(name): \(end)")
            #expect(count == expected, "\(name): read \(count) packets, capinfos says \(expected)")
            checked += 1
        }
        #expect(checked > 0)
    }
}

@Suite struct PcapngFallbackTests {
    /// libpcap 1.10 cannot read these pcapng files; flowcsv must still read every packet.
    @Test(arguments: ["byte orders", "link types"])
    func filesLibpcapRefusesAreReadThroughTheFallback(_ kind: String) throws {
        let frame = Build.ethernet(Build.udp("10.0.0.1", 1, "10.0.0.2", 2, payload: [1, 2, 3]))
        let raw = Build.udp("10.0.0.3", 3, "10.0.0.4", 4, payload: [4, 5])
        let sections: [PcapngWriter.Section]
        if kind == "byte orders" {
            sections = [
                PcapngWriter.Section(interfaces: [PcapngWriter.Interface(linkType: 1)], records: [PcapRecord(seconds: 1, frame)]),
                PcapngWriter.Section(interfaces: [PcapngWriter.Interface(linkType: 1)], records: [PcapRecord(seconds: 2, frame)], bigEndian: true),
            ]
        } else {
            sections = [PcapngWriter.Section(interfaces: [PcapngWriter.Interface(linkType: 1), PcapngWriter.Interface(linkType: 101)],
                                             records: [PcapRecord(seconds: 1, frame), PcapRecord(seconds: 2, raw, interface: 1)])]
        }
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/mixed.pcapng"
        try PcapngWriter.file(sections).write(toFile: path)
        let options = ProcessingOptions(labelTemplate: try LabelTemplate(LabelTemplate.defaultTemplate))
        var flows: [FlowRecord] = []
        let report = FileProcessor.readFlows(CaptureInput(path: path, displayPath: "mixed.pcapng"), options: options) { flows += $0 }
        #expect(report.error == nil && report.readEnd == .complete)
        #expect(report.packets == 2 && report.ipPackets == 2)
        #expect(report.usedFallbackReader)
        #expect(flows.count == (kind == "byte orders" ? 1 : 2))
    }
}
