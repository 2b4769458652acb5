extension Schema {
    /// NFStream 6.6's columns, names and order as `NFStreamer(statistical_analysis=True,
    /// splt_analysis=N, n_dissections=0).to_csv()` writes them, with its units: ms (integer
    /// time base, truncated), link-layer sizes, sample stddev. src = the sender of the flow's
    /// first packet. Floats as Python's repr, integers without a decimal point.
    static func nfstreamColumns(splt: Int) -> [Column] {
        nfstreamBaseColumns + (splt > 0 ? NFStreamValues.spltColumns(count: splt) : [])
    }

    static let nfstreamBaseColumns: [Column] = [
        Column("id", "flowcsv's FlowID of the row (NFStream numbers its flows 0, 1, … in expiry order; flowcsv writes its deterministic id instead)", requires: .nfstream, identifier: true) { f, _, o in o.flowID(f.flow.uid) },
        Column("expiration_id", "1 when the row ended at the active timeout, else 0 (idle timeout, or open at the end of the capture: NFStream writes 0 there too)", requires: .nfstream) { f, _, o in o.int(f.flow.endReason == .active ? 1 : 0) },
        Column("src_ip", "Source address: the sender of the flow's first packet", requires: .nfstream, identifier: true) { f, _, o in o.address(f.nfstream.src(f.flow).address) },
        Column("src_mac", "Source MAC of the first packet's Ethernet header, lower-case colon hex; 00:00:00:00:00:00 off Ethernet", requires: .nfstream, identifier: true) { f, _, o in o.plain(NFStreamValues.macText(f.nfstream.srcMAC)) },
        Column("src_oui", "First three bytes of src_mac", requires: .nfstream, identifier: true) { f, _, o in o.plain(String(NFStreamValues.macText(f.nfstream.srcMAC).prefix(8))) },
        Column("src_port", "Source port (0 without ports)", requires: .nfstream, identifier: true) { f, _, o in o.int(Int(f.nfstream.src(f.flow).port)) },
        Column("dst_ip", "Destination address", requires: .nfstream, identifier: true) { f, _, o in o.address(f.nfstream.dst(f.flow).address) },
        Column("dst_mac", "Destination MAC of the first packet's Ethernet header", requires: .nfstream, identifier: true) { f, _, o in o.plain(NFStreamValues.macText(f.nfstream.dstMAC)) },
        Column("dst_oui", "First three bytes of dst_mac", requires: .nfstream, identifier: true) { f, _, o in o.plain(String(NFStreamValues.macText(f.nfstream.dstMAC).prefix(8))) },
        Column("dst_port", "Destination port (0 without ports)", requires: .nfstream, identifier: true) { f, _, o in o.int(Int(f.nfstream.dst(f.flow).port)) },
        Column("protocol", "IP protocol number", requires: .nfstream) { f, _, o in o.int(Int(f.flow.key.ipProtocol)) },
        Column("ip_version", "4 or 6", requires: .nfstream) { f, _, o in o.int(f.flow.client.address.isIPv4 ? 4 : 6) },
        Column("vlan_id", "VLAN id of the flow (0 untagged)", requires: .nfstream, identifier: true) { f, _, o in o.int(Int(f.flow.vlanID)) },
        Column("tunnel_id", "NFStream's tunnel type (0 none); flowcsv writes 0", requires: .nfstream, identifier: true) { _, _, o in o.int(0) },
        Column("bidirectional_first_seen_ms", "First packet, ms since the epoch (floor of capture ns / 10⁶)", requires: .nfstream, identifier: true) { f, _, o in o.int(Int(f.nfstream.bidirectional.firstMs)) },
        Column("bidirectional_last_seen_ms", "Last packet, ms since the epoch", requires: .nfstream, identifier: true) { f, _, o in o.int(Int(f.nfstream.bidirectional.lastMs)) },
        Column("bidirectional_duration_ms", "last_seen_ms − first_seen_ms, ms", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.bidirectional.durationMs)) },
        Column("bidirectional_packets", "Packets, both directions", requires: .nfstream) { f, _, o in o.int(f.nfstream.bidirectional.packets) },
        Column("bidirectional_bytes", "Sum of wire lengths (each as uint16, as NFStream), both directions", requires: .nfstream) { f, _, o in o.int(f.nfstream.bidirectional.bytes) },
        Column("src2dst_first_seen_ms", "First src → dst packet, ms since the epoch", requires: .nfstream, identifier: true) { f, _, o in o.int(Int(f.nfstream.src2dst.firstMs)) },
        Column("src2dst_last_seen_ms", "Last src → dst packet, ms since the epoch", requires: .nfstream, identifier: true) { f, _, o in o.int(Int(f.nfstream.src2dst.lastMs)) },
        Column("src2dst_duration_ms", "src → dst last − first, ms", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.src2dst.durationMs)) },
        Column("src2dst_packets", "Packets src → dst", requires: .nfstream) { f, _, o in o.int(f.nfstream.src2dst.packets) },
        Column("src2dst_bytes", "Wire bytes src → dst", requires: .nfstream) { f, _, o in o.int(f.nfstream.src2dst.bytes) },
        Column("dst2src_first_seen_ms", "First dst → src packet, ms since the epoch; 0 without one", requires: .nfstream, identifier: true) { f, _, o in o.int(Int(f.nfstream.dst2src.firstMs)) },
        Column("dst2src_last_seen_ms", "Last dst → src packet, ms since the epoch; 0 without one", requires: .nfstream, identifier: true) { f, _, o in o.int(Int(f.nfstream.dst2src.lastMs)) },
        Column("dst2src_duration_ms", "dst → src last − first, ms", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.dst2src.durationMs)) },
        Column("dst2src_packets", "Packets dst → src", requires: .nfstream) { f, _, o in o.int(f.nfstream.dst2src.packets) },
        Column("dst2src_bytes", "Wire bytes dst → src", requires: .nfstream) { f, _, o in o.int(f.nfstream.dst2src.bytes) },
    ]
    + NFStreamValues.statsColumns
    + NFStreamValues.flagColumns
}

extension NFStreamValues {
    func src(_ r: FlowRecord) -> Endpoint { srcIsClient ? r.client : r.server }
    func dst(_ r: FlowRecord) -> Endpoint { srcIsClient ? r.server : r.client }

    func side(_ s: FlowSide) -> Side {
        switch s {
        case .both: bidirectional
        case .forward: src2dst
        case .backward: dst2src
        }
    }

    /// `aa:bb:cc:dd:ee:ff` of a 48-bit MAC (first byte in bits 40–47).
    static func macText(_ mac: UInt64) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(17)
        for i in 0..<6 {
            let b = Int((mac >> UInt64(40 - 8 * i)) & 0xFF)
            if i > 0 { bytes.append(UInt8(ascii: ":")) }
            bytes.append(hex[b >> 4]); bytes.append(hex[b & 15])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A float as Python's repr (pandas' to_csv): shortest round-trip digits.
    static func float(_ x: Double, _ o: RowBuffer) { o.plain(x.isFinite ? x.description : "0.0") }

    /// `*_min_ps … *_max_piat_ms`, per side (bidirectional, src2dst, dst2src).
    static let statsColumns: [Column] = [
        Column("bidirectional_min_ps", "Smallest wire length, both directions, bytes; 0 without packets", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.side(.both).size.min)) },
        Column("bidirectional_mean_ps", "Mean wire length, both directions, bytes", requires: .nfstream) { f, _, o in float(f.nfstream.side(.both).size.mean, o) },
        Column("bidirectional_stddev_ps", "Sample stddev of the wire length sqrt(M2/(n−1)), both directions; 0 for n < 2", requires: .nfstream) { f, _, o in float(f.nfstream.side(.both).size.sampleStd, o) },
        Column("bidirectional_max_ps", "Largest wire length, both directions, bytes", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.side(.both).size.max)) },
        Column("src2dst_min_ps", "Smallest wire length, src → dst, bytes; 0 without packets", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.side(.forward).size.min)) },
        Column("src2dst_mean_ps", "Mean wire length, src → dst, bytes", requires: .nfstream) { f, _, o in float(f.nfstream.side(.forward).size.mean, o) },
        Column("src2dst_stddev_ps", "Sample stddev of the wire length sqrt(M2/(n−1)), src → dst; 0 for n < 2", requires: .nfstream) { f, _, o in float(f.nfstream.side(.forward).size.sampleStd, o) },
        Column("src2dst_max_ps", "Largest wire length, src → dst, bytes", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.side(.forward).size.max)) },
        Column("dst2src_min_ps", "Smallest wire length, dst → src, bytes; 0 without packets", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.side(.backward).size.min)) },
        Column("dst2src_mean_ps", "Mean wire length, dst → src, bytes", requires: .nfstream) { f, _, o in float(f.nfstream.side(.backward).size.mean, o) },
        Column("dst2src_stddev_ps", "Sample stddev of the wire length sqrt(M2/(n−1)), dst → src; 0 for n < 2", requires: .nfstream) { f, _, o in float(f.nfstream.side(.backward).size.sampleStd, o) },
        Column("dst2src_max_ps", "Largest wire length, dst → src, bytes", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.side(.backward).size.max)) },
        Column("bidirectional_min_piat_ms", "Smallest time between consecutive packets, both directions, integer ms of the ms time base; 0 for n < 2", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.side(.both).piat.min)) },
        Column("bidirectional_mean_piat_ms", "Mean inter-arrival time, both directions, ms", requires: .nfstream) { f, _, o in float(f.nfstream.side(.both).piat.mean, o) },
        Column("bidirectional_stddev_piat_ms", "Sample stddev of the n − 1 inter-arrival times sqrt(M2/(n−2)), both directions, ms; 0 for n < 3", requires: .nfstream) { f, _, o in float(f.nfstream.side(.both).piat.sampleStd, o) },
        Column("bidirectional_max_piat_ms", "Largest inter-arrival time, both directions, ms", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.side(.both).piat.max)) },
        Column("src2dst_min_piat_ms", "Smallest time between consecutive packets, src → dst, integer ms of the ms time base; 0 for n < 2", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.side(.forward).piat.min)) },
        Column("src2dst_mean_piat_ms", "Mean inter-arrival time, src → dst, ms", requires: .nfstream) { f, _, o in float(f.nfstream.side(.forward).piat.mean, o) },
        Column("src2dst_stddev_piat_ms", "Sample stddev of the n − 1 inter-arrival times sqrt(M2/(n−2)), src → dst, ms; 0 for n < 3", requires: .nfstream) { f, _, o in float(f.nfstream.side(.forward).piat.sampleStd, o) },
        Column("src2dst_max_piat_ms", "Largest inter-arrival time, src → dst, ms", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.side(.forward).piat.max)) },
        Column("dst2src_min_piat_ms", "Smallest time between consecutive packets, dst → src, integer ms of the ms time base; 0 for n < 2", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.side(.backward).piat.min)) },
        Column("dst2src_mean_piat_ms", "Mean inter-arrival time, dst → src, ms", requires: .nfstream) { f, _, o in float(f.nfstream.side(.backward).piat.mean, o) },
        Column("dst2src_stddev_piat_ms", "Sample stddev of the n − 1 inter-arrival times sqrt(M2/(n−2)), dst → src, ms; 0 for n < 3", requires: .nfstream) { f, _, o in float(f.nfstream.side(.backward).piat.sampleStd, o) },
        Column("dst2src_max_piat_ms", "Largest inter-arrival time, dst → src, ms", requires: .nfstream) { f, _, o in o.int(Int(f.nfstream.side(.backward).piat.max)) },
    ]

    /// `*_syn_packets … *_fin_packets`, NFStream's flag order (SYN CWR ECE URG ACK PSH RST FIN); flag bits 0 FIN … 7 CWR.
    static let flagColumns: [Column] = [
        Column("bidirectional_syn_packets", "TCP packets with SYN set, both directions", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.both).flags.count(bit: 1)) },
        Column("bidirectional_cwr_packets", "TCP packets with CWR set, both directions", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.both).flags.count(bit: 7)) },
        Column("bidirectional_ece_packets", "TCP packets with ECE set, both directions", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.both).flags.count(bit: 6)) },
        Column("bidirectional_urg_packets", "TCP packets with URG set, both directions", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.both).flags.count(bit: 5)) },
        Column("bidirectional_ack_packets", "TCP packets with ACK set, both directions", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.both).flags.count(bit: 4)) },
        Column("bidirectional_psh_packets", "TCP packets with PSH set, both directions", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.both).flags.count(bit: 3)) },
        Column("bidirectional_rst_packets", "TCP packets with RST set, both directions", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.both).flags.count(bit: 2)) },
        Column("bidirectional_fin_packets", "TCP packets with FIN set, both directions", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.both).flags.count(bit: 0)) },
        Column("src2dst_syn_packets", "TCP packets with SYN set, src → dst", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.forward).flags.count(bit: 1)) },
        Column("src2dst_cwr_packets", "TCP packets with CWR set, src → dst", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.forward).flags.count(bit: 7)) },
        Column("src2dst_ece_packets", "TCP packets with ECE set, src → dst", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.forward).flags.count(bit: 6)) },
        Column("src2dst_urg_packets", "TCP packets with URG set, src → dst", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.forward).flags.count(bit: 5)) },
        Column("src2dst_ack_packets", "TCP packets with ACK set, src → dst", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.forward).flags.count(bit: 4)) },
        Column("src2dst_psh_packets", "TCP packets with PSH set, src → dst", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.forward).flags.count(bit: 3)) },
        Column("src2dst_rst_packets", "TCP packets with RST set, src → dst", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.forward).flags.count(bit: 2)) },
        Column("src2dst_fin_packets", "TCP packets with FIN set, src → dst", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.forward).flags.count(bit: 0)) },
        Column("dst2src_syn_packets", "TCP packets with SYN set, dst → src", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.backward).flags.count(bit: 1)) },
        Column("dst2src_cwr_packets", "TCP packets with CWR set, dst → src", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.backward).flags.count(bit: 7)) },
        Column("dst2src_ece_packets", "TCP packets with ECE set, dst → src", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.backward).flags.count(bit: 6)) },
        Column("dst2src_urg_packets", "TCP packets with URG set, dst → src", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.backward).flags.count(bit: 5)) },
        Column("dst2src_ack_packets", "TCP packets with ACK set, dst → src", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.backward).flags.count(bit: 4)) },
        Column("dst2src_psh_packets", "TCP packets with PSH set, dst → src", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.backward).flags.count(bit: 3)) },
        Column("dst2src_rst_packets", "TCP packets with RST set, dst → src", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.backward).flags.count(bit: 2)) },
        Column("dst2src_fin_packets", "TCP packets with FIN set, dst → src", requires: .nfstream) { f, _, o in o.int(f.nfstream.side(.backward).flags.count(bit: 0)) },
    ]

    /// `splt_direction`, `splt_ps`, `splt_piat_ms`: Python lists of the first `count` packets
    /// (direction 0 src → dst, 1 dst → src; wire length; ms since the previous packet, 0 for
    /// the first), padded with −1.
    static func spltColumns(count: Int) -> [Column] {
        [
            Column("splt_direction", "First \(count) packets' directions as a list: 0 src → dst, 1 dst → src, −1 padding", requires: [.nfstream, .firstPackets]) { f, _, o in
                o.text(list(count, f.firstPackets) { p in (p.signedSize > 0) == f.nfstream.srcIsClient ? 0 : 1 })
            },
            Column("splt_ps", "First \(count) packets' wire lengths as a list, −1 padding", requires: [.nfstream, .firstPackets]) { f, _, o in
                o.text(list(count, f.firstPackets) { p in Int(UInt16(truncatingIfNeeded: p.signedSize.magnitude)) })
            },
            Column("splt_piat_ms", "First \(count) packets' ms since the previous packet (ms time base) as a list: 0 for the first, −1 padding", requires: [.nfstream, .firstPackets]) { f, _, o in
                let packets = f.firstPackets.packets
                var previous: Int64 = 0
                var index = 0
                o.text(list(count, f.firstPackets) { p in
                    defer { index += 1 }
                    let ms = milliseconds(p.timeNs)
                    defer { previous = ms }
                    return index == 0 || packets.isEmpty ? 0 : Int(ms - previous)
                })
            },
        ]
    }

    static func list(_ count: Int, _ first: FirstPackets, _ value: (FirstPackets.Packet) -> Int) -> String {
        var s = "["
        for i in 0..<count {
            if i > 0 { s += ", " }
            s += i < first.packets.count ? String(value(first.packets[i])) : "-1"
        }
        return s + "]"
    }
}
