// Placeholder until the TLS parser lands (removed at merge).
enum TLSVersionName { static func zeek(_ v: UInt16) -> String { "unknown-\(v)" } }
