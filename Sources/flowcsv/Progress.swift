#if canImport(Glibc)
import Glibc
#endif
import FlowStats

/// A progress line on standard error for runs over several files: updated in place on a
/// terminal, plain lines (at most one every few seconds) otherwise.
/// Called by the batch runner one file at a time (its lock serialises the calls).
final class Progress: @unchecked Sendable {
    private let total: Int
    private let enabled: Bool
    private let terminal: Bool
    private var done = 0
    private var packets = 0
    private let started: Double
    private var lastPrinted: Double
    private var lineOpen = false

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled && total > 1
        self.terminal = Diagnostics.stderrIsTerminal
        started = Progress.now()
        lastPrinted = started
    }

    func fileDone(_ report: FileReport) {
        done += 1
        packets += report.packets
        guard enabled else { return }
        let now = Progress.now()
        let interval = terminal ? 0.2 : 5.0
        guard now - lastPrinted >= interval || (terminal && done == total) else { return }
        lastPrinted = now
        let elapsed = max(now - started, 1e-9)
        let rate = Int(Double(packets) / elapsed)
        let eta = done < total ? Int(elapsed / Double(done) * Double(total - done)) : 0
        let text = "[\(done)/\(total) files] \(packets) packets, \(rate) packets/s, ETA \(eta) s"
        if terminal {
            Diagnostics.write("\r\u{1B}[K" + text)
            lineOpen = true
        } else {
            Diagnostics.line("flowcsv: progress: " + text)
        }
    }

    func finish() {
        if lineOpen { Diagnostics.write("\r\u{1B}[K") }
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

extension Diagnostics {
    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
