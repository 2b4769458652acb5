#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One interface as `flowcsv interfaces` lists it.
public struct CaptureInterface: Sendable, Equatable {
    public var name: String
    /// libpcap's description (often empty on Linux).
    public var description: String
    /// up or down, then running, loopback, wireless, connected, disconnected.
    public var flags: [String]
}

/// libpcap's `pcap_stats` counters as read: unsigned 32-bit, wrapping.
public struct PcapCounters: Sendable, Equatable {
    public var received: UInt32
    public var dropped: UInt32
    public var interfaceDropped: UInt32

    public init(received: UInt32, dropped: UInt32, interfaceDropped: UInt32) {
        self.received = received
        self.dropped = dropped
        self.interfaceDropped = interfaceDropped
    }
}

/// Packets libpcap received and dropped during a capture: the sum of 32-bit wrapping
/// differences between successive ``PcapCounters`` (read at the start, at every poll tick and
/// at the stop, so even a counter that wraps several times over a long capture is counted).
public struct CaptureCounts: Sendable, Equatable {
    public var received: UInt64 = 0
    public var dropped: UInt64 = 0
    public var interfaceDropped: UInt64 = 0
    /// Packets handed to flowcsv (those passing the filter, as read).
    public var read: UInt64 = 0

    public init() {}

    /// `later - earlier` of one 32-bit counter, across a wrap: 4294967290 → 5 is 11.
    public static func difference(from earlier: UInt32, to later: UInt32) -> UInt64 {
        UInt64(later &- earlier)
    }

    public mutating func add(from earlier: PcapCounters, to later: PcapCounters) {
        received += Self.difference(from: earlier.received, to: later.received)
        dropped += Self.difference(from: earlier.dropped, to: later.dropped)
        interfaceDropped += Self.difference(from: earlier.interfaceDropped, to: later.interfaceDropped)
    }
}

/// The wall clock a live capture reads (injectable, for tests).
public protocol WallClock {
    /// Now, in ns since the Unix epoch (the same scale as packet timestamps).
    func nowNs() -> Int64
}

/// `CLOCK_REALTIME`, the clock the kernel stamps captured packets with.
public struct SystemWallClock: WallClock, Sendable {
    public init() {}
    public func nowNs() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }
}

/// The one wall-clock exception to "time is capture time": when no packet has arrived for
/// ``quietNs`` of wall time, the flow clock may move to the wall clock, so idle and active
/// timeouts fire on a quiet link. (The flow table never moves its clock backwards:
/// ``FlowTable/advanceIdleClock(to:)``.)
public struct IdleClock: Sendable, Equatable {
    /// How long the link must be quiet before the wall clock moves the flow clock: 250 ms.
    public static let defaultQuietNs: Int64 = 250_000_000

    public let quietNs: Int64
    /// Wall time of the last packet read (or of the start).
    public private(set) var lastPacketWallNs: Int64

    public init(startWallNs: Int64, quietNs: Int64 = IdleClock.defaultQuietNs) {
        self.quietNs = quietNs
        self.lastPacketWallNs = startWallNs
    }

    public mutating func packetArrived(atWallNs now: Int64) {
        lastPacketWallNs = max(lastPacketWallNs, now)
    }

    /// At a poll tick at wall time `now`: the time to move the flow clock to, or nil while
    /// packets are arriving.
    public func tick(atWallNs now: Int64) -> SourceTick {
        SourceTick(idleClockNs: now - lastPacketWallNs >= quietNs ? now : nil)
    }
}

/// Packets from a network interface, read through libpcap as they arrive.
///
/// Reading is non-blocking: `poll` on libpcap's selectable descriptor with a
/// ``Options/tickMilliseconds`` timeout, then every buffered packet is read. (On Linux,
/// libpcap's packet-buffer timeout does not make a read return while no packet arrives, so a
/// blocking read could wait for ever on a quiet link.) After each poll the reader ticks:
/// ``SourceTick`` with the ``IdleClock``'s proposal, and the caller decides whether to go on.
public final class LiveCapture: PacketSource {
    public struct Options: Sendable {
        public var interface: String
        /// A BPF expression, compiled for the interface's link type and run in the kernel.
        public var filter: String?
        public var snaplen: Int32 = 262_144
        public var promiscuous = false
        /// The kernel's capture buffer (`--buffer-size`): 32 MiB by default (libpcap's is 2 MiB).
        /// In immediate mode Linux libpcap gives every packet a slot of the interface's MTU
        /// (and the snap length), so on lo (MTU 65536) 32 MiB is ~500 slots, on Ethernet ~20 000.
        public var bufferBytes: Int32 = 32 << 20
        /// Also write every packet read to this pcap file (`--write-pcap`).
        public var writePcap: String?
        /// Stop after this many packets (`--count`), as if signalled.
        public var count: Int?
        /// Stop after this long (`--duration`, ns of wall time), as if signalled.
        public var durationNs: Int64?
        /// Poll timeout: how long a quiet link goes without a tick.
        public var tickMilliseconds: Int32 = 100
        public var quietNs: Int64 = IdleClock.defaultQuietNs

        public init(interface: String) {
            self.interface = interface
        }
    }

    public let options: Options
    private let handle: LivePcapHandle
    private let clock: any WallClock
    /// What libpcap counted, filled in as the capture runs (final after ``read(packet:tick:)``).
    public private(set) var counts = CaptureCounts()

    /// Opens the interface (and the `--write-pcap` file). Errors are one line, without the
    /// interface's name (the caller puts it in front).
    public init(_ options: Options, clock: any WallClock = SystemWallClock()) throws(CaptureError) {
        self.options = options
        self.clock = clock
        handle = try LivePcapHandle(interface: options.interface, snaplen: options.snaplen,
                                    promiscuous: options.promiscuous, bufferBytes: options.bufferBytes)
        let link = handle.linkType
        guard link.isSupported else {
            throw CaptureError(.unsupportedLinkType, "unsupported link type \(link.rawValue)")
        }
        if let filter = options.filter { try handle.setFilter(filter) }
        if let path = options.writePcap { try handle.dump(to: path) }
    }

    /// The interfaces libpcap can capture on.
    public static func interfaces() throws(CaptureError) -> [CaptureInterface] {
        try pcapInterfaces()
    }

    public var endOfInput: EndReason { .shutdown }
    public var position: Int64 { 0 }
    public var usedFallbackReader: Bool { false }

    /// Reads until `tick` returns false, `--count` packets were read, `--duration` passed, or a
    /// read error. At a stop, the packets already captured (buffered in the kernel) are read
    /// before it returns.
    public func read(packet: (PacketHeader, UnsafeRawBufferPointer) -> Void, tick: (SourceTick) -> Bool) -> ReadEnd {
        let start = clock.nowNs()
        var idle = IdleClock(startWallNs: start, quietNs: options.quietNs)
        var last = handle.statistics()
        var lastSample = start
        let limit = options.count.map { UInt64($0) } ?? .max
        var end = ReadEnd.complete
        defer {
            sampleCounters(&last)
            handle.flushDump()
        }
        /// Reads every packet already buffered (up to `--count`, and until `untilNs` of wall
        /// time); false on a read error.
        func drain(_ got: inout Bool, untilNs: Int64 = .max) -> Bool {
            var n = 0
            while counts.read < limit {
                n += 1
                if n & 1023 == 0 && clock.nowNs() >= untilNs { return true }
                let rc = handle.next(packet)
                if rc == 0 { return true }
                if rc < 0 {
                    end = .failed(handle.lastError)
                    return false
                }
                counts.read += 1
                got = true
            }
            return true
        }
        while counts.read < limit {
            if !handle.wait(milliseconds: options.tickMilliseconds) {
                end = .failed("poll: \(String(cString: strerror(errno)))")
                return end
            }
            var got = false
            if !drain(&got) { return end }
            let now = clock.nowNs()
            if got { idle.packetArrived(atWallNs: now) }
            // The counters at most once per tick interval (a system call; a busy link wakes
            // the loop far more often), still far more often than they can wrap.
            if now - lastSample >= Int64(options.tickMilliseconds) * 1_000_000 {
                sampleCounters(&last)
                lastSample = now
            }
            if got { handle.flushDump() }
            if let duration = options.durationNs, now - start >= duration { break }
            if !tick(idle.tick(atWallNs: now)) { break }
        }
        // Stopped: the packets the kernel had already captured are read too, so none captured
        // before the stop is lost (for at most a second, should the link be flooding).
        var got = false
        _ = drain(&got, untilNs: clock.nowNs() + 1_000_000_000)
        return end
    }

    /// Adds what libpcap counted since `last` and makes the current counters the new `last`.
    private func sampleCounters(_ last: inout PcapCounters?) {
        guard let current = handle.statistics() else { return }
        if let before = last { counts.add(from: before, to: current) }
        last = current
    }
}
