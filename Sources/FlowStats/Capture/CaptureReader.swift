/// Opens a capture file of any supported format and hands out its packets.
///
/// Classic pcap and pcapng files are read by libpcap. libpcap 1.10 gives up on pcapng
/// files whose interfaces differ in link type or snapshot length, or whose sections
/// differ in byte order; for those, reading continues with flowcsv's own
/// ``PcapngReader`` from the packet where libpcap stopped.
public final class CaptureReader {
    public enum Backend: Sendable {
        /// libpcap, falling back to the pcapng block reader where libpcap 1.10 falls short.
        case automatic
        case libpcap
        case pcapngReader
    }

    public let path: String
    public let format: CaptureFormat
    private let backend: Backend
    private let filterExpression: String?
    private var filters: [LinkType: BPFFilter] = [:]

    private var source: PcapSource?

    /// Bytes of the file read so far (libpcap reads only; 0 otherwise), for progress reports.
    public var position: Int64 { source?.position ?? 0 }

    /// Set when reading had to switch from libpcap to the pcapng block reader.
    public private(set) var usedFallbackReader = false

    private init(path: String, format: CaptureFormat, backend: Backend, filter: String?) {
        self.path = path
        self.format = format
        self.backend = backend
        self.filterExpression = filter
    }

    /// Checks that the file is a readable capture and that `filter` compiles for its link
    /// type. Errors carry a one-line reason.
    public static func open(path: String, filter: String? = nil, backend: Backend = .automatic) throws(CaptureError) -> CaptureReader {
        let format = try CaptureFormat.sniff(path: path)
        if case .pcap(_, _, let field) = format {
            try CaptureFormat.checkReservedLinkTypeBits(field)
        }
        var chosen = backend
        if backend == .automatic, format == .pcapng {
            // libpcap 1.10 may refuse the file already when opening it (sections with other
            // byte orders, say): then the pcapng block reader takes it from the start.
            do {
                _ = try PcapSource(path: path)
            } catch where libpcapFallsShort(error.message) {
                chosen = .pcapngReader
            }
        }
        let reader = CaptureReader(path: path, format: format, backend: chosen, filter: filter)
        switch chosen {
        case .automatic, .libpcap:
            let source = try PcapSource(path: path)
            try reader.checkLinkType(source.linkType)
        case .pcapngReader:
            _ = try PcapngReader(path: path)
            reader.usedFallbackReader = backend == .automatic
        }
        return reader
    }

    /// Validates a BPF expression (compiled for Ethernet); the error quotes libpcap.
    public static func validateFilter(_ expression: String) throws(CaptureError) {
        _ = try BPFFilter(expression: expression, linkType: .ethernet)
    }

    private func checkLinkType(_ link: LinkType) throws(CaptureError) {
        guard link.isSupported else {
            throw CaptureError(.unsupportedLinkType, "unsupported link type \(link.rawValue)")
        }
        if let expression = filterExpression, filters[link] == nil {
            filters[link] = try BPFFilter(expression: expression, linkType: link)
        }
    }

    /// Calls `body` for every packet that passes the filter, in file order.
    /// Packets of an unsupported link type (possible in pcapng) are passed on too: the
    /// decoder reports them. Returns how reading ended.
    public func forEachPacket(_ body: (PacketHeader, UnsafeRawBufferPointer) -> Void) -> ReadEnd {
        var delivered = 0  // packets read from the file, before filtering
        var filterError: String?
        func handle(_ header: PacketHeader, _ bytes: UnsafeRawBufferPointer) -> Bool {
            delivered += 1
            if filterExpression != nil {
                guard let filter = filter(for: header.linkType, error: &filterError) else { return filterError == nil }
                if !filter.matches(header, bytes) { return true }
            }
            body(header, bytes)
            return true
        }
        var end: ReadEnd
        switch backend {
        case .pcapngReader:
            end = readWithPcapngReader(skipping: 0, handle)
        case .libpcap, .automatic:
            guard let source = try? PcapSource(path: path, buffered: true) else {
                return .failed("cannot reopen the file")
            }
            self.source = source
            defer { self.source = nil }
            end = source.forEachPacket(handle)
            if backend == .automatic, case .failed(let message) = end, format == .pcapng,
               Self.libpcapFallsShort(message) {
                usedFallbackReader = true
                let already = delivered
                end = readWithPcapngReader(skipping: already, handle)
            }
        }
        if let filterError { return .failed(filterError) }
        return end
    }

    private func readWithPcapngReader(skipping: Int, _ handle: (PacketHeader, UnsafeRawBufferPointer) -> Bool) -> ReadEnd {
        var reader: PcapngReader
        do {
            reader = try PcapngReader(path: path)
        } catch {
            return .failed(error.message)
        }
        var index = 0
        var stopped = false
        let end = reader.forEachPacket { header, bytes in
            if stopped { return }
            index += 1
            if index <= skipping { return }
            if !handle(header, bytes) { stopped = true }
        }
        return end
    }

    private func filter(for link: LinkType, error: inout String?) -> BPFFilter? {
        if let f = filters[link] { return f }
        guard let expression = filterExpression else { return nil }
        do {
            let f = try BPFFilter(expression: expression, linkType: link)
            filters[link] = f
            return f
        } catch let e {
            error = e.message
            return nil
        }
    }

    /// Whether a libpcap 1.10 error on a pcapng file is one where flowcsv's own block reader
    /// should take over: interfaces that differ in link type or snap length ("… different from
    /// the type of the first interface"), sections in another byte order (libpcap misreads
    /// their block lengths: "pcapng block size … > maximum …"), and any other block-level
    /// complaint. A file that is really broken then gets the block reader's own message.
    static func libpcapFallsShort(_ message: String) -> Bool {
        message.contains("different from the") || message.contains("different byte orders")
            || message.contains("pcapng") || message.contains("block")
    }
}
