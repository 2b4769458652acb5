import Foundation
import Testing

// NFStream 6.6 itself, run on corpus captures, against `flowcsv --preset nfstream`: the flows
// as multisets of (protocol, unordered endpoint pair, packets, bytes). The captures cover a
// tunnel NFStream decodes (GTP-U, IP-in-IP), tunnels it does not (VXLAN, GRE, Teredo), ICMP
// between two hosts with several types, VLAN (Q-in-Q, three tags, MPLS in VLAN), non-first
// fragments and link types NFStream does not read (LINUX_SLL2, PPI). Before `--preset
// nfstream` formed flows as NFStream does, 7 of these 14 captures differed.
//
// Python comes from FLOWCSV_PYTHON, else `.venv/bin/python` under the package root (which
// `.ci/run` creates with `pip install nfstream==6.6.0 dpkt==1.9.8`); the suite is skipped
// with a message when neither has the `nfstream` module, or when the corpus is absent.

enum NFStreamPython {
    static let path: String? = {
        let environment = ProcessInfo.processInfo.environment["FLOWCSV_PYTHON"] ?? ""
        let candidates = [environment, FlowCSV.packageRoot.appendingPathComponent(".venv/bin/python").path]
        return candidates.first { !$0.isEmpty && FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Whether `path` imports nfstream.
    static let hasNFStream: Bool = {
        guard let path else { return false }
        return (try? run(path, ["-c", "import nfstream"]).status) == 0
    }()

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ToolProcess.run(executable, arguments)
    }
}

@Suite(.enabled(if: ConformanceCorpus.isPresent, "needs ../shared/corpus next to the package"),
       .enabled(if: NFStreamPython.hasNFStream,
                "needs Python with nfstream 6.6: set FLOWCSV_PYTHON or create .venv (pip install nfstream==6.6.0)"))
struct NFStreamFlowFormationTests {
    static let captures = [
        "ndpi__ipv6_in_gtp.pcap", "ndpi__4in6tunnel.pcap", "zeek__tunnels__vxlan.pcap", "zeek__tunnels__gre-sample.pcap",
        "zeek__tunnels__teredo_bubble_with_payload.pcap", "foxio__sshv1.pcap", "ndpi__malformed_icmp.pcap",
        "zeek__q-in-q.pcap", "zeek__vlan-qinqinq.pcap", "zeek__mpls-in-vlan.pcap", "ndpi__dnscrypt-v1-and-resolver-pings.pcap",
        "zeek__ipv6-fragmented-dns.pcap", "zeek__linux_dlt_sll2.pcap", "ndpi__someip_sd_sample.pcap",
    ]

    /// One flow as compared: protocol, the two endpoints in sorted order, packets, bytes.
    struct Flow: Hashable, Comparable, CustomStringConvertible {
        var fields: [String]
        static func < (a: Flow, b: Flow) -> Bool { a.fields.lexicographicallyPrecedes(b.fields) }
        var description: String { fields.joined(separator: " ") }

        init(protocol proto: Int, _ a: String, _ aPort: Int, _ b: String, _ bPort: Int, packets: Int, bytes: Int) {
            let x = "\(a) \(aPort)", y = "\(b) \(bPort)"
            fields = ["\(proto)", min(x, y), max(x, y), "\(packets)", "\(bytes)"]
        }
    }

    static let nfstreamScript = """
        import ipaddress, sys
        from nfstream import NFStreamer
        for f in NFStreamer(source=sys.argv[1], n_dissections=0, statistical_analysis=False, n_meters=1):
            print(f.protocol, ipaddress.ip_address(f.src_ip), f.src_port, ipaddress.ip_address(f.dst_ip), f.dst_port,
                  f.bidirectional_packets, f.bidirectional_bytes)
        """

    static func nfstreamFlows(_ capture: String) throws -> [Flow] {
        let python = try #require(NFStreamPython.path)
        let result = try NFStreamPython.run(python, ["-c", nfstreamScript, ConformanceCorpus.capturePath(capture)])
        try #require(result.status == 0, "NFStream failed on \(capture): \(result.stderr)")
        return try result.stdout.split(separator: "\n").map { line in
            let f = line.split(separator: " ").map(String.init)
            try #require(f.count == 7, "unexpected NFStream line \(line)")
            return Flow(protocol: Int(f[0])!, f[1], Int(f[2])!, f[3], Int(f[4])!, packets: Int(f[5])!, bytes: Int(f[6])!)
        }.sorted()
    }

    /// Protocol numbers of the keywords flowcsv writes (docs/columns.md, `Protocol`).
    static let protocolNumbers = ["ICMP": 1, "IGMP": 2, "IPv4": 4, "TCP": 6, "UDP": 17, "IPv6": 41, "GRE": 47, "ESP": 50,
                                  "AH": 51, "ICMPv6": 58, "IPv6-NoNxt": 59, "SCTP": 132]

    static func flowcsvFlows(_ capture: String) async throws -> [Flow] {
        let result = try await FlowCSV.run(["--quiet", "--preset", "nfstream", ConformanceCorpus.capturePath(capture)],
                                           in: NSTemporaryDirectory())
        try #require(result.status == 0, "flowcsv failed on \(capture): \(result.stderr)")
        let table = try #require(result.csv)
        return try table.rows.map { row in
            let name = row["Protocol"]
            let proto = try #require(protocolNumbers[name] ?? Int(name), "protocol \(name)")
            return Flow(protocol: proto, row["ClientIP"], try #require(row.int("ClientPort")),
                        row["ServerIP"], try #require(row.int("ServerPort")),
                        packets: try #require(row.int("FlowPackets")), bytes: try #require(row.int("FlowBytes")))
        }.sorted()
    }

    @Test(arguments: captures)
    func flowsAreNFStreams(_ capture: String) async throws {
        let theirs = try Self.nfstreamFlows(capture)
        let ours = try await Self.flowcsvFlows(capture)
        #expect(ours == theirs, "\(capture): NFStream only \(theirs.filter { !ours.contains($0) }), flowcsv only \(ours.filter { !theirs.contains($0) })")
    }
}
