#if canImport(Glibc)
import Glibc
#endif

/// Lines on standard error, each prefixed with the program name.
enum Diagnostics {
    static func error(_ message: String) { line("flowcsv: error: \(message)") }
    static func warning(_ message: String) { line("flowcsv: warning: \(message)") }
    static func note(_ message: String) { line("flowcsv: \(message)") }

    static func line(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}
