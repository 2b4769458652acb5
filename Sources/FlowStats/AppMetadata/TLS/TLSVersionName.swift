// TLS/DTLS version numbers spelled as Zeek's ssl.log `version` column spells them: the
// `SSL::version_strings` table and its default function in zeek/zeek
// scripts/base/protocols/ssl/consts.zeek (read there; this is our own table).

enum TLSVersionName {
    /// Zeek's name for `version`: SSLv2, SSLv3, TLSv10–TLSv13, DTLSv10/12/13; a TLS 1.3
    /// draft (Zeek's test: `v / 0xFF == 0x7F` in integer arithmetic) `TLSv13-draftN` with
    /// N = `v % 0x7F`; anything else `unknown-N` (decimal). Zeek names no Facebook
    /// version (0xFB1A …): those are `unknown-64282` and so on.
    static func zeek(_ version: UInt16) -> String {
        switch version {
        case 0x0002: return "SSLv2"
        case 0x0300: return "SSLv3"
        case 0x0301: return "TLSv10"
        case 0x0302: return "TLSv11"
        case 0x0303: return "TLSv12"
        case 0x0304: return "TLSv13"
        case 0xFEFF: return "DTLSv10"
        case 0xFEFD: return "DTLSv12"
        case 0xFEFC: return "DTLSv13"
        default:
            let value = Int(version)
            if value / 0xFF == 0x7F { return "TLSv13-draft\(value % 0x7F)" }
            return "unknown-\(value)"
        }
    }
}
