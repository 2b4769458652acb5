/// The services a flow's payload showed, in Zeek's spelling (conn.log `service`). A set of
/// bits over a fixed, alphabetical table of names, so it costs 8 bytes per flow and always
/// prints in the same (alphabetical) order: Zeek's own order is its set's, and its references
/// are compared as sets.
struct ServiceSet: Sendable, Equatable {
    private(set) var bits: UInt64 = 0

    /// Every name the set can hold, alphabetical (Zeek's analyzer names as conn.log writes them).
    static let names: [String] = [
        "ayiya", "dce_rpc", "dhcp", "dnp3", "dns", "dtls", "ftp", "geneve", "gtpv1", "http", "imap", "irc", "krb",
        "ldap", "modbus", "mqtt", "mysql", "ntlm", "ntp", "pop3", "postgresql", "quic", "radius", "rdp", "rfb",
        "sip", "smb", "smtp", "snmp", "socks", "ssh", "ssl", "syslog", "teredo", "vxlan", "xmpp",
    ]

    /// The bit of `name`, or nil for a name not in the table.
    static func bit(_ name: String) -> UInt64? { bitOfName[name] }

    /// Each name's bit: one hash lookup instead of a walk down the table (the parsers insert
    /// a name for almost every flow).
    private static let bitOfName: [String: UInt64] = Dictionary(
        uniqueKeysWithValues: names.enumerated().map { ($0.element, 1 << UInt64($0.offset)) })

    /// The bits of the names the parsers insert for most flows, looked up once.
    static let http = bit("http")!, ssl = bit("ssl")!, dns = bit("dns")!, quic = bit("quic")!, dtls = bit("dtls")!

    var isEmpty: Bool { bits == 0 }

    /// Adds a name by its bit (``http``, ``ssl``, …).
    mutating func insert(bit: UInt64) { bits |= bit }

    /// Adds `name` (a name outside the table is ignored).
    mutating func insert(_ name: String) {
        if let b = Self.bit(name) { bits |= b }
    }

    func contains(_ name: String) -> Bool { Self.bit(name).map { bits & $0 != 0 } ?? false }

    /// Writes ``text`` as a field, or `none` when the set is empty (an empty field when nil),
    /// without making a string for the usual zero or one name.
    func write(to o: RowBuffer, none: StaticString?) {
        if bits == 0 {
            if let none { o.plain(none) } else { o.empty() }
        } else if bits & (bits - 1) == 0 {
            o.text(Self.names[bits.trailingZeroBitCount])
        } else {
            o.text(text)
        }
    }

    /// The names, alphabetical, joined with `,` (empty when none).
    var text: String {
        var parts: [String] = []
        var rest = bits
        while rest != 0 {
            let i = rest.trailingZeroBitCount
            parts.append(Self.names[i])
            rest &= rest - 1
        }
        return parts.joined(separator: ",")
    }
}
