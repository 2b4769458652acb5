#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a summary spells numbers, sizes, durations and times.
enum SummaryText {
    /// Rounded to `decimals` places, trailing zeros dropped ("12.5", "3", "0.000125").
    static func decimal(_ value: Double, _ decimals: Int = 6) -> String {
        guard value.isFinite else { return "0" }
        let scale = pow(10.0, Double(decimals))
        let scaled = (abs(value) * scale).rounded()
        if scaled >= 9e15 { return String(Int64(value.rounded())) }
        let n = Int64(scaled)
        let whole = n / Int64(scale)
        var fraction = n % Int64(scale)
        var text = (value < 0 && scaled > 0 ? "-" : "") + String(whole)
        if fraction > 0 {
            var digits = decimals
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let f = String(fraction)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }

    /// 3 significant digits with an SI prefix: "950", "1.2 k", "34.5 M", "1 G".
    static func si(_ value: Double, unit: String = "") -> String {
        let prefixes = ["", "k", "M", "G", "T", "P"]
        var v = value
        var p = 0
        while abs(v) >= 999.5 && p < prefixes.count - 1 {
            v /= 1000
            p += 1
        }
        let digits = p == 0 ? 0 : (abs(v) < 9.995 ? 2 : abs(v) < 99.95 ? 1 : 0)
        let number = decimal(v, digits)
        let suffix = prefixes[p] + unit
        return suffix.isEmpty ? number : number + " " + suffix
    }

    static func bytes(_ value: Double) -> String { si(value, unit: "B") }

    /// A duration in the unit that suits it: "0 s", "850 µs", "12 ms", "1.5 s", "2.3 min", "1.2 h", "3 d".
    static func duration(_ seconds: Double) -> String {
        let s = abs(seconds)
        if s == 0 { return "0 s" }
        if s < 1e-3 { return decimal(seconds * 1e6, s < 1e-5 ? 1 : 0) + " µs" }
        if s < 1 { return decimal(seconds * 1e3, s < 1e-2 ? 1 : 0) + " ms" }
        if s < 60 { return decimal(seconds, s < 10 ? 2 : 1) + " s" }
        if s < 3600 { return decimal(seconds / 60, 1) + " min" }
        if s < 86400 { return decimal(seconds / 3600, 1) + " h" }
        return decimal(seconds / 86400, 1) + " d"
    }

    /// "2026-01-02 03:04:05" (UTC), with milliseconds when `millis`.
    static func time(_ unix: Double, millis: Bool = false) -> String {
        // Whole milliseconds (or seconds), rounded to the nearest, so 0.0089999 shows as .009.
        let rounded = millis ? (unix * 1000).rounded() / 1000 : unix.rounded(.down)
        var t = time_t(rounded.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var text = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        if millis {
            let ms = Int(((rounded - rounded.rounded(.down)) * 1000).rounded())
            text += "." + String(repeating: "0", count: 3 - String(ms).count) + String(ms)
        }
        return text
    }

    static func percent(_ fraction: Double) -> String { decimal(fraction * 100, 1) + " %" }

    /// "TCP 12, UDP 3" (the mix of one figure).
    static func mix(_ entries: [MixEntry], separator: String = ", ", joiner: String = " ") -> String {
        entries.map { "\($0.name)\(joiner)\($0.flows)" }.joined(separator: separator)
    }

    /// JSON string literal.
    static func json(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A CSV field, RFC 4180 quoted when needed.
    static func csv(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
        }
        return s
    }

    /// HTML text (also for attribute values).
    static func html(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Display width in terminal columns (one per character; good enough for the table).
    static func width(_ s: String) -> Int { s.count }

    /// `s` cut to `width` characters, with "…" when cut.
    static func clip(_ s: String, _ width: Int) -> String {
        s.count <= width ? s : String(s.prefix(max(0, width - 1))) + "…"
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
