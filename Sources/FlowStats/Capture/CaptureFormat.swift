#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The capture file formats flowcsv reads, recognised by the first bytes of the file,
/// never by the file name's extension.
public enum CaptureFormat: Sendable, Equatable {
    /// Classic pcap. `linkTypeField` is the raw 32-bit header field (link type plus FCS and reserved bits).
    case pcap(bigEndian: Bool, nanosecond: Bool, linkTypeField: UInt32)
    case pcapng

    /// Reads the first bytes of `path` and tells its format, or throws a one-line reason.
    public static func sniff(path: String) throws(CaptureError) -> CaptureFormat {
        var st = stat()
        if stat(path, &st) != 0 {
            throw CaptureError(.missing, "no such file")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw CaptureError(.unreadable, "is a directory")
        }
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            throw CaptureError(.unreadable, "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 24)
        let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, 24) }
        if n < 0 {
            throw CaptureError(.unreadable, "cannot read: \(String(cString: strerror(errno)))")
        }
        if n < 4 {
            throw CaptureError(.notACapture, n == 0 ? "empty file, not a pcap or pcapng capture" : "too short to be a pcap or pcapng capture (\(n) bytes)")
        }
        let le = UInt32(head[0]) | UInt32(head[1]) << 8 | UInt32(head[2]) << 16 | UInt32(head[3]) << 24
        switch le {
        case 0x0A0D_0D0A:
            return .pcapng
        case 0xA1B2_C3D4, 0xA1B2_3C4D, 0xD4C3_B2A1, 0x4D3C_B2A1:
            let bigEndian = (le == 0xD4C3_B2A1 || le == 0x4D3C_B2A1)
            let nano = (le == 0xA1B2_3C4D || le == 0x4D3C_B2A1)
            guard n >= 24 else {
                throw CaptureError(.badHeader, "truncated pcap file header (\(n) of 24 bytes)")
            }
            // libpcap 1.10 calls version 1.x "archaic"; newer libpcap names the version, and
            // so does flowcsv. 2.x (x <= 4) and the 543.0 variant are the ones readable.
            let major = bigEndian ? UInt16(head[4]) << 8 | UInt16(head[5]) : UInt16(head[5]) << 8 | UInt16(head[4])
            let minor = bigEndian ? UInt16(head[6]) << 8 | UInt16(head[7]) : UInt16(head[7]) << 8 | UInt16(head[6])
            guard (major == 2 && minor <= 4) || (major == 543 && minor == 0) else {
                throw CaptureError(.badHeader, "unsupported pcap savefile version \(major).\(minor)")
            }
            let b = Array(head[20..<24])
            let field = bigEndian
                ? UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
                : UInt32(b[3]) << 24 | UInt32(b[2]) << 16 | UInt32(b[1]) << 8 | UInt32(b[0])
            return .pcap(bigEndian: bigEndian, nanosecond: nano, linkTypeField: field)
        default:
            let hex = head[0..<4].map { String($0, radix: 16).leftPadded(to: 2) }.joined()
            throw CaptureError(.notACapture, "not a pcap or pcapng capture (starts with 0x\(hex))")
        }
    }

    /// The check newer libpcap (1.11+) makes and 1.10 does not: bits 16–25 of the
    /// savefile link-type field are reserved and must be zero (`LT_RESERVED1`).
    static func checkReservedLinkTypeBits(_ field: UInt32) throws(CaptureError) {
        let reserved = field & 0x03FF_0000
        if reserved != 0 {
            let hex = String(reserved, radix: 16).leftPadded(to: 8)
            throw CaptureError(.badHeader, "savefile linktype reserved field not zero (0x\(hex))")
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
