// Finding the built `flowcsv` binary and running it with a time limit.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one run of `flowcsv` did.
struct RunResult: Sendable {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
    var timedOut: Bool

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// Lines of standard error, without progress lines (which only appear on runs longer than
    /// a few seconds and are not what the tests are about).
    var stderrLines: [String] {
        stderr.split(separator: "\n", omittingEmptySubsequences: true)
            .map(String.init)
            .filter { !$0.hasPrefix("flowcsv: progress:") }
    }

    var errorLines: [String] { stderrLines.filter { $0.hasPrefix("flowcsv: error: ") } }
    var warningLines: [String] { stderrLines.filter { $0.hasPrefix("flowcsv: warning: ") } }
    /// Lines that are neither errors nor warnings (the summary line).
    var noteLines: [String] {
        stderrLines.filter { !$0.hasPrefix("flowcsv: error: ") && !$0.hasPrefix("flowcsv: warning: ") }
    }

    /// The stdout parsed as CSV; nil when it is not well-formed RFC 4180.
    var csv: CSVTable? { CSVTable(bytes: stdout) }
}

enum FlowCSV {
    /// The usage-error exit status of swift-argument-parser (EX_USAGE).
    static let usageExitCode: Int32 = 64

    /// Path of the built binary, or nil when it cannot be found.
    static let binary: String? = locate()

    /// The package root, from this file's path (Tests/EndToEndTests/Support/…).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // Support
        .deletingLastPathComponent()   // EndToEndTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // package root

    /// Candidate places, best first: an explicit override, next to the test bundle (on Linux
    /// the `.xctest` is an executable in the products folder; on Darwin a bundle there), next
    /// to the running executable, then `<package root>/.build/debug/`.
    private static func locate() -> String? {
        var folders: [String] = []
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["FLOWCSV_BINARY"], !explicit.isEmpty {
            if isExecutable(explicit) { return explicit }
        }
        for bundle in [Bundle.main] + Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append((bundle.bundlePath as NSString).deletingLastPathComponent)
        }
        folders.append(Bundle.main.bundleURL.path)
        if let executable = Bundle.main.executablePath {
            folders.append((executable as NSString).deletingLastPathComponent)
        }
        if let first = CommandLine.arguments.first, first.contains("/") {
            let absolute = first.hasPrefix("/") ? first : FileManager.default.currentDirectoryPath + "/" + first
            var folder = (absolute as NSString).deletingLastPathComponent
            folders.append(folder)
            // Darwin: …/flowcsvPackageTests.xctest/Contents/MacOS/flowcsvPackageTests
            while folder != "/" && !folder.isEmpty {
                if folder.hasSuffix(".xctest") {
                    folders.append((folder as NSString).deletingLastPathComponent)
                    break
                }
                folder = (folder as NSString).deletingLastPathComponent
            }
        }
        let build = packageRoot.appendingPathComponent(".build")
        folders.append(build.appendingPathComponent("debug").path)
        for folder in folders {
            let candidate = folder + "/flowcsv"
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    private static func isExecutable(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }

    /// Runs `flowcsv arguments` in `directory` and waits for it (at most `timeout`; then it is
    /// killed and the result has `timedOut`). `environment` adds to (or replaces in) the
    /// test's own environment.
    static func run(_ arguments: [String], in directory: String, timeout: Duration = .seconds(60),
                    environment: [String: String] = [:]) async throws -> RunResult {
        let running = try start(arguments, in: directory, environment: environment)
        return try await running.finish(timeout: timeout)
    }

    /// Starts `flowcsv arguments` in `directory` without waiting for it.
    static func start(_ arguments: [String], in directory: String,
                      environment: [String: String] = [:]) throws -> RunningFlowCSV {
        let binary = try #require(FlowCSV.binary, "the flowcsv binary was not found next to the tests or in .build/debug")
        return try RunningFlowCSV(binary: binary, arguments: arguments, directory: directory, environment: environment)
    }
}

/// A `flowcsv` process started by a test, with `posix_spawn` rather than Foundation's
/// `Process`: children of `Process` inherit the test runner's blocked signal mask (SIGINT and
/// SIGTERM blocked), which is not how a shell starts a program. Here the child gets an empty
/// mask and default signal handling, standard input from /dev/null, and standard output and
/// error in files (not pipes), so a chatty process can never block on a full pipe.
final class RunningFlowCSV {
    private var pid: pid_t = 0
    /// The raw wait status, once the process has been reaped.
    private var waitStatus: Int32?
    private let scratch: String
    private let stdoutPath: String
    private let stderrPath: String

    struct SpawnError: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "posix_spawn failed: \(String(cString: strerror(code)))" }
    }

    init(binary: String, arguments: [String], directory: String, environment: [String: String] = [:]) throws {
        scratch = try makeScratchFolder("flowcsv-run")
        stdoutPath = scratch + "/stdout"
        stderrPath = scratch + "/stderr"

        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // posix_spawn_file_actions_addchdir_np (glibc 2.29+, macOS 10.15+) is not visible
        // through the Swift Glibc module, so it is looked up at run time.
        typealias AddChdir = @convention(c) (UnsafeMutableRawPointer, UnsafePointer<CChar>) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW),
              let symbol = dlsym(handle, "posix_spawn_file_actions_addchdir_np") else {
            throw SpawnError(code: ENOSYS)
        }
        let addChdir = unsafeBitCast(symbol, to: AddChdir.self)
        let chdirResult = withUnsafeMutablePointer(to: &actions) { addChdir(UnsafeMutableRawPointer($0), directory) }
        guard chdirResult == 0 else { throw SpawnError(code: chdirResult) }

        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in 1..<32 where signal != SIGKILL && signal != SIGSTOP {
            sigaddset(&defaults, Int32(signal))
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var inherited: [String] = []
        var entry = environ
        while let variable = entry.pointee {
            let text = String(cString: variable)
            let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if environment[name] == nil { inherited.append(text) }
            entry += 1
        }
        let envp: [UnsafeMutablePointer<CChar>?] = (inherited + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
            .map { strdup($0) } + [nil]
        defer { for pointer in envp { free(pointer) } }
        let code = posix_spawn(&pid, binary, &actions, &attributes, argv, envp)
        guard code == 0 else {
            try? FileManager.default.removeItem(atPath: scratch)
            throw SpawnError(code: code)
        }
    }

    deinit {
        if waitStatus == nil, pid > 0 {  // never signal pid 0 (our own process group)
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// Whether the process is still running (reaps it when it has ended).
    var isRunning: Bool {
        guard waitStatus == nil, pid > 0 else { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            waitStatus = status
            return false
        }
        return result == 0
    }

    /// Sends `signal` (SIGINT, SIGTERM, …) to the process.
    func send(_ signal: Int32) {
        if pid > 0, isRunning { kill(pid, signal) }
    }

    /// Waits for the process to exit, killing it after `timeout`. A process ended by a
    /// signal gets status 128 + the signal number, as in a shell.
    func finish(timeout: Duration = .seconds(60)) async throws -> RunResult {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var timedOut = false
        while isRunning {
            if clock.now >= deadline, pid > 0 {
                timedOut = true
                kill(pid, SIGTERM)
                try await Task.sleep(for: .milliseconds(500))
                if isRunning { kill(pid, SIGKILL) }
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        if waitStatus == nil {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            waitStatus = status
        }
        let raw = waitStatus ?? 0
        let status = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        let out = contents(of: stdoutPath) ?? []
        let err = String(decoding: contents(of: stderrPath) ?? [], as: UTF8.self)
        #expect(!timedOut, "flowcsv did not finish within \(timeout) and was killed")
        return RunResult(status: status, stdout: out, stderr: err, timedOut: timedOut)
    }
}

/// A fresh folder under the system temporary folder.
func makeScratchFolder(_ name: String) throws -> String {
    let base = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
    let path = base + "flowcsv-e2e/" + name + "-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
