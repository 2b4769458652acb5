import Foundation

/// `--label-regex`: named groups of a regular expression (ICU syntax, `(?<name>…)`), searched
/// in the capture's path relative to the input folder (for a file given directly: its name).
/// `AppName` and `AppAction` fill those columns; every other named group is a column of its
/// own, in the order the groups open in the expression.
public struct LabelRegex: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as thread-safe.
    private let regex: NSRegularExpression
    public let text: String
    /// The named groups, in the order they open.
    public let groupNames: [String]

    public init(_ text: String) throws(LabelOptionError) {
        self.text = text
        do {
            regex = try NSRegularExpression(pattern: text)
        } catch {
            throw LabelOptionError("--label-regex '\(text)' is not a valid regular expression")
        }
        let names = Self.namedGroups(in: text)
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw LabelOptionError("--label-regex '\(text)' names the group '\(name)' twice")
        }
        guard !names.isEmpty else {
            throw LabelOptionError("--label-regex '\(text)' has no named group (write (?<AppName>...))")
        }
        groupNames = names
    }

    /// The value of every named group (in ``groupNames`` order; "" for a group that took no
    /// part in the match), or nil when the expression is not found in `path`.
    public func values(for path: String) -> [String]? {
        let whole = NSRange(path.startIndex..., in: path)
        guard let match = regex.firstMatch(in: path, range: whole) else { return nil }
        return groupNames.map { name in
            let range = match.range(withName: name)
            guard range.location != NSNotFound, let r = Range(range, in: path) else { return "" }
            return String(path[r])
        }
    }

    /// The names of `(?<name>…)` groups in order, skipping escaped characters, character
    /// classes and the look-behind forms `(?<=` and `(?<!`.
    static func namedGroups(in pattern: String) -> [String] {
        let chars = Array(pattern.unicodeScalars)
        var names: [String] = []
        var i = 0
        var inClass = 0
        var quoted = false  // inside \Q…\E
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\\", i + 1 < chars.count, chars[i + 1] == "E" { quoted = false; i += 2 } else { i += 1 }
                continue
            }
            if c == "\\" {
                if i + 1 < chars.count, chars[i + 1] == "Q" { quoted = true }
                i += 2
                continue
            }
            if inClass > 0 {
                if c == "[" { inClass += 1 } else if c == "]" { inClass -= 1 }
                i += 1
                continue
            }
            if c == "[" {
                inClass = 1
                i += 1
                if i < chars.count, chars[i] == "^" { i += 1 }
                if i < chars.count, chars[i] == "]" { i += 1 }  // a leading ] is literal
                continue
            }
            if c == "(", i + 2 < chars.count, chars[i + 1] == "?", chars[i + 2] == "<" {
                var j = i + 3
                var name = String.UnicodeScalarView()
                while j < chars.count, chars[j] != ">", chars[j] != "=", chars[j] != "!" {
                    name.append(chars[j]); j += 1
                }
                if j < chars.count, chars[j] == ">", !name.isEmpty { names.append(String(name)) }
                i = j
                continue
            }
            i += 1
        }
        return names
    }
}
