extension BulkSubflow {
    /// The `full` schema's columns: per direction, bulk counts (the companion of the others),
    /// bytes, packets, durations (seconds), rate and averages; then the subflow averages.
    static let fullColumns: [Column] = [
        Column("FwdBulks", "Number of bulks client → server: runs of ≥ 4 consecutive payload packets from this side, each less than 1 s after the previous one (a gap of 1 s or more, or a payload packet from the other side, ends the run; packets without payload neither join nor break it); 0 without one (companion of the FwdBulk… columns)", requires: .bulkSubflow) { f, _, o in o.int(f.bulkSubflow.forward.bulks) },
        Column("FwdBulkBytes", "Payload bytes (from the IP length fields) of the packets in the bulks client → server; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.int(f.bulkSubflow.forward.bytes) },
        Column("FwdBulkPkts", "Packets in the bulks client → server; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.int(f.bulkSubflow.forward.packets) },
        Column("FwdBulkDuration", "Summed durations (first to last packet) of the bulks client → server, seconds; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.forward.durationSeconds) },
        Column("FwdBulkRate", "FwdBulkBytes ÷ FwdBulkDuration, bytes/s; 0 when FwdBulkDuration is 0 (no bulk, or bulks at one instant)", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.forward.rate) },
        Column("FwdBytesPerBulk", "FwdBulkBytes ÷ FwdBulks, bytes; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.forward.bytesPerBulk) },
        Column("FwdPktsPerBulk", "FwdBulkPkts ÷ FwdBulks; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.forward.packetsPerBulk) },
        Column("BwdBulks", "Number of bulks server → client: runs of ≥ 4 consecutive payload packets from this side, each less than 1 s after the previous one (a gap of 1 s or more, or a payload packet from the other side, ends the run; packets without payload neither join nor break it); 0 without one (companion of the BwdBulk… columns)", requires: .bulkSubflow) { f, _, o in o.int(f.bulkSubflow.backward.bulks) },
        Column("BwdBulkBytes", "Payload bytes (from the IP length fields) of the packets in the bulks server → client; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.int(f.bulkSubflow.backward.bytes) },
        Column("BwdBulkPkts", "Packets in the bulks server → client; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.int(f.bulkSubflow.backward.packets) },
        Column("BwdBulkDuration", "Summed durations (first to last packet) of the bulks server → client, seconds; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.backward.durationSeconds) },
        Column("BwdBulkRate", "BwdBulkBytes ÷ BwdBulkDuration, bytes/s; 0 when BwdBulkDuration is 0 (no bulk, or bulks at one instant)", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.backward.rate) },
        Column("BwdBytesPerBulk", "BwdBulkBytes ÷ BwdBulks, bytes; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.backward.bytesPerBulk) },
        Column("BwdPktsPerBulk", "BwdBulkPkts ÷ BwdBulks; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.backward.packetsPerBulk) },
        Column("Subflows", "Number of subflows: 1 + the gaps longer than 1 s between consecutive packets of the flow, both directions (a gap of exactly 1 s does not count); 1 for a flow without such a gap, one-packet flows included", requires: .bulkSubflow) { f, _, o in o.int(f.bulkSubflow.subflows) },
        Column("SubflowFwdPkts", "Packets client → server ÷ Subflows (float); 0 without packets that way", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.perSubflow(f.flow.forward.packets)) },
        Column("SubflowFwdBytes", "Payload bytes client → server (L4 payload from the IP length fields, as CICFlowMeter's forwardBytes) ÷ Subflows (float); 0 without payload", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.perSubflow(f.bulkSubflow.forward.payloadBytes)) },
        Column("SubflowBwdPkts", "Packets server → client ÷ Subflows (float); 0 without packets that way", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.perSubflow(f.flow.backward.packets)) },
        Column("SubflowBwdBytes", "Payload bytes server → client (L4 payload from the IP length fields, as CICFlowMeter's backwardBytes) ÷ Subflows (float); 0 without payload", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.perSubflow(f.bulkSubflow.backward.payloadBytes)) },
    ]

    /// CICFlowMeter master's bulk and subflow columns, its names and order (they are adjacent
    /// there), with its definitions' intent: forward bulk computed (#124), float averages, one
    /// subflow without a gap.
    static let cicColumns: [Column] = [
        Column("Fwd Bytes/Bulk Avg", "Bulk payload bytes ÷ number of bulks, client → server (as FwdBytesPerBulk: ≥ 4 consecutive payload packets, a gap of ≥ 1 s or the other side's payload ends a bulk, pure ACKs ignored), float division; 0 without a bulk (CICFlowMeter #124 always wrote 0)", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.forward.bytesPerBulk) },
        Column("Fwd Packet/Bulk Avg", "Bulk packets ÷ number of bulks, client → server, float division; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.forward.packetsPerBulk) },
        Column("Fwd Bulk Rate Avg", "Bulk payload bytes ÷ summed bulk durations, client → server, bytes/s; 0 when that sum is 0", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.forward.rate) },
        Column("Bwd Bytes/Bulk Avg", "Bulk payload bytes ÷ number of bulks, server → client (as BwdBytesPerBulk: ≥ 4 consecutive payload packets, a gap of ≥ 1 s or the other side's payload ends a bulk, pure ACKs ignored), float division; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.backward.bytesPerBulk) },
        Column("Bwd Packet/Bulk Avg", "Bulk packets ÷ number of bulks, server → client, float division; 0 without a bulk", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.backward.packetsPerBulk) },
        Column("Bwd Bulk Rate Avg", "Bulk payload bytes ÷ summed bulk durations, server → client, bytes/s; 0 when that sum is 0", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.backward.rate) },
        Column("Subflow Fwd Packets", "Packets client → server ÷ subflow count (1 + gaps > 1 s between consecutive packets; master divided by the gaps alone, in integers, and wrote 0 without a gap), float; 0 without packets that way", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.perSubflow(f.flow.forward.packets)) },
        Column("Subflow Fwd Bytes", "L4 payload bytes client → server (from the IP length fields; CICFlowMeter's forwardBytes) ÷ subflow count, float; 0 without payload", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.perSubflow(f.bulkSubflow.forward.payloadBytes)) },
        Column("Subflow Bwd Packets", "Packets server → client ÷ subflow count (1 + gaps > 1 s between consecutive packets; master divided by the gaps alone, in integers, and wrote 0 without a gap), float; 0 without packets that way", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.perSubflow(f.flow.backward.packets)) },
        Column("Subflow Bwd Bytes", "L4 payload bytes server → client (from the IP length fields; CICFlowMeter's backwardBytes) ÷ subflow count, float; 0 without payload", requires: .bulkSubflow) { f, _, o in o.double(f.bulkSubflow.perSubflow(f.bulkSubflow.backward.payloadBytes)) },
    ]
}
