// flowcsv-benchgen: deterministic, realistic-looking benchmark captures of any length, written
// record by record (memory stays small whatever the packet count).
//
// Traffic model (see Benchmarks/README.md):
//   * `--live L` slots, each running one short flow after another (with a short pause in between),
//     so about L flows are live at any moment however long the capture is;
//   * short flows: ~80 % TCP connections (handshake with options, request/response rounds with
//     responses of widely varied sizes cut into MSS segments and acknowledged, FIN teardown from
//     either side, ~5 % ending in RST, ~2 % just going quiet), ~15 % DNS query/response over UDP,
//     ~5 % QUIC-like UDP exchanges that end by going idle;
//   * `--long-flows K` TCP connections spanning the whole capture (interactive-sized packets);
//   * ~12 % of short flows over IPv6, ~10 % of client hosts behind an 802.1Q VLAN tag;
//   * one flow never reuses a live 5-tuple (each client host hands out ports in turn).
// The capture holds about `--packets N` packets (a few fewer at most): new flows stop
// starting once the running ones will reach N; then the long flows close and the running
// short flows finish. Everything derives from `--seed` through SplitMix64: same arguments, same bytes.

import FlowStatsTestSupport
import Foundation

// MARK: - Deterministic randomness

/// Draws for the generator, on the test support's ``SplitMix64``.
extension SplitMix64 {
    /// Uniform in [0, 1), 53 bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in `range` (modulo bias is irrelevant at these sizes).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// Exponentially distributed with the given mean.
    mutating func exponential(mean: Double) -> Double {
        -mean * log(1 - unit())
    }

    /// Log-uniform in [low, high].
    mutating func logUniform(_ low: Double, _ high: Double) -> Double {
        low * pow(high / low, unit())
    }

    /// An index into `weights` chosen with probability proportional to its weight.
    mutating func pick(_ weights: [Double]) -> Int {
        var r = unit() * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            r -= weight
            if r < 0 { return index }
        }
        return weights.count - 1
    }
}

// MARK: - Arguments

struct Options {
    var output = ""
    var packets = 1_040_000
    var live = 4096
    var longFlows = 8
    var timeScale = 1.0
    var startSeconds: Int64 = 1_700_000_000
    var seed: UInt64 = 1
    var quiet = false
    /// A hostile key shape instead of the traffic model (Hostile.swift).
    var shape: HostileShape?
}

func usage() -> Never {
    print("""
        usage: flowcsv-benchgen OUTPUT.pcap [--packets N] [--live L] [--long-flows K]
                                [--time-scale X] [--start SECONDS] [--seed S] [--quiet]
               flowcsv-benchgen OUTPUT.pcap --shape scan|synflood|nat [--packets N] [--start SECONDS] [--seed S]

          --packets N      about N packets in all (default 1040000; the result is at most a few packets fewer)
          --live L         concurrent short flows at any moment (default 4096); the total number of
                           flows grows with N, the live number does not
          --long-flows K   TCP connections spanning the whole capture (default 8)
          --time-scale X   multiply every gap between packets by X (default 1: ~6 min per 1 M packets
                           with --live 4096); the capture's duration scales with it
          --start SECONDS  capture start, Unix seconds (default 1700000000)
          --seed S         PRNG seed (default 1); same arguments give the same bytes
          --shape SHAPE    a hostile key shape of about N packets instead (Hostile.swift): scan (one
                           address pair, every port, SYN then RST), synflood (N spoofed sources, one
                           SYN each, all live at the end), nat (one address, sequential ports, full
                           connections)
        Prints one summary line: key=value pairs (packets, bytes, flows, duration, live flows: the
        maximum and the median of a sample taken every 1 % of the packets).
        """)
    exit(2)
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = Array(CommandLine.arguments.dropFirst())
    func value(_ name: String) -> String {
        guard !arguments.isEmpty else {
            print("flowcsv-benchgen: \(name) needs a value")
            usage()
        }
        return arguments.removeFirst()
    }
    func number<T: LosslessStringConvertible>(_ name: String, _: T.Type) -> T {
        let text = value(name)
        guard let parsed = T(text) else {
            print("flowcsv-benchgen: bad value for \(name): \(text)")
            usage()
        }
        return parsed
    }
    while !arguments.isEmpty {
        let argument = arguments.removeFirst()
        switch argument {
        case "--packets": options.packets = number(argument, Int.self)
        case "--live": options.live = number(argument, Int.self)
        case "--long-flows": options.longFlows = number(argument, Int.self)
        case "--time-scale": options.timeScale = number(argument, Double.self)
        case "--start": options.startSeconds = number(argument, Int64.self)
        case "--seed": options.seed = number(argument, UInt64.self)
        case "--quiet", "-q": options.quiet = true
        case "--shape":
            let text = value(argument)
            guard let shape = HostileShape(rawValue: text) else {
                print("flowcsv-benchgen: unknown shape \(text) (values: \(HostileShape.allCases.map(\.rawValue).joined(separator: ", ")))")
                usage()
            }
            options.shape = shape
        case "-h", "--help": usage()
        default:
            if argument.hasPrefix("-") || !options.output.isEmpty {
                print("flowcsv-benchgen: unexpected argument \(argument)")
                usage()
            }
            options.output = argument
        }
    }
    guard !options.output.isEmpty, options.packets > 0, options.live > 0, options.longFlows >= 0,
          options.timeScale > 0, options.timeScale.isFinite else { usage() }
    return options
}

// MARK: - Hosts

let clientHosts = 8192
let serverHosts = 4096

/// Public-looking /16s the servers live in.
let serverPrefixes: [(UInt8, UInt8)] = [(93, 184), (151, 101), (104, 16), (142, 250), (13, 107), (52, 84), (31, 13),
                                        (172, 217), (185, 199), (23, 45), (157, 240), (199, 232), (35, 186), (20, 190)]
let serverPrefixes6 = ["2606:4700:10", "2a03:2880:f1", "2607:f8b0:4005", "2620:1ec:c11", "2a04:4e42:200", "2600:9000:2153"]

func clientAddress(_ index: Int, v6: Bool) -> String {
    v6 ? "2001:db8:\(String(index >> 8 + 0x10, radix: 16))::\(String(index & 0xFF + 0x100, radix: 16))"
       : "10.\(16 + index >> 8).\(index >> 4 & 0xF0 | 1).\(index & 0xFF)"
}

func serverAddress(_ index: Int, v6: Bool) -> String {
    if v6 {
        return "\(serverPrefixes6[index % serverPrefixes6.count])::\(String(index / serverPrefixes6.count + 1, radix: 16))"
    }
    let prefix = serverPrefixes[index % serverPrefixes.count]
    let host = index / serverPrefixes.count
    return "\(prefix.0).\(prefix.1).\(host >> 8 & 0xFF).\(host & 0xFF | 1)"
}

func clientMAC(_ index: Int) -> [UInt8] {
    [0x02, 0x10, 0x5E, UInt8(index >> 16 & 0xFF), UInt8(index >> 8 & 0xFF), UInt8(index & 0xFF)]
}

let routerMAC: [UInt8] = [0x00, 0x1B, 0x21, 0x3A, 0x4F, 0x01]

/// Hosts whose index is 3 mod 10 sit behind a VLAN tag (one of four ids).
func vlanTag(ofClient index: Int) -> UInt16? {
    index % 10 == 3 ? [10, 20, 30, 100][index / 10 % 4] : nil
}

// MARK: - Flow plans

/// One packet of a flow's plan, before any bytes exist.
struct Step {
    /// Capture time.
    var timeNs: Int64
    var fromClient: Bool
    /// TCP flags (0 for UDP).
    var flags: UInt8
    var payload: UInt16
    /// SYN options (20 bytes, like Linux: MSS, SACK permitted, timestamps, window scale).
    var synOptions: Bool = false
}

enum Transport {
    case tcp
    case udp
}

/// A flow being written: addresses, its packet plan, and the per-direction TCP state.
struct Flow {
    var transport: Transport
    var client: String
    var server: String
    var clientPort: UInt16
    var serverPort: UInt16
    var clientIndex: Int
    var v6: Bool
    var steps: [Step]
    var next = 0
    var seq: (client: UInt32, server: UInt32)
    var ipID: (client: UInt16, server: UInt16)
    /// Long flows generate their steps as they go.
    var isLong = false
    var closing = false
    /// A DNS flow's question (name, type, class), repeated in the answer.
    var dnsQuestion: [UInt8] = []
}

struct Generator {
    var options: Options
    var rng: SplitMix64
    /// Next ephemeral port per client host (handed out in turn, so no live 5-tuple repeats).
    var nextPort: [UInt16]
    /// Pseudo-random payload bytes; packets take slices of it.
    let pool: [UInt8]
    let scale: Double

    init(options: Options) {
        self.options = options
        rng = SplitMix64(seed: options.seed &* 0xD1B5_4A32_D192_ED03 &+ 0x5851_F42D_4C95_7F2D)
        var ports: [UInt16] = []
        var poolRNG = SplitMix64(seed: options.seed ^ 0x0123_4567_89AB_CDEF)
        for index in 0..<clientHosts {
            ports.append(UInt16(32768 + (index &* 7919) % 28000))
        }
        nextPort = ports
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 17)
        while bytes.count < 1 << 17 {
            let word = poolRNG.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        pool = bytes
        scale = options.timeScale
    }

    func ns(_ seconds: Double) -> Int64 {
        Int64((seconds * scale * 1e9).rounded())
    }

    mutating func takePort(_ client: Int) -> UInt16 {
        let port = nextPort[client]
        nextPort[client] = port >= 60999 ? 32768 : port + UInt16(rng.int(1...3))
        return port
    }

    /// A client host, skewed so a few hosts are busy and many are quiet.
    mutating func pickClient() -> Int {
        min(clientHosts - 1, Int(Double(clientHosts) * pow(rng.unit(), 1.6)))
    }

    mutating func pickServer() -> Int {
        min(serverHosts - 1, Int(Double(serverHosts) * pow(rng.unit(), 2.5)))
    }

    /// A new short flow starting at `startNs`.
    mutating func shortFlow(at startNs: Int64) -> Flow {
        let client = pickClient()
        let v6 = rng.chance(0.12)
        let kind = rng.pick([80, 15, 5])
        let seq = (UInt32(truncatingIfNeeded: rng.next()), UInt32(truncatingIfNeeded: rng.next()))
        let ipID = (UInt16(truncatingIfNeeded: rng.next()), UInt16(truncatingIfNeeded: rng.next()))
        let clientPort = takePort(client)
        switch kind {
        case 0:
            let server = pickServer()
            let serverPort: UInt16 = [443, 80, 8080, 22, 993, 5223, 25, UInt16(rng.int(1024...49151))][rng.pick([70, 18, 3, 2, 2, 2, 1, 2])]
            return Flow(transport: .tcp, client: clientAddress(client, v6: v6), server: serverAddress(server, v6: v6),
                        clientPort: clientPort, serverPort: serverPort, clientIndex: client, v6: v6,
                        steps: tcpPlan(start: startNs, mss: v6 ? 1440 : 1460), seq: seq, ipID: ipID)
        case 1:
            let resolver = v6 ? ["2001:db8:10::35", "2001:db8:11::35"][client & 1] : ["10.0.0.53", "10.0.1.53"][client & 1]
            return Flow(transport: .udp, client: clientAddress(client, v6: v6), server: resolver,
                        clientPort: clientPort, serverPort: 53, clientIndex: client, v6: v6,
                        steps: dnsPlan(start: startNs, v6: v6), seq: seq, ipID: ipID)
        default:
            let server = pickServer()
            return Flow(transport: .udp, client: clientAddress(client, v6: v6), server: serverAddress(server, v6: v6),
                        clientPort: clientPort, serverPort: 443, clientIndex: client, v6: v6,
                        steps: quicPlan(start: startNs), seq: seq, ipID: ipID)
        }
    }

    /// Bytes of one response: mostly small, a long tail of big ones.
    mutating func responseSize() -> Int {
        switch rng.pick([82, 13.5, 3.6, 0.78, 0.12]) {
        case 0: rng.int(0...500)
        case 1: rng.int(501...2920)
        case 2: rng.int(2921...14600)
        case 3: rng.int(14601...60000)
        default: rng.int(60001...250000)
        }
    }

    mutating func requestSize() -> Int {
        switch rng.pick([62, 33, 3.5, 1.5]) {
        case 0: rng.int(40...250)
        case 1: rng.int(251...700)
        case 2: rng.int(901...1460)
        default: rng.int(1461...20000)  // an upload
        }
    }

    /// SYN, SYN-ACK, ACK; request/response rounds with think time between them; FIN teardown,
    /// or RST (~5 %), or nothing (~2 %, the flow goes idle).
    mutating func tcpPlan(start: Int64, mss: Int) -> [Step] {
        var steps: [Step] = []
        var t = start
        let rtt = rng.logUniform(0.002, 0.150)
        func add(_ fromClient: Bool, _ flags: UInt8, _ payload: Int = 0, after gap: Double, syn: Bool = false) {
            t += ns(gap)
            steps.append(Step(timeNs: t, fromClient: fromClient, flags: flags, payload: UInt16(payload), synOptions: syn))
        }
        let SYN: UInt8 = 0x02, ACK: UInt8 = 0x10, PSHACK: UInt8 = 0x18, FINACK: UInt8 = 0x11, RSTACK: UInt8 = 0x14
        add(true, SYN, after: 0, syn: true)
        add(false, SYN | ACK, after: rtt / 2, syn: true)
        add(true, ACK, after: rtt / 2)
        let rounds = rng.chance(0.04) ? 0 : min(24, 1 + Int(rng.exponential(mean: 2.7)))
        let ending = rng.pick([93, 5, 2])  // FIN, RST, idle
        let lastRound = ending == 1 ? rng.int(0...rounds) : rounds
        for round in 0..<lastRound {
            // Request.
            var request = requestSize()
            var first = true
            while request > 0 {
                let size = min(request, mss)
                add(true, PSHACK, size, after: first ? (round == 0 ? rng.logUniform(0.0002, 0.002) : rng.exponential(mean: 6.0)) : 0.0001)
                request -= size
                first = false
            }
            // Response, cut into segments; the client acknowledges every second one and the last.
            var response = responseSize()
            if response == 0 {
                add(false, ACK, after: rtt / 2 + rng.logUniform(0.0001, 0.05))
                continue
            }
            var segment = 0
            while response > 0 {
                let size = min(response, mss)
                add(false, PSHACK, size, after: segment == 0 ? rtt / 2 + rng.logUniform(0.0001, 0.05) : rng.logUniform(0.00002, 0.002))
                response -= size
                segment += 1
                if segment % 2 == 0 || response == 0 {
                    add(true, ACK, after: 0.00005)
                }
            }
        }
        switch ending {
        case 0:
            let clientCloses = rng.chance(0.6)
            add(clientCloses, FINACK, after: rng.exponential(mean: 1.5))
            add(!clientCloses, FINACK, after: rtt / 2)
            add(clientCloses, ACK, after: rtt / 2)
        case 1:
            add(!rng.chance(0.35), RSTACK, after: rng.exponential(mean: 0.5))
        default:
            break
        }
        return steps
    }

    /// A DNS query and (97 %) its answer.
    mutating func dnsPlan(start: Int64, v6: Bool) -> [Step] {
        let query = 12 + rng.int(12...40) + 5
        var steps = [Step(timeNs: start, fromClient: true, flags: 0, payload: UInt16(query))]
        if rng.chance(0.97) {
            let answers = rng.int(1...4)
            steps.append(Step(timeNs: start + ns(rng.logUniform(0.0005, 0.08)), fromClient: false, flags: 0,
                              payload: UInt16(query + answers * (v6 ? 28 : 16))))
        }
        return steps
    }

    /// A QUIC-like exchange: a padded client Initial, server bursts of near-MTU datagrams,
    /// small client acknowledgements; it ends by going quiet.
    mutating func quicPlan(start: Int64) -> [Step] {
        var steps = [Step(timeNs: start, fromClient: true, flags: 0, payload: 1252)]
        var t = start
        let rtt = rng.logUniform(0.005, 0.120)
        let count = Int(rng.logUniform(4, 40))
        while steps.count < count {
            t += ns(rtt / 2 + rng.logUniform(0.0001, 0.5))
            for _ in 0..<rng.int(1...3) {
                t += ns(rng.logUniform(0.00002, 0.001))
                steps.append(Step(timeNs: t, fromClient: false, flags: 0, payload: UInt16(rng.chance(0.5) ? rng.int(1150...1350) : rng.int(40...400))))
            }
            t += ns(rtt / 2)
            steps.append(Step(timeNs: t, fromClient: true, flags: 0, payload: UInt16(rng.int(30...60))))
        }
        return steps
    }

    /// A long-lived TCP connection: its handshake; later steps come from ``longStep(_:after:)``.
    mutating func longFlow(_ index: Int, at startNs: Int64) -> Flow {
        let v6 = index % 4 == 3
        let client = clientHosts - 1 - index
        let ports: [UInt16] = [22, 443, 5222, 1883, 3389, 443, 8883, 993]
        var flow = Flow(transport: .tcp, client: clientAddress(client, v6: v6), server: serverAddress(index * 97 + 5, v6: v6),
                        clientPort: UInt16(40000 + index), serverPort: ports[index % ports.count], clientIndex: client,
                        v6: v6, steps: [], seq: (UInt32(truncatingIfNeeded: rng.next()), UInt32(truncatingIfNeeded: rng.next())),
                        ipID: (UInt16(truncatingIfNeeded: rng.next()), UInt16(truncatingIfNeeded: rng.next())))
        flow.isLong = true
        flow.steps = [Step(timeNs: startNs, fromClient: true, flags: 0x02, payload: 0, synOptions: true),
                      Step(timeNs: startNs + ns(0.03), fromClient: false, flags: 0x12, payload: 0, synOptions: true),
                      Step(timeNs: startNs + ns(0.06), fromClient: true, flags: 0x10, payload: 0)]
        return flow
    }

    /// The next packet of a long flow: interactive sizes, now and then a full segment.
    mutating func longStep(after previous: Step) -> Step {
        let size: Int
        switch rng.pick([60, 32, 8]) {
        case 0: size = rng.int(20...200)
        case 1: size = 0
        default: size = 1400
        }
        return Step(timeNs: previous.timeNs + ns(rng.exponential(mean: 0.12)), fromClient: rng.chance(0.5),
                    flags: size == 0 ? 0x10 : 0x18, payload: UInt16(size))
    }

    /// A DNS query for a made-up name (the client's step) or its answer (the server's), of
    /// exactly the planned size: 12-byte header, question, then A (16-byte) or AAAA (28-byte)
    /// answers pointing back at the question's name.
    mutating func dnsMessage(_ flow: inout Flow, _ step: Step) -> [UInt8] {
        let qtype: UInt8 = flow.v6 ? 28 : 1
        if step.fromClient {
            // Name in wire format, filling the planned size: labels of 3 to 12 letters.
            var name: [UInt8] = []
            var remaining = Int(step.payload) - 12 - 4 - 1
            while remaining > 0 {
                var length = min(remaining - 1, rng.int(3...12))
                if remaining - 1 - length == 1 { length += 1 }
                name.append(UInt8(length))
                for _ in 0..<length { name.append(UInt8(ascii: "a") + UInt8(rng.int(0...25))) }
                remaining -= length + 1
            }
            flow.dnsQuestion = name + [0, 0, qtype, 0, 1]
            let id = UInt16(truncatingIfNeeded: flow.seq.client)
            return [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0] + flow.dnsQuestion
        }
        let answerSize = flow.v6 ? 28 : 16
        let answers = (Int(step.payload) - 12 - flow.dnsQuestion.count) / answerSize
        let id = UInt16(truncatingIfNeeded: flow.seq.client)
        var message: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x81, 0x80, 0, 1, 0, UInt8(answers), 0, 0, 0, 0]
        message += flow.dnsQuestion
        for _ in 0..<answers {
            message += [0xC0, 0x0C, 0, qtype, 0, 1, 0, 0, 0x01, 0x2C, 0, UInt8(answerSize - 12)]
            for _ in 0..<(answerSize - 12) { message.append(UInt8(truncatingIfNeeded: rng.next())) }
        }
        return message
    }

    /// The frame of `step` in `flow`; advances the flow's sequence numbers and IP ids.
    mutating func frame(_ flow: inout Flow, _ step: Step) -> [UInt8] {
        let fromClient = step.fromClient
        let (src, sport, dst, dport) = fromClient
            ? (flow.client, flow.clientPort, flow.server, flow.serverPort)
            : (flow.server, flow.serverPort, flow.client, flow.clientPort)
        let payload: [UInt8]
        if flow.transport == .udp && flow.serverPort == 53 {
            payload = dnsMessage(&flow, step)
        } else {
            // Encrypted-looking bytes (TLS, QUIC, SSH...).
            let offset = Int(rng.next() % UInt64(pool.count - Int(step.payload)))
            payload = Array(pool[offset..<offset + Int(step.payload)])
        }
        let ipID = fromClient ? flow.ipID.client : flow.ipID.server
        let ip: [UInt8]
        switch flow.transport {
        case .tcp:
            let flags = TCPFlags(rawValue: step.flags)
            let seq = fromClient ? flow.seq.client : flow.seq.server
            let ack: UInt32 = flags.contains(.ack) ? (fromClient ? flow.seq.server : flow.seq.client) : 0
            let mss: UInt16 = flow.v6 ? 1440 : 1460
            let options: [UInt8] = step.synOptions
                ? [2, 4, UInt8(mss >> 8), UInt8(mss & 0xFF), 4, 2, 8, 10, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0, 1, 3, 3, 7]
                : []
            ip = Build.tcp(src, sport, dst, dport, flags: flags, seq: seq, ack: ack,
                           window: fromClient ? 502 : 509, payload: payload, options: options,
                           ipID: ipID, ttl: fromClient ? 64 : 56)
            var consumed = UInt32(step.payload)
            if flags.contains(.syn) || flags.contains(.fin) { consumed += 1 }
            if fromClient { flow.seq.client &+= consumed } else { flow.seq.server &+= consumed }
        case .udp:
            ip = Build.udp(src, sport, dst, dport, payload: payload, ipID: ipID)
        }
        if fromClient { flow.ipID.client &+= 1 } else { flow.ipID.server &+= 1 }
        let mac = clientMAC(flow.clientIndex)
        let vlans = vlanTag(ofClient: flow.clientIndex).map { [$0] } ?? []
        return Build.ethernet(ip, vlans: vlans, src: fromClient ? mac : routerMAC, dst: fromClient ? routerMAC : mac)
    }
}

// MARK: - Event queue

/// A binary min-heap of (time, owner) — the next packet time of each slot or long flow.
/// Ties go to the smaller owner, so the merge order is fully determined.
struct EventHeap {
    private var items: [(time: Int64, owner: Int)] = []

    var isEmpty: Bool { items.isEmpty }

    private static func less(_ a: (time: Int64, owner: Int), _ b: (time: Int64, owner: Int)) -> Bool {
        a.time < b.time || (a.time == b.time && a.owner < b.owner)
    }

    mutating func push(_ time: Int64, _ owner: Int) {
        items.append((time, owner))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (time: Int64, owner: Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < items.count, Self.less(items[left], items[smallest]) { smallest = left }
                if right < items.count, Self.less(items[right], items[smallest]) { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}

// MARK: - Main

let options = parseOptions()
if let shape = options.shape {
    do {
        print(try writeHostile(shape, options: options))
        exit(0)
    } catch {
        print("flowcsv-benchgen: writing \(options.output): \(error)")
        exit(1)
    }
}
var generator = Generator(options: options)
let startNs = options.startSeconds * 1_000_000_000
let writer: PcapFileWriter
do {
    writer = try PcapFileWriter(path: options.output, linkTypeField: 1, nanosecond: false, bufferSize: 4 << 20)
} catch {
    print("flowcsv-benchgen: cannot create \(options.output): \(error)")
    exit(1)
}

// Owners 0..<live are slots of short flows; live..<live+longFlows are the long flows.
var flows = [Flow?](repeating: nil, count: options.live + options.longFlows)
var heap = EventHeap()
/// Packets that the flows now running will still send (short flows only).
var plannedRemaining = 0
var written = 0
var flowCount = 0
var liveNow = 0
var liveMax = 0
var lastEventNs = startNs
/// Live flows sampled at every 1 % of the packets written.
var liveSamples: [Int] = []
let sampleEvery = max(1, options.packets / 100)
var retiring = false
let longTeardownReserve = 4 * options.longFlows  // one step already planned, then FIN, FIN, ACK

// Slots start staggered over the first seconds, so the capture does not begin with a burst.
for slot in 0..<options.live {
    heap.push(startNs + generator.ns(generator.rng.unit() * 8.0), slot)
}
for index in 0..<options.longFlows {
    let owner = options.live + index
    flows[owner] = generator.longFlow(index, at: startNs + generator.ns(Double(index) * 0.01))
    flowCount += 1
    liveNow += 1
    heap.push(flows[owner]!.steps[0].timeNs, owner)
}

do {
    while let (time, owner) = heap.pop() {
        lastEventNs = time
        if flows[owner] == nil {
            // A slot between flows: start the next one if it fits in the packet budget.
            let flow = generator.shortFlow(at: time)
            if written + plannedRemaining + flow.steps.count + longTeardownReserve > options.packets {
                retiring = true
                continue
            }
            flows[owner] = flow
            plannedRemaining += flow.steps.count
            flowCount += 1
            liveNow += 1
            liveMax = max(liveMax, liveNow)
        }
        var flow = flows[owner]!
        let step = flow.steps[flow.next]
        let bytes = generator.frame(&flow, step)
        try writer.write(PcapRecord(step.timeNs, bytes))
        written += 1
        if written % sampleEvery == 0 { liveSamples.append(liveNow) }
        flow.next += 1
        if flow.isLong {
            if flow.next < flow.steps.count {
                heap.push(flow.steps[flow.next].timeNs, owner)
            } else if flow.closing {
                flows[owner] = nil
                liveNow -= 1
                continue
            } else if retiring {
                // The packet budget is spoken for: close with FIN, FIN, ACK.
                let t = step.timeNs
                flow.steps = [Step(timeNs: t + generator.ns(0.2), fromClient: true, flags: 0x11, payload: 0),
                              Step(timeNs: t + generator.ns(0.23), fromClient: false, flags: 0x11, payload: 0),
                              Step(timeNs: t + generator.ns(0.26), fromClient: true, flags: 0x10, payload: 0)]
                flow.next = 0
                flow.closing = true
                heap.push(flow.steps[0].timeNs, owner)
            } else {
                flow.steps = [generator.longStep(after: step)]
                flow.next = 0
                heap.push(flow.steps[0].timeNs, owner)
            }
            flows[owner] = flow
            continue
        }
        plannedRemaining -= 1
        if flow.next < flow.steps.count {
            flows[owner] = flow
            heap.push(flow.steps[flow.next].timeNs, owner)
        } else {
            // Done; the slot rests a moment before its next flow.
            flows[owner] = nil
            liveNow -= 1
            heap.push(step.timeNs + generator.ns(generator.rng.exponential(mean: 0.5)), owner)
        }
    }
    try writer.close()
} catch {
    print("flowcsv-benchgen: writing \(options.output): \(error)")
    exit(1)
}

let durationS = Double(lastEventNs - startNs) / 1e9
liveSamples.sort()
let liveMedian = liveSamples.isEmpty ? liveNow : liveSamples[liveSamples.count / 2]
let summary = [
    "file=\(options.output)",
    "packets=\(writer.recordCount)",
    "bytes=\(writer.byteCount)",
    "avg_record_bytes=\(String(format: "%.1f", Double(writer.byteCount - 24) / Double(max(writer.recordCount, 1))))",
    "flows=\(flowCount)",
    "duration_s=\(String(format: "%.1f", durationS))",
    "live_max=\(liveMax)",
    "live_median=\(liveMedian)",
    "seed=\(options.seed)",
].joined(separator: " ")
print(summary)
