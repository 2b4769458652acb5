// Hostile key shapes for the flow table (issue 8): `flowcsv-benchgen OUT.pcap --shape SHAPE`.
//
//   scan      one address pair, every destination port 1...65535: a SYN from the scanner, a
//             RST-ACK from the target; each pass uses the next source port, passes repeat until
//             about --packets packets (2 per port). Every flow differs from the others in one
//             port only (the target's, the lower address).
//   synflood  --packets spoofed SYNs, one per source, to one server port: the first half from
//             sequential sources 10.0.0.1, 10.0.0.2, ... (across the /8), the second half from
//             scattered sources in 10.128.0.0/9 (a bijection of the index, so no source repeats)
//             with pseudo-random source ports. 5 µs apart, so every flow is still live at the end
//             of the capture (no timeout is that short): the flow table holds them all at once.
//   nat       one client address (a NAT) with sequential source ports 1024...65535 (wrapping),
//             full TCP connections to 4 servers: SYN, SYN-ACK, ACK, a request, a response, its
//             ACK, FIN, FIN, ACK (9 packets); a new connection every 40 µs, each ~2 ms long, so
//             ~50 are live at once; about --packets packets.
//
// Deterministic: everything derives from --seed. Ethernet, classic pcap, microseconds.

import FlowStatsTestSupport
import Foundation

enum HostileShape: String, CaseIterable {
    case scan
    case synflood
    case nat
}

/// Writes one hostile capture and returns its summary line (the same keys as the main
/// generator's, plus `shape` and `live_end`: the flows still open at the last packet).
func writeHostile(_ shape: HostileShape, options: Options) throws -> String {
    let writer = try PcapFileWriter(path: options.output, linkTypeField: 1, nanosecond: false, bufferSize: 4 << 20)
    var rng = SplitMix64(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x632B_E59B_D9B4_E019)
    let startNs = options.startSeconds * 1_000_000_000
    let macA: [UInt8] = [0x02, 0x00, 0x5E, 0x10, 0x00, 0x01]
    let macB: [UInt8] = [0x00, 0x1B, 0x21, 0x3A, 0x4F, 0x01]
    func write(_ timeNs: Int64, _ ip: [UInt8], fromA: Bool) throws {
        try writer.write(PcapRecord(timeNs, Build.ethernet(ip, src: fromA ? macA : macB, dst: fromA ? macB : macA)))
    }
    let SYN: TCPFlags = [.syn], SYNACK: TCPFlags = [.syn, .ack], ACK: TCPFlags = [.ack]
    let PSHACK: TCPFlags = [.psh, .ack], FINACK: TCPFlags = [.fin, .ack], RSTACK: TCPFlags = [.rst, .ack]
    var flows = 0
    var liveEnd = 0
    var lastNs = startNs

    switch shape {
    case .scan:
        // The scanner has the higher address, so in a canonical (lower, upper) key the varying port
        // is the lower endpoint's.
        let scanner = "203.0.113.7", target = "198.51.100.10"
        let ports = 65535
        let passes = max(1, (options.packets + 2 * ports - 1) / (2 * ports))
        var t = startNs
        outer: for pass in 0..<passes {
            let sport = UInt16(40000 + pass)
            for port in 1...ports {
                if writer.recordCount + 2 > max(options.packets, 2) { break outer }
                let seq = UInt32(truncatingIfNeeded: rng.next())
                try write(t, Build.tcp(scanner, sport, target, UInt16(port), flags: SYN, seq: seq, window: 1024,
                                       options: [2, 4, 0x05, 0xB4], ipID: UInt16(truncatingIfNeeded: port), ttl: 52), fromA: true)
                t += 5_000
                try write(t, Build.tcp(target, UInt16(port), scanner, sport, flags: RSTACK, seq: 0, ack: seq &+ 1,
                                       window: 0, ipID: 0, ttl: 64), fromA: false)
                t += 5_000
                flows += 1
            }
        }
        lastNs = t - 5_000
    case .synflood:
        let server = "203.0.113.80"
        let total = max(1, options.packets)
        let sequential = (total + 1) / 2
        precondition(sequential < 1 << 23 && total - sequential < 1 << 23, "at most 2^24 - 2 sources")
        var t = startNs
        for index in 0..<total {
            let source: UInt32
            let sport: UInt16
            if index < sequential {
                source = 0x0A00_0001 + UInt32(index)                           // 10.0.0.1, 10.0.0.2, ...
                sport = UInt16(1024 + index % 64000)
            } else {
                // An odd multiplier is a bijection of the low 23 bits: scattered, never repeated.
                let scattered = (UInt32(index - sequential) &* 0x2C1B_3C6D) & 0x7F_FFFF
                source = 0x0A80_0000 | scattered                                // in 10.128.0.0/9
                sport = UInt16(1024 + rng.next() % 64000)
            }
            let address = "\(source >> 24).\(source >> 16 & 0xFF).\(source >> 8 & 0xFF).\(source & 0xFF)"
            try write(t, Build.tcp(address, sport, server, 80, flags: SYN, seq: UInt32(truncatingIfNeeded: rng.next()),
                                   window: 512, ipID: UInt16(truncatingIfNeeded: rng.next()), ttl: 64), fromA: true)
            lastNs = t
            t += 5_000
            flows += 1
        }
        liveEnd = flows
    case .nat:
        let client = "100.64.0.1"
        let servers = ["192.0.2.10", "192.0.2.11", "192.0.2.12", "192.0.2.13"]
        let pool = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let perConnection = 9
        let connections = max(1, options.packets / perConnection)
        // Each connection's packets at fixed offsets (µs) from its start; starts 40 µs apart.
        // Offsets: SYN 0, SYN-ACK 300, ACK 310, request 320, response 700, ACK 750, FIN 1500,
        // FIN 1800, ACK 1810.
        let offsets: [Int64] = [0, 300, 310, 320, 700, 750, 1500, 1800, 1810]
        var heap = EventHeap()  // (time, connection * 16 + step)
        heap.push(startNs, 0)
        var seqs: [Int: (c: UInt32, s: UInt32)] = [:]
        var live = 0
        while let (time, owner) = heap.pop() {
            let connection = owner / 16, step = owner % 16
            if step == 0 {
                if connection + 1 < connections { heap.push(startNs + Int64(connection + 1) * 40_000, (connection + 1) * 16) }
                seqs[connection] = (UInt32(truncatingIfNeeded: rng.next()), UInt32(truncatingIfNeeded: rng.next()))
                live += 1
                flows += 1
            }
            if step + 1 < perConnection {
                heap.push(startNs + Int64(connection) * 40_000 + offsets[step + 1] * 1_000, connection * 16 + step + 1)
            }
            let sport = UInt16(1024 + connection % 64512)
            let server = servers[connection % servers.count]
            var (c, s) = seqs[connection]!
            let requestSize = 120 + connection % 400, responseSize = 200 + (connection * 7) % 1200
            let ip: [UInt8]
            let fromClient: Bool
            switch step {
            case 0: ip = Build.tcp(client, sport, server, 443, flags: SYN, seq: c, window: 64240,
                                   options: [2, 4, 0x05, 0xB4, 4, 2, 1, 3, 3, 7]); c &+= 1; fromClient = true
            case 1: ip = Build.tcp(server, 443, client, sport, flags: SYNACK, seq: s, ack: c, window: 65160,
                                   options: [2, 4, 0x05, 0xB4, 4, 2, 1, 3, 3, 7]); s &+= 1; fromClient = false
            case 2: ip = Build.tcp(client, sport, server, 443, flags: ACK, seq: c, ack: s, window: 502); fromClient = true
            case 3: ip = Build.tcp(client, sport, server, 443, flags: PSHACK, seq: c, ack: s, window: 502,
                                   payload: Array(pool[0..<requestSize])); c &+= UInt32(requestSize); fromClient = true
            case 4: ip = Build.tcp(server, 443, client, sport, flags: PSHACK, seq: s, ack: c, window: 509,
                                   payload: Array(pool[1000..<1000 + responseSize])); s &+= UInt32(responseSize); fromClient = false
            case 5: ip = Build.tcp(client, sport, server, 443, flags: ACK, seq: c, ack: s, window: 502); fromClient = true
            case 6: ip = Build.tcp(client, sport, server, 443, flags: FINACK, seq: c, ack: s, window: 502); c &+= 1; fromClient = true
            case 7: ip = Build.tcp(server, 443, client, sport, flags: FINACK, seq: s, ack: c, window: 509); s &+= 1; fromClient = false
            default: ip = Build.tcp(client, sport, server, 443, flags: ACK, seq: c, ack: s, window: 502); fromClient = true
            }
            seqs[connection] = (c, s)
            if step == perConnection - 1 {
                seqs[connection] = nil
                live -= 1
            }
            try write(time, ip, fromA: fromClient)
            lastNs = time
        }
        liveEnd = live
    }
    try writer.close()
    return [
        "file=\(options.output)",
        "shape=\(shape.rawValue)",
        "packets=\(writer.recordCount)",
        "bytes=\(writer.byteCount)",
        "avg_record_bytes=\(String(format: "%.1f", Double(writer.byteCount - 24) / Double(max(writer.recordCount, 1))))",
        "flows=\(flows)",
        "duration_s=\(String(format: "%.1f", Double(lastNs - startNs) / 1e9))",
        "live_end=\(liveEnd)",
        "seed=\(options.seed)",
    ].joined(separator: " ")
}
