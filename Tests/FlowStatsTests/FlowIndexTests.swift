@testable import FlowStats
import FlowStatsTestSupport
import Testing

/// The flow table's hash and index, structurally (probe counts, never time).
///
/// Bounds, from linear-probing theory (Knuth, TAOCP vol. 3, 6.4): with a well-mixed hash at
/// load α the expected probes of a successful lookup are (1 + 1/(1 − α))/2, which is 1.5 at
/// the index's highest load α = ½. The mean is asserted ≤ 2.0 (a third above the theory, far
/// below any clustering: the old hash averaged hundreds of probes on a single address pair).
/// The longest chain at α ≤ ½ grows as O(log n) — a few tens for a million keys — so the
/// maximum is asserted ≤ 64. Each key shape is one that real or hostile traffic makes.
@Suite struct FlowIndexTests {
    /// Fixed seeds, as runs with different `FLOWCSV_HASH_SEED` would have. (A hash that folded
    /// the ports in with a single multiply by a seed-dependent constant passed with some
    /// seeds and failed with others, so more than two are tried.)
    static let seeds: [UInt64] = [1, 2, 3, 0xC0FF_EE00_DEAD_BEEF]

    enum Shape: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case onePairEveryPort, sourcesAcrossSlash8, natSequentialPorts, ipv6Slash64, random
        var testDescription: String { rawValue }
    }

    static func v4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> IPAddress {
        IPAddress(ipv4: UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d))
    }

    /// A key in canonical order (lower endpoint first), as ``FlowKey/make(_:vlanInKey:)`` builds it.
    static func key(_ a: IPAddress, _ aPort: UInt16, _ b: IPAddress, _ bPort: UInt16, _ ipProtocol: UInt8 = 6) -> FlowKey {
        let x = Endpoint(address: a, port: aPort)
        let y = Endpoint(address: b, port: bPort)
        return FlowKey(lower: min(x, y), upper: max(x, y), ipProtocol: ipProtocol, vlanID: 0)
    }

    /// The keys of each shape.
    static func keys(_ shape: Shape) -> [FlowKey] {
        switch shape {
        case .onePairEveryPort:
            // 10.0.0.1:1…65535 → 10.0.0.2:80: 65,535 keys (a port scan, a busy loopback).
            let client = v4(10, 0, 0, 1), server = v4(10, 0, 0, 2)
            return (1...UInt16.max).map { key(client, $0, server, 80) }
        case .sourcesAcrossSlash8:
            // 10.0.0.0 + i, i < 2^20, port 12345 → 192.0.2.1:443: a spoofed SYN flood.
            let server = v4(192, 0, 2, 1)
            return (0..<(1 << 20) as Range<UInt32>).map { key(IPAddress(ipv4: 0x0A00_0000 | $0), 12345, server, 443) }
        case .natSequentialPorts:
            // 203.0.113.7:1024…65535 → 198.51.100.10:443: one NAT address, one server.
            let nat = v4(203, 0, 113, 7), server = v4(198, 51, 100, 10)
            return (1024...UInt16.max).map { key(nat, $0, server, 443) }
        case .ipv6Slash64:
            // 2001:db8::<i>, i = 1 … 2^18, port 50000 → 2001:db8:ffff::1:443 over UDP.
            let server = IPAddress("2001:db8:ffff::1")!
            return (1...(1 << 18) as ClosedRange<UInt64>).map {
                key(IPAddress(high: 0x2001_0DB8_0000_0000, low: $0), 50000, server, 443, 17)
            }
        case .random:
            // 2^18 random IPv4 TCP/UDP keys.
            let seed: UInt64 = 0x5EED_0008
            print("FlowIndexTests random keys: SplitMix64 seed \(seed)")
            var random = SplitMix64(seed: seed)
            return (0..<(1 << 18)).map { _ in
                let r = random.next(), s = random.next()
                return key(IPAddress(ipv4: UInt32(truncatingIfNeeded: r)), UInt16(truncatingIfNeeded: r >> 32),
                           IPAddress(ipv4: UInt32(truncatingIfNeeded: s)), UInt16(truncatingIfNeeded: s >> 32),
                           s >> 63 == 0 ? 6 : 17)
            }
        }
    }

    /// An index filled as the flow table fills it (default capacity, grown at half load).
    static func filled(_ keys: [FlowKey], seed: UInt64) -> FlowIndex {
        var index = FlowIndex(seed: FlowHashSeed(seed))
        for (slot, key) in keys.enumerated() {
            index.insert(hash: index.hash(of: key), slot: Int32(slot))
        }
        return index
    }

    @Test(arguments: Shape.allCases, seeds)
    func probeChainsStayShort(_ shape: Shape, _ seed: UInt64) {
        let keys = Self.keys(shape)
        #expect(Set(keys).count == keys.count)
        let index = Self.filled(keys, seed: seed)
        let (mean, longest) = index.probeStatistics()
        print("FlowIndexTests \(shape) seed \(seed): \(keys.count) keys in \(index.capacity) entries, "
              + "mean probes \(mean), max \(longest)")
        #expect(index.count == keys.count)
        #expect(index.count * 2 <= index.capacity)
        #expect(mean <= 2.0, "\(shape), seed \(seed): mean probe length \(mean)")
        #expect(longest <= 64, "\(shape), seed \(seed): longest probe \(longest)")
    }

    /// Every key is found at its own slot, after inserts and after removing every other key
    /// (backward-shift deletion), and chains stay within the bounds.
    @Test(arguments: seeds)
    func findsEveryKeyAfterRemovals(_ seed: UInt64) {
        let keys = Array(Self.keys(.onePairEveryPort).prefix(20_000))
        var index = Self.filled(keys, seed: seed)
        for slot in stride(from: 0, to: keys.count, by: 2) {
            index.remove(hash: index.hash(of: keys[slot]), slot: Int32(slot))
        }
        #expect(index.count == keys.count / 2)
        var wrong = 0
        for (slot, key) in keys.enumerated() {
            let found = index.find(hash: index.hash(of: key)) { keys[Int($0)] == key }
            if found != (slot % 2 == 0 ? nil : Int32(slot)) { wrong += 1 }
        }
        #expect(wrong == 0)
        let (mean, longest) = index.probeStatistics()
        #expect(mean <= 2.0 && longest <= 64)
    }

    /// The seed changes where keys go (it is part of the hash), and the same seed gives the
    /// same hash.
    @Test func seedChangesTheHash() {
        let keys = Array(Self.keys(.onePairEveryPort).prefix(1000))
        let a = FlowIndex(seed: FlowHashSeed(Self.seeds[0]))
        let b = FlowIndex(seed: FlowHashSeed(Self.seeds[1]))
        let a2 = FlowIndex(seed: FlowHashSeed(Self.seeds[0]))
        let differing = keys.filter { a.hash(of: $0) != b.hash(of: $0) }.count
        #expect(differing > 990)  // equal by chance for about 1000 / 2^32 keys
        #expect(keys.allSatisfy { a.hash(of: $0) == a2.hash(of: $0) })
    }

    @Test func seedText() {
        #expect(FlowHashSeed.parse("42") == 42)
        #expect(FlowHashSeed.parse("0x10") == 16)
        #expect(FlowHashSeed.parse("0XfF") == 255)
        #expect(FlowHashSeed.parse("18446744073709551615") == UInt64.max)
        for bad in ["", "0x", "-1", "+1", "0x+1", "1.5", "seed", "18446744073709551616"] {
            #expect(FlowHashSeed.parse(bad) == nil, "\(bad)")
        }
    }
}
