/// Runs a live capture into CSV: the header once, then each flow's row as it ends, written
/// out at every poll tick that produced rows (so `tail -f` shows a row within a tick of its
/// end). When the capture stops (`shouldStop`, `--count`, `--duration`), every open flow is
/// written with EndReason `shutdown`.
public enum LiveRun {
    public static func run(_ capture: LiveCapture, as input: CaptureInput, options: ProcessingOptions,
                           output: OutputFile, shouldStop: () -> Bool) -> FileReport {
        var header = CSVBuffer()
        options.layout.writeHeader(to: &header)
        output.write(header.bytes)
        var options = options
        options.pipeline = false  // one thread: the poll loop also writes the rows
        var buffer = CSVBuffer()
        let report = FileProcessor.process(capture, as: input, options: options, out: &buffer, flush: { buffer in
            buffer.withBytes { output.write($0) }
            buffer.removeAll()
        }, tick: { !shouldStop() })
        buffer.withBytes { output.write($0) }
        buffer.removeAll()
        return report
    }
}
