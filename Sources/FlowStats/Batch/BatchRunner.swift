import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Totals for a whole run.
public struct BatchSummary: Sendable, Equatable {
    public var files = 0
    public var failedFiles = 0
    public var packets = 0
    /// Packets in no flow: frames without IP, and frames that could not be decoded up to IP.
    public var packetsInNoFlow = 0
    public var flows = 0
    public var skippedNonCaptures = 0

    mutating func add(_ report: FileReport) {
        files += 1
        packets += report.packets
        packetsInNoFlow += report.nonIPPackets + report.undecodablePackets
        flows += report.flows
        if report.error != nil { failedFiles += 1 }
    }

    /// The run's closing line: "3 files, 120 packets, 9 flows, 0 failed" and what was not counted.
    public var line: String {
        var line = "\(files) files, \(packets) packets, \(flows) flows, \(failedFiles) failed"
        if packetsInNoFlow > 0 {
            line += ", \(packetsInNoFlow) packets in no flow (not IP or undecodable)"
        }
        if skippedNonCaptures > 0 {
            line += ", \(skippedNonCaptures) non-capture files skipped"
        }
        return line
    }
}

/// Runs a list of captures into one CSV: one header, then each file's rows in input order.
///
/// With `jobs` > 1, files are read in parallel, each into its own spill file, and the spill
/// files are appended to the output strictly in input order as soon as all earlier files are
/// done. The output is byte for byte the same as with one job, and memory stays bounded by the
/// files being read, not by the files waiting to be written.
///
/// When there are at least twice as many jobs as files (one large file with `jobs` 2, say),
/// each file gets two threads: ``ProcessingOptions/pipeline``.
public enum BatchRunner {
    /// `onFile` is called once per file, in input order, with its report (for diagnostics and
    /// progress); with several jobs it is called from worker threads, one call at a time.
    public static func run(_ inputs: [CaptureInput], options: ProcessingOptions, output: OutputFile, jobs: Int = 1,
                           onFile: @Sendable (FileReport) -> Void) -> BatchSummary {
        var header = CSVBuffer()
        options.layout.writeHeader(to: &header)
        output.write(header.bytes)
        var options = options
        if jobs >= 2 * inputs.count { options.pipeline = true }
        if jobs > 1 && inputs.count > 1, let spill = SpillFolder() {
            defer { spill.remove() }
            return parallel(inputs, options: options, output: output, jobs: jobs, spill: spill, onFile: onFile)
        }
        var summary = BatchSummary()
        var buffer = CSVBuffer()
        for input in inputs {
            let report = FileProcessor.process(input, options: options, out: &buffer) { buffer in
                buffer.withBytes { output.write($0) }
                buffer.removeAll()
            }
            buffer.withBytes { output.write($0) }
            buffer.removeAll()
            summary.add(report)
            onFile(report)
        }
        return summary
    }

    private struct Progress: ~Copyable {
        var nextToRead = 0
        var nextToWrite = 0
        var done: [Int: FileReport] = [:]
        var summary = BatchSummary()
    }

    private static func parallel(_ inputs: [CaptureInput], options: ProcessingOptions, output: OutputFile, jobs: Int,
                                 spill: SpillFolder, onFile: @Sendable (FileReport) -> Void) -> BatchSummary {
        let state = Mutex(Progress())
        DispatchQueue.concurrentPerform(iterations: min(jobs, inputs.count)) { _ in
            while true {
                let index: Int? = state.withLock { s in
                    guard s.nextToRead < inputs.count else { return nil }
                    defer { s.nextToRead += 1 }
                    return s.nextToRead
                }
                guard let index else { return }
                let file = SpillFile(spill.path(index))
                var buffer = CSVBuffer()
                let report = FileProcessor.process(inputs[index], options: options, out: &buffer) { buffer in
                    buffer.withBytes { file.write($0) }
                    buffer.removeAll()
                }
                buffer.withBytes { file.write($0) }
                file.close()
                state.withLock { s in
                    s.done[index] = report
                    // Append every file that is now next in input order.
                    while let ready = s.done.removeValue(forKey: s.nextToWrite) {
                        SpillFile.append(spill.path(s.nextToWrite), to: output)
                        s.summary.add(ready)
                        onFile(ready)
                        s.nextToWrite += 1
                    }
                }
            }
        }
        return state.withLock { $0.summary }
    }
}

/// A private temporary folder for the per-file output of parallel runs.
private struct SpillFolder: Sendable {
    let folder: String

    init?() {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/flowcsv-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { return nil }
        folder = String(cBuffer: template)
    }

    func path(_ index: Int) -> String { "\(folder)/\(index).csv" }

    func remove() {
        if let dir = opendir(folder) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { unlink("\(folder)/\(name)") }
            }
            closedir(dir)
        }
        rmdir(folder)
    }
}

/// One file's rows, written by one worker and read back once.
private final class SpillFile {
    private var fd: Int32

    init(_ path: String) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    }

    func write(_ raw: UnsafeRawBufferPointer) {
        guard fd >= 0 else { return }
        _ = writeAll(fd, raw)
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Appends the spill file at `path` to `output` and deletes it.
    static func append(_ path: String, to output: OutputFile) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output.write(Array(chunk[0..<n]))
        }
        Glibc.close(fd)
        unlink(path)
    }
}
