/// NFStream 6.6's own per-flow values (feature bit 7), for `--schema nfstream`: its
/// integer-millisecond time base (floor(capture ns / 10⁶), as `tv_sec*1000 + tv_usec/1000`),
/// sizes in link-layer bytes as its `uint16_t packet_size` (accounting_mode 0), its directions
/// (src = the sender of the flow's first packet), Welford statistics (``RunningStats``) and
/// TCP flag counts per direction. Only kept when the schema's columns require it.
public struct NFStreamValues: FlowFeature, Equatable {
    static var group: FeatureSet { .nfstream }

    /// One direction's (or both directions') values.
    public struct Side: Sendable, Equatable {
        public var firstMs: Int64 = 0
        public var lastMs: Int64 = 0
        public var packets = 0
        public var bytes = 0
        /// Packet sizes (uint16, wrapping as NFStream's).
        public var size = RunningStats()
        /// Inter-arrival times, integer ms.
        public var piat = RunningStats()
        /// FIN SYN RST PSH ACK URG ECE CWR counts, by TCP flag bit (0 = FIN … 7 = CWR).
        public var flags = FlagCounts()

        @inline(__always)
        mutating func add(ms: Int64, size packetSize: UInt16, flags tcpFlags: UInt8) {
            if packets == 0 { firstMs = ms } else { piat.add(Double(ms - lastMs)) }
            lastMs = ms
            packets += 1
            bytes += Int(packetSize)
            size.add(Double(packetSize))
            flags.add(tcpFlags)
        }

        public var durationMs: Int64 { lastMs - firstMs }
    }

    /// Eight packed 32-bit counters.
    public struct FlagCounts: Sendable, Equatable {
        var packed: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        @inline(__always)
        mutating func add(_ f: UInt8) {
            guard f != 0 else { return }
            @inline(__always) func bits(_ b: UInt8, _ shift: UInt8) -> UInt64 {
                UInt64((b >> shift) & 1) | UInt64((b >> (shift + 1)) & 1) << 32
            }
            packed.0 &+= bits(f, 0); packed.1 &+= bits(f, 2); packed.2 &+= bits(f, 4); packed.3 &+= bits(f, 6)
        }
        /// Packets with TCP flag bit `bit` set (0 FIN, 1 SYN, 2 RST, 3 PSH, 4 ACK, 5 URG, 6 ECE, 7 CWR).
        public func count(bit: Int) -> Int {
            let word = [packed.0, packed.1, packed.2, packed.3][bit / 2]
            return Int(bit % 2 == 0 ? word & 0xFFFF_FFFF : word >> 32)
        }
        public static func == (a: Self, b: Self) -> Bool {
            a.packed.0 == b.packed.0 && a.packed.1 == b.packed.1 && a.packed.2 == b.packed.2 && a.packed.3 == b.packed.3
        }
    }

    /// Whether NFStream's src (first packet's sender) is flowcsv's client.
    public private(set) var srcIsClient = true
    /// MACs of the first packet's Ethernet header (0 off Ethernet), src then dst.
    public private(set) var srcMAC: UInt64 = 0
    public private(set) var dstMAC: UInt64 = 0
    public private(set) var bidirectional = Side()
    public private(set) var src2dst = Side()
    public private(set) var dst2src = Side()

    public init() {}
    init(options: borrowing FeatureOptions) { self.init() }

    /// NFStream's time base: integer ms, truncated (floor for the capture's ns).
    @inline(__always)
    static func milliseconds(_ ns: Int64) -> Int64 { ns >= 0 ? ns / 1_000_000 : (ns - 999_999) / 1_000_000 }

    @inline(__always)
    mutating func update(_ p: borrowing PacketView, options: borrowing FeatureOptions) {
        if bidirectional.packets == 0 {
            srcIsClient = p.fromClient
            srcMAC = p.details.sourceMAC
            dstMAC = p.details.destinationMAC
        }
        let ms = Self.milliseconds(p.timeNs)
        let size = UInt16(truncatingIfNeeded: p.wireLength)
        let flags = p.input.isTCP ? p.input.tcpFlags : 0
        bidirectional.add(ms: ms, size: size, flags: flags)
        if p.fromClient == srcIsClient { src2dst.add(ms: ms, size: size, flags: flags) }
        else { dst2src.add(ms: ms, size: size, flags: flags) }
    }

    /// A continuation row is a new NFStream flow (its first packet's sender is its src).
    mutating func split(options: borrowing FeatureOptions) { self = NFStreamValues() }

    /// NFStream's directions do not follow flowcsv's roles: only the mapping flips.
    mutating func swapDirections() { srcIsClient.toggle() }
}
