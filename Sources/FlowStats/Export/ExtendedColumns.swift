extension Schema {
    /// The column table of the `extended` schema: every `basic` column, then these.
    static let extendedColumns: [Column] = basicColumns + [
        Column("FwdIPBytes", "Sum of IP total lengths client → server (IP header included, no link layer)") { f, _, o in o.int(f.forward.ipBytes) },
        Column("BwdIPBytes", "Sum of IP total lengths server → client") { f, _, o in o.int(f.backward.ipBytes) },
        Column("FwdPayloadBytes", "Sum of transport payload lengths client → server (from the IP length fields; retransmissions included)") { f, _, o in o.int(f.forward.payloadBytes) },
        Column("BwdPayloadBytes", "Sum of transport payload lengths server → client") { f, _, o in o.int(f.backward.payloadBytes) },
    ]
    + statsColumns("Fwd", "client → server") { $0.forwardStats }
    + statsColumns("Bwd", "server → client") { $0.backwardStats }
    + statsColumns("Flow", "both directions") { $0.flowStats }
    + tcpColumns("Fwd", "client → server") { $0.forwardTCP }
    + tcpColumns("Bwd", "server → client") { $0.backwardTCP }
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

    // Plain closures, not key paths: a key-path projection per field costs far more.
    private static func statsColumns(_ prefix: String, _ what: String,
                                     _ side: @escaping @Sendable (borrowing FlowRecord) -> DirectionStats) -> [Column] {
        [
            Column("\(prefix)PktLenMin", "Smallest wire length, \(what), bytes; 0 without packets") { f, _, o in o.double(side(f).size.min) },
            Column("\(prefix)PktLenMax", "Largest wire length, \(what), bytes") { f, _, o in o.double(side(f).size.max) },
            Column("\(prefix)PktLenMean", "Mean wire length, \(what), bytes") { f, _, o in o.double(side(f).size.mean) },
            Column("\(prefix)PktLenStd", "Population standard deviation of the wire length, \(what), bytes; 0 for fewer than 2 packets") { f, _, o in o.double(side(f).size.std) },
            Column("\(prefix)IATMin", "Smallest time between consecutive packets, \(what), seconds; 0 for fewer than 2 packets") { f, _, o in o.double(side(f).interArrival.min) },
            Column("\(prefix)IATMax", "Largest time between consecutive packets, \(what), seconds") { f, _, o in o.double(side(f).interArrival.max) },
            Column("\(prefix)IATMean", "Mean time between consecutive packets, \(what), seconds") { f, _, o in o.double(side(f).interArrival.mean) },
            Column("\(prefix)IATStd", "Population standard deviation of the time between consecutive packets, \(what), seconds") { f, _, o in o.double(side(f).interArrival.std) },
        ]
    }

    private static func tcpColumns(_ prefix: String, _ what: String,
                                   _ side: @escaping @Sendable (borrowing FlowRecord) -> TCPDirectionAnalytics) -> [Column] {
        [
            Column("\(prefix)RetransPackets", "TCP segments \(what) whose data was all sent before (see docs/tcp-analytics.md)") { f, _, o in o.int(side(f).retransmittedPackets) },
            Column("\(prefix)RetransBytes", "Payload bytes of those segments, \(what)") { f, _, o in o.int(side(f).retransmittedBytes) },
            Column("\(prefix)OutOfOrderPackets", "TCP segments \(what) that filled an earlier gap") { f, _, o in o.int(side(f).outOfOrderPackets) },
            Column("\(prefix)MissingBytes", "Sequence bytes \(what) never seen: gaps still open at the end") { f, _, o in o.int(side(f).missingBytes) },
            Column("\(prefix)OverlapBytes", "Bytes \(what) sent again inside a segment that also carried new data") { f, _, o in o.int(side(f).overlapBytes) },
            Column("\(prefix)ZeroWindowPackets", "TCP segments \(what) advertising a zero window (RST excluded)") { f, _, o in o.int(side(f).zeroWindowPackets) },
            Column("\(prefix)DupAcks", "Duplicate ACKs \(what): no data/SYN/FIN/RST, same ACK number and window as the previous such segment") { f, _, o in o.int(side(f).duplicateAcks) },
        ]
    }
}
