// What the live-capture tests need: whether this process may capture, a tool runner, and
// waiting for a file to show something.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

enum LiveCaptureEnvironment {
    /// Capturing needs CAP_NET_RAW; the tests run it where they run as root (as CI does).
    static let isRoot = geteuid() == 0

    /// The loopback interface exists (Linux: lo).
    static let hasLoopback = FileManager.default.fileExists(atPath: "/sys/class/net/lo")

    static let canCaptureOnLoopback = isRoot && hasLoopback

    /// The first of `names` found on PATH (or in the usual sbin folders).
    static func tool(_ names: String...) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin:/usr/bin:/bin"
        for name in names {
            for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ToolProcess.run(executable, arguments)
    }

    /// Polls `path` every 50 ms for up to `timeout` until `condition` holds for its text;
    /// returns the last text read and whether it held.
    static func waitFor(_ path: String, timeout: Duration, _ condition: (String) -> Bool) async throws -> (String, Bool) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var text = ""
        while true {
            text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if condition(text) { return (text, true) }
            if clock.now >= deadline { return (text, false) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
