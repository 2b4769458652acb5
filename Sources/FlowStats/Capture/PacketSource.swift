/// Where packets come from: a capture file (``CaptureReader``) or a network interface
/// (``LiveCapture``). The rest of the pipeline (``FileProcessor``, the flow table, the row
/// writer) reads packets only through this protocol and does not care which it is.
public protocol PacketSource: AnyObject {
    /// Hands out every packet, in order, to `packet` (the bytes are valid only during the call).
    ///
    /// A live source also calls `tick` between packets, at least once per poll interval even
    /// when nothing arrives; `tick` returns false to stop reading. A file never ticks: it is read
    /// to its end. Returns how reading ended.
    func read(packet: (PacketHeader, UnsafeRawBufferPointer) -> Void, tick: (SourceTick) -> Bool) -> ReadEnd

    /// The EndReason of the flows still open when reading ends: ``EndReason/eof`` for a file,
    /// ``EndReason/shutdown`` for an interface.
    var endOfInput: EndReason { get }

    /// Bytes read so far, for progress reports (0 when it has no meaning, e.g. an interface).
    var position: Int64 { get }

    /// Set when a pcapng file had to be read by flowcsv's own block reader.
    var usedFallbackReader: Bool { get }
}

/// What a live source says at each poll tick.
public struct SourceTick: Sendable, Equatable {
    /// When no packet has arrived for a while (``IdleClock``): the wall-clock time, in ns since
    /// the epoch, to move the flow clock to, so idle and active timeouts fire on a quiet link.
    /// nil while packets are arriving (their timestamps drive the clock).
    public var idleClockNs: Int64?

    public init(idleClockNs: Int64? = nil) {
        self.idleClockNs = idleClockNs
    }
}

extension CaptureReader: PacketSource {
    public func read(packet: (PacketHeader, UnsafeRawBufferPointer) -> Void, tick: (SourceTick) -> Bool) -> ReadEnd {
        forEachPacket(packet)
    }

    public var endOfInput: EndReason { .eof }
}
