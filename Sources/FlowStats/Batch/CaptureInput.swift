import Foundation

/// A capture to read: where it is, and how the CSV names it.
public struct CaptureInput: Sendable, Equatable {
    /// Path to open.
    public var path: String
    /// The `SourceFile` value: the path as given, or relative to the folder given.
    public var displayPath: String

    /// The name given with `--source-name`: it stands for the file everywhere the path would
    /// (SourceFile, labels, the FlowID salt), so a staged copy keeps its dataset name.
    public private(set) var sourceName: String?

    public init(path: String, displayPath: String) {
        self.path = path
        self.displayPath = displayPath
    }

    /// Names this input `name` instead of its path.
    public mutating func rename(_ name: String) {
        sourceName = name
        displayPath = name
    }

    /// Absolute, normalised path, matched against the label template; the source name when
    /// one was given (the template then reads the folders and file name it has).
    public var absolutePath: String {
        sourceName ?? URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The file name that --label-regex and --labels see for a file given directly.
    public var fileName: String {
        let whole = sourceName ?? path
        return whole.split(separator: "/").last.map(String.init) ?? whole
    }
}

/// Expands the command line's files and folders into the list of captures to read.
public enum InputDiscovery {
    /// Files are taken as given (an unreadable one is reported when it is read). Folders
    /// are searched recursively in byte-wise sorted order; hidden entries are skipped, and
    /// so are files that are not captures by content (their number is returned).
    public static func expand(_ arguments: [String]) -> (inputs: [CaptureInput], skippedNonCaptures: Int) {
        var inputs: [CaptureInput] = []
        var skipped = 0
        for argument in arguments {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
                walk(folder: argument, relative: "", into: &inputs, skipped: &skipped)
            } else {
                inputs.append(CaptureInput(path: argument, displayPath: argument))
            }
        }
        return (inputs, skipped)
    }

    private static func walk(folder root: String, relative: String, into inputs: inout [CaptureInput], skipped: inout Int) {
        let folder = relative.isEmpty ? root : join(root, relative)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            inputs.append(CaptureInput(path: folder, displayPath: folder))  // reported as unreadable
            return
        }
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) where !name.hasPrefix(".") {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let full = join(root, rel)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                // Don't follow symbolic links to folders: they can make cycles.
                let attributes = try? FileManager.default.attributesOfItem(atPath: full)
                if attributes?[.type] as? FileAttributeType == .typeSymbolicLink { continue }
                walk(folder: root, relative: rel, into: &inputs, skipped: &skipped)
            } else {
                do {
                    _ = try CaptureFormat.sniff(path: full)
                } catch where error.kind == .notACapture {
                    skipped += 1
                    continue
                } catch {}
                inputs.append(CaptureInput(path: full, displayPath: rel))
            }
        }
    }

    private static func join(_ a: String, _ b: String) -> String {
        a.hasSuffix("/") ? a + b : a + "/" + b
    }
}
