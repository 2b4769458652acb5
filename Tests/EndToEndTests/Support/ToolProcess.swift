import Foundation

/// Runs another program (a Python, tcpdump, ip) to its end. Its output and errors go to
/// files, not pipes, so a chatty program can never block on a full pipe.
enum ToolProcess {
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
}
