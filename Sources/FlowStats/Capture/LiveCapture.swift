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
