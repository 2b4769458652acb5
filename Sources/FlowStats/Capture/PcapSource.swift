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
