extension Schema {
    /// The column table of the `extended` schema: every `basic` column, then these.
    static let extendedColumns: [Column] = basicColumns + [
        Column("FwdIPBytes", "Sum of IP total lengths client → server (IP header included, no link layer)") { f, _, o in o.int(f.pointee.forward.ipBytes) },
        Column("BwdIPBytes", "Sum of IP total lengths server → client") { f, _, o in o.int(f.pointee.backward.ipBytes) },
        Column("FwdPayloadBytes", "Sum of transport payload lengths client → server (from the IP length fields; retransmissions included)") { f, _, o in o.int(f.pointee.forward.payloadBytes) },
        Column("BwdPayloadBytes", "Sum of transport payload lengths server → client") { f, _, o in o.int(f.pointee.backward.payloadBytes) },
    ]
    + statsColumns("Fwd", "client → server", .forward)
    + statsColumns("Bwd", "server → client", .backward)
    + statsColumns("Flow", "both directions", .both)
    + tcpColumns("Fwd", "client → server", .forward)
    + tcpColumns("Bwd", "server → client", .backward)
    + [
        Column("SynToSynAck", "TCP handshake: first SYN → SYN-ACK, seconds; empty when not both seen") { f, _, o in
            if let d = f.pointee.handshake.synToSynAckNs { o.seconds(d) } else { o.empty() }
        },
        Column("SynAckToAck", "TCP handshake: SYN-ACK → the client's ACK of it, seconds; empty when not both seen") { f, _, o in
            if let d = f.pointee.handshake.synAckToAckNs { o.seconds(d) } else { o.empty() }
        },
        Column("VLAN", "Outermost 802.1Q VLAN id of the flow's first packet; 0 when untagged") { f, _, o in o.int(Int(f.pointee.vlanID)) },
        Column("FlowID", "Deterministic id of this row's flow (the Zeek schema's uid)") { f, _, o in o.flowID(f.pointee.uid) },
        Column("TunnelParentIDs", "FlowIDs of the tunnel flow(s) that carried this flow, space-separated; empty when not tunnelled") { f, _, o in
            if f.pointee.tunnelParents.isEmpty { o.empty() } else { o.text(f.pointee.tunnelParents.map { FlowUID.text($0.uid) }.joined(separator: " ")) }
        },
    ]

    // A side, not a key path or a closure: the column reads the field in place (a key-path
    // projection per field costs far more, and a closure returning the group copies it).
    private static func statsColumns(_ prefix: String, _ what: String, _ side: FlowSide) -> [Column] {
        [
            Column("\(prefix)PktLenMin", "Smallest wire length, \(what), bytes; 0 without packets") { f, _, o in o.double(f.pointee.stats(side).size.min) },
            Column("\(prefix)PktLenMax", "Largest wire length, \(what), bytes") { f, _, o in o.double(f.pointee.stats(side).size.max) },
            Column("\(prefix)PktLenMean", "Mean wire length, \(what), bytes") { f, _, o in o.double(f.pointee.stats(side).size.mean) },
            Column("\(prefix)PktLenStd", "Population standard deviation of the wire length, \(what), bytes; 0 for fewer than 2 packets") { f, _, o in o.double(f.pointee.stats(side).size.std) },
            Column("\(prefix)IATMin", "Smallest time between consecutive packets, \(what), seconds; 0 for fewer than 2 packets") { f, _, o in o.double(f.pointee.stats(side).interArrival.min) },
            Column("\(prefix)IATMax", "Largest time between consecutive packets, \(what), seconds") { f, _, o in o.double(f.pointee.stats(side).interArrival.max) },
            Column("\(prefix)IATMean", "Mean time between consecutive packets, \(what), seconds") { f, _, o in o.double(f.pointee.stats(side).interArrival.mean) },
            Column("\(prefix)IATStd", "Population standard deviation of the time between consecutive packets, \(what), seconds") { f, _, o in o.double(f.pointee.stats(side).interArrival.std) },
        ]
    }

    private static func tcpColumns(_ prefix: String, _ what: String, _ side: FlowSide) -> [Column] {
        [
            Column("\(prefix)RetransPackets", "TCP segments \(what) whose data was all sent before (see docs/tcp-analytics.md)") { f, _, o in o.int(f.pointee.tcp(side) { $0.retransmittedPackets }) },
            Column("\(prefix)RetransBytes", "Payload bytes of those segments, \(what)") { f, _, o in o.int(f.pointee.tcp(side) { $0.retransmittedBytes }) },
            Column("\(prefix)OutOfOrderPackets", "TCP segments \(what) that filled an earlier gap") { f, _, o in o.int(f.pointee.tcp(side) { $0.outOfOrderPackets }) },
            Column("\(prefix)MissingBytes", "Sequence bytes \(what) never seen: gaps still open at the end") { f, _, o in o.int(f.pointee.tcp(side) { $0.missingBytes }) },
            Column("\(prefix)OverlapBytes", "Bytes \(what) sent again inside a segment that also carried new data") { f, _, o in o.int(f.pointee.tcp(side) { $0.overlapBytes }) },
            Column("\(prefix)ZeroWindowPackets", "TCP segments \(what) advertising a zero window (RST excluded)") { f, _, o in o.int(f.pointee.tcp(side) { $0.zeroWindowPackets }) },
            Column("\(prefix)DupAcks", "Duplicate ACKs \(what): no data/SYN/FIN/RST, same ACK number and window as the previous such segment") { f, _, o in o.int(f.pointee.tcp(side) { $0.duplicateAcks }) },
        ]
    }
}

/// Which direction a group of columns describes.
enum FlowSide: Sendable {
    case forward, backward, both
}

extension FlowRecord {
    /// The packet-size and inter-arrival statistics of `side`.
    @inline(__always)
    func stats(_ side: FlowSide) -> DirectionStats {
        switch side {
        case .forward: forwardStats
        case .backward: backwardStats
        case .both: flowStats
        }
    }

    /// `value` of the TCP analytics of `side` (forward or backward), read in place: the
    /// analytics hold an array, so returning a copy would cost a retain and a release.
    @inline(__always)
    func tcp(_ side: FlowSide, _ value: (borrowing TCPDirectionAnalytics) -> Int) -> Int {
        side == .forward ? value(forwardTCP) : value(backwardTCP)
    }
}
