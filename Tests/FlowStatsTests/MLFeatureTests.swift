@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

/// The `full` and `cic` schemas on a hand-built capture: every value worked out by hand from
/// the packets below (times, sizes, flags, windows, TTLs), including each CICFlowMeter bug
/// of ../shared/docs/ml-features.md as a case its behaviour would fail.
@Suite struct MLFeatureTests {
    /// 2017-07-03 08:35:58.123456 UTC.
    static let base: Int64 = 1_499_070_958_123_456_000
    static let c = "10.0.0.1", s = "10.0.0.2"

    /// `µs` after ``base``.
    static func at(_ us: Int64) -> Int64 { base + us * 1000 }

    static func tcp(_ us: Int64, fromClient: Bool, _ flags: TCPFlags, seq: UInt32, ack: UInt32, window: UInt16,
                    payload: Int = 0, options: [UInt8] = [], ttl: UInt8) -> PcapRecord {
        let bytes = [UInt8](repeating: 0x61, count: payload)
        let ip = fromClient
            ? Build.tcp(c, 40000, s, 80, flags: flags, seq: seq, ack: ack, window: window, payload: bytes, options: options, ttl: ttl)
            : Build.tcp(s, 80, c, 40000, flags: flags, seq: seq, ack: ack, window: window, payload: bytes, options: options, ttl: ttl)
        return PcapRecord(at(us), Build.ethernet(ip))
    }

    /// A TCP connection (handshake with options, data both ways, FIN close), a two-packet UDP
    /// flow, and a one-packet UDP flow in a padded 60-byte frame.
    static var records: [PcapRecord] {
        let mss1460: [UInt8] = [2, 4, 0x05, 0xB4, 1, 3, 3, 7]  // MSS 1460, NOP, window scale 7: header 28
        let mss1400: [UInt8] = [2, 4, 0x05, 0x78]             // MSS 1400: header 24
        var oneUDP = Build.ethernet(Build.udp(c, 6000, s, 53, payload: [UInt8](repeating: 1, count: 10)))
        oneUDP += [UInt8](repeating: 0, count: 60 - oneUDP.count)  // Ethernet padding: 52 → 60 bytes
        return [
            tcp(0, fromClient: true, [.syn], seq: 1000, ack: 0, window: 29200, options: mss1460, ttl: 64),           // 62 B
            tcp(10_000, fromClient: false, [.syn, .ack], seq: 5000, ack: 1001, window: 65160, options: mss1400, ttl: 128),  // 58 B
            tcp(11_000, fromClient: true, [.ack], seq: 1001, ack: 5001, window: 502, ttl: 64),                      // 54 B
            tcp(20_000, fromClient: true, [.psh, .ack, .ece], seq: 1001, ack: 5001, window: 502, payload: 100, ttl: 63),  // 154 B
            tcp(50_000, fromClient: false, [.psh, .ack, .urg], seq: 5001, ack: 1101, window: 509, payload: 300, ttl: 128), // 354 B
            tcp(60_000, fromClient: true, [.fin, .ack], seq: 1101, ack: 5301, window: 502, ttl: 64),                // 54 B
            tcp(70_000, fromClient: false, [.fin, .ack, .cwr], seq: 5301, ack: 1102, window: 510, ttl: 128),        // 54 B
            tcp(80_000, fromClient: true, [.ack], seq: 1102, ack: 5302, window: 502, ttl: 64),                      // 54 B
            PcapRecord(at(1_000_000), Build.ethernet(Build.udp(c, 5353, s, 53, payload: [UInt8](repeating: 2, count: 30)))),  // 72 B
            PcapRecord(at(1_500_000), Build.ethernet(Build.udp(s, 53, c, 5353, payload: [UInt8](repeating: 3, count: 70)))),  // 112 B
            PcapRecord(base + 16_200_000_000_000 - 123_456_000, oneUDP),  // + 4 h 30 min, whole second: 13:05:58.000000 UTC
        ]
    }

    /// Mean, population variance and sample variance by the two-pass textbook formula.
    static func stats(_ x: [Double]) -> (min: Double, max: Double, mean: Double, pvar: Double, svar: Double) {
        guard !x.isEmpty else { return (0, 0, 0, 0, 0) }
        let mean = x.reduce(0, +) / Double(x.count)
        let ss = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (x.min()!, x.max()!, mean, x.count > 1 ? ss / Double(x.count) : 0, x.count > 1 ? ss / Double(x.count - 1) : 0)
    }

    /// The CSV of `schema` for the capture, as rows of name → field.
    static func table(_ schema: Schema, dropIdentifiers: Bool = false, _ records: [PcapRecord] = records) throws -> (header: [String], rows: [[String: String]]) {
        let (flows, _) = try runFinishedFlows(records)
        var options = ColumnOptions()
        options.dropIdentifiers = dropIdentifiers
        let layout = schema.layout(options)
        var out = CSVBuffer()
        layout.writeHeader(to: &out)
        layout.writeRows(flows, file: FileContext(sourceFile: "capture.pcap", appName: "app", appAction: "act"), to: out)
        let lines = String(decoding: out.bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let rows = lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == header.count)
            return Dictionary(zip(header, fields), uniquingKeysWith: { a, _ in a })
        }
        return (header, rows)
    }

    /// Compares a row with expected values: numbers within 1e-6 (the CSV has 6 decimals), text exactly.
    static func check(_ row: [String: String], _ expected: KeyValuePairs<String, Any>, _ what: String) {
        for (name, value) in expected {
            guard let field = row[name] else {
                Issue.record("\(what): no column \(name)")
                continue
            }
            switch value {
            case let v as Int:
                #expect(field == String(v), "\(what) \(name): \(field) ≠ \(v)")
            case let v as Double:
                let f = Double(field)
                #expect(f != nil && abs(f! - v) <= 1e-6 * max(1, abs(v)), "\(what) \(name): \(field) ≠ \(v)")
            case let v as String:
                #expect(field == v, "\(what) \(name): \(field) ≠ \(v)")
            default:
                Issue.record("bad expectation for \(name)")
            }
        }
    }

    // Hand-worked values of the TCP connection (see `records`).
    // Fwd: packets at 0, 11, 20, 60, 80 ms; payloads 0,0,100,0,0; L4 headers 28,20,20,20,20;
    // frames 62,54,154,54,54; IP 48,40,140,40,40. Bwd: 10, 50, 70 ms; payloads 0,300,0;
    // L4 headers 24,20,20; frames 58,354,54; IP 44,340,40.
    static let fwdPayload: [Double] = [0, 0, 100, 0, 0], bwdPayload: [Double] = [0, 300, 0]
    static let fwdFrames: [Double] = [62, 54, 154, 54, 54], bwdFrames: [Double] = [58, 354, 54]
    static let fwdIAT: [Double] = [0.011, 0.009, 0.040, 0.020], bwdIAT: [Double] = [0.040, 0.020]
    static let flowIAT: [Double] = [0.010, 0.001, 0.009, 0.030, 0.010, 0.010, 0.010]

    @Test func cicValuesOfTheTCPConnection() throws {
        let (header, rows) = try Self.table(.cic)
        try #require(rows.count == 3)
        #expect(header.count == 84)
        let r = rows[0]
        let fp = Self.stats(Self.fwdPayload), bp = Self.stats(Self.bwdPayload), ap = Self.stats(Self.fwdPayload + Self.bwdPayload)
        let fi = Self.stats(Self.fwdIAT), bi = Self.stats(Self.bwdIAT), ai = Self.stats(Self.flowIAT)
        Self.check(r, [
            "Flow ID": "10.0.0.1-10.0.0.2-40000-80-6", "Src IP": "10.0.0.1", "Src Port": 40000, "Dst IP": "10.0.0.2",
            "Dst Port": 80, "Protocol": 6, "Timestamp": "03/07/2017 08:35:58.123456 AM",
            "Flow Duration": 80_000.0, "Total Fwd Packet": 5, "Total Bwd packets": 3,
            "Total Length of Fwd Packet": 100, "Total Length of Bwd Packet": 300,
            "Fwd Packet Length Max": 100.0, "Fwd Packet Length Min": 0.0, "Fwd Packet Length Mean": 20.0,
            "Fwd Packet Length Std": fp.svar.squareRoot(),  // √(8000 / 4) = 44.72136
            "Bwd Packet Length Max": 300.0, "Bwd Packet Length Min": 0.0, "Bwd Packet Length Mean": 100.0,
            "Bwd Packet Length Std": bp.svar.squareRoot(),  // √(60000 / 2) = 173.20508
            "Flow Bytes/s": 400 / 0.08, "Flow Packets/s": 8 / 0.08,
            "Flow IAT Mean": ai.mean * 1e6, "Flow IAT Std": ai.svar.squareRoot() * 1e6, "Flow IAT Max": 30_000.0, "Flow IAT Min": 1_000.0,
            "Fwd IAT Total": 80_000.0, "Fwd IAT Mean": 20_000.0, "Fwd IAT Std": fi.svar.squareRoot() * 1e6,
            "Fwd IAT Max": 40_000.0, "Fwd IAT Min": 9_000.0,
            "Bwd IAT Total": 60_000.0, "Bwd IAT Mean": 30_000.0, "Bwd IAT Std": bi.svar.squareRoot() * 1e6,
            "Bwd IAT Max": 40_000.0, "Bwd IAT Min": 20_000.0,
            // CIC #129 counts PSH/URG on the first packet only: Bwd would be 0.
            "Fwd PSH Flags": 1, "Bwd PSH Flags": 1, "Fwd URG Flags": 0, "Bwd URG Flags": 1,
            "Fwd Header Length": 28 + 4 * 20, "Bwd Header Length": 24 + 2 * 20,
            "Fwd Packets/s": 5 / 0.08, "Bwd Packets/s": 3 / 0.08,
            // CIC #94 counts the first packet twice: the mean would be 400 / 9.
            "Packet Length Min": 0.0, "Packet Length Max": 300.0, "Packet Length Mean": 50.0,
            "Packet Length Std": ap.svar.squareRoot(), "Packet Length Variance": ap.svar,  // 80000 / 7
            "FIN Flag Count": 2, "SYN Flag Count": 2, "RST Flag Count": 0, "PSH Flag Count": 2, "ACK Flag Count": 7,
            "URG Flag Count": 1, "CWR Flag Count": 1, "ECE Flag Count": 1,
            // Integer division would give 3 / 5 = 0.
            "Down/Up Ratio": 0.6, "Average Packet Size": 50.0, "Fwd Segment Size Avg": 20.0, "Bwd Segment Size Avg": 100.0,
            // CIC #21 keeps the last backward window (510).
            "FWD Init Win Bytes": 29200, "Bwd Init Win Bytes": 65160,
            "Fwd Act Data Pkts": 1, "Fwd Seg Size Min": 20,
            "Label": "app",
        ], "cic TCP")
        #expect(fp.svar == 2000 && bp.svar == 30000 && ap.svar == 80000.0 / 7)
    }

    @Test func cicValuesOfUDPAndOnePacketFlows() throws {
        let (_, rows) = try Self.table(.cic)
        try #require(rows.count == 3)
        // UDP 5353 → 53: 30 B at 1.0 s, 70 B back at 1.5 s. CIC-IDS2017 shows −1 windows on UDP.
        Self.check(rows[1], [
            "Flow ID": "10.0.0.1-10.0.0.2-5353-53-17", "Protocol": 17, "Timestamp": "03/07/2017 08:35:59.123456 AM",
            "Flow Duration": 500_000.0, "Total Fwd Packet": 1, "Total Bwd packets": 1,
            "Total Length of Fwd Packet": 30, "Total Length of Bwd Packet": 70,
            "Fwd Packet Length Std": 0.0, "Packet Length Mean": 50.0, "Packet Length Std": 800.0.squareRoot(),
            "Packet Length Variance": 800.0, "Flow Bytes/s": 100 / 0.5, "Flow Packets/s": 4.0,
            "Flow IAT Mean": 500_000.0, "Flow IAT Std": 0.0, "Fwd IAT Total": 0.0, "Fwd IAT Mean": 0.0,
            "Fwd Header Length": 8, "Bwd Header Length": 8, "FIN Flag Count": 0, "ACK Flag Count": 0,
            "Down/Up Ratio": 1.0, "FWD Init Win Bytes": 0, "Bwd Init Win Bytes": 0,
            // CIC never counts the first packet here: it would say 0.
            "Fwd Act Data Pkts": 1, "Fwd Seg Size Min": 8,
        ], "cic UDP")
        // One packet (CIC #66/#73 drops it; at duration 0 its rates are Infinity/NaN): kept,
        // rates 0, payload 10 from the IP length although the frame is padded to 60 bytes.
        Self.check(rows[2], [
            "Src Port": 6000, "Timestamp": "03/07/2017 01:05:58.000000 PM",
            "Flow Duration": 0.0, "Total Fwd Packet": 1, "Total Bwd packets": 0, "Total Length of Fwd Packet": 10,
            "Fwd Packet Length Mean": 10.0, "Bwd Packet Length Max": 0.0, "Flow Bytes/s": 0.0, "Flow Packets/s": 0.0,
            "Fwd Packets/s": 0.0, "Bwd Packets/s": 0.0, "Flow IAT Mean": 0.0, "Flow IAT Min": 0.0,
            "Packet Length Std": 0.0, "Packet Length Variance": 0.0, "Down/Up Ratio": 0.0, "Average Packet Size": 10.0,
            "Fwd Act Data Pkts": 1, "Fwd Seg Size Min": 8, "Bwd Init Win Bytes": 0,
        ], "cic one packet")
        for row in rows {
            for (name, field) in row where !["Flow ID", "Src IP", "Dst IP", "Timestamp", "Label"].contains(name) {
                #expect(Double(field).map { $0.isFinite && $0 >= 0 } == true, "\(name) = \(field)")
            }
        }
    }

    @Test func fullValuesOfTheTCPConnection() throws {
        let (_, rows) = try Self.table(.full)
        try #require(rows.count == 3)
        let r = rows[0]
        let fp = Self.stats(Self.fwdPayload), bp = Self.stats(Self.bwdPayload), ap = Self.stats(Self.fwdPayload + Self.bwdPayload)
        let ff = Self.stats(Self.fwdFrames), bf = Self.stats(Self.bwdFrames), af = Self.stats(Self.fwdFrames + Self.bwdFrames)
        let fi = Self.stats(Self.fwdIAT), bi = Self.stats(Self.bwdIAT), ai = Self.stats(Self.flowIAT)
        Self.check(r, [
            "StartTime": "1499070958.123456", "DurationTime": "0.080000", "FlowPackets": 8, "FlowBytes": 844,
            "FwdPackets": 5, "BwdPackets": 3, "FwdBytes": 378, "BwdBytes": 466, "EndReason": "fin",
            "FwdIPBytes": 308, "BwdIPBytes": 424, "FlowIPBytes": 732,
            "FwdPayloadBytes": 100, "BwdPayloadBytes": 300, "FlowPayloadBytes": 400,
            "FwdIPHeaderBytes": 100, "BwdIPHeaderBytes": 60, "FlowIPHeaderBytes": 160,
            "FwdL4HeaderBytes": 108, "BwdL4HeaderBytes": 64, "FlowL4HeaderBytes": 172,
            "FwdPayloadLenMin": 0.0, "FwdPayloadLenMean": 20.0, "FwdPayloadLenStd": 40.0, "FwdPayloadLenVar": 1600.0, "FwdPayloadLenMax": 100.0,
            "BwdPayloadLenMin": 0.0, "BwdPayloadLenMean": 100.0, "BwdPayloadLenStd": bp.pvar.squareRoot(), "BwdPayloadLenVar": 20000.0, "BwdPayloadLenMax": 300.0,
            "FlowPayloadLenMin": 0.0, "FlowPayloadLenMean": 50.0, "FlowPayloadLenStd": 100.0, "FlowPayloadLenVar": 10000.0, "FlowPayloadLenMax": 300.0,
            "FwdFrameLenMin": 54.0, "FwdFrameLenMean": 75.6, "FwdFrameLenStd": ff.pvar.squareRoot(), "FwdFrameLenVar": ff.pvar, "FwdFrameLenMax": 154.0,
            "BwdFrameLenMin": 54.0, "BwdFrameLenMean": 466.0 / 3, "BwdFrameLenStd": bf.pvar.squareRoot(), "BwdFrameLenVar": bf.pvar, "BwdFrameLenMax": 354.0,
            "FlowFrameLenMin": 54.0, "FlowFrameLenMean": 105.5, "FlowFrameLenStd": af.pvar.squareRoot(), "FlowFrameLenVar": af.pvar, "FlowFrameLenMax": 354.0,
            "FlowIATTotal": "0.080000", "FwdIATTotal": "0.080000", "BwdIATTotal": "0.060000",
            "FwdIATMin": 0.009, "FwdIATMax": 0.04, "FwdIATMean": 0.02, "FwdIATStd": fi.pvar.squareRoot(),
            "BwdIATMin": 0.02, "BwdIATMax": 0.04, "BwdIATMean": 0.03, "BwdIATStd": 0.01,
            "FlowIATMin": 0.001, "FlowIATMax": 0.03, "FlowIATMean": 0.08 / 7, "FlowIATStd": ai.pvar.squareRoot(),
            "FwdFINCount": 1, "FwdSYNCount": 1, "FwdRSTCount": 0, "FwdPSHCount": 1, "FwdACKCount": 4, "FwdURGCount": 0, "FwdECECount": 1, "FwdCWRCount": 0,
            "BwdFINCount": 1, "BwdSYNCount": 1, "BwdRSTCount": 0, "BwdPSHCount": 1, "BwdACKCount": 3, "BwdURGCount": 1, "BwdECECount": 0, "BwdCWRCount": 1,
            "FlowFINCount": 2, "FlowSYNCount": 2, "FlowRSTCount": 0, "FlowPSHCount": 2, "FlowACKCount": 7, "FlowURGCount": 1, "FlowECECount": 1, "FlowCWRCount": 1,
            "FwdInitWindow": 29200, "FwdHasInitWindow": 1, "FwdWindowScale": 7, "FwdHasWindowScale": 1, "FwdMSS": 1460, "FwdHasMSS": 1,
            "FwdTTLMin": 63, "FwdTTLMax": 64, "FwdHasTTL": 1, "FwdActDataPackets": 1, "FwdL4HeaderLenMin": 20,
            "BwdInitWindow": 65160, "BwdHasInitWindow": 1, "BwdWindowScale": 0, "BwdHasWindowScale": 0, "BwdMSS": 1400, "BwdHasMSS": 1,
            "BwdTTLMin": 128, "BwdTTLMax": 128, "BwdHasTTL": 1, "BwdActDataPackets": 1, "BwdL4HeaderLenMin": 20,
            "FlowBytesPerSec": 844 / 0.08, "FlowPacketsPerSec": 100.0, "FwdBytesPerSec": 378 / 0.08, "BwdBytesPerSec": 466 / 0.08,
            "FwdPacketsPerSec": 62.5, "BwdPacketsPerSec": 37.5, "DownUpRatio": 0.6, "PacketAsymmetry": 0.25, "ByteAsymmetry": -88.0 / 844,
            "FwdRetransPackets": 0, "BwdRetransPackets": 0, "FwdDupAcks": 0, "BwdDupAcks": 0,
            "HandshakeSynToSynAck": "0.010000", "HasHandshakeSynToSynAck": 1, "HandshakeSynAckToAck": "0.001000", "HasHandshakeSynAckToAck": 1,
            "VLAN": 0, "TunnelParentIDs": "",
        ], "full TCP")
        #expect(fp.pvar == 1600 && ap.pvar == 10000 && abs(bi.pvar - 0.0001) < 1e-12)
    }

    @Test func fullValuesOfUDPAndOnePacketFlows() throws {
        let (_, rows) = try Self.table(.full)
        try #require(rows.count == 3)
        Self.check(rows[1], [
            "Protocol": "UDP", "FwdBytes": 72, "BwdBytes": 112, "FwdPayloadLenMean": 30.0, "FlowPayloadLenVar": 400.0,
            "FlowPayloadLenStd": 20.0, "FwdL4HeaderBytes": 8, "FwdIPHeaderBytes": 20,
            "FwdInitWindow": 0, "FwdHasInitWindow": 0, "BwdInitWindow": 0, "BwdHasInitWindow": 0, "FwdHasMSS": 0, "FwdHasWindowScale": 0,
            "FwdTTLMin": 64, "FwdHasTTL": 1, "FwdIATTotal": "0.000000", "FlowIATMean": 0.5, "FlowIATStd": 0.0,
            "FlowFINCount": 0, "FlowBytesPerSec": 184 / 0.5, "DownUpRatio": 1.0, "PacketAsymmetry": 0.0, "ByteAsymmetry": -40.0 / 184,
            "HandshakeSynToSynAck": "0.000000", "HasHandshakeSynToSynAck": 0,
        ], "full UDP")
        // n = 1 and duration 0: statistics of one value, no backward packets, rates 0.
        Self.check(rows[2], [
            "FlowPackets": 1, "FlowBytes": 60, "FwdPayloadBytes": 10, "FwdPayloadLenMin": 10.0, "FwdPayloadLenMean": 10.0,
            "FwdPayloadLenStd": 0.0, "FwdPayloadLenVar": 0.0, "FwdFrameLenMean": 60.0, "BwdPayloadLenMax": 0.0, "BwdFrameLenMean": 0.0,
            "BwdTTLMin": 0, "BwdHasTTL": 0, "BwdL4HeaderLenMin": 0, "FwdIATMin": 0.0, "FlowIATTotal": "0.000000",
            "FlowBytesPerSec": 0.0, "FlowPacketsPerSec": 0.0, "FwdBytesPerSec": 0.0, "DownUpRatio": 0.0,
            "PacketAsymmetry": 1.0, "ByteAsymmetry": 1.0, "FwdActDataPackets": 1,
        ], "full one packet")
    }

    /// n = 0 in a direction, n = 2, and the hooks: a role swap swaps the packet fields, an
    /// active-timeout split starts them afresh.
    @Test func packetFieldsThroughSwapAndSplit() throws {
        let a = "10.0.0.1", b = "10.0.0.2"
        let swapped = [
            PcapRecord(seconds: 0.0, Build.ethernet(Build.tcp(a, 40000, b, 50000, flags: [.syn, .ack], seq: 900, ack: 101, window: 1000, ttl: 60))),
            PcapRecord(seconds: 0.1, Build.ethernet(Build.tcp(b, 50000, a, 40000, flags: [.ack], seq: 101, ack: 901, window: 2000,
                                                              payload: Array(repeating: 1, count: 10), ttl: 50))),
            PcapRecord(seconds: 0.3, Build.ethernet(Build.tcp(a, 40000, b, 50000, flags: [.ack], seq: 901, ack: 111, window: 3000,
                                                              payload: Array(repeating: 2, count: 20), ttl: 61))),
        ]
        let (flows, _) = try runFinishedFlows(swapped) { $0.flow = FlowConfiguration(preset: .zeek) }
        try #require(flows.count == 1 && flows.packetFields.count == 1)
        let f = flows.packetFields[0]
        // After the flip b is the client: forward is b's one segment.
        #expect(f.forward.packets == 1 && f.forward.initialWindow == 2000 && f.forward.ttlMin == 50 && f.forward.syn == 0)
        #expect(f.backward.packets == 2 && f.backward.initialWindow == 1000 && f.backward.syn == 1 && f.backward.ack == 2)
        #expect(f.backward.ttlMin == 60 && f.backward.ttlMax == 61 && f.backward.spanNs == 300_000_000)
        #expect(f.backward.payload.mean == 10 && f.backward.payload.variance == 100 && f.backward.payload.sampleVariance == 200)

        let split = [
            tcpFrame(0, fromClient: true, [.psh, .ack], seq: 1, ack: 1, payload: 100),
            tcpFrame(12, fromClient: false, [.psh, .ack], seq: 1, ack: 101, payload: 30),
        ]
        let (parts, _) = try runFinishedFlows(split) { $0.flow.activeTimeoutNs = 10_000_000_000 }
        try #require(parts.count == 2 && parts.packetFields.count == 2)
        #expect(parts.packetFields[0].forward.packets == 1 && parts.packetFields[0].backward.packets == 0)
        #expect(parts.packetFields[0].backward.minL4Header == 0 && !parts.packetFields[0].backward.hasInitialWindow)
        #expect(parts.packetFields[1].forward.packets == 0 && parts.packetFields[1].backward.packets == 1)
        #expect(parts.packetFields[1].backward.psh == 1 && parts.packetFields[1].flowPayload.mean == 30)
    }

    /// CICFlowMeter #174/#38: its FIN check adds the backward FIN count to itself, so the first
    /// backward FIN ends the flow and the rest of the teardown becomes separate small flows.
    /// Here the server closes first, then the client; the last ACK follows. CIC would write
    /// a 5-packet flow and a 1-packet one (or more); the connection is one row of 6 packets,
    /// 3 each way, with both FINs counted.
    @Test func backwardFINFirstKeepsTheTeardownInTheFlow() throws {
        let records = [
            Self.tcp(0, fromClient: true, [.syn], seq: 1000, ack: 0, window: 100, ttl: 64),
            Self.tcp(1_000, fromClient: false, [.syn, .ack], seq: 5000, ack: 1001, window: 200, ttl: 64),
            Self.tcp(2_000, fromClient: true, [.ack], seq: 1001, ack: 5001, window: 100, ttl: 64),
            Self.tcp(3_000, fromClient: false, [.fin, .ack], seq: 5001, ack: 1001, window: 200, ttl: 64),
            Self.tcp(4_000, fromClient: true, [.fin, .ack], seq: 1001, ack: 5002, window: 100, ttl: 64),
            Self.tcp(5_000, fromClient: false, [.ack], seq: 5002, ack: 1002, window: 200, ttl: 64),
        ]
        let (_, rows) = try Self.table(.cic, records)
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row["Total Fwd Packet"] == "3" && row["Total Bwd packets"] == "3")
        #expect(row["FIN Flag Count"] == "2")
        #expect(row["Flow Duration"] == "5000.0")  // µs: 5 ms from the SYN to the last ACK
    }

    /// full and cic keep the packet-fields group (and the activity groups); basic, extended and
    /// zeek don't. full also keeps the application metadata.
    @Test func requirementsAndSizes() {
        #expect(Schema.full.requirements == [.sizeTiming, .tcpAnalytics, .packetFields, .appMetadata, .activeIdle, .bulkSubflow, .firstPackets])
        #expect(Schema.cic.requirements == [.sizeTiming, .packetFields, .activeIdle, .bulkSubflow])
        for schema in [Schema.basic, .extended, .zeek] { #expect(!schema.requirements.contains(.packetFields)) }
        let table = FlowTable(configuration: FlowConfiguration(), features: Schema.full.requirements)
        #expect(table.allocatedFeatureTables == 7)
        print("MemoryLayout: AppMetadata \(MemoryLayout<AppMetadata>.stride) B, PacketFields \(MemoryLayout<PacketFields>.stride) B (DirectionFields \(MemoryLayout<DirectionFields>.stride) B), full per flow: slot \(FlowTable.slotStride) + SizeTiming \(MemoryLayout<SizeTiming>.stride) + TCPAnalytics \(MemoryLayout<TCPAnalytics>.stride) + PacketFields \(MemoryLayout<PacketFields>.stride) B; per inspected flow: FlowInspection? \(MemoryLayout<FlowInspection?>.stride) B (StreamProgress \(MemoryLayout<StreamProgress>.stride), DatagramProgress \(MemoryLayout<DatagramProgress>.stride), StreamReassembler? \(MemoryLayout<StreamReassembler?>.stride)); per packet: DecodedPacket \(MemoryLayout<DecodedPacket>.stride) B, FlowInput \(MemoryLayout<FlowInput>.stride) B, PacketView \(MemoryLayout<PacketView>.stride) B")
    }

    @Test func runningStatsVariances() {
        var s = RunningStats()
        #expect(s.variance == 0 && s.sampleVariance == 0 && s.sampleStd == 0)
        s.add(4)
        #expect(s.variance == 0 && s.sampleStd == 0 && s.mean == 4)
        s.add(8)  // mean 6, squared deviations 4 + 4
        #expect(s.variance == 4 && s.std == 2 && s.sampleVariance == 8 && s.sampleStd == 8.0.squareRoot())
    }

    @Test func cicTimestampLayout() {
        let out = CSVBuffer()
        out.cicTimestamp(0)                                     // the epoch: midnight is 12 AM
        out.cicTimestamp(1_499_086_799_999_999_999)             // 2017-07-03 12:59:59.999999999: noon is 12 PM
        out.cicTimestamp(951_782_400_000_001_000)               // 2000-02-29 00:00:00.000001
        out.cicTimestamp(-1_000)                                // 1969-12-31 23:59:59.999999
        out.endRow()
        #expect(String(decoding: out.bytes, as: UTF8.self) ==
                "01/01/1970 12:00:00.000000 AM,03/07/2017 12:59:59.999999 PM,29/02/2000 12:00:00.000001 AM,31/12/1969 11:59:59.999999 PM\n")
    }
}
