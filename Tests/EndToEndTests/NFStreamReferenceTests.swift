import Foundation
import Testing

/// `--preset nfstream --schema nfstream --splt 10` against NFStream 6.6 itself, run here by
/// Tests/Reference/nfstream_run.py and compared by Tests/Reference/nfstream_compare.py (every
/// column but `id`, numbers with 1e-9 relative tolerance, flows matched by 5-tuple and first
/// ms). Needs a Python with nfstream: env FLOWCSV_PYTHON, or `.venv/bin/python` under the
/// package root (`.ci/run` makes it); skipped with a message otherwise.
@Suite(.enabled(if: ConformanceCorpus.isPresent && NFStreamReference.python != nil,
                "needs ../shared/corpus and a Python with nfstream 6.6 (FLOWCSV_PYTHON or .venv/bin/python)"))
struct NFStreamReferenceTests {
    /// Captures with plain TCP/UDP flows (android also ICMPv6, keyed without type/code under
    /// --preset nfstream as NFStream does), and how many of NFStream's flows flowcsv forms the same.
    static let captures: [(name: String, flows: Int, matched: Int)] = [
        ("ndpi__443-curl.pcap", 1, 1), ("ndpi__443-firefox.pcap", 1, 1), ("ndpi__443-safari.pcap", 1, 1),
        ("ndpi__chrome.pcap", 6, 6), ("ndpi__android.pcap", 63, 63), ("ndpi__bets.pcapng", 1, 1),
        ("foxio__tls12.pcap", 1, 1), ("foxio__ssh-scp-1050.pcap", 1, 1),
    ]

    @Test(arguments: captures.map(\.name))
    func sameValuesAsNFStream(_ name: String) async throws {
        let python = try #require(NFStreamReference.python)
        let expected = try #require(Self.captures.first { $0.name == name })
        let folder = try makeScratchFolder("nfstream-ref")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let capture = ConformanceCorpus.capturePath(name)
        let theirs = folder + "/nfstream.csv", ours = folder + "/flowcsv.csv"
        let reference = FlowCSV.packageRoot.appendingPathComponent("Tests/Reference").path
        try NFStreamReference.run(python, [reference + "/nfstream_run.py", capture, theirs, "10"])
        let result = try await FlowCSV.run(["--quiet", "--preset", "nfstream", "--schema", "nfstream", "--splt", "10",
                                            "-o", ours, capture], in: folder)
        #expect(result.status == 0)
        let report = try NFStreamReference.run(python, [reference + "/nfstream_compare.py", theirs, ours])
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
        print("NFStream 6.6 vs flowcsv on \(name): \(report)")
        #expect(counts["header_equal"] as? Bool == true)
        #expect(counts["nfstream_flows"] as? Int == expected.flows)
        #expect(counts["matched"] as? Int == expected.matched)
        #expect(counts["equal"] as? Int == expected.matched, "every matched flow equal in every column but id")
    }
}

enum NFStreamReference {
    /// A Python that imports nfstream, or nil.
    static let python: String? = {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["FLOWCSV_PYTHON"], !env.isEmpty { candidates.append(env) }
        candidates.append(FlowCSV.packageRoot.appendingPathComponent(".venv/bin/python").path)
        return candidates.first { path in
            FileManager.default.isExecutableFile(atPath: path) && (try? run(path, ["-c", "import nfstream"])) != nil
        }
    }()

    /// Runs `python arguments`; its standard output, or an error when it fails.
    @discardableResult
    static func run(_ python: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ReferenceError(status: process.terminationStatus) }
        return String(decoding: data, as: UTF8.self)
    }

    struct ReferenceError: Error { var status: Int32 }
}

/// The per-flow values NFStream's own tests.py asserts (../shared/corpus/refs/
/// nfstream__one_flow.pcap.nfstream-tests.py.txt), read from that extract: every
/// `assert flow.<column> == <value>` whose column `--schema nfstream` has, except `id`.
@Suite(.enabled(if: ConformanceCorpus.isPresent, "needs ../shared/corpus next to the package"))
struct NFStreamTestsPyValues {
    @Test func oneFlowMatchesNFStreamsAssertions() async throws {
        let extract = try String(contentsOfFile: ConformanceCorpus.referencePath("nfstream__one_flow.pcap.nfstream-tests.py.txt"),
                                 encoding: .utf8)
        let folder = try makeScratchFolder("nfstream-testspy")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await FlowCSV.run(["--quiet", "--preset", "nfstream", "--schema", "nfstream",
                                            ConformanceCorpus.capturePath("nfstream__one_flow.pcap")], in: folder)
        #expect(result.status == 0)
        let table = try #require(result.csv)
        try #require(table.rows.count == 1)
        let row = table.rows[0]
        let columns = Set(table.header)
        var checked = 0
        for line in extract.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("assert flow."), let eq = text.range(of: " == ") else { continue }
            let name = String(text[text.index(text.startIndex, offsetBy: 12)..<eq.lowerBound])
            guard name != "id", columns.contains(name) else { continue }
            var value = String(text[eq.upperBound...])
            if value.hasPrefix("\"") { value = String(value.dropFirst().dropLast()) }
            #expect(row[name] == value, "\(name)")
            checked += 1
        }
        #expect(checked == 28)  // expiration_id … dst2src_bytes: 29 asserted columns but id
    }
}
