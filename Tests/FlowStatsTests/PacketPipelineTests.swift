@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Synchronization
import Testing

// The two-thread reading of one file (ProcessingOptions.pipeline, PacketPipeline) must give
// exactly what reading on one thread gives: the same CSV bytes, the same report (counts, how
// reading ended, warnings) and the same progress reports. The one-thread path is the
// reference; the packet counts expected are worked out from the fixtures as written.

/// Everything observable about reading one file.
private struct Outcome: Equatable {
    var csv: String
    var report: String
    /// Packet counts of the progress reports.
    var progress: [Int]
}

/// Progress reports, collected from whichever thread makes them.
private final class ProgressLog: Sendable {
    private let log = Mutex<[(packets: Int, position: Int64)]>([])
    func add(_ packets: Int, _ position: Int64) { log.withLock { $0.append((packets, position)) } }
    var entries: [(packets: Int, position: Int64)] { log.withLock { $0 } }
}

/// Reads `path` with `FileProcessor.process`, on one thread or through the pipeline.
private func read(_ path: String, pipeline: Bool, configure: (inout ProcessingOptions) -> Void = { _ in }) throws -> (Outcome, FileReport, [(packets: Int, position: Int64)]) {
    var options = ProcessingOptions(labelTemplate: try LabelTemplate(LabelTemplate.defaultTemplate))
    options.schema = .extended
    configure(&options)
    options.pipeline = pipeline
    let log = ProgressLog()
    options.progress = { packets, position in log.add(packets, position) }
    var out = CSVBuffer()
    var csv: [UInt8] = []
    let input = CaptureInput(path: path, displayPath: (path as NSString).lastPathComponent)
    let r = FileProcessor.process(input, options: options, out: &out) { buffer in
        csv += buffer.bytes
        buffer.removeAll()
    }
    csv += out.bytes
    let report = """
        error=\(r.error?.message ?? "-") end=\(r.readEnd) packets=\(r.packets) ip=\(r.ipPackets) \
        nonIP=\(r.nonIPPackets) undecodable=\(r.undecodablePackets) truncated=\(r.truncatedPackets) \
        backwards=\(r.backwardsTimestamps) badChecksum=\(r.badChecksumPackets) ignored=\(r.ignoredFragments) \
        reassembly=\(r.reassembly) flows=\(r.flows) fallback=\(r.usedFallbackReader) warnings=\(r.warnings)
        """
    let entries = log.entries
    return (Outcome(csv: String(decoding: csv, as: UTF8.self), report: report, progress: entries.map(\.packets)), r, entries)
}

/// Reads `path` both ways, expects the same outcome, and returns the one-thread report.
@discardableResult
private func expectSameBothWays(_ path: String, configure: (inout ProcessingOptions) -> Void = { _ in },
                                sourceLocation: SourceLocation = #_sourceLocation) throws -> FileReport {
    let (single, report, _) = try read(path, pipeline: false, configure: configure)
    let (piped, _, _) = try read(path, pipeline: true, configure: configure)
    #expect(piped.report == single.report, sourceLocation: sourceLocation)
    #expect(piped.progress == single.progress, sourceLocation: sourceLocation)
    #expect(piped.csv == single.csv, "CSV differs for \(path)", sourceLocation: sourceLocation)
    return report
}

/// A varied capture of `count` packets: TCP connections with handshakes, data and FIN,
/// UDP, ICMP, IPv6, a VXLAN and a GRE tunnel, IPv4 fragments, frames cut by the snap
/// length, ARP, and a frame too short for its IP header. Timestamps rise 1 ms a packet.
private func variedRecords(_ count: Int) -> [PcapRecord] {
    var records: [PcapRecord] = []
    records.reserveCapacity(count)
    var i = 0
    while records.count < count {
        let t = 1_700_000_000 + Double(records.count) / 1000
        let host = "10.\(i % 7).\(i % 251).\(1 + i % 200)"
        let port = UInt16(1024 + i % 50_000)
        switch i % 12 {
        case 0:
            records.append(PcapRecord(seconds: t, Build.ethernet(Build.tcp(host, port, "192.0.2.1", 443, flags: [.syn], seq: 100))))
        case 1:
            records.append(PcapRecord(seconds: t, Build.ethernet(Build.tcp("192.0.2.1", 443, host, port, flags: [.syn, .ack], seq: 900, ack: 101))))
        case 2:
            let payload = [UInt8](repeating: UInt8(i & 0xFF), count: 20 + i % 1300)
            records.append(PcapRecord(seconds: t, Build.ethernet(Build.tcp(host, port, "192.0.2.1", 443, flags: [.ack, .psh], seq: 101, ack: 901, payload: payload))))
        case 3:
            records.append(PcapRecord(seconds: t, Build.ethernet(Build.tcp(host, port, "192.0.2.1", 443, flags: [.fin, .ack], seq: 101, ack: 901))))
        case 4:
            records.append(PcapRecord(seconds: t, Build.ethernet(Build.udp(host, port, "198.51.100.7", 53, payload: Array(repeating: 7, count: i % 90)))))
        case 5:
            records.append(PcapRecord(seconds: t, Build.ethernet(Build.icmp(host, "198.51.100.9", type: 8))))
        case 6:
            records.append(PcapRecord(seconds: t, Build.ethernet(Build.udp("2001:db8::\(i % 300 + 1)", port, "2001:db8::ffff", 123, payload: [1, 2, 3, 4]))))
        case 7:
            let inner = Build.ethernet(Build.udp(host, port, "172.16.0.1", 8080, payload: [9, 9, 9]))
            records.append(PcapRecord(seconds: t, Build.ethernet(Build.udp("203.0.113.1", 4789, "203.0.113.2", 4789, payload: Build.vxlan(inner, vni: 42)))))
        case 8:
            let inner = Build.udp(host, port, "172.16.0.2", 9090, payload: [5])
            records.append(PcapRecord(seconds: t, Build.ethernet(Build.greTunnel("203.0.113.3", "203.0.113.4", gre: Build.gre(inner, protocolType: 0x0800)))))
        case 9:
            let datagram = Build.udp(host, port, "198.51.100.20", 5000, payload: [UInt8](repeating: 3, count: 600))
            for fragment in Build.ipv4Fragments(datagram, fragmentSize: 256) where records.count < count {
                records.append(PcapRecord(seconds: 1_700_000_000 + Double(records.count) / 1000, Build.ethernet(fragment)))
            }
        case 10:
            // Cut by the snap length: 60 of the frame's bytes kept.
            let frame = Build.ethernet(Build.tcp(host, port, "192.0.2.1", 443, flags: [.ack], seq: 5, ack: 6, payload: [UInt8](repeating: 1, count: 400)))
            records.append(PcapRecord(seconds: t, Array(frame[0..<60]), wireLength: frame.count))
        default:
            if i % 24 == 11 {
                records.append(PcapRecord(seconds: t, Build.ethernet(payload: [UInt8](repeating: 0, count: 28), etherType: 0x0806)))  // ARP
            } else {
                records.append(PcapRecord(seconds: t, Array(Build.ethernet(Build.udp(host, 1, "198.51.100.1", 2, payload: [])).prefix(20))))
            }
        }
        i += 1
    }
    return records
}

private func writeTemporary(_ bytes: [UInt8], name: String) throws -> (folder: String, path: String) {
    let folder = try temporaryDirectory(name)
    let path = folder + "/" + name
    try bytes.write(toFile: path)
    return (folder, path)
}

// Serialized: each test keeps a test thread busy (and a reading thread) for a while; one at a
// time leaves the other test threads to the rest of the suite (the end-to-end tests that time
// a running flowcsv).
@Suite(.serialized) struct PacketPipelineTests {
    /// Packet counts around the batch size and the ring of batches: a batch boundary just
    /// before, at and after the last packet, and files that go round the ring.
    @Test(arguments: [0, 1] + [-1, 0, 1].map { PacketBatch.packetCapacity + $0 }
                     + [0, 1, 3 + PacketBatch.packetCapacity].map { PacketPipeline.ringSize * PacketBatch.packetCapacity + $0 })
    func sameOutputAsOneThread(packets: Int) throws {
        let (folder, path) = try writeTemporary(PcapWriter.classic(variedRecords(packets)), name: "app_action_\(packets).pcap")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try expectSameBothWays(path)
        #expect(report.packets == packets)
        #expect(report.readEnd == .complete)
    }

    /// Fragment reassembly and checksum verification take the packet's bytes and decode into
    /// the packet again: with the packets decoded on the reading thread they must still agree.
    @Test(arguments: ["zeek", "nfstream", "outer"])
    func sameOutputUnderOtherSettings(_ setting: String) throws {
        let (folder, path) = try writeTemporary(PcapWriter.classic(variedRecords(3000)), name: "app_action.pcap")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try expectSameBothWays(path) { options in
            switch setting {
            case "zeek":
                options.flow = FlowConfiguration(preset: .zeek)
                options.flow.verifyChecksums = true
                options.schema = .zeek
            case "nfstream":
                options.flow = FlowConfiguration(preset: .nfstream)
            default:
                options.flow.tunnels = .outer
                options.flow.fragments = .reassemble
            }
        }
    }

    /// A file cut off in the middle of its last record: every complete packet is kept and
    /// the warning is the same, whether the cut falls in a record header or in packet data.
    @Test(arguments: [5, 30])
    func truncatedFile(cutInto: Int) throws {
        let records = variedRecords(1500)
        var bytes = PcapWriter.classic(records)
        // The last record starts 16 + its length before the end; cut `cutInto` bytes into it.
        let lastStart = bytes.count - 16 - records[records.count - 1].data.count
        bytes.removeSubrange((lastStart + cutInto)...)
        let (folder, path) = try writeTemporary(bytes, name: "app_cut.pcap")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try expectSameBothWays(path)
        #expect(report.packets == 1499)
        guard case .truncated = report.readEnd else {
            Issue.record("expected a truncated read, got \(report.readEnd)")
            return
        }
    }

    /// A read error (a record claiming more bytes than libpcap accepts) after some packets.
    @Test func readError() throws {
        var bytes = PcapWriter.classic(variedRecords(700))
        // A record header with a captured length of 300 MB.
        bytes += [0, 0, 0, 0, 0, 0, 0, 0] + [0x00, 0xA3, 0xE1, 0x11] + [0x00, 0xA3, 0xE1, 0x11]
        bytes += [UInt8](repeating: 0, count: 64)
        let (folder, path) = try writeTemporary(bytes, name: "app_bad.pcap")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try expectSameBothWays(path)
        #expect(report.packets == 700)
        guard case .failed = report.readEnd else {
            Issue.record("expected a read error, got \(report.readEnd)")
            return
        }
    }

    /// `--filter` runs on the reading thread: the packets that pass are the same.
    @Test func filter() throws {
        let records = variedRecords(2000)
        let (folder, path) = try writeTemporary(PcapWriter.classic(records), name: "app_filter.pcap")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try expectSameBothWays(path) { $0.filter = "icmp" }
        // One ICMP echo request in every 12 packets, none in fragments or tunnels.
        #expect(report.packets == records.filter { $0.data.count > 23 && $0.data[12] == 0x08 && $0.data[13] == 0x00 && $0.data[23] == 1 }.count)
    }

    /// A pcapng file libpcap refuses (two link types) goes through the fallback reader on the
    /// reading thread; and one big enough for several batches that libpcap reads.
    @Test(arguments: [false, true])
    func pcapng(mixedLinkTypes: Bool) throws {
        var records = variedRecords(1200)
        var interfaces = [PcapngWriter.Interface(linkType: 1)]
        if mixedLinkTypes {
            interfaces.append(PcapngWriter.Interface(linkType: 101))
            records.append(PcapRecord(seconds: 1_700_000_100, Build.udp("10.9.9.9", 1, "10.9.9.8", 2, payload: [1]), interface: 1))
        }
        let (folder, path) = try writeTemporary(PcapngWriter.file([.init(interfaces: interfaces, records: records)]), name: "app_ng.pcapng")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try expectSameBothWays(path)
        #expect(report.usedFallbackReader == mixedLinkTypes)
        #expect(report.packets == records.count)
    }

    /// Frames of 200,000 bytes (a UDP packet and a long trailer): a batch fills up by bytes
    /// (`PacketBatch.initialByteCapacity`) long before it has `packetCapacity` packets.
    @Test func largePackets() throws {
        var records: [PcapRecord] = []
        for i in 0..<12 {
            let frame = Build.ethernet(Build.udp("10.0.0.1", 7, "10.0.0.2", 9, payload: [UInt8](repeating: UInt8(i), count: 1000)))
            records.append(PcapRecord(seconds: 1_700_000_000 + Double(i), frame + [UInt8](repeating: 0, count: 200_000 - frame.count)))
        }
        records += variedRecords(100)
        let (folder, path) = try writeTemporary(PcapWriter.classic(records), name: "app_big.pcap")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try expectSameBothWays(path)
        #expect(report.packets == 112)
    }

    /// Progress comes every 65,536 packets in both cases, with a file position that grows
    /// and stays within the file.
    @Test func progress() throws {
        let count = 140_000
        var records: [PcapRecord] = []
        records.reserveCapacity(count)
        let frame = Build.ethernet(Build.udp("10.0.0.1", 7, "10.0.0.2", 9, payload: []))
        for i in 0..<count { records.append(PcapRecord(Int64(i) * 1000, frame)) }
        let bytes = PcapWriter.classic(records)
        let (folder, path) = try writeTemporary(bytes, name: "app_many.pcap")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (single, _, _) = try read(path, pipeline: false)
        let (piped, _, entries) = try read(path, pipeline: true)
        #expect(single.progress == [65_536, 131_072])
        #expect(piped.progress == single.progress)
        #expect(entries.map(\.position) == entries.map(\.position).sorted())
        #expect(entries.allSatisfy { $0.position > 0 && $0.position <= Int64(bytes.count) })
    }

    /// A batch takes a packet larger than its byte buffer when empty (growing the buffer), and
    /// then has no room for another.
    @Test func batchGrowsForOneLargePacket() {
        let batch = PacketBatch()
        let header = PacketHeader(timestampNs: 1, capturedLength: 3, wireLength: 3, linkType: .ethernet)
        let small: [UInt8] = [1, 2, 3]
        let large = [UInt8](repeating: 0xAB, count: PacketBatch.initialByteCapacity + 1000)
        small.withUnsafeBytes { _ = batch.append(header, $0) }
        #expect(!batch.hasRoom(for: large.count))
        batch.removeAll()
        #expect(batch.hasRoom(for: large.count))
        large.withUnsafeBytes { _ = batch.append(header, $0) }
        #expect(!batch.hasRoom(for: 1))
        #expect(Array(batch.bytes(at: 0)) == large)
        batch.removeAll()
        for i in 0..<PacketBatch.packetCapacity {
            #expect(batch.hasRoom(for: 3))
            small.withUnsafeBytes { _ = batch.append(header, $0) }
            #expect(Array(batch.bytes(at: i)) == small)
        }
        #expect(!batch.hasRoom(for: 1))
        #expect(batch.count == PacketBatch.packetCapacity)
    }

    /// Every capture of the shared corpus (../shared/corpus), under the default and the Zeek
    /// settings. Skipped when the corpus is absent.
    @Test(.enabled(if: SharedCorpus.isPresent, "needs ../shared/corpus next to the package"), arguments: ["flowcsv", "zeek"])
    func corpus(_ preset: String) throws {
        let captures = SharedCorpus.captures
        let names = try FileManager.default.contentsOfDirectory(atPath: captures)
        for name in names.sorted() where !name.hasPrefix(".") {
            try expectSameBothWays(captures + "/" + name) { options in
                if preset == "zeek" {
                    options.flow = FlowConfiguration(preset: .zeek)
                    options.schema = .zeek
                }
            }
        }
    }
}
