extension Schema {
    /// The column table of the `basic` schema. Every column is computed here.
    static let basicColumns: [Column] = [
        Column("StartTime", "Capture time of the flow's first packet: Unix epoch seconds, UTC, 6 decimals (9 when the capture has sub-microsecond digits)", identifier: true) { f, _, o in o.seconds(f.flow.firstNs) },
        Column("DurationTime", "Last packet time minus first packet time, seconds") { f, _, o in o.seconds(f.flow.durationNs) },
        Column("ClientIP", "Client address (the side that opened the connection; see the direction rule)", identifier: true) { f, _, o in o.address(f.flow.client.address) },
        Column("ClientPort", "Client port; ICMP: the message type; 0 for protocols without ports", identifier: true) { f, _, o in o.int(Int(f.flow.client.port)) },
        Column("ServerIP", "Server address", identifier: true) { f, _, o in o.address(f.flow.server.address) },
        Column("ServerPort", "Server port; ICMP: the type of the matching reply/request, or the code", identifier: true) { f, _, o in o.int(Int(f.flow.server.port)) },
        Column("AppName", "Label from the capture's file name (--label-template)") { _, c, o in o.prepared(c.appNameField) },
        Column("AppAction", "Label from the capture's file name (--label-template)") { _, c, o in o.prepared(c.appActionField) },
        Column("FlowPackets", "Packets in both directions") { f, _, o in o.int(f.flow.packets) },
        Column("FlowBytes", "Sum of the frames' original wire lengths (link layer included, not the captured length), both directions, bytes") { f, _, o in o.int(f.flow.wireBytes) },
        Column("PacketsBytesAvg", "FlowBytes / FlowPackets, bytes (every row has at least one packet)") { f, _, o in o.double(Double(f.flow.wireBytes) / Double(max(f.flow.packets, 1))) },
        Column("Protocol", "IANA protocol keyword (TCP, UDP, ICMP, ICMPv6, …), or the number when there is none") { [names = ProtocolNames()] f, _, o in
            o.protocolName(names, f.flow.key.ipProtocol)
        },
        Column("FwdPackets", "Packets client → server") { f, _, o in o.int(f.flow.forward.packets) },
        Column("FwdBytes", "Wire bytes client → server") { f, _, o in o.int(f.flow.forward.wireBytes) },
        Column("BwdPackets", "Packets server → client") { f, _, o in o.int(f.flow.backward.packets) },
        Column("BwdBytes", "Wire bytes server → client") { f, _, o in o.int(f.flow.backward.wireBytes) },
        Column("EndReason", "Why the flow ended: fin, rst, idle, active, eof, reuse, evicted or shutdown (a live capture stopped)") { f, _, o in o.plain(f.flow.endReason.field) },
        Column("SourceFile", "The capture's path as given, or relative to the input folder", identifier: true) { _, c, o in o.prepared(c.sourceFileField) },
        Column("ConnState", "Zeek's conn_state of the connection (S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH)") { f, _, o in o.plain(f.flow.zeek.connStateName) },
        Column("History", "Zeek's history letters, upper case = client (docs/zeek-conformance.md)") { f, _, o in f.flow.zeek.withHistoryBytes { o.plain(bytes: $0) } },
        Column("TunnelParent", "The tunnel flow(s) that carried this flow, as `PROTO client:port>server:port`, space-separated; empty when not tunnelled", identifier: true) { f, _, o in
            if f.flow.tunnelParents.isEmpty { o.empty() } else { o.text(f.flow.tunnelParents.map(\.description).joined(separator: " ")) }
        },
    ]
}

extension EndReason {
    /// ``rawValue`` as static text, written without making a `String` per row (a test checks
    /// that the two agree).
    var field: StaticString {
        switch self {
        case .fin: "fin"
        case .rst: "rst"
        case .idle: "idle"
        case .active: "active"
        case .eof: "eof"
        case .reuse: "reuse"
        case .evicted: "evicted"
        case .shutdown: "shutdown"
        }
    }
}
