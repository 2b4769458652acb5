/// Why a capture file (or an interface) could not be opened. The message is one line, suitable for
/// `flowcsv: error: <file>: <message>`.
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case missing = "missing"
        case unreadable = "unreadable"
        case notACapture = "not a capture"
        case badHeader = "bad header"
        case unsupportedLinkType = "unsupported link type"
        case badFilter = "bad filter"
        // Live capture (an interface instead of a file).
        case noSuchInterface = "no such interface"
        case permissionDenied = "permission denied"
        case interfaceDown = "interface down"
        case captureFailed = "capture failed"
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
