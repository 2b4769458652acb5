#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One end of a flow.
public struct Endpoint: Hashable, Comparable, Sendable {
    public var address: IPAddress
    public var port: UInt16

    public static func < (a: Endpoint, b: Endpoint) -> Bool {
        a.address != b.address ? a.address < b.address : a.port < b.port
    }
}

/// The flow table key: protocol plus both endpoints in canonical order (lower endpoint
/// first), plus the VLAN id when VLANs are part of the key. The same key serves both
/// directions; ``FlowKey/make(_:vlanInKey:)`` tells through `flipped` whether a packet
/// goes from the higher endpoint to the lower one.
public struct FlowKey: Hashable, Comparable, Sendable {
    public var lower: Endpoint
    public var upper: Endpoint
    public var ipProtocol: UInt8
    public var vlanID: UInt16

    /// The key of a packet and whether the packet travels upper → lower.
    @inline(__always)
    static func make(_ p: FlowInput, vlanInKey: Bool) -> (key: FlowKey, flipped: Bool) {
        let src = Endpoint(address: p.source, port: p.sourcePort)
        let dst = Endpoint(address: p.destination, port: p.destinationPort)
        let flipped = dst < src
        let key = FlowKey(lower: flipped ? dst : src, upper: flipped ? src : dst,
                          ipProtocol: p.ipProtocol, vlanID: vlanInKey ? p.vlanID : 0)
        return (key, flipped)
    }

    /// The key's hash under the flow table's keys `k`: every word of the key (both addresses,
    /// both ports, protocol, VLAN) goes through 64 × 64 → 128-bit multiplies whose halves are
    /// folded together (wyhash's "mum"), with the seeded keys xored in first.
    ///
    /// - Two independent folds of the addresses, one that joins them with the ports, protocol
    ///   and VLAN, and a last fold of that state with itself under two more keys. Without the
    ///   last one, keys that differ only in a port are multiplied by one constant, which is
    ///   nearly linear in the port: for some seeds the probe chains of one address pair with
    ///   every port grew to a mean of 34 (`FlowIndexTests`); the self-fold is quadratic and
    ///   removes that. Four multiplies, about as cheap as the old multiply-xorshift chain,
    ///   with full avalanche whatever the key shape.
    /// - The keys come from a per-run seed (``FlowHashSeed``), so traffic cannot be crafted to
    ///   collide without knowing it. Nothing written depends on the hash.
    @inline(__always)
    func mixedHash(_ k: FlowHashSeed) -> UInt64 {
        let a = Self.fold(lower.address.high ^ k.k0, lower.address.low ^ k.k1)
        let b = Self.fold(upper.address.high ^ k.k2, upper.address.low ^ k.k3)
        let rest = UInt64(lower.port) << 48 | UInt64(upper.port) << 32 | UInt64(ipProtocol) << 16 | UInt64(vlanID)
        let h = Self.fold(a ^ rest ^ k.k4, b ^ k.k5)
        return Self.fold(h ^ k.k6, h ^ k.k7)
    }

    /// The high half of ``mixedHash(_:)``, for ``FlowIndex`` (which uses its low bits).
    @inline(__always)
    func hash32(_ k: FlowHashSeed) -> UInt32 { UInt32(truncatingIfNeeded: mixedHash(k) >> 32) }

    /// The full product's two halves xored.
    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// Through `Hasher` (itself seeded per process), for sets and dictionaries of keys.
    @inline(__always)
    public func hash(into hasher: inout Hasher) {
        hasher.combine(mixedHash(.fixed))
    }

    public static func < (a: FlowKey, b: FlowKey) -> Bool {
        if a.lower != b.lower { return a.lower < b.lower }
        if a.upper != b.upper { return a.upper < b.upper }
        if a.ipProtocol != b.ipProtocol { return a.ipProtocol < b.ipProtocol }
        return a.vlanID < b.vlanID
    }
}

/// The flow table hash's keys, drawn from one 64-bit seed with SplitMix64 (``FlowUID/mix(_:)``).
///
/// The seed is random per process (``process``), as Zeek keys its tables, unless the
/// environment variable `FLOWCSV_HASH_SEED` gives one (decimal, or hexadecimal with `0x`),
/// so that a run can be repeated with the same hash layout, or a test can run two seeds.
/// Output never depends on it: rows are ordered by time and key, never by the table.
public struct FlowHashSeed: Sendable {
    let k0, k1, k2, k3, k4, k5, k6, k7: UInt64

    init(_ seed: UInt64) {
        // The first eight outputs of SplitMix64 seeded with `seed`. A zero key word would make
        // its fold ignore the other operand; odd words avoid it.
        func key(_ i: UInt64) -> UInt64 { FlowUID.mix(seed &+ i &* 0x9E37_79B9_7F4A_7C15) | 1 }
        k0 = key(0); k1 = key(1); k2 = key(2); k3 = key(3)
        k4 = key(4); k5 = key(5); k6 = key(6); k7 = key(7)
    }

    /// The environment variable that fixes the seed.
    public static let environmentVariable = "FLOWCSV_HASH_SEED"

    /// This process's keys: from `FLOWCSV_HASH_SEED` when it is set and valid, else random.
    static let process = FlowHashSeed(environmentSeed ?? UInt64.random(in: .min ... .max))

    /// Fixed keys, for ``FlowKey/hash(into:)`` (whose `Hasher` is seeded anyway).
    static let fixed = FlowHashSeed(0)

    /// The seed `FLOWCSV_HASH_SEED` gives, or nil when it is unset or invalid.
    static var environmentSeed: UInt64? {
        guard let value = getenv(environmentVariable) else { return nil }
        return parse(String(cString: value))
    }

    /// A seed from its text: decimal, or hexadecimal after `0x`; nil when invalid.
    public static func parse(_ text: String) -> UInt64? {
        let hex = text.hasPrefix("0x") || text.hasPrefix("0X")
        let digits = hex ? text.dropFirst(2) : Substring(text)
        guard !digits.isEmpty, !digits.contains("+"), !digits.contains("-") else { return nil }
        return UInt64(digits, radix: hex ? 16 : 10)
    }
}
