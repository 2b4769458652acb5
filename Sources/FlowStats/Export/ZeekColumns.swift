extension Schema {
    /// The column table of the `zeek` schema: Zeek's conn.log fields, named exactly as in
    /// Zeek, with Zeek's `-` for unset values. Values come from Zeek's connection engine
    /// (``ZeekConnection``), whose roles the row follows (orig = client).
    static let zeekColumns: [Column] = [
        Column("ts", "Time of the connection's first packet (Zeek's start_time), Unix epoch seconds", identifier: true) { f, _, o in o.seconds(f.flow.zeek.startTimeNs) },
        Column("uid", "Deterministic connection id (C + base 62; see FlowUID)", identifier: true) { f, _, o in o.flowID(f.flow.uid) },
        Column("id.orig_h", "Originator address", identifier: true) { f, _, o in o.address(f.flow.client.address) },
        Column("id.orig_p", "Originator port (ICMP: message type)", identifier: true) { f, _, o in o.int(Int(f.flow.client.port)) },
        Column("id.resp_h", "Responder address", identifier: true) { f, _, o in o.address(f.flow.server.address) },
        Column("id.resp_p", "Responder port (ICMP: counterpart type or code)", identifier: true) { f, _, o in o.int(Int(f.flow.server.port)) },
        Column("proto", "tcp, udp, icmp (ICMPv6 too) or unknown_transport") { f, _, o in o.plain(zeekProto(f.flow.key.ipProtocol)) },
        AppMetadata.zeekServiceColumn,
        Column("duration", "last_time - start_time, seconds; - when 0") { f, _, o in
            if f.flow.zeek.sizesLogged { o.seconds(f.flow.zeek.durationNs) } else { o.plain("-") }
        },
        Column("orig_bytes", "Originator payload bytes (TCP: from sequence numbers); - when duration is 0") { f, _, o in
            if f.flow.zeek.sizesLogged { o.int(f.flow.zeek.origBytes) } else { o.plain("-") }
        },
        Column("resp_bytes", "Responder payload bytes; - when duration is 0") { f, _, o in
            if f.flow.zeek.sizesLogged { o.int(f.flow.zeek.respBytes) } else { o.plain("-") }
        },
        Column("conn_state", "Zeek's connection state (S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH)") { f, _, o in o.plain(f.flow.zeek.connStateName) },
        Column("missed_bytes", "Bytes in content gaps (TCP)") { f, _, o in o.int(f.flow.zeek.missedBytes) },
        Column("history", "Zeek's history letters, upper case = originator; - when empty") { f, _, o in
            if f.flow.zeek.historyLength == 0 { o.plain("-") } else { f.flow.zeek.withHistoryBytes { o.plain(bytes: $0) } }
        },
        Column("orig_pkts", "Packets from the originator, as Zeek counts them") { f, _, o in o.int(f.flow.zeek.origPackets) },
        Column("orig_ip_bytes", "Sum of the originator's IP total lengths") { f, _, o in o.int(f.flow.zeek.origIPBytes) },
        Column("resp_pkts", "Packets from the responder") { f, _, o in o.int(f.flow.zeek.respPackets) },
        Column("resp_ip_bytes", "Sum of the responder's IP total lengths") { f, _, o in o.int(f.flow.zeek.respIPBytes) },
        Column("tunnel_parents", "uids of the tunnel connections that carried this one, comma-separated; - when none", identifier: true) { f, _, o in
            if f.flow.tunnelParents.isEmpty { o.plain("-") } else { o.text(f.flow.tunnelParents.map { FlowUID.text($0.uid) }.joined(separator: ",")) }
        },
    ]

    static func zeekProto(_ ipProtocol: UInt8) -> StaticString {
        switch IPProtocol(rawValue: ipProtocol) {
        case .tcp: "tcp"
        case .udp: "udp"
        case .icmp, .icmpv6: "icmp"
        default: "unknown_transport"
        }
    }
}
