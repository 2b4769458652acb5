/// Totals for a whole run.
public struct BatchSummary: Sendable, Equatable {
    public var files = 0
    public var failedFiles = 0
    public var packets = 0
    /// Packets in no flow: frames without IP, and frames that could not be decoded up to IP.
    public var packetsInNoFlow = 0
    public var flows = 0
    public var skippedNonCaptures = 0
}

/// Runs a list of captures into one CSV: one header, then each file's rows in input order.
public enum BatchRunner {
    /// `onFile` is called after each file with its report (for diagnostics and progress).
    public static func run(_ inputs: [CaptureInput], options: ProcessingOptions, output: OutputFile,
                           onFile: (FileReport) -> Void) -> BatchSummary {
        var summary = BatchSummary()
        var buffer = CSVBuffer()
        options.schema.writeHeader(to: &buffer)
        for input in inputs {
            let report = FileProcessor.process(input, options: options, out: &buffer) { buffer in
                output.write(buffer.bytes)
                buffer.removeAll()
            }
            summary.files += 1
            summary.packets += report.packets
            summary.packetsInNoFlow += report.nonIPPackets + report.undecodablePackets
            summary.flows += report.flows
            if report.error != nil { summary.failedFiles += 1 }
            onFile(report)
        }
        output.write(buffer.bytes)
        return summary
    }
}
