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

    /// Runs `executable arguments` to its end; its output and errors go to files, not pipes.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let folder = try makeScratchFolder("tool")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = FileManager.default.createFile(atPath: folder + "/out", contents: nil)
        _ = FileManager.default.createFile(atPath: folder + "/err", contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/err"))
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return (process.terminationStatus, (try? String(contentsOfFile: folder + "/out", encoding: .utf8)) ?? "",
                (try? String(contentsOfFile: folder + "/err", encoding: .utf8)) ?? "")
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
