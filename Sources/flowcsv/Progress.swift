#if canImport(Glibc)
import Glibc
#endif
import FlowStats
import Synchronization

/// A progress line on standard error for long runs: files done, packets/s and an ETA from the
/// bytes read. On a terminal it updates in place (at most 5 times a second); otherwise it is a
/// plain line every 5 seconds. Nothing is printed for runs shorter than 2 seconds.
final class Progress: Sendable {
    private struct State {
        var filesDone = 0
        var packetsDone = 0         // of finished files
        var bytesDone: Int64 = 0    // sizes of finished files
        var current: [Int: (packets: Int, position: Int64)] = [:]  // files being read, by worker
        var lastPrinted = 0.0
        var lineOpen = false
    }

    private let totalFiles: Int
    private let totalBytes: Int64
    private let enabled: Bool
    private let terminal: Bool
    private let started: Double
    private let state = Mutex(State())

    init(files: [CaptureInput], enabled: Bool) {
        totalFiles = files.count
        totalBytes = files.reduce(0) { $0 + Progress.size(of: $1.path) }
        self.enabled = enabled
        terminal = Diagnostics.stderrIsTerminal
        started = Progress.now()
    }

    /// A report from inside a file: `packets` read so far, `position` bytes into it.
    func tick(packets: Int, position: Int64) {
        guard enabled else { return }
        let worker = Int(bitPattern: UInt(bitPattern: Int(pthread_self())))
        state.withLock { s in
            s.current[worker] = (packets, position)
            print(&s, force: false)
        }
    }

    func fileDone(_ report: FileReport) {
        guard enabled else { return }
        let worker = Int(bitPattern: UInt(bitPattern: Int(pthread_self())))
        let size = Progress.size(of: report.input.path)
        state.withLock { s in
            s.current[worker] = nil
            s.filesDone += 1
            s.packetsDone += report.packets
            s.bytesDone += size
            print(&s, force: false)
        }
    }

    func finish() {
        guard enabled else { return }
        state.withLock { s in
            if s.lineOpen { Diagnostics.write("\r\u{1B}[K") }
            s.lineOpen = false
        }
    }

    private func print(_ s: inout State, force: Bool) {
        let now = Progress.now()
        let elapsed = now - started
        guard elapsed >= 2, now - s.lastPrinted >= (terminal ? 0.2 : 5) else { return }
        s.lastPrinted = now
        let packets = s.packetsDone + s.current.values.reduce(0) { $0 + $1.packets }
        let bytes = s.bytesDone + s.current.values.reduce(0) { $0 + $1.position }
        let rate = Int(Double(packets) / elapsed)
        var text = "[\(s.filesDone)/\(totalFiles) files] \(packets) packets, \(rate) packets/s"
        if bytes > 0 && totalBytes > bytes {
            let eta = Int(elapsed * Double(totalBytes - bytes) / Double(bytes))
            text += ", ETA \(eta) s"
        }
        if terminal {
            Diagnostics.write("\r\u{1B}[K" + text)
            s.lineOpen = true
        } else {
            Diagnostics.line("flowcsv: progress: " + text)
        }
    }

    private static func size(of path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
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
