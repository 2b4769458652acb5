extension Schema {
    /// The column table of the `full` schema: every feature flowcsv has, under its own names.
    /// Fwd = client → server, Bwd = server → client, Flow = both; seconds; population std.
    /// A quantity that may not exist is 0 with a 0/1 `Has…` companion column.
    static let fullColumns: [Column] = basicColumns
        + SizeTiming.byteColumns + flowByteColumns
        + PacketFields.headerColumns
        + PacketFields.payloadLengthColumns
        + PacketFields.frameLengthColumns
        + PacketFields.iatTotalColumns + SizeTiming.statsColumns.filter { $0.name.contains("IAT") }
        + PacketFields.flagColumns
        + PacketFields.optionColumns
        + rateColumns
        + ActiveIdle.fullColumns
        + BulkSubflow.fullColumns
        + TCPAnalytics.columns.filter { !$0.name.hasPrefix("Syn") } + handshakeColumns
        + extendedTailColumns

    /// Byte sums of both directions under the IP and payload definitions.
    static let flowByteColumns: [Column] = [
        Column("FlowIPBytes", "FwdIPBytes + BwdIPBytes: sum of IP total lengths, both directions, bytes", requires: .sizeTiming) { f, _, o in o.int(f.sizeTiming.forwardIPBytes + f.sizeTiming.backwardIPBytes) },
        Column("FlowPayloadBytes", "FwdPayloadBytes + BwdPayloadBytes: sum of L4 payload lengths, both directions, bytes", requires: .sizeTiming) { f, _, o in o.int(f.sizeTiming.forwardPayloadBytes + f.sizeTiming.backwardPayloadBytes) },
    ]

    /// Rates, ratios and asymmetries (core record only). Frame (wire) bytes.
    static let rateColumns: [Column] = [
        Column("FlowBytesPerSec", "FlowBytes (frame bytes) / DurationTime, bytes per second; 0 when the duration is 0") { f, _, o in o.double(perSecond(f.flow.wireBytes, f.flow.durationNs)) },
        Column("FlowPacketsPerSec", "FlowPackets / DurationTime, packets per second; 0 when the duration is 0") { f, _, o in o.double(perSecond(f.flow.packets, f.flow.durationNs)) },
        Column("FwdBytesPerSec", "FwdBytes (frame bytes client → server) / DurationTime (the flow's), bytes per second; 0 when the duration is 0") { f, _, o in o.double(perSecond(f.flow.forward.wireBytes, f.flow.durationNs)) },
        Column("BwdBytesPerSec", "BwdBytes / DurationTime, bytes per second; 0 when the duration is 0") { f, _, o in o.double(perSecond(f.flow.backward.wireBytes, f.flow.durationNs)) },
        Column("FwdPacketsPerSec", "FwdPackets / DurationTime, packets per second; 0 when the duration is 0") { f, _, o in o.double(perSecond(f.flow.forward.packets, f.flow.durationNs)) },
        Column("BwdPacketsPerSec", "BwdPackets / DurationTime, packets per second; 0 when the duration is 0") { f, _, o in o.double(perSecond(f.flow.backward.packets, f.flow.durationNs)) },
        Column("DownUpRatio", "BwdPackets / FwdPackets (float division); 0 without Fwd packets") { f, _, o in o.double(ratio(f.flow.backward.packets, f.flow.forward.packets)) },
        Column("PacketAsymmetry", "(FwdPackets − BwdPackets) / (FwdPackets + BwdPackets), from −1 (all server → client) to 1 (all client → server): −1 is a value here, not a missing-value sentinel; 0 without packets") { f, _, o in o.double(asymmetry(f.flow.forward.packets, f.flow.backward.packets)) },
        Column("ByteAsymmetry", "(FwdBytes − BwdBytes) / (FwdBytes + BwdBytes), frame bytes, from −1 (all server → client) to 1: a value, not a sentinel; 0 without bytes") { f, _, o in o.double(asymmetry(f.flow.forward.wireBytes, f.flow.backward.wireBytes)) },
    ]

    /// The handshake times with 0/1 companions (extended writes them empty when absent).
    static let handshakeColumns: [Column] = [
        Column("HandshakeSynToSynAck", "TCP handshake: first SYN → SYN-ACK, seconds; 0 when HasHandshakeSynToSynAck is 0", requires: .tcpAnalytics) { f, _, o in o.seconds(f.tcpAnalytics.handshake.synToSynAckNs ?? 0) },
        Column("HasHandshakeSynToSynAck", "1 when both the SYN and the SYN-ACK were seen, else 0", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.handshake.synToSynAckNs == nil ? 0 : 1) },
        Column("HandshakeSynAckToAck", "TCP handshake: SYN-ACK → the client's ACK of it, seconds; 0 when HasHandshakeSynAckToAck is 0", requires: .tcpAnalytics) { f, _, o in o.seconds(f.tcpAnalytics.handshake.synAckToAckNs ?? 0) },
        Column("HasHandshakeSynAckToAck", "1 when both the SYN-ACK and the ACK of it were seen, else 0", requires: .tcpAnalytics) { f, _, o in o.int(f.tcpAnalytics.handshake.synAckToAckNs == nil ? 0 : 1) },
    ]
}
