extension Schema {
    /// The column table of the `extended` schema: every `basic` column, then the size/timing
    /// group's (Features/SizeTiming), the TCP analytics group's (Features/TCPAnalytics), and these.
    static let extendedColumns: [Column] = basicColumns
        + SizeTiming.byteColumns
        + SizeTiming.statsColumns
        + TCPAnalytics.columns
        + extendedTailColumns

    /// VLAN and ids: the end of `extended` and `full`.
    static let extendedTailColumns: [Column] = [
            Column("VLAN", "Outermost 802.1Q VLAN id of the flow's first packet; 0 when untagged", identifier: true) { f, _, o in o.int(Int(f.flow.vlanID)) },
            Column("FlowID", "Deterministic id of this row's flow (the Zeek schema's uid)", identifier: true) { f, _, o in o.flowID(f.flow.uid) },
            Column("TunnelParentIDs", "FlowIDs of the tunnel flow(s) that carried this flow, space-separated; empty when not tunnelled", identifier: true) { f, _, o in
                if f.flow.tunnelParents.isEmpty { o.empty() } else { o.text(f.flow.tunnelParents.map { FlowUID.text($0.uid) }.joined(separator: " ")) }
            },
    ]
}
