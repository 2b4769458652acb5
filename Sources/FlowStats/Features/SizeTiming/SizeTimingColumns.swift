extension SizeTiming {
    /// The byte-sum columns of the `extended` schema. Every name is written out, so searching
    /// for a column's name finds where it is computed.
    static let byteColumns: [Column] = [
        Column("FwdIPBytes", "Sum of IP total lengths client → server (IP header included, no link layer)", requires: .sizeTiming) { f, _, o in o.int(f.sizeTiming.forwardIPBytes) },
        Column("BwdIPBytes", "Sum of IP total lengths server → client", requires: .sizeTiming) { f, _, o in o.int(f.sizeTiming.backwardIPBytes) },
        Column("FwdPayloadBytes", "Sum of transport payload lengths client → server (from the IP length fields; retransmissions included)", requires: .sizeTiming) { f, _, o in o.int(f.sizeTiming.forwardPayloadBytes) },
        Column("BwdPayloadBytes", "Sum of transport payload lengths server → client", requires: .sizeTiming) { f, _, o in o.int(f.sizeTiming.backwardPayloadBytes) },
    ]

    /// The packet-size and inter-arrival columns: client → server, server → client, both.
    static let statsColumns: [Column] = [
        Column("FwdPktLenMin", "Smallest wire length, client → server, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.size.min) },
        Column("FwdPktLenMax", "Largest wire length, client → server, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.size.max) },
        Column("FwdPktLenMean", "Mean wire length, client → server, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.size.mean) },
        Column("FwdPktLenStd", "Population standard deviation of the wire length, client → server, bytes; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.size.std) },
        Column("FwdIATMin", "Smallest time between consecutive packets, client → server, seconds; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.interArrival.min) },
        Column("FwdIATMax", "Largest time between consecutive packets, client → server, seconds; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.interArrival.max) },
        Column("FwdIATMean", "Mean time between consecutive packets, client → server, seconds; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.interArrival.mean) },
        Column("FwdIATStd", "Population standard deviation of the time between consecutive packets, client → server, seconds; 0 for fewer than 3 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.forward.interArrival.std) },
        Column("BwdPktLenMin", "Smallest wire length, server → client, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.size.min) },
        Column("BwdPktLenMax", "Largest wire length, server → client, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.size.max) },
        Column("BwdPktLenMean", "Mean wire length, server → client, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.size.mean) },
        Column("BwdPktLenStd", "Population standard deviation of the wire length, server → client, bytes; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.size.std) },
        Column("BwdIATMin", "Smallest time between consecutive packets, server → client, seconds; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.interArrival.min) },
        Column("BwdIATMax", "Largest time between consecutive packets, server → client, seconds; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.interArrival.max) },
        Column("BwdIATMean", "Mean time between consecutive packets, server → client, seconds; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.interArrival.mean) },
        Column("BwdIATStd", "Population standard deviation of the time between consecutive packets, server → client, seconds; 0 for fewer than 3 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.backward.interArrival.std) },
        Column("FlowPktLenMin", "Smallest wire length, both directions, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.size.min) },
        Column("FlowPktLenMax", "Largest wire length, both directions, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.size.max) },
        Column("FlowPktLenMean", "Mean wire length, both directions, bytes; 0 without packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.size.mean) },
        Column("FlowPktLenStd", "Population standard deviation of the wire length, both directions, bytes; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.size.std) },
        Column("FlowIATMin", "Smallest time between consecutive packets, both directions, seconds; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.interArrival.min) },
        Column("FlowIATMax", "Largest time between consecutive packets, both directions, seconds; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.interArrival.max) },
        Column("FlowIATMean", "Mean time between consecutive packets, both directions, seconds; 0 for fewer than 2 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.interArrival.mean) },
        Column("FlowIATStd", "Population standard deviation of the time between consecutive packets, both directions, seconds; 0 for fewer than 3 packets", requires: .sizeTiming) { f, _, o in o.double(f.sizeTiming.flow.interArrival.std) },
    ]
}
