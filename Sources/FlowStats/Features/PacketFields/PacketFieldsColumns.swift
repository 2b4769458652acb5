extension PacketFields {
    // The packet-field columns of the `full` schema, by topic. Every name is written out, so
    // searching for a column's name finds where it is computed. Standard deviations and
    // variances are the population ones (divide by n). "Fwd" is client → server.

    /// IP and L4 header byte sums.
    static let headerColumns: [Column] = [
        Column("FwdIPHeaderBytes", "Sum of IP header lengths (IPv4 IHL×4, IPv6 40 + extension headers), client → server, bytes; 0 without packets", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.ipHeaderBytes) },
        Column("BwdIPHeaderBytes", "Sum of IP header lengths (IPv4 IHL×4, IPv6 40 + extension headers), server → client, bytes; 0 without packets", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.ipHeaderBytes) },
        Column("FlowIPHeaderBytes", "FwdIPHeaderBytes + BwdIPHeaderBytes, both directions, bytes", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.ipHeaderBytes + f.packetFields.backward.ipHeaderBytes) },
        Column("FwdL4HeaderBytes", "Sum of L4 header lengths (TCP data offset×4 with options, UDP/ICMP 8; 0 for other protocols), client → server, bytes; 0 without packets", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.l4HeaderBytes) },
        Column("BwdL4HeaderBytes", "Sum of L4 header lengths (TCP data offset×4 with options, UDP/ICMP 8; 0 for other protocols), server → client, bytes; 0 without packets", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.l4HeaderBytes) },
        Column("FlowL4HeaderBytes", "FwdL4HeaderBytes + BwdL4HeaderBytes, both directions, bytes", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.l4HeaderBytes + f.packetFields.backward.l4HeaderBytes) },
    ]

    /// L4 payload-length statistics (as CICFlowMeter's "packet length", from the IP length fields).
    static let payloadLengthColumns: [Column] = [
        Column("FwdPayloadLenMin", "Smallest L4 payload length (from the IP length fields; padding and snap-length cuts excluded), client → server, bytes; 0 without packets", requires: .packetFields) { f, _, o in o.double(f.packetFields.forward.payload.min) },
        Column("FwdPayloadLenMean", "Mean L4 payload length, client → server, bytes; 0 without packets; n = 1: the length", requires: .packetFields) { f, _, o in o.double(f.packetFields.forward.payload.mean) },
        Column("FwdPayloadLenStd", "Population standard deviation (÷ n) of the L4 payload length, client → server, bytes; 0 for fewer than 2 packets", requires: .packetFields) { f, _, o in o.double(f.packetFields.forward.payload.std) },
        Column("FwdPayloadLenVar", "Population variance (÷ n) of the L4 payload length, client → server, bytes²; 0 for fewer than 2 packets", requires: .packetFields) { f, _, o in o.double(f.packetFields.forward.payload.variance) },
        Column("FwdPayloadLenMax", "Largest L4 payload length, client → server, bytes; 0 without packets", requires: .packetFields) { f, _, o in o.double(f.packetFields.forward.payload.max) },
        Column("BwdPayloadLenMin", "Smallest L4 payload length (from the IP length fields; padding and snap-length cuts excluded), server → client, bytes; 0 without packets", requires: .packetFields) { f, _, o in o.double(f.packetFields.backward.payload.min) },
        Column("BwdPayloadLenMean", "Mean L4 payload length, server → client, bytes; 0 without packets; n = 1: the length", requires: .packetFields) { f, _, o in o.double(f.packetFields.backward.payload.mean) },
        Column("BwdPayloadLenStd", "Population standard deviation (÷ n) of the L4 payload length, server → client, bytes; 0 for fewer than 2 packets", requires: .packetFields) { f, _, o in o.double(f.packetFields.backward.payload.std) },
        Column("BwdPayloadLenVar", "Population variance (÷ n) of the L4 payload length, server → client, bytes²; 0 for fewer than 2 packets", requires: .packetFields) { f, _, o in o.double(f.packetFields.backward.payload.variance) },
        Column("BwdPayloadLenMax", "Largest L4 payload length, server → client, bytes; 0 without packets", requires: .packetFields) { f, _, o in o.double(f.packetFields.backward.payload.max) },
        Column("FlowPayloadLenMin", "Smallest L4 payload length (from the IP length fields; padding and snap-length cuts excluded), both directions, bytes; 0 without packets", requires: .packetFields) { f, _, o in o.double(f.packetFields.flowPayload.min) },
        Column("FlowPayloadLenMean", "Mean L4 payload length, both directions, bytes; 0 without packets; n = 1: the length", requires: .packetFields) { f, _, o in o.double(f.packetFields.flowPayload.mean) },
        Column("FlowPayloadLenStd", "Population standard deviation (÷ n) of the L4 payload length, both directions, bytes; 0 for fewer than 2 packets", requires: .packetFields) { f, _, o in o.double(f.packetFields.flowPayload.std) },
        Column("FlowPayloadLenVar", "Population variance (÷ n) of the L4 payload length, both directions, bytes²; 0 for fewer than 2 packets", requires: .packetFields) { f, _, o in o.double(f.packetFields.flowPayload.variance) },
        Column("FlowPayloadLenMax", "Largest L4 payload length, both directions, bytes; 0 without packets", requires: .packetFields) { f, _, o in o.double(f.packetFields.flowPayload.max) },
    ]

    /// Frame-length statistics (as NFStream's default accounting), from the size/timing group.
    static let frameLengthColumns: [Column] = [
        Column("FwdFrameLenMin", "Smallest frame (original wire) length, link layer included, client → server, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.size.min) },
        Column("FwdFrameLenMean", "Mean frame length, client → server, bytes; 0 without packets; n = 1: the length", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.size.mean) },
        Column("FwdFrameLenStd", "Population standard deviation (÷ n) of the frame length, client → server, bytes; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.size.std) },
        Column("FwdFrameLenVar", "Population variance (÷ n) of the frame length, client → server, bytes²; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.size.variance) },
        Column("FwdFrameLenMax", "Largest frame length, client → server, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.size.max) },
        Column("BwdFrameLenMin", "Smallest frame (original wire) length, link layer included, server → client, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.size.min) },
        Column("BwdFrameLenMean", "Mean frame length, server → client, bytes; 0 without packets; n = 1: the length", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.size.mean) },
        Column("BwdFrameLenStd", "Population standard deviation (÷ n) of the frame length, server → client, bytes; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.size.std) },
        Column("BwdFrameLenVar", "Population variance (÷ n) of the frame length, server → client, bytes²; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.size.variance) },
        Column("BwdFrameLenMax", "Largest frame length, server → client, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.size.max) },
        Column("FlowFrameLenMin", "Smallest frame (original wire) length, link layer included, both directions, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.size.min) },
        Column("FlowFrameLenMean", "Mean frame length, both directions, bytes; 0 without packets; n = 1: the length", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.size.mean) },
        Column("FlowFrameLenStd", "Population standard deviation (÷ n) of the frame length, both directions, bytes; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.size.std) },
        Column("FlowFrameLenVar", "Population variance (÷ n) of the frame length, both directions, bytes²; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.size.variance) },
        Column("FlowFrameLenMax", "Largest frame length, both directions, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.size.max) },
    ]

    /// Inter-arrival totals: last − first packet time of a direction.
    static let iatTotalColumns: [Column] = [
        Column("FlowIATTotal", "Last − first packet time, both directions (= DurationTime), seconds; 0 for one packet") { f, _, o in o.seconds(f.flow.durationNs) },
        Column("FwdIATTotal", "Last − first packet time, client → server, seconds; 0 for fewer than 2 packets", requires: .packetFields) { f, _, o in o.seconds(f.packetFields.forward.spanNs) },
        Column("BwdIATTotal", "Last − first packet time, server → client, seconds; 0 for fewer than 2 packets", requires: .packetFields) { f, _, o in o.seconds(f.packetFields.backward.spanNs) },
    ]

    /// TCP flag counts: packets with the flag set (every packet counts; 0 for UDP and others).
    static let flagColumns: [Column] = [
        Column("FwdFINCount", "Packets client → server with the TCP FIN flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.fin) },
        Column("FwdSYNCount", "Packets client → server with the TCP SYN flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.syn) },
        Column("FwdRSTCount", "Packets client → server with the TCP RST flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.rst) },
        Column("FwdPSHCount", "Packets client → server with the TCP PSH flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.psh) },
        Column("FwdACKCount", "Packets client → server with the TCP ACK flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.ack) },
        Column("FwdURGCount", "Packets client → server with the TCP URG flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.urg) },
        Column("FwdECECount", "Packets client → server with the TCP ECE flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.ece) },
        Column("FwdCWRCount", "Packets client → server with the TCP CWR flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.cwr) },
        Column("BwdFINCount", "Packets server → client with the TCP FIN flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.fin) },
        Column("BwdSYNCount", "Packets server → client with the TCP SYN flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.syn) },
        Column("BwdRSTCount", "Packets server → client with the TCP RST flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.rst) },
        Column("BwdPSHCount", "Packets server → client with the TCP PSH flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.psh) },
        Column("BwdACKCount", "Packets server → client with the TCP ACK flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.ack) },
        Column("BwdURGCount", "Packets server → client with the TCP URG flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.urg) },
        Column("BwdECECount", "Packets server → client with the TCP ECE flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.ece) },
        Column("BwdCWRCount", "Packets server → client with the TCP CWR flag set", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.cwr) },
        Column("FlowFINCount", "Packets with the TCP FIN flag set, both directions", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.fin + f.packetFields.backward.fin) },
        Column("FlowSYNCount", "Packets with the TCP SYN flag set, both directions", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.syn + f.packetFields.backward.syn) },
        Column("FlowRSTCount", "Packets with the TCP RST flag set, both directions", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.rst + f.packetFields.backward.rst) },
        Column("FlowPSHCount", "Packets with the TCP PSH flag set, both directions", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.psh + f.packetFields.backward.psh) },
        Column("FlowACKCount", "Packets with the TCP ACK flag set, both directions", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.ack + f.packetFields.backward.ack) },
        Column("FlowURGCount", "Packets with the TCP URG flag set, both directions", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.urg + f.packetFields.backward.urg) },
        Column("FlowECECount", "Packets with the TCP ECE flag set, both directions", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.ece + f.packetFields.backward.ece) },
        Column("FlowCWRCount", "Packets with the TCP CWR flag set, both directions", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.cwr + f.packetFields.backward.cwr) },
    ]

    /// Initial windows, SYN options, TTLs, active data packets, smallest L4 header.
    static let optionColumns: [Column] = [
        Column("FwdInitWindow", "TCP window of the first TCP packet client → server, raw (no scaling); 0 when FwdHasInitWindow is 0 (UDP, no packet)", requires: .packetFields) { f, _, o in o.int(Int(f.packetFields.forward.initialWindow)) },
        Column("FwdHasInitWindow", "1 when a TCP packet was seen client → server, else 0", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.hasInitialWindow ? 1 : 0) },
        Column("FwdWindowScale", "TCP window scale shift from the first SYN client → server that had the option; 0 when FwdHasWindowScale is 0", requires: .packetFields) { f, _, o in o.int(Int(f.packetFields.forward.windowScale)) },
        Column("FwdHasWindowScale", "1 when a SYN client → server carried the window scale option, else 0", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.hasWindowScale ? 1 : 0) },
        Column("FwdMSS", "TCP MSS option from the first SYN client → server that had it, bytes; 0 when FwdHasMSS is 0", requires: .packetFields) { f, _, o in o.int(Int(f.packetFields.forward.mss)) },
        Column("FwdHasMSS", "1 when a SYN client → server carried a non-zero MSS option, else 0", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.hasMSS ? 1 : 0) },
        Column("FwdTTLMin", "Smallest IPv4 TTL / IPv6 hop limit client → server; 0 when FwdHasTTL is 0", requires: .packetFields) { f, _, o in o.int(Int(f.packetFields.forward.ttlMin)) },
        Column("FwdTTLMax", "Largest IPv4 TTL / IPv6 hop limit client → server; 0 when FwdHasTTL is 0", requires: .packetFields) { f, _, o in o.int(Int(f.packetFields.forward.ttlMax)) },
        Column("FwdHasTTL", "1 when there is a packet client → server, else 0 (the outer flow of a tunnel counts its layers with TTL 0)", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.packets > 0 ? 1 : 0) },
        Column("FwdActDataPackets", "Packets client → server with at least 1 byte of L4 payload (the first packet included)", requires: .packetFields) { f, _, o in o.int(f.packetFields.forward.activeDataPackets) },
        Column("FwdL4HeaderLenMin", "Smallest L4 header length client → server, bytes (what CICFlowMeter's \"Fwd Seg Size Min\" computes); 0 without packets", requires: .packetFields) { f, _, o in o.int(Int(f.packetFields.forward.minL4Header)) },
        Column("BwdInitWindow", "TCP window of the first TCP packet server → client, raw (no scaling); 0 when BwdHasInitWindow is 0 (UDP, no packet)", requires: .packetFields) { f, _, o in o.int(Int(f.packetFields.backward.initialWindow)) },
        Column("BwdHasInitWindow", "1 when a TCP packet was seen server → client, else 0", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.hasInitialWindow ? 1 : 0) },
        Column("BwdWindowScale", "TCP window scale shift from the first SYN server → client that had the option; 0 when BwdHasWindowScale is 0", requires: .packetFields) { f, _, o in o.int(Int(f.packetFields.backward.windowScale)) },
        Column("BwdHasWindowScale", "1 when a SYN server → client carried the window scale option, else 0", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.hasWindowScale ? 1 : 0) },
        Column("BwdMSS", "TCP MSS option from the first SYN server → client that had it, bytes; 0 when BwdHasMSS is 0", requires: .packetFields) { f, _, o in o.int(Int(f.packetFields.backward.mss)) },
        Column("BwdHasMSS", "1 when a SYN server → client carried a non-zero MSS option, else 0", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.hasMSS ? 1 : 0) },
        Column("BwdTTLMin", "Smallest IPv4 TTL / IPv6 hop limit server → client; 0 when BwdHasTTL is 0", requires: .packetFields) { f, _, o in o.int(Int(f.packetFields.backward.ttlMin)) },
        Column("BwdTTLMax", "Largest IPv4 TTL / IPv6 hop limit server → client; 0 when BwdHasTTL is 0", requires: .packetFields) { f, _, o in o.int(Int(f.packetFields.backward.ttlMax)) },
        Column("BwdHasTTL", "1 when there is a packet server → client, else 0 (the outer flow of a tunnel counts its layers with TTL 0)", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.packets > 0 ? 1 : 0) },
        Column("BwdActDataPackets", "Packets server → client with at least 1 byte of L4 payload (the first packet included)", requires: .packetFields) { f, _, o in o.int(f.packetFields.backward.activeDataPackets) },
        Column("BwdL4HeaderLenMin", "Smallest L4 header length server → client, bytes (what CICFlowMeter's \"Fwd Seg Size Min\" computes); 0 without packets", requires: .packetFields) { f, _, o in o.int(Int(f.packetFields.backward.minL4Header)) },
    ]
}
