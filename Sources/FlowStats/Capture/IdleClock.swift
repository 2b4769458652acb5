#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
