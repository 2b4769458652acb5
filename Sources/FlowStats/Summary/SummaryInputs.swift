#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The inputs of `flowcsv summary`: captures (read into flows, their CSV text streamed into the
/// builder chunk by chunk, never kept whole) and CSV files flowcsv wrote (read back).
public enum SummaryInputs {
    public enum Item: Sendable, Equatable {
        case capture(CaptureInput)
        case csv(CaptureInput)
    }

    /// Folders are searched for captures as the default command searches them; a file given
    /// directly is a CSV when it is not a capture by content (or is missing and ends in .csv).
    public static func classify(_ arguments: [String]) -> (items: [Item], skippedNonCaptures: Int) {
        var items: [Item] = []
        var skipped = 0
        for argument in arguments {
            let (found, skip) = InputDiscovery.expand([argument])
            skipped += skip
            for input in found {
                guard input.path == argument else {
                    items.append(.capture(input))
                    continue
                }
                do {
                    _ = try CaptureFormat.sniff(path: argument)
                    items.append(.capture(input))
                } catch where error.kind == .notACapture || (error.kind == .missing && argument.hasSuffix(".csv")) {
                    items.append(.csv(input))
                } catch {
                    items.append(.capture(input))
                }
            }
        }
        return (items, skipped)
    }

    /// Reads a capture into flows with `options` and adds their rows to `builder`. The report
    /// says how reading went (an unreadable capture adds no rows; it is listed with its error).
    public static func addCapture(_ input: CaptureInput, options: ProcessingOptions,
                                  to builder: SummaryBuilder) throws(SummaryError) -> FileReport {
        builder.beginInput(input.displayPath, kind: .capture)
        var header = CSVBuffer(capacity: 4096)
        options.layout.writeHeader(to: &header)
        try builder.feed(header.bytes)
        var buffer = CSVBuffer()
        // The header was taken above, so the rows cannot fail (the grouping column exists).
        let report = FileProcessor.process(input, options: options, out: &buffer) { buffer in
            buffer.withBytes { try? builder.feed($0) }
            buffer.removeAll()
        }
        buffer.withBytes { try? builder.feed($0) }
        try builder.endInput(packets: report.error == nil ? report.packets : nil, error: report.error?.message,
                             warnings: report.warnings)
        return report
    }

    /// Reads a CSV file into `builder`, 1 MiB at a time.
    public static func addCSV(_ input: CaptureInput, to builder: SummaryBuilder) throws(SummaryError) {
        builder.beginInput(input.displayPath, kind: .csv)
        let fd = open(input.path, O_RDONLY)
        guard fd >= 0 else {
            throw SummaryError("\(input.displayPath): cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let size = 1 << 20
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = read(fd, chunk.baseAddress, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw SummaryError("\(input.displayPath): cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            try builder.feed(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
        try builder.endInput()
    }
}
