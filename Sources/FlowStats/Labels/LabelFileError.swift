/// Why a label option (`--labels`, `--label-rules`, `--label-regex`, `--label`) cannot be used:
/// one line, naming the file and line where there is one.
public struct LabelOptionError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    /// `FILE:LINE: message`.
    init(file: String, line: Int, _ message: String) { self.message = "\(file):\(line): \(message)" }
    public var description: String { message }
}

/// The columns that every schema has and that label options fill or must not shadow.
enum LabelColumnNames {
    static let appName = "AppName"
    static let appAction = "AppAction"
    /// The column the rules fill by default, and CIC's per-flow label.
    static let label = "Label"
}
