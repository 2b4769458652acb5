#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the CSV goes: standard output, or a file written atomically (a temporary file in
/// the same folder, renamed over the target only when everything was written).
/// Not thread-safe: the batch runner serialises its writes (one call at a time).
public final class OutputFile: @unchecked Sendable {
    private var fd: Int32
    private let target: String?
    private let temporary: String?

    /// The temporary file being written, when the output is a file (so a signal handler can remove it).
    public var temporaryPath: String? { temporary }
    private var failed: String?

    /// Standard output.
    public init() {
        fd = 1
        target = nil
        temporary = nil
    }

    /// A file, replaced atomically by ``commit()``.
    public init(path: String) throws(OutputError) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(folder.isEmpty ? "/" : folder)/.\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw OutputError("cannot create a file in \(folder): \(String(cString: strerror(errno)))")
        }
        fd = descriptor
        target = path
        temporary = String(cBuffer: template)
    }

    /// A file written in place as rows come (a live capture's `-o FILE`, so `tail -f` sees
    /// each row as it is written): created or truncated now, not renamed at the end.
    public init(progressivePath path: String) throws(OutputError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        fd = descriptor
        target = nil
        temporary = nil
    }

    /// Appends bytes; a write error is remembered and reported by ``commit()``.
    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Appends bytes (for example ``CSVBuffer/withBytes(_:)``'s), without copying them first.
    public func write(_ raw: UnsafeRawBufferPointer) {
        guard failed == nil else { return }
        let error = writeAll(fd, raw)
        if error != 0 { failed = String(cString: strerror(error)) }
    }

    /// Finishes the output: for a file, flushes it to disk and renames it into place.
    public func commit() throws(OutputError) {
        if let failed {
            discard()
            throw OutputError("cannot write the output: \(failed)")
        }
        guard let target, let temporary else {
            if fd > 2 { fsync(fd) }  // a progressive file: already in place
            return
        }
        fchmod(fd, 0o644)
        fsync(fd)
        close(fd)
        fd = -1
        if rename(temporary, target) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError("cannot rename the output into place at \(target): \(reason)")
        }
    }

    /// Drops a partly written file.
    public func discard() {
        if let temporary, fd >= 0 {
            close(fd)
            fd = -1
            unlink(temporary)
        }
    }

    deinit { discard() }
}

public struct OutputError: Error, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Writes all of `raw` to `fd`, retrying short writes and interrupted calls. Returns 0, or the
/// `errno` of the write that failed.
func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    while offset < raw.count {
        let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += n
    }
    return 0
}
