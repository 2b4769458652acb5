extension Schema {
    /// The column table of the `extended` schema: every `basic` column, then these.
    static let extendedColumns: [Column] = basicColumns + [
        Column("FwdIPBytes", "Sum of IP total lengths client → server (IP header included, no link layer)") { f, _, o in o.int(f.forward.ipBytes) },
        Column("BwdIPBytes", "Sum of IP total lengths server → client") { f, _, o in o.int(f.backward.ipBytes) },
        Column("FwdPayloadBytes", "Sum of transport payload lengths client → server (from the IP length fields; retransmissions included)") { f, _, o in o.int(f.forward.payloadBytes) },
        Column("BwdPayloadBytes", "Sum of transport payload lengths server → client") { f, _, o in o.int(f.backward.payloadBytes) },
    ]
    + statsColumns("Fwd", "client → server", \.forwardStats)
    + statsColumns("Bwd", "server → client", \.backwardStats)
    + statsColumns("Flow", "both directions", \.flowStats)
    + tcpColumns("Fwd", "client → server", \.forwardTCP)
    + tcpColumns("Bwd", "server → client", \.backwardTCP)
    + [
        Column("SynToSynAck", "TCP handshake: first SYN → SYN-ACK, seconds; empty when not both seen") { f, _, o in
            if let d = f.handshake.synToSynAckNs { o.seconds(d) } else { o.empty() }
        },
        Column("SynAckToAck", "TCP handshake: SYN-ACK → the client's ACK of it, seconds; empty when not both seen") { f, _, o in
            if let d = f.handshake.synAckToAckNs { o.seconds(d) } else { o.empty() }
        },
        Column("VLAN", "Outermost 802.1Q VLAN id of the flow's first packet; 0 when untagged") { f, _, o in o.int(Int(f.vlanID)) },
        Column("FlowID", "Deterministic id of this row's flow (the Zeek schema's uid)") { f, _, o in o.text(FlowUID.text(f.uid)) },
        Column("TunnelParentIDs", "FlowIDs of the tunnel flow(s) that carried this flow, space-separated; empty when not tunnelled") { f, _, o in
            o.text(f.tunnelParents.map { FlowUID.text($0.uid) }.joined(separator: " "))
        },
    ]

    private static func statsColumns(_ prefix: String, _ what: String, _ path: KeyPath<FlowRecord, DirectionStats> & Sendable) -> [Column] {
        [
            Column("\(prefix)PktLenMin", "Smallest wire length, \(what), bytes; 0 without packets") { f, _, o in o.double(f[keyPath: path].size.min) },
            Column("\(prefix)PktLenMax", "Largest wire length, \(what), bytes") { f, _, o in o.double(f[keyPath: path].size.max) },
            Column("\(prefix)PktLenMean", "Mean wire length, \(what), bytes") { f, _, o in o.double(f[keyPath: path].size.mean) },
            Column("\(prefix)PktLenStd", "Population standard deviation of the wire length, \(what), bytes; 0 for fewer than 2 packets") { f, _, o in o.double(f[keyPath: path].size.std) },
            Column("\(prefix)IATMin", "Smallest time between consecutive packets, \(what), seconds; 0 for fewer than 2 packets") { f, _, o in o.double(f[keyPath: path].interArrival.min) },
            Column("\(prefix)IATMax", "Largest time between consecutive packets, \(what), seconds") { f, _, o in o.double(f[keyPath: path].interArrival.max) },
            Column("\(prefix)IATMean", "Mean time between consecutive packets, \(what), seconds") { f, _, o in o.double(f[keyPath: path].interArrival.mean) },
            Column("\(prefix)IATStd", "Population standard deviation of the time between consecutive packets, \(what), seconds") { f, _, o in o.double(f[keyPath: path].interArrival.std) },
        ]
    }

    private static func tcpColumns(_ prefix: String, _ what: String, _ path: KeyPath<FlowRecord, TCPDirectionAnalytics> & Sendable) -> [Column] {
        [
            Column("\(prefix)RetransPackets", "TCP segments \(what) whose data was all sent before (see docs/tcp-analytics.md)") { f, _, o in o.int(f[keyPath: path].retransmittedPackets) },
            Column("\(prefix)RetransBytes", "Payload bytes of those segments, \(what)") { f, _, o in o.int(f[keyPath: path].retransmittedBytes) },
            Column("\(prefix)OutOfOrderPackets", "TCP segments \(what) that filled an earlier gap") { f, _, o in o.int(f[keyPath: path].outOfOrderPackets) },
            Column("\(prefix)MissingBytes", "Sequence bytes \(what) never seen: gaps still open at the end") { f, _, o in o.int(f[keyPath: path].missingBytes) },
            Column("\(prefix)OverlapBytes", "Bytes \(what) sent again inside a segment that also carried new data") { f, _, o in o.int(f[keyPath: path].overlapBytes) },
            Column("\(prefix)ZeroWindowPackets", "TCP segments \(what) advertising a zero window (RST excluded)") { f, _, o in o.int(f[keyPath: path].zeroWindowPackets) },
            Column("\(prefix)DupAcks", "Duplicate ACKs \(what): no data/SYN/FIN/RST, same ACK number and window as the previous such segment") { f, _, o in o.int(f[keyPath: path].duplicateAcks) },
        ]
    }
}
