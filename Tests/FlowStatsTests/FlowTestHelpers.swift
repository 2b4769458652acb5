import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

/// Client and server used by the hand-worked flow scenarios.
let clientIP = "10.0.0.1"
let serverIP = "10.0.0.2"
let clientPort: UInt16 = 40000
let serverPort: UInt16 = 80

/// Size of an Ethernet + IPv4 + TCP (no options) frame with `payload` bytes.
func tcpFrameSize(_ payload: Int) -> Int { 14 + 20 + 20 + payload }

/// A TCP segment in an Ethernet frame, client → server (`fromClient`) or back.
func tcpFrame(_ t: Double, fromClient: Bool, _ flags: TCPFlags, seq: UInt32 = 0, ack: UInt32 = 0,
              payload: Int = 0, sport: UInt16 = clientPort) -> PcapRecord {
    let bytes = [UInt8](repeating: 0x61, count: payload)
    let ip = fromClient
        ? Build.tcp(clientIP, sport, serverIP, serverPort, flags: flags, seq: seq, ack: ack, payload: bytes)
        : Build.tcp(serverIP, serverPort, clientIP, sport, flags: flags, seq: seq, ack: ack, payload: bytes)
    return PcapRecord(seconds: t, Build.ethernet(ip))
}

/// A UDP datagram in an Ethernet frame.
func udpFrame(_ t: Double, fromClient: Bool, payload: Int, sport: UInt16 = 5353, dport: UInt16 = 53) -> PcapRecord {
    let bytes = [UInt8](repeating: 0x62, count: payload)
    let ip = fromClient
        ? Build.udp(clientIP, sport, serverIP, dport, payload: bytes)
        : Build.udp(serverIP, dport, clientIP, sport, payload: bytes)
    return PcapRecord(seconds: t, Build.ethernet(ip))
}

/// Writes `records` as a classic pcap and runs them through flowcsv's reader, decoder and
/// flow table. Returns the flows in output order and the file report.
func runFlows(_ records: [PcapRecord], linkType: UInt32 = 1, nanosecond: Bool = false,
              configure: (inout ProcessingOptions) -> Void = { _ in }) throws -> (flows: [FlowRecord], report: FileReport) {
    let folder = try temporaryDirectory()
    let path = folder + "/capture.pcap"
    try PcapWriter.classic(records, linkTypeField: linkType, nanosecond: nanosecond).write(toFile: path)
    var options = ProcessingOptions(labelTemplate: try LabelTemplate(LabelTemplate.defaultTemplate))
    configure(&options)
    var flows: [FlowRecord] = []
    let report = FileProcessor.readFlows(CaptureInput(path: path, displayPath: "capture.pcap"), options: options) {
        flows.append(contentsOf: $0)
    }
    try? FileManager.default.removeItem(atPath: folder)
    return (flows, report)
}

/// Nanoseconds from seconds, for comparing times.
func ns(_ seconds: Double) -> Int64 { Int64((seconds * 1e9).rounded()) }

/// A flow with the states of every feature group, as the `extended` schema's rows see it.
struct FlowWithGroups {
    let record: FlowRecord
    let sizeTiming: SizeTiming
    let tcp: TCPAnalytics
}

/// As ``runFlows(_:linkType:nanosecond:configure:)``, keeping every feature group: the rows
/// as the flow table hands them out (`onBatch` sees each batch as it comes).
func runFinishedFlows(_ records: [PcapRecord], configure: (inout ProcessingOptions) -> Void = { _ in },
                      onBatch: (FinishedFlows) -> Void = { _ in }) throws
    -> (flows: FinishedFlows, report: FileReport) {
    let folder = try temporaryDirectory()
    let path = folder + "/capture.pcap"
    try PcapWriter.classic(records).write(toFile: path)
    var options = ProcessingOptions(labelTemplate: try LabelTemplate(LabelTemplate.defaultTemplate))
    configure(&options)
    var flows = FinishedFlows()
    let report = FileProcessor.readFlows(CaptureInput(path: path, displayPath: "capture.pcap"), options: options,
                                         features: .all) { onBatch($0); flows.append(contentsOf: $0) }
    try? FileManager.default.removeItem(atPath: folder)
    return (flows, report)
}

/// As ``runFinishedFlows(_:configure:)``, each row with its groups' states.
func runFlowsWithGroups(_ records: [PcapRecord], configure: (inout ProcessingOptions) -> Void = { _ in }) throws
    -> (flows: [FlowWithGroups], report: FileReport) {
    let (flows, report) = try runFinishedFlows(records, configure: configure)
    #expect(flows.sizeTiming.count == flows.count && flows.tcpAnalytics.count == flows.count)
    let rows = flows.records.indices.map {
        FlowWithGroups(record: flows.records[$0], sizeTiming: flows.sizeTiming[$0], tcp: flows.tcpAnalytics[$0])
    }
    return (rows, report)
}
