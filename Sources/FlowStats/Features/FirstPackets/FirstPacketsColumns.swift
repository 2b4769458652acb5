extension FirstPackets {
    /// The first-packet columns of flowcsv's own schemas: `SPLT1Size … SPLTnSize`, then
    /// `SPLT1IAT … SPLTnIAT` (the `full` schema's default n is 10; `--splt N` sets it).
    /// Encoding: size = the packet's wire (frame) length in bytes, + client → server,
    /// − server → client, 0 where the flow has fewer packets; IAT = seconds since the previous
    /// packet of the flow (either direction), 0 for the first packet and for missing ones.
    /// Names are built from the position, so they are not literals; searching for `SPLT` finds this.
    static func fullColumns(count: Int) -> [Column] {
        guard count > 0 else { return [] }
        let sizes = (0..<count).map { i in
            Column("SPLT\(i + 1)Size",
                   "Wire (frame) length of the flow's packet \(i + 1), bytes, signed: + client → server, − server → client; 0 when the flow has fewer than \(i + 1) packets",
                   requires: .firstPackets) { f, _, o in o.int(f.firstPackets.signedSize(i)) }
        }
        let iats = (0..<count).map { i in
            Column("SPLT\(i + 1)IAT",
                   i == 0 ? "Time before the flow's first packet: always 0, seconds"
                          : "Time from the flow's packet \(i) to its packet \(i + 1) (either direction), seconds; 0 when the flow has fewer than \(i + 1) packets",
                   requires: .firstPackets) { f, _, o in o.seconds(f.firstPackets.interArrivalNs(i)) }
        }
        return sizes + iats
    }
}
