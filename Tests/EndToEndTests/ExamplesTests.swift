import Foundation
import Testing

/// Runs flowcsv on the committed `examples/` folder and checks it against what
/// examples/README.md says about every file and flow (worked out when the files were made).
@Suite struct ExamplesTests {
    struct ExampleFile {
        var path: String
        var label: String
        var flowCount: Int       // "N flows: …"
        var packetCount: Int     // "… N packets."
        var tablePackets: Int?   // the packets column of the overview table
        var flows: [ExampleFlow] = []
    }

    struct ExampleFlow: CustomStringConvertible {
        var line: String
        var proto: String
        var client: String
        var clientPort: String?
        var server: String
        var serverPort: String?
        var fwdPackets: Int, bwdPackets: Int
        var fwdBytes: Int, bwdBytes: Int
        var first: String
        var durationNs: Int64
        var endReason: String
        var description: String { line }
    }

    enum ReadmeError: Error { case malformed(String) }

    /// Parses examples/README.md.
    static func readme() throws -> [ExampleFile] {
        let url = FlowCSV.packageRoot.appendingPathComponent("examples/README.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        var overview: [String: Int] = [:]
        var files: [ExampleFile] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("## "), line.contains(".pcap") {
                // "## camsurf/camsurf_browse_1.pcap (label camsurf)"
                let parts = line.dropFirst(3).split(separator: " ")
                guard parts.count >= 3, let labelPart = parts.last else { throw ReadmeError.malformed(line) }
                files.append(ExampleFile(path: String(parts[0]).replacingOccurrences(of: "`", with: ""),
                                         label: String(labelPart.dropLast()), flowCount: -1, packetCount: -1))
                continue
            }
            // "5 flows: 1 DNS, 3 TCP (…), 1 ICMP echo. 40 packets." (possibly over two lines)
            let words = line.split(separator: " ")
            if var file = files.last, !line.hasPrefix("|") {
                if file.flowCount < 0, words.count > 1, let n = Int(words[0]), words[1].hasPrefix("flows") {
                    file.flowCount = n
                }
                if file.flowCount >= 0, file.packetCount < 0,
                   let index = words.lastIndex(where: { $0.hasPrefix("packets") }), index > 0, let p = Int(words[index - 1]) {
                    file.packetCount = p
                }
                files[files.count - 1] = file
            }
            guard line.hasPrefix("|") else { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count == 4, cells[0].hasPrefix("`"), let packets = Int(cells[2]) {
                overview[cells[0].replacingOccurrences(of: "`", with: "")] = packets  // overview table
            } else if cells.count == 9, Int(cells[0]) != nil, !files.isEmpty {
                files[files.count - 1].flows.append(try flow(cells, line: line))
            }
        }
        for i in files.indices { files[i].tablePackets = overview[files[i].path] }
        return files
    }

    static func flow(_ cells: [String], line: String) throws -> ExampleFlow {
        // "UDP 192.168.1.23:51000 → 192.168.1.1:53", "TCP [2001:db8::1]:1 → [2001:db8::2]:443",
        // "ICMP 192.168.1.23 → 203.0.113.10, echo id 0x0c51 seq 1"
        let sides = cells[1].components(separatedBy: " → ")
        guard sides.count == 2, let space = sides[0].firstIndex(of: " ") else { throw ReadmeError.malformed(line) }
        let proto = String(sides[0][..<space])
        let hasPorts = proto == "TCP" || proto == "UDP"
        func endpoint(_ text: String) throws -> (String, String?) {
            var t = text.trimmingCharacters(in: .whitespaces)
            if let cut = t.firstIndex(where: { $0 == "," || $0 == " " }) { t = String(t[..<cut]) }
            guard hasPorts else { return (t, nil) }
            if t.hasPrefix("["), let close = t.firstIndex(of: "]") {
                return (String(t[t.index(after: t.startIndex)..<close]), String(t[t.index(close, offsetBy: 2)...]))
            }
            guard let colon = t.lastIndex(of: ":") else { throw ReadmeError.malformed(line) }
            return (String(t[..<colon]), String(t[t.index(after: colon)...]))
        }
        let (client, clientPort) = try endpoint(String(sides[0][space...]))
        let (server, serverPort) = try endpoint(sides[1])
        func pair(_ cell: String) throws -> (Int, Int) {
            let values = cell.components(separatedBy: " / ").compactMap { Int($0) }
            guard values.count == 2 else { throw ReadmeError.malformed(line) }
            return (values[0], values[1])
        }
        let packets = try pair(cells[2])
        let bytes = try pair(cells[4])
        let ends = cells[8]
        let endReason = ends.contains("RST") ? "rst" : ends.contains("FIN") ? "fin" : "eof"  // UDP/ICMP: end of file
        return ExampleFlow(line: line, proto: proto, client: client, clientPort: clientPort, server: server,
                           serverPort: serverPort, fwdPackets: packets.0, bwdPackets: packets.1,
                           fwdBytes: bytes.0, bwdBytes: bytes.1, first: cells[5],
                           durationNs: try nanoseconds(cells[7], line: line), endReason: endReason)
    }

    /// "0.0145" → 14_500_000.
    static func nanoseconds(_ text: String, line: String) throws -> Int64 {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0]) else { throw ReadmeError.malformed(line) }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 9 else { throw ReadmeError.malformed(line) }
        fraction += String(repeating: "0", count: 9 - fraction.count)
        guard let f = Int64(fraction) else { throw ReadmeError.malformed(line) }
        return whole * 1_000_000_000 + f
    }

    @Test func examplesMatchTheirReadme() async throws {
        let files = try Self.readme()
        // The README describes four files; make sure they were all understood.
        #expect(files.map(\.path) == [
            "camsurf/camsurf_browse_1.pcap", "camsurf/camsurf_chat_1.pcap",
            "linkedin/linkedin_feed_1.pcap", "linkedin/linkedin_message_1.pcapng",
        ])
        for file in files {
            #expect(file.flows.count == file.flowCount, "\(file.path): the table lists every flow")
            #expect(file.tablePackets == file.packetCount, "\(file.path): overview and section agree")
            #expect(file.flows.reduce(0) { $0 + $1.fwdPackets + $1.bwdPackets } == file.packetCount)
        }

        let result = try await FlowCSV.run(["examples", "--label-template", "{AppName}/*"],
                                           in: FlowCSV.packageRoot.path)
        #expect(result.status == 0)
        #expect(result.errorLines.isEmpty)
        #expect(result.warningLines.isEmpty)
        let totalPackets = files.reduce(0) { $0 + $1.packetCount }
        let totalFlows = files.reduce(0) { $0 + $1.flowCount }
        // examples/README.md itself is the one non-capture file.
        #expect(result.noteLines == ["flowcsv: \(files.count) files, \(totalPackets) packets, \(totalFlows) flows, 0 failed, 1 non-capture files skipped"])

        let csv = try #require(result.csv)
        #expect(csv.lines.first == documentedBasicHeader)
        #expect(csv.rows.count == totalFlows)
        #expect(csv.fileOrder == files.map(\.path))

        for file in files {
            let rows = csv.rows(from: file.path)
            #expect(rows.count == file.flowCount, "\(file.path): flows")
            #expect(CSVTable.sum(rows, "FlowPackets") == file.packetCount, "\(file.path): packets")
            for row in rows {
                #expect(row["AppName"] == file.label)
                #expect(row["AppAction"] == "")
            }
            for flow in file.flows {
                let matches = rows.filter { row in
                    row["Protocol"] == flow.proto && row["ClientIP"] == flow.client && row["ServerIP"] == flow.server
                        && (flow.clientPort == nil || row["ClientPort"] == flow.clientPort)
                        && (flow.serverPort == nil || row["ServerPort"] == flow.serverPort)
                }
                #expect(matches.count == 1, "\(file.path): one row for \(flow)")
                guard let row = matches.first else { continue }
                #expect(row.int("FwdPackets") == flow.fwdPackets, "\(flow)")
                #expect(row.int("BwdPackets") == flow.bwdPackets, "\(flow)")
                #expect(row.int("FwdBytes") == flow.fwdBytes, "\(flow)")
                #expect(row.int("BwdBytes") == flow.bwdBytes, "\(flow)")
                #expect(row.int("FlowPackets") == flow.fwdPackets + flow.bwdPackets, "\(flow)")
                #expect(row.int("FlowBytes") == flow.fwdBytes + flow.bwdBytes, "\(flow)")
                // Same instant as the README's "first" (which may spell out 9 decimals where
                // flowcsv, as docs/columns.md says, writes 6 when there are no sub-microsecond digits).
                #expect(try Self.nanoseconds(row["StartTime"], line: row.description)
                        == Self.nanoseconds(flow.first, line: flow.line), "\(flow)")
                #expect(try Self.nanoseconds(row["DurationTime"], line: row.description) == flow.durationNs, "\(flow)")
                for column in ["StartTime", "DurationTime"] {
                    let value = row[column]
                    let ns = try Self.nanoseconds(value, line: row.description)
                    let decimals = value.split(separator: ".").last?.count
                    #expect(decimals == (ns % 1000 == 0 ? 6 : 9), "\(column) \(value): 6 decimals, 9 only with sub-microsecond digits")
                }
                #expect(row["EndReason"] == flow.endReason, "\(flow)")
            }
        }
    }
}
