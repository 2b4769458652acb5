import Foundation

/// `--label-rules FILE`: a per-flow label from the first rule that matches the flow, as the
/// CIC-IDS datasets are labelled. The format is in docs/labels.md; in short, one item a line:
///
///     # comment
///     column Label                      the column the labels go to (default Label)
///     default BENIGN                    the label of flows no rule matches (default empty)
///     tz America/Halifax                the zone of later rules' times that have no offset
///     src=172.16.0.1 dst=192.168.10.50/32 dport=80,8080 proto=tcp start=2017-07-05T09:47 end=2017-07-05T10:11 attempted -> DoS Hulk
///
/// `src` is the flow's client, `dst` its server (`host`/`port` match either side). A flow is
/// in a time window when its first packet is at or after `start` and before `end`.
/// `attempted`: a TCP flow whose client sent no payload gets `<label> - Attempted`.
public struct LabelRules: Sendable {
    public struct Rule: Sendable {
        public let line: Int
        public let label: String
        var source: [AddressPrefix] = []
        var destination: [AddressPrefix] = []
        var either: [AddressPrefix] = []
        var sourcePorts: [ClosedRange<UInt16>] = []
        var destinationPorts: [ClosedRange<UInt16>] = []
        var eitherPorts: [ClosedRange<UInt16>] = []
        var protocols: [UInt8] = []
        var startNs: Int64?
        var endNs: Int64?
        public internal(set) var attempted = false

        init(line: Int, label: String) {
            self.line = line
            self.label = label
        }

        func matches(_ f: UnsafePointer<FlowRecord>) -> Bool {  // by address: no copy of the record
            let client = f.pointee.client, server = f.pointee.server
            if !protocols.isEmpty && !protocols.contains(f.pointee.key.ipProtocol) { return false }
            if let startNs, f.pointee.firstNs < startNs { return false }
            if let endNs, f.pointee.firstNs >= endNs { return false }
            if !source.isEmpty && !source.contains(where: { $0.contains(client.address) }) { return false }
            if !destination.isEmpty && !destination.contains(where: { $0.contains(server.address) }) { return false }
            if !either.isEmpty && !either.contains(where: { $0.contains(client.address) || $0.contains(server.address) }) { return false }
            if !sourcePorts.isEmpty && !sourcePorts.contains(where: { $0.contains(client.port) }) { return false }
            if !destinationPorts.isEmpty && !destinationPorts.contains(where: { $0.contains(server.port) }) { return false }
            if !eitherPorts.isEmpty && !eitherPorts.contains(where: { $0.contains(client.port) || $0.contains(server.port) }) { return false }
            return true
        }
    }

    public let path: String
    /// The column the labels go to.
    public let column: String
    public let defaultLabel: String
    /// Whether the file has a `default` line (a schema's `Label` column falls back to AppName without one).
    public let hasDefault: Bool
    public let rules: [Rule]
    /// The CSV field of each outcome (see ``outcome(_:)``), prepared once.
    let fields: [[UInt8]]

    public init(contentsOf path: String) throws(LabelOptionError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LabelOptionError("\(path): cannot read the --label-rules file")
        }
        try self.init(text: String(decoding: data, as: UTF8.self), path: path)
    }

    public init(text: String, path: String) throws(LabelOptionError) {
        self.path = path
        var column: String?
        var defaultLabel: String?
        var zone: (name: String, zone: TimeZone)?
        var rules: [Rule] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            func fail(_ message: String) -> LabelOptionError { LabelOptionError(file: path, line: lineNumber, message) }
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let rest = trimmed.dropFirst(words[0].count).trimmingCharacters(in: .whitespaces)
            switch words[0] {
            case "column":
                guard column == nil else { throw fail("a second 'column' line (there is one label column)") }
                guard words.count == 2 else { throw fail("'column' takes one name without spaces, e.g. 'column Label'") }
                column = rest
                continue
            case "default":
                guard defaultLabel == nil else { throw fail("a second 'default' line") }
                guard !rest.isEmpty else { throw fail("'default' needs a label, e.g. 'default BENIGN'") }
                defaultLabel = rest
                continue
            case "tz":
                guard words.count == 2, let tz = TimeZone(identifier: rest) else {
                    throw fail("'tz' needs one IANA time zone name, e.g. 'tz America/Halifax' or 'tz UTC'")
                }
                zone = (rest, tz)
                continue
            default:
                break
            }
            guard let arrow = trimmed.range(of: "->") else {
                throw fail("not a rule (conditions -> label) nor a 'column', 'default' or 'tz' line")
            }
            let label = trimmed[arrow.upperBound...].trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty else { throw fail("the rule has no label after '->'") }
            var rule = Rule(line: lineNumber, label: label)
            var seen = Set<String>()
            var start: String?, end: String?, ruleZone: (name: String, zone: TimeZone)?
            for token in trimmed[..<arrow.lowerBound].split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                if token == "attempted" {
                    guard seen.insert("attempted").inserted else { throw fail("'attempted' given twice") }
                    rule.attempted = true
                    continue
                }
                guard let eq = token.firstIndex(of: "=") else {
                    throw fail("'\(token)' is not a condition (key=value) nor 'attempted'")
                }
                let key = String(token[..<eq]), value = String(token[token.index(after: eq)...])
                guard seen.insert(key).inserted else { throw fail("'\(key)' given twice in one rule") }
                guard !value.isEmpty else { throw fail("'\(key)=' has no value") }
                switch key {
                case "src", "dst", "host":
                    var prefixes: [AddressPrefix] = []
                    for item in value.split(separator: ",", omittingEmptySubsequences: false) {
                        guard let prefix = AddressPrefix(String(item)) else {
                            throw fail("'\(item)' in \(key)= is not an IPv4/IPv6 address or CIDR (like 192.168.10.0/24, 2001:db8::/32)")
                        }
                        prefixes.append(prefix)
                    }
                    if key == "src" { rule.source = prefixes } else if key == "dst" { rule.destination = prefixes } else { rule.either = prefixes }
                case "sport", "dport", "port":
                    var ranges: [ClosedRange<UInt16>] = []
                    for item in value.split(separator: ",", omittingEmptySubsequences: false) {
                        guard let range = Self.portRange(item) else {
                            throw fail("'\(item)' in \(key)= is not a port (0-65535) or a range like 1000-2000")
                        }
                        ranges.append(range)
                    }
                    if key == "sport" { rule.sourcePorts = ranges } else if key == "dport" { rule.destinationPorts = ranges } else { rule.eitherPorts = ranges }
                case "proto":
                    for item in value.split(separator: ",", omittingEmptySubsequences: false) {
                        guard let number = Self.protocolNumber(String(item)) else {
                            throw fail("'\(item)' in proto= is not tcp, udp, icmp, icmp6, sctp or a number 0-255")
                        }
                        rule.protocols.append(number)
                    }
                case "start": start = value
                case "end": end = value
                case "tz":
                    guard let tz = TimeZone(identifier: value) else {
                        throw fail("'\(value)' is not an IANA time zone name (like America/Halifax, Europe/Berlin, UTC)")
                    }
                    ruleZone = (value, tz)
                default:
                    throw fail("unknown condition '\(key)' (use src, dst, host, sport, dport, port, proto, start, end, tz)")
                }
            }
            let effectiveZone = ruleZone ?? zone
            if start == nil && end == nil && ruleZone != nil { throw fail("tz= without start= or end=") }
            func time(_ key: String, _ text: String?) throws(LabelOptionError) -> Int64? {
                guard let text else { return nil }
                do throws(ISOTimeError) {
                    return try ISOTime.nanoseconds(text, zone: effectiveZone?.zone, zoneGiven: ruleZone != nil)
                } catch {
                    throw fail("\(key)=" + error.message)
                }
            }
            rule.startNs = try time("start", start)
            rule.endNs = try time("end", end)
            if let s = rule.startNs, let e = rule.endNs, e <= s { throw fail("end= is not after start=") }
            rules.append(rule)
        }
        let name = column ?? LabelColumnNames.label
        if name == LabelColumnNames.appName || name == LabelColumnNames.appAction {
            throw LabelOptionError("\(path): the rule labels cannot go to \(name) (name another column)")
        }
        self.column = name
        self.defaultLabel = defaultLabel ?? ""
        hasDefault = defaultLabel != nil
        self.rules = rules
        var fields: [[UInt8]] = []
        for rule in rules {
            fields.append(CSVBuffer.preparedUserText(rule.label))
            fields.append(CSVBuffer.preparedUserText(rule.label + " - Attempted"))
        }
        fields.append(CSVBuffer.preparedUserText(self.defaultLabel))
        self.fields = fields
    }

    /// Which label the flow of `row` gets: `2 i` for rule i, `2 i + 1` for rule i as attempted,
    /// `2 n` (n rules) for the default. Indexes ``fields`` and the per-rule counts.
    /// Attempted: TCP, and the client sent no payload (the ``SizeTiming`` group's payload
    /// bytes, from the IP length fields; a layout with an `attempted` rule keeps that group).
    @inline(__always)
    func outcome(_ row: FlowRow) -> Int {
        let f = row.record
        for i in rules.indices where rules[i].matches(f) {
            guard rules[i].attempted && f.pointee.key.ipProtocol == 6 else { return 2 * i }
            let noClientPayload = row.sizeTimingState.map { $0.pointee.forwardPayloadBytes == 0 } ?? false
            return 2 * i + (noClientPayload ? 1 : 0)
        }
        return 2 * rules.count
    }

    /// The label of each outcome (as in ``outcome(_:)``).
    public func label(ofOutcome k: Int) -> String {
        k == 2 * rules.count ? defaultLabel : rules[k / 2].label + (k % 2 == 1 ? " - Attempted" : "")
    }

    /// Calls `body` with the outcome of each flow, in order. `flows` holds the ``SizeTiming``
    /// states when a rule is `attempted` (else such a rule never says attempted).
    func forEachOutcome(_ flows: FinishedFlows, _ body: (Int) -> Void) {
        flows.records.withUnsafeBufferPointer { records in
            flows.sizeTiming.withUnsafeBufferPointer { sizeTiming in
                let hasSizeTiming = sizeTiming.count == records.count
                for i in records.indices {
                    // i < records.count, and the group's array is as long when present: in bounds.
                    let row = FlowRow(record: records.baseAddress! + i,
                                      sizeTimingState: hasSizeTiming ? sizeTiming.baseAddress! + i : nil,
                                      tcpAnalyticsState: nil)
                    body(outcome(row))
                }
            }
        }
    }

    /// The label each flow gets, in order (for tests and tools; rows use the prepared fields).
    public func labels(of flows: FinishedFlows) -> [String] {
        var labels: [String] = []
        forEachOutcome(flows) { labels.append(label(ofOutcome: $0)) }
        return labels
    }

    /// Adds each flow's outcome to `counts` (2 n + 1 entries; `--explain-labels`).
    func count(_ flows: FinishedFlows, into counts: inout [Int]) {
        forEachOutcome(flows) { counts[$0] += 1 }
    }

    static func portRange(_ text: Substring) -> ClosedRange<UInt16>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        guard let low = UInt16(parts[0]) else { return nil }
        guard parts.count == 2 else { return low...low }
        guard let high = UInt16(parts[1]), low <= high else { return nil }
        return low...high
    }

    static func protocolNumber(_ text: String) -> UInt8? {
        switch text.lowercased() {
        case "tcp": 6
        case "udp": 17
        case "icmp": 1
        case "icmp6", "icmpv6", "ipv6-icmp": 58
        case "sctp": 132
        default: UInt8(text)
        }
    }
}

/// An IPv4 or IPv6 address with a prefix length (a whole address when there is no `/n`).
/// IPv4 lives in the IPv4-mapped range, as in ``IPAddress``.
struct AddressPrefix: Sendable, Equatable {
    let high: UInt64, low: UInt64
    let maskHigh: UInt64, maskLow: UInt64

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(String(parts[0])) else { return nil }
        let maximum = address.isIPv4 ? 32 : 128
        var bits = maximum
        if parts.count == 2 {
            guard let n = Int(parts[1]), n >= 0, n <= maximum, parts[1].allSatisfy(\.isASCII) else { return nil }
            bits = n
        }
        let total = bits + (address.isIPv4 ? 96 : 0)
        maskHigh = total >= 64 ? ~0 : (total == 0 ? 0 : ~0 << UInt64(64 - total))
        maskLow = total <= 64 ? 0 : (total == 128 ? ~0 : ~0 << UInt64(128 - total))
        high = address.high & maskHigh
        low = address.low & maskLow
    }

    func contains(_ a: IPAddress) -> Bool {
        a.high & maskHigh == high && a.low & maskLow == low
    }
}

struct ISOTimeError: Error { let message: String }

/// ISO 8601 date-times of the rule file: `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z`,
/// `±HH:MM`, `±HHMM` or `±HH`, or without an offset when a `tz` names the zone.
enum ISOTime {
    static func nanoseconds(_ text: String, zone: TimeZone?, zoneGiven: Bool) throws(ISOTimeError) -> Int64 {
        let bad = ISOTimeError(message: "'\(text)' is not an ISO 8601 time like 2017-07-05T09:47:00-03:00 (or 2017-07-05T09:47 with tz=)")
        let s = Array(text.utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= s.count else { return nil }
            var v = 0
            for k in i..<(i + digits) {
                guard s[k] >= 0x30 && s[k] <= 0x39 else { return nil }
                v = v * 10 + Int(s[k] - 0x30)
            }
            i += digits
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < s.count, s[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect("T") || expect("t"), let hour = number(2), expect(":"), let minute = number(2) else { throw bad }
        var second = 0, fractionNs: Int64 = 0
        if expect(":") {
            guard let sec = number(2) else { throw bad }
            second = sec
            if expect(".") {
                var scale: Int64 = 100_000_000
                var digits = 0
                while i < s.count, s[i] >= 0x30 && s[i] <= 0x39 {
                    fractionNs += Int64(s[i] - 0x30) * scale
                    scale /= 10; i += 1; digits += 1
                }
                guard digits > 0 && digits <= 9 else { throw bad }
            }
        }
        var offset: Int?
        if expect("Z") || expect("z") {
            offset = 0
        } else if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let h = number(2) else { throw bad }
            var m = 0
            if i < s.count {
                _ = expect(":")
                guard let mm = number(2) else { throw bad }
                m = mm
            }
            guard h <= 23 && m <= 59 else { throw bad }
            offset = sign * (h * 3600 + m * 60)
        }
        guard i == s.count else { throw bad }
        guard (1...12).contains(month), (1...31).contains(day), hour <= 23, minute <= 59, second <= 59 else { throw bad }
        let timeZone: TimeZone
        if let offset {
            if zoneGiven { throw ISOTimeError(message: "'\(text)' has an offset and the rule a tz=; give one of them") }
            timeZone = TimeZone(secondsFromGMT: offset)!
        } else if let zone {
            timeZone = zone
        } else {
            throw ISOTimeError(message: "'\(text)' has no time zone: add an offset (Z, +02:00) or tz=Area/City (or a 'tz' line before the rule)")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components) else { throw bad }
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard back.year == year, back.month == month, back.day == day else {
            throw ISOTimeError(message: "'\(text)' is not a date (day \(day) of month \(month))")
        }
        guard back.hour == hour, back.minute == minute, back.second == second else {
            throw ISOTimeError(message: "'\(text)' does not exist in \(timeZone.identifier) (skipped by a daylight-saving change)")
        }
        return Int64(date.timeIntervalSince1970.rounded()) * 1_000_000_000 + fractionNs
    }
}
