import FlowStats
import Foundation

// Parsing `tshark -q -z conv,…` summaries (the corpus's refs/generated/*.tshark-conv.txt).

/// One end of a TCP/UDP conversation.
struct ConversationEndpoint: Hashable, Comparable, CustomStringConvertible {
    var address: IPAddress
    var port: UInt16

    static func < (a: Self, b: Self) -> Bool {
        a.address != b.address ? a.address < b.address : a.port < b.port
    }

    /// `address:port`; IPv6 addresses contain colons and are not bracketed, so the port is
    /// after the last colon.
    init?(tshark text: Substring) {
        guard let colon = text.lastIndex(of: ":"),
              let port = UInt16(text[text.index(after: colon)...]),
              let address = IPAddress(String(text[..<colon])) else { return nil }
        self.address = address
        self.port = port
    }

    init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    var description: String {
        address.isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)"
    }
}

/// A conversation's identity without direction: protocol and both endpoints, lower first.
struct FiveTuple: Hashable, Comparable, CustomStringConvertible {
    var ipProtocol: UInt8
    var lower: ConversationEndpoint
    var upper: ConversationEndpoint

    init(ipProtocol: UInt8, _ a: ConversationEndpoint, _ b: ConversationEndpoint) {
        self.ipProtocol = ipProtocol
        (lower, upper) = b < a ? (b, a) : (a, b)
    }

    static func < (a: Self, b: Self) -> Bool {
        if a.ipProtocol != b.ipProtocol { return a.ipProtocol < b.ipProtocol }
        if a.lower != b.lower { return a.lower < b.lower }
        return a.upper < b.upper
    }

    var protocolName: String {
        switch ipProtocol {
        case 6: "TCP"
        case 17: "UDP"
        default: "proto \(ipProtocol)"
        }
    }

    var description: String { "\(protocolName) \(lower) <-> \(upper)" }
}

/// A byte count as tshark 4.0 prints it: exact below 10 000 ("9313 bytes"), else with an SI
/// prefix and the value divided down and truncated ("15 kB" is 15 000…15 999 bytes). Kept as
/// the range of byte counts the text admits, so that rows can be added up.
struct TsharkByteCount: Equatable, CustomStringConvertible {
    /// Smallest and largest byte count that prints as this text.
    var lowest: Int
    var highest: Int

    init?(number: Substring, unit: Substring) {
        guard let value = Int(number.replacingOccurrences(of: ",", with: "")) else { return nil }
        let scale: Int
        switch unit {
        case "bytes": scale = 1
        case "kB": scale = 1_000
        case "MB": scale = 1_000_000
        case "GB": scale = 1_000_000_000
        default: return nil
        }
        lowest = value * scale
        highest = (value + 1) * scale - 1
    }

    init(lowest: Int, highest: Int) {
        self.lowest = lowest
        self.highest = highest
    }

    static let zero = TsharkByteCount(lowest: 0, highest: 0)

    var isExact: Bool { lowest == highest }

    /// Whether tshark may have counted `bytes`.
    func admits(_ bytes: Int) -> Bool { (lowest...highest).contains(bytes) }

    static func + (a: Self, b: Self) -> Self {
        TsharkByteCount(lowest: a.lowest + b.lowest, highest: a.highest + b.highest)
    }

    /// The counts both texts admit (a total is narrowed by its two directions, which are
    /// printed exactly when below 10 000). nil when they contradict each other.
    func intersection(_ other: Self) -> Self? {
        let lowest = max(self.lowest, other.lowest), highest = min(self.highest, other.highest)
        return lowest <= highest ? TsharkByteCount(lowest: lowest, highest: highest) : nil
    }

    var description: String { isExact ? "\(lowest) bytes" : "\(lowest)…\(highest) bytes" }
}

/// One row of tshark's TCP or UDP conversation table. A is the left endpoint, B the right.
struct TsharkConversation {
    var tuple: FiveTuple
    var a: ConversationEndpoint
    var b: ConversationEndpoint
    /// The "<-" columns: B → A.
    var framesBToA: Int
    var bytesBToA: TsharkByteCount
    /// The "->" columns: A → B.
    var framesAToB: Int
    var bytesAToB: TsharkByteCount
    /// The "Total" columns.
    var frames: Int
    var bytes: TsharkByteCount
}

enum TsharkConversations {
    /// The TCP and UDP conversations of a `-z conv` dump. Throws on a row it cannot read,
    /// so a format change cannot silently drop conversations.
    static func parse(_ text: String) throws -> [TsharkConversation] {
        var rows: [TsharkConversation] = []
        var ipProtocol: UInt8?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasSuffix(" Conversations") {
                switch line {
                case "TCP Conversations": ipProtocol = 6
                case "UDP Conversations": ipProtocol = 17
                default: ipProtocol = nil
                }
                continue
            }
            guard let ipProtocol, line.contains(" <-> ") else { continue }
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            // A <-> B | frames bytes unit | frames bytes unit | frames bytes unit | start duration
            guard f.count == 14, f[1] == "<->",
                  let a = ConversationEndpoint(tshark: f[0]), let b = ConversationEndpoint(tshark: f[2]),
                  let framesBToA = Int(f[3]), let bytesBToA = TsharkByteCount(number: f[4], unit: f[5]),
                  let framesAToB = Int(f[6]), let bytesAToB = TsharkByteCount(number: f[7], unit: f[8]),
                  let frames = Int(f[9]), let bytes = TsharkByteCount(number: f[10], unit: f[11])
            else {
                throw ParseError(line: String(line))
            }
            rows.append(TsharkConversation(tuple: FiveTuple(ipProtocol: ipProtocol, a, b), a: a, b: b,
                                           framesBToA: framesBToA, bytesBToA: bytesBToA,
                                           framesAToB: framesAToB, bytesAToB: bytesAToB,
                                           frames: frames, bytes: bytes))
        }
        return rows
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: String
        var description: String { "unreadable tshark conversation row: \(line)" }
    }
}
