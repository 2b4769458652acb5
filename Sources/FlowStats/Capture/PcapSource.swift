import CPcap
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The only file in FlowStats that calls libpcap. Everything else sees PacketHeader,
// raw bytes, CaptureError and ReadEnd.

/// An offline capture opened by libpcap, with nanosecond timestamp precision requested.
///
/// flowcsv opens the file itself and hands libpcap the stream: stdio's default buffer is the
/// file system's block size (4 KiB), one `read` system call per 4 KiB of capture; with a
/// buffer of ``readBufferSize`` a large capture takes a few hundred instead of ~100 000.
final class PcapSource {
    /// The stdio buffer for reading packets (a file opened only to check it gets stdio's default).
    static let readBufferSize = 1 << 20

    private let handle: OpaquePointer
    /// The stream's buffer (nil: stdio's own); it must outlive the stream, closed by `pcap_close`.
    private let buffer: UnsafeMutableRawPointer?

    /// Opens `path`; with `buffered`, reads through a ``readBufferSize`` stdio buffer.
    /// The error messages are libpcap's own (`pcap_open_offline` opens the file the same way).
    init(path: String, buffered: Bool = false) throws(CaptureError) {
        guard let file = fopen(path, "rb") else {
            // What pcap_open_offline reports when fopen fails.
            throw CaptureError(.badHeader, "\(path): \(String(cString: strerror(errno)))")
        }
        var buffer: UnsafeMutableRawPointer?
        if buffered {
            // glibc ignores the size when setvbuf gets no buffer, so pass one. setvbuf must come
            // before any read of the stream: libpcap has not seen it yet.
            let b = UnsafeMutableRawPointer.allocate(byteCount: Self.readBufferSize, alignment: 64)
            if setvbuf(file, b.assumingMemoryBound(to: CChar.self), _IOFBF, Self.readBufferSize) == 0 {
                buffer = b
            } else {
                b.deallocate()
            }
        }
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let h = pcap_fopen_offline_with_tstamp_precision(file, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errbuf) else {
            fclose(file)
            buffer?.deallocate()
            throw CaptureError(.badHeader, String(cBuffer: errbuf))
        }
        handle = h
        self.buffer = buffer
    }

    deinit {
        pcap_close(handle)  // closes the stream too
        buffer?.deallocate()
    }

    /// How far into the file libpcap has read, in bytes (for progress reports).
    var position: Int64 {
        guard let file = pcap_file(handle) else { return 0 }
        return Int64(ftell(file))
    }

    /// The link type of the file (of the first interface, for pcapng).
    var linkType: LinkType { LinkType(rawValue: UInt32(bitPattern: pcap_datalink(handle))) }

    /// Reads every packet; `body` returns false to stop early.
    /// The buffer handed to `body` is libpcap's and valid only during the call.
    ///
    /// A `pcap_next_ex` loop rather than `pcap_dispatch`: its C callback cannot be specialised
    /// for the caller's closure, and costs more than it saves inside libpcap (measured: 5 %
    /// more instructions per packet, 10 % more when the callback copies packets into batches).
    func forEachPacket(_ body: (PacketHeader, UnsafeRawBufferPointer) -> Bool) -> ReadEnd {
        let link = linkType
        var hdrPtr: UnsafeMutablePointer<pcap_pkthdr>?
        var dataPtr: UnsafePointer<UInt8>?
        while true {
            let rc = pcap_next_ex(handle, &hdrPtr, &dataPtr)
            if rc == 1, let h = hdrPtr, let d = dataPtr {
                let hdr = h.pointee
                // With PCAP_TSTAMP_PRECISION_NANO, tv_usec holds nanoseconds.
                let header = PacketHeader(
                    timestampNs: Int64(hdr.ts.tv_sec) &* 1_000_000_000 &+ Int64(hdr.ts.tv_usec),
                    capturedLength: Int(hdr.caplen),
                    wireLength: max(Int(hdr.len), Int(hdr.caplen)),
                    linkType: link)
                if !body(header, UnsafeRawBufferPointer(start: d, count: Int(hdr.caplen))) {
                    return .complete
                }
            } else if rc == -2 {
                return .complete
            } else if rc == 0 {
                continue  // only for live captures with a timeout
            } else {
                let message = String(cString: pcap_geterr(handle))
                // "truncated dump file; …" (pcap) or "truncated pcapng dump file; …" (pcapng).
                return message.hasPrefix("truncated") ? .truncated(message) : .failed(message)
            }
        }
    }
}

/// A BPF program compiled by libpcap for one link type, run in user space with
/// `pcap_offline_filter` (what libpcap itself does for savefiles).
final class BPFFilter {
    private var program = bpf_program()

    init(expression: String, linkType: LinkType, snaplen: Int32 = 262_144) throws(CaptureError) {
        // pcap_open_dead wants a DLT_ value; LINKTYPE_RAW (101) is DLT_RAW (12) here.
        let dlt = linkType == .raw ? Int32(DLT_RAW) : Int32(bitPattern: linkType.rawValue)
        guard let dead = pcap_open_dead(dlt, snaplen) else {
            throw CaptureError(.badFilter, "cannot set up a filter for link type \(linkType)")
        }
        defer { pcap_close(dead) }
        if pcap_compile(dead, &program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0 {
            throw CaptureError(.badFilter, "invalid filter '\(expression)': \(String(cString: pcap_geterr(dead)))")
        }
    }

    deinit { pcap_freecode(&program) }

    func matches(_ header: PacketHeader, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        var h = pcap_pkthdr()
        h.caplen = UInt32(header.capturedLength)
        h.len = UInt32(header.wireLength)
        return withUnsafePointer(to: &program) { pcap_offline_filter($0, &h, base) != 0 }
    }
}

/// libpcap's version string, for `--version` and bug reports.
public var libpcapVersion: String { String(cString: pcap_lib_version()) }

// MARK: - Interfaces

/// A network interface opened by libpcap for a live capture: non-blocking, immediate mode,
/// nanosecond timestamps, the filter compiled into the kernel.
final class LivePcapHandle {
    private let handle: OpaquePointer
    private var dumper: OpaquePointer?
    let interface: String

    /// Opens and activates `interface`. Activation errors are classified by libpcap's error
    /// code (its wording differs between versions); every message is one line.
    init(interface: String, snaplen: Int32, promiscuous: Bool, bufferBytes: Int32) throws(CaptureError) {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let h = pcap_create(interface, &errbuf) else {
            throw CaptureError(.captureFailed, String(cBuffer: errbuf))
        }
        pcap_set_snaplen(h, snaplen)
        pcap_set_promisc(h, promiscuous ? 1 : 0)
        // Deliver each packet as soon as it arrives (no batching in the kernel's ring).
        pcap_set_immediate_mode(h, 1)
        pcap_set_buffer_size(h, bufferBytes)
        _ = pcap_set_tstamp_precision(h, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let status = pcap_activate(h)
        if status < 0 {
            let detail = String(cString: pcap_geterr(h))
            pcap_close(h)
            throw Self.activationError(status, interface: interface, detail: detail)
        }
        handle = h
        self.interface = interface
        if pcap_setnonblock(h, 1, &errbuf) != 0 {
            throw CaptureError(.captureFailed, "cannot read without blocking: \(String(cBuffer: errbuf))")
        }
    }

    deinit {
        if let dumper { pcap_dump_close(dumper) }
        pcap_close(handle)
    }

    static func activationError(_ status: Int32, interface: String, detail: String) -> CaptureError {
        switch status {
        case PCAP_ERROR_NO_SUCH_DEVICE:
            let names = (try? pcapInterfaces().map(\.name)) ?? []
            return CaptureError(.noSuchInterface, "no such interface; available: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
        case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
            return CaptureError(.permissionDenied, "capturing needs CAP_NET_RAW (or root); libpcap says: \(detail)")
        case PCAP_ERROR_IFACE_NOT_UP:
            return CaptureError(.interfaceDown, "interface is down")
        default:
            return CaptureError(.captureFailed, "cannot capture: \(detail.isEmpty ? String(cString: pcap_statustostr(status)) : detail)")
        }
    }

    var linkType: LinkType { LinkType(rawValue: UInt32(bitPattern: pcap_datalink(handle))) }

    /// Compiles `expression` for the interface's link type and installs it in the kernel.
    func setFilter(_ expression: String) throws(CaptureError) {
        var program = bpf_program()
        if pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0 {
            throw CaptureError(.badFilter, "invalid filter '\(expression)': \(String(cString: pcap_geterr(handle)))")
        }
        defer { pcap_freecode(&program) }
        if pcap_setfilter(handle, &program) != 0 {
            throw CaptureError(.badFilter, "cannot install filter '\(expression)': \(String(cString: pcap_geterr(handle)))")
        }
    }

    /// Also writes every packet read to a pcap file at `path` (nanosecond timestamps).
    func dump(to path: String) throws(CaptureError) {
        guard let d = pcap_dump_open(handle, path) else {
            throw CaptureError(.captureFailed, "cannot write \(path): \(String(cString: pcap_geterr(handle)))")
        }
        dumper = d
    }

    func flushDump() {
        if let dumper { pcap_dump_flush(dumper) }
    }

    /// Waits up to `milliseconds` for packets. Returns false on a poll error other than EINTR.
    func wait(milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: pcap_get_selectable_fd(handle), events: Int16(POLLIN), revents: 0)
        let n = poll(&descriptor, 1, milliseconds)
        return n >= 0 || errno == EINTR
    }

    /// Reads the next packet already buffered, without waiting: 1 (handed to `body`), 0 (none
    /// waiting), or a negative value on a read error (``lastError``).
    func next(_ body: (PacketHeader, UnsafeRawBufferPointer) -> Void) -> Int32 {
        var hdrPtr: UnsafeMutablePointer<pcap_pkthdr>?
        var dataPtr: UnsafePointer<UInt8>?
        let rc = pcap_next_ex(handle, &hdrPtr, &dataPtr)
        guard rc == 1, let h = hdrPtr, let d = dataPtr else { return rc == 1 ? 0 : rc }
        if let dumper {
            pcap_dump(UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self), h, d)
        }
        let hdr = h.pointee
        let header = PacketHeader(
            timestampNs: Int64(hdr.ts.tv_sec) &* 1_000_000_000 &+ Int64(hdr.ts.tv_usec),
            capturedLength: Int(hdr.caplen),
            wireLength: max(Int(hdr.len), Int(hdr.caplen)),
            linkType: linkType)
        body(header, UnsafeRawBufferPointer(start: d, count: Int(hdr.caplen)))
        return 1
    }

    var lastError: String { String(cString: pcap_geterr(handle)) }

    /// libpcap's counters (32-bit, wrapping): packets received and dropped by the kernel, and
    /// dropped by the interface; nil when libpcap cannot tell.
    func statistics() -> PcapCounters? {
        var s = pcap_stat()
        guard pcap_stats(handle, &s) == 0 else { return nil }
        return PcapCounters(received: UInt32(s.ps_recv), dropped: UInt32(s.ps_drop), interfaceDropped: UInt32(s.ps_ifdrop))
    }
}

/// The interfaces libpcap can capture on, in its order (`pcap_findalldevs`).
func pcapInterfaces() throws(CaptureError) -> [CaptureInterface] {
    var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
    var list: UnsafeMutablePointer<pcap_if_t>?
    guard pcap_findalldevs(&list, &errbuf) == 0 else {
        throw CaptureError(.captureFailed, "cannot list interfaces: \(String(cBuffer: errbuf))")
    }
    defer { if let list { pcap_freealldevs(list) } }
    var result: [CaptureInterface] = []
    var entry = list
    while let e = entry {
        let flags = e.pointee.flags
        var names: [String] = []
        names.append(flags & UInt32(PCAP_IF_UP) != 0 ? "up" : "down")
        if flags & UInt32(PCAP_IF_RUNNING) != 0 { names.append("running") }
        if flags & UInt32(PCAP_IF_LOOPBACK) != 0 { names.append("loopback") }
        if flags & UInt32(PCAP_IF_WIRELESS) != 0 { names.append("wireless") }
        switch flags & UInt32(PCAP_IF_CONNECTION_STATUS) {
        case UInt32(PCAP_IF_CONNECTION_STATUS_CONNECTED): names.append("connected")
        case UInt32(PCAP_IF_CONNECTION_STATUS_DISCONNECTED): names.append("disconnected")
        default: break
        }
        result.append(CaptureInterface(name: String(cString: e.pointee.name),
                                       description: e.pointee.description.map { String(cString: $0) } ?? "",
                                       flags: names))
        entry = e.pointee.next
    }
    return result
}
