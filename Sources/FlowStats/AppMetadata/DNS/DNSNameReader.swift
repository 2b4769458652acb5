// Reads a DNS domain name (RFC 1035 §3.1 labels, §4.1.4 compression pointers) the way Zeek's
// DNS analyzer does (zeek/zeek src/analyzer/protocol/dns/DNS.cc, DNS_Interpreter::ExtractName
// and ExtractLabel), so that names come out as dns.log has them.

/// Zeek's name decoding, without recursion and with every bound stated.
enum DNSNameReader {
    /// Zeek's `dns_max_compression_chain_depth` (scripts/base/init-bare.zeek): pointers followed
    /// for one name. At the next pointer Zeek stops and keeps the name read so far (a weird,
    /// not an error) — so does this reader.
    static let maxPointerChain = 20
    /// Zeek's name buffer (513 bytes, 512 usable): a label that does not fit in what is left
    /// of it is an error.
    static let maxNameBytes = 512
    /// RFC 1035's label limit; longer labels are errors (Zeek allows them on NetBIOS port 137).
    static let maxLabel = 63

    /// A name and where the bytes after it start.
    struct Name {
        /// The labels joined by `.`, bytes as on the wire (a `.` inside a label is just a `.`,
        /// as in Zeek), ASCII upper case lowered when asked for; the root name is empty.
        var bytes: [UInt8]
        /// Offset in the message just past the name (after its first pointer, if any).
        var next: Int
    }

    /// Reads the name at `offset` of `message`.
    /// - Rules (Zeek's): a pointer must point before the byte where it starts (else
    ///   `DNS_label_forward_compress_offset`: error), so loops are impossible; the name it points
    ///   to may only use bytes before that pointer; a label longer than 63 (unless `netbios`),
    ///   running past the readable bytes or past the 512-byte buffer is an error; after 20
    ///   pointers the name is cut there (still a success); one trailing `.` is dropped.
    /// - Returns nil on an error.
    static func read(_ message: UnsafeRawBufferPointer, at offset: Int, lowercase: Bool,
                     netbios: Bool = false) -> Name? {
        var bytes: [UInt8] = []
        var position = offset
        var limit = message.count
        var next: Int? = nil
        var pointers = 0
        var room = maxNameBytes
        while true {
            guard position >= 0, position < limit else { return nil }
            let length = Int(message[position])
            if length == 0 {
                if next == nil { next = position + 1 }
                break
            }
            if length & 0xC0 == 0xC0 {
                guard position + 1 < limit else { return nil }
                let target = (length & 0x3F) << 8 | Int(message[position + 1])
                if next == nil { next = position + 2 }
                guard target < position else { return nil }
                pointers += 1
                if pointers > maxPointerChain { break }
                limit = position
                position = target
                continue
            }
            guard length <= limit - position - 1 else { return nil }
            guard length <= maxLabel || netbios else { return nil }
            guard length < room else { return nil }
            for i in 0..<length {
                var byte = message[position + 1 + i]
                if lowercase && byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                bytes.append(byte)
            }
            bytes.append(0x2E)
            room -= length + 1
            position += 1 + length
        }
        if bytes.count >= 2 && bytes.last == 0x2E { bytes.removeLast() }
        return Name(bytes: bytes, next: next ?? position)
    }
}
