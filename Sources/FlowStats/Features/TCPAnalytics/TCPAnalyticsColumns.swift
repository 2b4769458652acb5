extension TCPAnalytics {
    /// The TCP analytics columns of the `extended` schema: client → server, server → client,
    /// then the handshake times. Every name is written out, so searching for a column's name
    /// finds where it is computed. The analytics are read in place (they hold an array).
    static let columns: [Column] = [
        Column("FwdRetransPackets", "TCP segments client → server whose data was all sent before (see docs/tcp-analytics.md)", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.forward) { $0.retransmittedPackets }) },
        Column("FwdRetransBytes", "Payload bytes of those segments, client → server", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.forward) { $0.retransmittedBytes }) },
        Column("FwdOutOfOrderPackets", "TCP segments client → server that filled an earlier gap", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.forward) { $0.outOfOrderPackets }) },
        Column("FwdMissingBytes", "Sequence bytes client → server never seen: gaps still open at the end", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.forward) { $0.missingBytes }) },
        Column("FwdOverlapBytes", "Bytes client → server sent again inside a segment that also carried new data", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.forward) { $0.overlapBytes }) },
        Column("FwdZeroWindowPackets", "TCP segments client → server advertising a zero window (RST excluded)", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.forward) { $0.zeroWindowPackets }) },
        Column("FwdDupAcks", "Duplicate ACKs client → server: no data/SYN/FIN/RST, same ACK number and window as the previous such segment", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.forward) { $0.duplicateAcks }) },
        Column("BwdRetransPackets", "TCP segments server → client whose data was all sent before (see docs/tcp-analytics.md)", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.backward) { $0.retransmittedPackets }) },
        Column("BwdRetransBytes", "Payload bytes of those segments, server → client", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.backward) { $0.retransmittedBytes }) },
        Column("BwdOutOfOrderPackets", "TCP segments server → client that filled an earlier gap", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.backward) { $0.outOfOrderPackets }) },
        Column("BwdMissingBytes", "Sequence bytes server → client never seen: gaps still open at the end", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.backward) { $0.missingBytes }) },
        Column("BwdOverlapBytes", "Bytes server → client sent again inside a segment that also carried new data", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.backward) { $0.overlapBytes }) },
        Column("BwdZeroWindowPackets", "TCP segments server → client advertising a zero window (RST excluded)", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.backward) { $0.zeroWindowPackets }) },
        Column("BwdDupAcks", "Duplicate ACKs server → client: no data/SYN/FIN/RST, same ACK number and window as the previous such segment", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.side(.backward) { $0.duplicateAcks }) },
        Column("SynToSynAck", "TCP handshake: first SYN → SYN-ACK, seconds; empty when not both seen", requires: .tcpAnalytics) { f, _, o in
            if let d = f.tcpAnalytics.handshake.synToSynAckNs { o.seconds(d) } else { o.empty() }
        },
        Column("SynAckToAck", "TCP handshake: SYN-ACK → the client's ACK of it, seconds; empty when not both seen", requires: .tcpAnalytics) { f, _, o in
            if let d = f.tcpAnalytics.handshake.synAckToAckNs { o.seconds(d) } else { o.empty() }
        },
    ]
}
