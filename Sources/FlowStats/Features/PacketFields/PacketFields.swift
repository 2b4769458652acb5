/// Header facts of one direction of a flow: TCP flag counts, IP and L4 header byte sums,
/// L4 payload-length statistics, the first and last packet times, the initial window, the
/// SYN options, TTL range, active data packets and the smallest L4 header.
public struct DirectionFields: Sendable, Equatable {
    /// Packets of this direction with each TCP flag set (every packet counts).
    public private(set) var fin = 0
    public private(set) var syn = 0
    public private(set) var rst = 0
    public private(set) var psh = 0
    public private(set) var ack = 0
    public private(set) var urg = 0
    public private(set) var ece = 0
    public private(set) var cwr = 0
    /// Sum of IP header lengths (IPv4 IHL × 4; IPv6 40 + extension headers), bytes.
    public private(set) var ipHeaderBytes = 0
    /// Sum of L4 header lengths (TCP data offset × 4, UDP/ICMP 8), bytes.
    public private(set) var l4HeaderBytes = 0
    /// Packets carrying at least one byte of L4 payload (the first packet included).
    public private(set) var activeDataPackets = 0
    /// L4 payload lengths (from the IP length fields), bytes.
    public private(set) var payload = RunningStats()
    /// Capture times of this direction's first and last packets, ns (0 without packets).
    public private(set) var firstNs: Int64 = 0
    public private(set) var lastNs: Int64 = 0
    /// The smallest L4 header length, bytes (0 without packets).
    public private(set) var minL4Header: UInt16 = 0
    /// The TCP window of this direction's first TCP packet, raw (no scaling).
    public private(set) var initialWindow: UInt16 = 0
    public private(set) var hasInitialWindow = false
    /// MSS and window scale from this direction's SYN (the first one that had them).
    public private(set) var mss: UInt16 = 0
    public private(set) var windowScale: UInt8 = 0
    public private(set) var hasWindowScale = false
    /// TTL / hop limit range (valid when `packets > 0`).
    public private(set) var ttlMin: UInt8 = 0
    public private(set) var ttlMax: UInt8 = 0

    /// Packets of this direction.
    public var packets: Int { payload.count }
    /// Last − first packet time of this direction, ns.
    public var spanNs: Int64 { lastNs - firstNs }
    public var hasMSS: Bool { mss != 0 }

    @inline(__always)
    mutating func add(_ input: FlowInput, _ details: PacketDetails, at ns: Int64) {
        let flags = input.tcpFlags
        fin &+= Int(flags & 1)
        syn &+= Int((flags >> 1) & 1)
        rst &+= Int((flags >> 2) & 1)
        psh &+= Int((flags >> 3) & 1)
        ack &+= Int((flags >> 4) & 1)
        urg &+= Int((flags >> 5) & 1)
        ece &+= Int((flags >> 6) & 1)
        cwr &+= Int(flags >> 7)
        ipHeaderBytes &+= details.ipHeaderLength
        l4HeaderBytes &+= details.transportHeaderLength
        if input.payloadLength > 0 { activeDataPackets &+= 1 }
        let l4Header = UInt16(clamping: details.transportHeaderLength)
        if payload.count == 0 {
            firstNs = ns
            minL4Header = l4Header
            ttlMin = details.ttl
            ttlMax = details.ttl
        } else {
            if l4Header < minL4Header { minL4Header = l4Header }
            if details.ttl < ttlMin { ttlMin = details.ttl }
            if details.ttl > ttlMax { ttlMax = details.ttl }
        }
        lastNs = ns
        payload.add(Double(input.payloadLength))
        if input.isTCP {
            if !hasInitialWindow {
                initialWindow = input.window
                hasInitialWindow = true
            }
            if flags & TCPFlag.syn != 0 {
                if mss == 0 { mss = details.tcpMSS }
                if !hasWindowScale && details.hasWindowScale {
                    windowScale = details.tcpWindowScale
                    hasWindowScale = true
                }
            }
        }
    }
}

/// The "packet fields" group: ``DirectionFields`` client → server and server → client, and
/// the L4 payload-length statistics of both directions together (the `full` and CIC schemas).
public struct PacketFields: FlowFeature, Equatable {
    static var group: FeatureSet { .packetFields }

    public private(set) var forward = DirectionFields()
    public private(set) var backward = DirectionFields()
    /// L4 payload lengths of every packet, both directions, bytes.
    public private(set) var flowPayload = RunningStats()

    public init() {}
    init(options: borrowing FeatureOptions) { self.init() }

    @inline(__always)
    mutating func update(_ p: borrowing PacketView, options: borrowing FeatureOptions) {
        if p.fromClient {
            forward.add(p.input, p.details, at: p.timeNs)
        } else {
            backward.add(p.input, p.details, at: p.timeNs)
        }
        flowPayload.add(Double(p.input.payloadLength))
    }

    /// A continuation row counts afresh (its first packets are not SYNs: no options).
    mutating func split(options: borrowing FeatureOptions) { self = PacketFields() }

    mutating func swapDirections() { swap(&forward, &backward) }

    @inline(__always)
    func side(_ side: FlowSide) -> DirectionFields {
        side == .backward ? backward : forward
    }
}
