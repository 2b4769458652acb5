import DequeModule

/// Remembers the ports of fragmented datagrams so that later fragments, which carry no
/// transport header, join the flow of their datagram.
///
/// The rule: the fragment with offset 0 teaches (source, destination, protocol, IP id) →
/// (source port, destination port). A later fragment of that datagram takes those ports.
/// When the first fragment was not seen (lost, or arrives later than its followers), the
/// later fragment is counted in the flow of its address pair and protocol with ports 0.
/// Entries are forgotten after `timeoutNs` of capture time, and at most `capacity` are kept
/// (oldest forgotten first), so memory stays bounded.
struct FragmentTracker {
    struct Key: Hashable {
        var source: IPAddress
        var destination: IPAddress
        var id: UInt32
        var ipProtocol: UInt8
    }

    private var ports: [Key: (UInt16, UInt16)] = [:]
    private var order: Deque<(key: Key, ns: Int64)> = []
    let timeoutNs: Int64
    let capacity: Int

    init(timeoutNs: Int64, capacity: Int = 65_536) {
        self.timeoutNs = timeoutNs
        self.capacity = capacity
    }

    private static func key(_ p: DecodedPacket) -> Key {
        Key(source: p.source, destination: p.destination, id: p.fragmentID, ipProtocol: p.ipProtocol)
    }

    /// Returns the ports for a fragment: learned (first fragment) or looked up (later ones).
    mutating func ports(for p: DecodedPacket, at ns: Int64) -> (UInt16, UInt16) {
        expire(before: ns - timeoutNs)
        let key = Self.key(p)
        if p.fragmentOffset == 0 {
            if p.hasPorts {
                if ports.updateValue((p.sourcePort, p.destinationPort), forKey: key) == nil {
                    order.append((key, ns))
                    if order.count > capacity, let oldest = order.popFirst() {
                        ports[oldest.key] = nil
                    }
                }
            }
            return (p.sourcePort, p.destinationPort)
        }
        return ports[key] ?? (0, 0)
    }

    private mutating func expire(before limit: Int64) {
        while let oldest = order.first, oldest.ns < limit {
            order.removeFirst()
            ports[oldest.key] = nil
        }
    }
}
