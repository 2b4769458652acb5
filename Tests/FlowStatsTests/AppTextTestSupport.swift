@testable import FlowStats
import FlowStatsTestSupport
import Foundation

// Small helpers for the HTTP, SSH and stream-service tests: bytes from text, and calls on
// every prefix of a message.

/// The UTF-8 bytes of `text` (escapes such as "\r\n" written in the literal).
func textBytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Runs `body` on `bytes` as a raw buffer.
func withRaw<T>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) -> T) -> T {
    bytes.withUnsafeBytes(body)
}

/// Whether a progress value is `.needMore`.
func isNeedMore<V>(_ progress: ParseProgress<V>) -> Bool {
    if case .needMore = progress { return true }
    return false
}

/// The value and consumed count of a `.done`, else nil.
func doneValue<V>(_ progress: ParseProgress<V>) -> (V, Int)? {
    if case .done(let value, let consumed) = progress { return (value, consumed) }
    return nil
}

/// Whether a progress value is `.notThisProtocol`.
func isNotThis<V>(_ progress: ParseProgress<V>) -> Bool {
    if case .notThisProtocol = progress { return true }
    return false
}

/// `count` random bytes from the generator.
func randomBytes(_ count: Int, _ random: inout SplitMix64) -> [UInt8] {
    (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
}
