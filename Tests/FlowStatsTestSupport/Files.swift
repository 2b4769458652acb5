// Writing fixture bytes to disk and making scratch folders for tests.

import Foundation

extension Array where Element == UInt8 {
    /// Writes these bytes to `path`, creating missing parent directories and replacing any
    /// existing file.
    public func write(toFile path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        try Data(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// Creates and returns a fresh, unique, empty directory under the system temporary
/// directory, named after `name` (by default the calling function) plus a UUID.
/// The caller removes it when done, if it cares to.
public func temporaryDirectory(_ name: String = #function) throws -> String {
    let safe = String(name.map { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(60))
    var base = NSTemporaryDirectory()
    if !base.hasSuffix("/") {
        base += "/"
    }
    let path = base + "flowcsv-tests/" + safe + "-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
