// The shared corpus (../shared/corpus next to the package, see its MANIFEST.md) as the
// conformance tests read it: which captures have which third-party references, with which
// tool options, and parsers for Zeek's logs and printed records. Nothing is copied from it.

import Foundation

enum ConformanceCorpus {
    /// `../shared/corpus` next to the package root.
    static let path: String = FlowCSV.packageRoot.appendingPathComponent("../shared/corpus").standardizedFileURL.path

    /// Whether the corpus is there (the conformance tests skip, with a message, when not).
    static var isPresent: Bool {
        FileManager.default.fileExists(atPath: path + "/captures") && FileManager.default.fileExists(atPath: path + "/refs")
    }

    static func capturePath(_ name: String) -> String { path + "/captures/" + name }
    static func referencePath(_ name: String) -> String { path + "/refs/" + name }

    /// One third-party reference of one capture.
    struct Reference: Sendable, CustomStringConvertible {
        var capture: String
        var file: String
        /// manifest.json `kind` (`zeek-conn`, `zeek-conn-cut`, `zeek-other`, …), or nil.
        var kind: String?
        /// manifest.json `zeek_opts`: the options Zeek ran with ("" when unknown).
        var zeekOptions: String

        /// Zeek ran without `-C`: it verified checksums and dropped packets with bad ones.
        var zeekVerifiedChecksums: Bool {
            !zeekOptions.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" }).contains("-C")
        }

        /// A conn.log baseline (full, or cut to some columns by btest-diff-cut / zeek-cut).
        var isConnLog: Bool {
            if let kind { return kind == "zeek-conn" || kind == "zeek-conn-cut" }
            return file.contains(".zeek-conn.") || file.contains(".zeek-conn-cut.")
        }

        var isZeek: Bool { kind?.hasPrefix("zeek") ?? file.contains(".zeek-") }

        /// The reference's name without the capture's, e.g. `zeek-conn.log`.
        var shortName: String { file.hasPrefix(capture + ".") ? String(file.dropFirst(capture.count + 1)) : file }

        var description: String { file }
    }

    /// Every reference of every capture present: those listed in manifest.json, plus files in
    /// refs/ that it does not list (their tool options unknown: taken as the tool's defaults).
    static func references() -> [Reference] {
        var found: [Reference] = []
        var listed = Set<String>()
        if let data = FileManager.default.contents(atPath: path + "/manifest.json"),
           let entries = try? JSONDecoder().decode([ManifestEntry].self, from: data) {
            for entry in entries {
                let capture = (entry.file as NSString).lastPathComponent
                for ref in entry.refs ?? [] {
                    listed.insert(ref.file)
                    found.append(Reference(capture: capture, file: ref.file, kind: ref.kind, zeekOptions: ref.zeekOptions ?? ""))
                }
            }
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: path + "/refs")) ?? []
        let captures = (try? FileManager.default.contentsOfDirectory(atPath: path + "/captures")) ?? []
        for file in files.sorted() where !listed.contains(file) {
            // refs/<capture>.<tool>…: the longest capture name that prefixes the file name.
            guard let capture = captures.filter({ file.hasPrefix($0 + ".") }).max(by: { $0.count < $1.count }) else { continue }
            found.append(Reference(capture: capture, file: file, kind: nil, zeekOptions: ""))
        }
        return found.filter { FileManager.default.fileExists(atPath: capturePath($0.capture))
            && FileManager.default.fileExists(atPath: referencePath($0.file)) }
    }

    private struct ManifestEntry: Decodable {
        var file: String
        var refs: [ManifestReference]?
    }

    private struct ManifestReference: Decodable {
        var file: String
        var kind: String?
        var zeekOptions: String?

        enum CodingKeys: String, CodingKey {
            case file, kind
            case zeekOptions = "zeek_opts"
        }
    }
}

// MARK: - Zeek logs

/// A Zeek log as btest baselines hold it: ASCII TSV with `#fields` (or, for btest-diff-cut /
/// zeek-cut extracts, a first line of column names), `-` for unset and `(empty)` for empty.
/// Several logs concatenated in one file (each with its own `#fields`) are read in turn.
struct ZeekLog: Sendable {
    var fields: [String] = []
    var rows: [[String: String]] = []

    init(text: String) {
        var fields: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if line.hasPrefix("#fields") {
                fields = Array(columns.dropFirst())
                if self.fields.isEmpty { self.fields = fields }
            } else if line.hasPrefix("#") {
                if line.hasPrefix("#close") { fields = [] }
                continue
            } else if fields.isEmpty {
                fields = columns  // a cut extract's header line
                if self.fields.isEmpty { self.fields = fields }
            } else {
                var row: [String: String] = [:]
                for (name, value) in zip(fields, columns) { row[name] = value }
                rows.append(row)
            }
        }
    }

    init(path: String) throws {
        self.init(text: try String(contentsOfFile: path, encoding: .utf8))
    }

    /// Whether a value means "no value" (`-` unset, `(empty)` empty set).
    static func isUnset(_ value: String?) -> Bool { value == nil || value == "-" || value == "(empty)" }
}

/// A connection's identity as Zeek names it: originator and responder endpoints, and the
/// transport protocol when known.
struct ZeekConnID: Hashable, Sendable, CustomStringConvertible {
    var proto: String?
    var origHost: String
    var origPort: String
    var respHost: String
    var respPort: String

    var description: String { "\(proto ?? "?") \(origHost):\(origPort) → \(respHost):\(respPort)" }

    /// The same connection, ignoring the protocol when either side does not know it.
    func sameConnection(as other: ZeekConnID) -> Bool {
        (origHost, origPort, respHost, respPort) == (other.origHost, other.origPort, other.respHost, other.respPort)
            && (proto == nil || other.proto == nil || proto == other.proto)
    }

    /// From a conn.log-like row, when it has the four id columns.
    init?(row: [String: String]) {
        guard let oh = row["id.orig_h"], let op = row["id.orig_p"], let rh = row["id.resp_h"], let rp = row["id.resp_p"],
              !ZeekLog.isUnset(oh), !ZeekLog.isUnset(rh) else { return nil }
        proto = row["proto"].flatMap { ZeekLog.isUnset($0) ? nil : $0 }
        origHost = oh
        origPort = op
        respHost = rh
        respPort = rp
    }

    init(proto: String?, origHost: String, origPort: String, respHost: String, respPort: String) {
        self.proto = proto
        self.origHost = origHost
        self.origPort = origPort
        self.respHost = respHost
        self.respPort = respPort
    }
}

/// What Zeek's other outputs (`.stdout`, `.output`, application logs) say about connections:
/// the conn_ids they print (`[orig_h=…, orig_p=53/udp, resp_h=…, resp_p=53/udp, …]`) or log
/// with a uid, and, where a script printed them, the endpoint records that follow a conn_id
/// (`orig:, [size=…, state=…, num_pkts=…, num_bytes_ip=…]`).
struct ZeekMentions: Sendable {
    struct Endpoint: Sendable {
        var size: String?
        var packets: String?
        var ipBytes: String?
    }

    struct Mention: Sendable {
        var id: ZeekConnID
        var orig: Endpoint?
        var resp: Endpoint?
    }

    var mentions: [Mention] = []

    init(text: String) {
        let log = ZeekLog(text: text)
        var seenUIDs = Set<String>()
        for row in log.rows {
            // A uid means Zeek made a connection; weirds without one are flow-less.
            guard let uid = row["uid"], !ZeekLog.isUnset(uid), let id = ZeekConnID(row: row) else { continue }
            if seenUIDs.insert(uid).inserted { mentions.append(Mention(id: id)) }
        }
        for line in text.split(separator: "\n") {
            if let record = Self.record(after: "[orig_h=", in: line),
               let oh = record["orig_h"], let op = record["orig_p"], let rh = record["resp_h"], let rp = record["resp_p"] {
                let (origPort, proto) = Self.splitPort(op)
                let (respPort, _) = Self.splitPort(rp)
                let id = ZeekConnID(proto: proto, origHost: oh, origPort: origPort, respHost: rh, respPort: respPort)
                if !mentions.contains(where: { $0.id == id }) { mentions.append(Mention(id: id)) }
            } else if line.hasPrefix("orig:") || line.hasPrefix("resp:"), !mentions.isEmpty,
                      let record = Self.record(after: "[", in: line) {
                let endpoint = Endpoint(size: record["size"], packets: record["num_pkts"], ipBytes: record["num_bytes_ip"])
                if line.hasPrefix("orig:") { mentions[mentions.count - 1].orig = endpoint }
                else { mentions[mentions.count - 1].resp = endpoint }
            }
        }
    }

    /// `key=value` pairs of the record that starts with `opening` on the line (its first level
    /// only: nested records are skipped).
    private static func record(after opening: String, in line: Substring) -> [String: String]? {
        guard let start = line.range(of: opening) else { return nil }
        var body = line[line.index(start.lowerBound, offsetBy: 1)...]
        var depth = 1
        var end = body.startIndex
        while end < body.endIndex {
            if body[end] == "[" { depth += 1 }
            if body[end] == "]" { depth -= 1; if depth == 0 { break } }
            end = body.index(after: end)
        }
        body = body[..<end]
        var result: [String: String] = [:]
        var level = 0
        var current = ""
        func flush() {
            let item = current.trimmingCharacters(in: .whitespaces)
            if let equals = item.firstIndex(of: "=") {
                result[String(item[..<equals])] = String(item[item.index(after: equals)...])
            }
            current = ""
        }
        for character in body {
            if character == "[" { level += 1 }
            if character == "]" { level -= 1 }
            if character == ",", level == 0 { flush() } else { current.append(character) }
        }
        flush()
        return result
    }

    /// `53/udp` → ("53", "udp"); ICMP's `8/icmp` likewise.
    private static func splitPort(_ value: String) -> (String, String?) {
        let parts = value.split(separator: "/", maxSplits: 1).map(String.init)
        return (parts.first ?? value, parts.count > 1 ? parts[1] : nil)
    }
}

// MARK: - Numbers

/// A decimal number of seconds (`1300475168.853899`, `0.013961447`, `-6581655120.815301312`)
/// as nanoseconds.
func decimalSecondsToNs(_ text: String) -> Int64? {
    if text.hasPrefix("-") { return decimalSecondsToNs(String(text.dropFirst())).map { -$0 } }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, parts[0].allSatisfy(\.isNumber), let whole = Int64(parts[0]) else { return nil }
    var fraction: Int64 = 0
    if parts.count == 2 {
        let digits = parts[1].prefix(9)
        guard digits.allSatisfy(\.isNumber), let value = Int64(digits.isEmpty ? "0" : String(digits)) else { return nil }
        fraction = value
        for _ in digits.count..<9 { fraction *= 10 }
    }
    return whole * 1_000_000_000 + fraction
}

/// Microseconds as Zeek prints an interval (`%.6f`).
func microsecondsText(_ us: Int64) -> String {
    let sign = us < 0 ? "-" : ""
    let magnitude = abs(us)
    let fraction = String(magnitude % 1_000_000)
    return sign + String(magnitude / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
}

/// `part` of `whole` as a percentage, for the report.
func percent(_ part: Int, _ whole: Int) -> String {
    whole == 0 ? "–" : String(format: "%.1f %%", 100 * Double(part) / Double(whole))
}

/// A Markdown table row.
func markdownRow(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
