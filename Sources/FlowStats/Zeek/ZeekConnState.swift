/// The values of conn.log's `conn_state` (`conn_state()` in `base/protocols/conn/main.zeek`).
/// ``ZeekConnection/connStateCode`` computes one; ``name`` is the text Zeek logs.
public enum ZeekConnState: UInt8, Sendable, Equatable, CaseIterable {
    /// Connection attempt seen, no reply.
    case s0
    /// Connection established, not terminated.
    case s1
    /// Normal establishment and termination.
    case sf
    /// Connection attempt rejected.
    case rej
    /// Established, close attempt by the originator seen (no reply from the responder).
    case s2
    /// Established, close attempt by the responder seen (no reply from the originator).
    case s3
    /// Established, the originator aborted (sent a RST).
    case rsto
    /// The responder sent a RST.
    case rstr
    /// The originator sent a SYN followed by a RST; no SYN-ACK from the responder.
    case rstos0
    /// The responder sent a SYN-ACK followed by a RST; no SYN from the (purported) originator.
    case rstrh
    /// The originator sent a SYN followed by a FIN; no SYN-ACK from the responder.
    case sh
    /// The responder sent a SYN-ACK followed by a FIN; no SYN from the originator.
    case shr
    /// No SYN seen, just midstream traffic.
    case oth

    /// The text Zeek logs.
    public var name: StaticString {
        switch self {
        case .s0: "S0"
        case .s1: "S1"
        case .sf: "SF"
        case .rej: "REJ"
        case .s2: "S2"
        case .s3: "S3"
        case .rsto: "RSTO"
        case .rstr: "RSTR"
        case .rstos0: "RSTOS0"
        case .rstrh: "RSTRH"
        case .sh: "SH"
        case .shr: "SHR"
        case .oth: "OTH"
        }
    }

    /// ``name`` as a `String`.
    public var string: String {
        name.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
    }
}
