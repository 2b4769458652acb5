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

    /// One multiply-xorshift mix of the key's words: much cheaper than hashing each field, and
    /// as good for a table keyed by traffic. ``FlowIndex`` uses it directly.
    @inline(__always)
    var mixedHash: UInt64 {
        var h = lower.address.high &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ lower.address.low) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ upper.address.high) &* 0x94D0_49BB_1331_11EB
        h = (h ^ upper.address.low) &* 0x9E37_79B9_7F4A_7C15
        h ^= UInt64(lower.port) << 48 | UInt64(upper.port) << 32 | UInt64(ipProtocol) << 16 | UInt64(vlanID)
        h &*= 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 29)
    }

    /// The high half of ``mixedHash`` (its best-mixed bits), for ``FlowIndex``.
    @inline(__always)
    var hash32: UInt32 { UInt32(truncatingIfNeeded: mixedHash >> 32) }

    @inline(__always)
    public func hash(into hasher: inout Hasher) {
        hasher.combine(mixedHash)
    }

    public static func < (a: FlowKey, b: FlowKey) -> Bool {
        if a.lower != b.lower { return a.lower < b.lower }
        if a.upper != b.upper { return a.upper < b.upper }
        if a.ipProtocol != b.ipProtocol { return a.ipProtocol < b.ipProtocol }
        return a.vlanID < b.vlanID
    }
}
