// The shared corpus of real captures (../shared/corpus next to the package) and the external
// tools some tests compare with, for `.enabled(if:)`: a test that cannot run shows as skipped.

import Foundation

public enum SharedCorpus {
    /// `../shared/corpus`, next to the package root.
    public static let path: String = {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // FlowStatsTestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
        return packageRoot.appendingPathComponent("../shared/corpus").standardizedFileURL.path
    }()

    /// The corpus's captures folder.
    public static var captures: String { path + "/captures" }

    /// Whether the corpus is there (its captures folder exists).
    public static let isPresent: Bool = {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path + "/captures", isDirectory: &isDirectory) && isDirectory.boolValue
    }()
}

public enum ExternalTool {
    /// Whether an executable named `name` is on the PATH.
    public static func isInstalled(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }
}
