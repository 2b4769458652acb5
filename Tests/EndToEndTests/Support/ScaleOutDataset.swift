// A folder of captures with the traps a fan-out over files must get right (issue 13), shared
// by FanOutTests and SparkDriverTests. Written with the project's pcap writers.

import FlowStatsTestSupport
import Foundation

enum ScaleOutDataset {
    /// flowcsv's order of the captures under `data/` (folder by folder, names in byte order):
    /// `a/` comes before `a-b/` although a sort of full paths puts `a-b/y.pcap` first ('-' <
    /// '/'); `_under.pcap` is listed (Spark's binaryFile would drop it); `.hidden.pcap` and
    /// `b/notes.txt` are not.
    static let captures = [
        "a/_under.pcap", "a/x.pcap", "a-b/y.pcapng", "b/truncated.pcap", "c/badheader.pcap", "c/ns.pcap",
    ]
    /// The capture whose header cannot be read: a pcap version 1.4 file.
    static let unreadable = "c/badheader.pcap"
    static let unreadableError = "flowcsv: error: c/badheader.pcap: unsupported pcap savefile version 1.4"

    /// Writes the dataset under `root/data`.
    static func write(in root: String) throws {
        let data = root + "/data"
        try PcapWriter.classic(Fixtures.smallUDP(startMs: 7)).write(toFile: data + "/a/_under.pcap")
        try PcapWriter.classic(Fixtures.browse()).write(toFile: data + "/a/x.pcap")
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: data + "/a/.hidden.pcap")
        try PcapngWriter.file([.init(interfaces: [.init(linkType: 1)], records: Fixtures.shortTCP(startMs: 3))])
            .write(toFile: data + "/a-b/y.pcapng")
        try Array("not a capture\n".utf8).write(toFile: data + "/b/notes.txt")
        // The browse capture cut 10 bytes into its last record's data.
        let whole = PcapWriter.classic(Fixtures.browse())
        try Array(whole.prefix(whole.count - 44)).write(toFile: data + "/b/truncated.pcap")
        try PcapWriter.classic(Fixtures.smallUDP(), versionMajor: 1, versionMinor: 4).write(toFile: data + "/c/badheader.pcap")
        // Nanosecond timestamps: StartTime keeps all nine digits.
        let nanos = Fixtures.shortTCP(startMs: 50).map { PcapRecord($0.timestampNs + 123_456_789, $0.data) }
        try PcapWriter.classic(nanos, nanosecond: true).write(toFile: data + "/c/ns.pcap")
    }
}
