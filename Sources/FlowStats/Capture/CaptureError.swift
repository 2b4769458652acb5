/// Why a capture file could not be opened. The message is one line, suitable for
/// `flowcsv: error: <file>: <message>`.
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case missing = "missing"
        case unreadable = "unreadable"
        case notACapture = "not a capture"
        case badHeader = "bad header"
        case unsupportedLinkType = "unsupported link type"
        case badFilter = "bad filter"
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
