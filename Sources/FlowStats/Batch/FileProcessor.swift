/// What flowcsv does with every capture, apart from the CSV text.
public struct ProcessingOptions: Sendable {
    public var flow = FlowConfiguration()
    public var filter: String?
    public var schema = Schema.basic
    /// Column choices within the schema (`--splt`, `--drop-identifiers`).
    public var columns = ColumnOptions()
    /// The schema's columns under ``columns``, then the label columns (``LabelOptions/layout(_:)``).
    public var layout: OutputLayout { labels.layout(schema.layout(columns)) }
    public var labelTemplate: LabelTemplate
    /// The other label options (regex, table, constants, rules); see ``LabelOptions``.
    public var labels = LabelOptions()
    /// Called every 65,536 packets of a file with its packets read so far and the bytes of
    /// the file read so far (for a progress line); nil for no reports.
    public var progress: (@Sendable (_ packets: Int, _ position: Int64) -> Void)?
    /// Read each capture on two threads: one reads and decodes packets, the other (the
    /// caller's) keeps the flow table and writes rows; they hand packets over in batches.
    /// The output is the same either way.
    public var pipeline = false

    public init(labelTemplate: LabelTemplate) {
        self.labelTemplate = labelTemplate
    }
}

/// What happened while reading one capture.
public struct FileReport: Sendable {
    public var input: CaptureInput
    /// Set when the file could not be read at all; its rows are absent.
    public var error: CaptureError?
    /// How reading ended (complete, truncated, read error).
    public var readEnd = ReadEnd.complete
    /// Packets read (those passing `--filter`).
    public var packets = 0
    /// Packets counted in flows (IPv4/IPv6).
    public var ipPackets = 0
    /// Frames without IP (ARP, LLDP, …): not flows.
    public var nonIPPackets = 0
    /// Frames too short for their IP header, or malformed, or of an unsupported link type: not flows.
    public var undecodablePackets = 0
    /// IP packets with some header cut short (still counted in their flow).
    public var truncatedPackets = 0
    public var backwardsTimestamps = 0
    /// Packets dropped for a wrong IPv4 header checksum (`--verify-checksums`).
    public var badChecksumPackets = 0
    /// Non-first fragments ignored (`--fragments first-only`).
    public var ignoredFragments = 0
    /// What fragment reassembly did (when enabled).
    public var reassembly = ReassemblyStats()
    public var flows = 0
    /// The file's labels (AppName, AppAction and the extra columns).
    public var labels = FileLabels()
    /// Set when the file name fitted none of the label options that read it.
    public var labelsMissing = false
    /// Flows per `--label-rules` outcome (``LabelRules/label(ofOutcome:)``); empty without rules.
    public var ruleCounts: [Int] = []
    public var usedFallbackReader = false
    /// Flows ended early (`evicted`) to stay within ``maxFlows`` live flows (`--max-flows`).
    public var evictedFlows = 0
    public var maxFlows = 0
    /// Flows whose application metadata was not read to the end because the inspection
    /// budget (buffered stream bytes over all open flows) ran out.
    public var uninspectedFlows = 0

    /// One-line warnings about this file (without the file name).
    public var warnings: [String] {
        var lines: [String] = []
        if labelsMissing && error == nil {
            lines.append(labels.missing ?? "file name does not match the label template; AppName and AppAction left empty")
        }
        switch readEnd {
        case .complete: break
        case .truncated(let message):
            lines.append("file is cut off mid-packet (\(message)); kept the \(packets) complete packets before it")
        case .failed(let message):
            lines.append("read error after \(packets) packets (\(message)); kept the packets before it")
        }
        if backwardsTimestamps > 0 {
            lines.append("\(backwardsTimestamps) packets had a timestamp earlier than a packet before them; they were taken as arriving at the latest time seen")
        }
        let lost = reassembly.timedOut + reassembly.droppedForLimits
        if lost > 0 {
            lines.append("\(lost) fragmented IP datagrams never completed (or exceeded the reassembly limits); their fragments are in no flow, as in Zeek")
        }
        if ignoredFragments > 0 {
            lines.append("\(ignoredFragments) non-first IP fragments were ignored (--fragments first-only)")
        }
        if badChecksumPackets > 0 {
            lines.append("\(badChecksumPackets) packets with a wrong IPv4 header checksum were dropped (--verify-checksums)")
        }
        if evictedFlows > 0 {
            lines.append("\(evictedFlows) flows evicted (--max-flows \(maxFlows))")
        }
        if uninspectedFlows > 0 {
            lines.append("\(uninspectedFlows) flows stopped being inspected for application metadata: more than \(AppMetadataTable.defaultInspectBudget >> 20) MiB of stream bytes were buffered at once (their metadata columns may be empty)")
        }
        if undecodablePackets > 0 {
            lines.append("\(undecodablePackets) packets could not be decoded up to the IP header and are in no flow")
        }
        return lines
    }
}

/// Reads one capture into flows and writes their rows.
public enum FileProcessor {
    /// A file that could not be opened: its report, with the error.
    private struct OpenFailure: Error {
        var report: FileReport
    }

    /// Opens `input` with the run's filter.
    private static func open(_ input: CaptureInput, options: ProcessingOptions) -> Result<CaptureReader, OpenFailure> {
        do {
            return .success(try CaptureReader.open(path: input.path, filter: options.filter))
        } catch {
            var report = FileReport(input: input)
            report.error = error
            return .failure(OpenFailure(report: report))
        }
    }

    /// Reads `input`, appending one row per flow to `out`. Calls `flush` whenever `out` has
    /// grown large, so memory follows live flows, not file size. Never throws: problems are
    /// in the report.
    public static func process(_ input: CaptureInput, options: ProcessingOptions,
                               out: inout CSVBuffer, flush: (inout CSVBuffer) -> Void) -> FileReport {
        switch open(input, options: options) {
        case .success(let reader): return process(reader, as: input, options: options, out: &out, flush: flush)
        case .failure(let failed): return failed.report
        }
    }

    /// Reads packets from `source` (a file, an interface), named `input` in the rows and
    /// labels, appending one row per flow to `out` as flows end. `flush` is called when `out`
    /// has grown large and, for a live source, at every tick that wrote rows; `tick` (live
    /// sources only) is asked at every tick whether to go on.
    public static func process(_ source: any PacketSource, as input: CaptureInput, options: ProcessingOptions,
                               out: inout CSVBuffer, flush: (inout CSVBuffer) -> Void,
                               tick: () -> Bool = { true }) -> FileReport {
        let labels = options.labels.labels(for: input, template: options.labelTemplate)
        let context = FileContext(sourceFile: input.displayPath, appName: labels.appName, appAction: labels.appAction,
                                  labels: options.labels.isEmpty ? FileLabelFields() : FileLabelFields(labels, options: options.labels))
        let layout = options.layout
        var options = options
        options.flow.features.firstPackets = layout.firstPackets  // as many as the columns show
        options.flow.features.appValues = layout.appValues  // services alone: no field values built
        // --explain-labels: flows per rule (only then are the rules applied a second time).
        let counted = options.labels.explain ? options.labels.rules : nil
        var ruleCounts = [Int](repeating: 0, count: counted.map { 2 * $0.rules.count + 1 } ?? 0)
        // Feature groups cost per packet and per flow: keep exactly those the columns read.
        var report = readFlows(from: source, as: input, options: options, features: layout.requirements, onFlows: { flows in
            layout.writeRows(flows, file: context, to: out)
            counted?.count(flows, into: &ruleCounts)
            if out.count >= 1 << 20 { flush(&out) }
        }, keepReading: tick, afterTick: {
            if out.count > 0 { flush(&out) }
        })
        report.labels = labels
        report.labelsMissing = labels.missing != nil
        report.ruleCounts = ruleCounts
        return report
    }

    /// Reads `input` into flows (core records only, no feature groups). `onFlows` receives the
    /// flows that ended, in output order, as they end (after the packet that ended them, and
    /// at the end of the file).
    public static func readFlows(_ input: CaptureInput, options: ProcessingOptions,
                                 onFlows: ([FlowRecord]) -> Void) -> FileReport {
        readFlows(input, options: options, features: []) { onFlows($0.records) }
    }

    /// Reads `input` into flows, keeping the feature groups `features` (e.g. a schema's
    /// ``Schema/requirements``). `onFlows` receives the flows that ended, in output order, with
    /// the groups' states, as they end.
    public static func readFlows(_ input: CaptureInput, options: ProcessingOptions, features: FeatureSet,
                                 onFlows: (FinishedFlows) -> Void) -> FileReport {
        switch open(input, options: options) {
        case .success(let reader): return readFlows(from: reader, as: input, options: options, features: features, onFlows: onFlows)
        case .failure(let failed): return failed.report
        }
    }

    /// Reads `source` into flows as ``readFlows(_:options:features:onFlows:)`` does. At each
    /// tick of a live source, `keepReading` is asked first whether to go on (a stop wins over
    /// the idle clock: the flows open then end `shutdown`); then the flow clock moves on a
    /// quiet link (``SourceTick/idleClockNs``) and `afterTick` runs (to write the rows out).
    /// The flows still open at the end get the source's ``PacketSource/endOfInput`` (`eof`,
    /// `shutdown`).
    public static func readFlows(from source: any PacketSource, as input: CaptureInput, options: ProcessingOptions,
                                 features: FeatureSet, onFlows: (FinishedFlows) -> Void,
                                 keepReading: () -> Bool = { true }, afterTick: () -> Void = {}) -> FileReport {
        var report = FileReport(input: input)
        // All per-packet state lives in one value whose method runs per packet, so the hot
        // path touches its fields in place instead of through closure-captured boxes.
        withoutActuallyEscaping(onFlows) { onFlows in
            var session = FileSession(options.flow, uidSalt: FlowUID.salt(input.displayPath), features: features,
                                      onFlows: onFlows)
            session.table.endOfInput = source.endOfInput
            let progress = options.progress
            let end: ReadEnd
            if options.pipeline, let reader = source as? CaptureReader {
                end = PacketPipeline.read(reader, options: session.decodeOptions, positions: progress != nil) { batch in
                    session.account(batch, progress: progress)
                }
            } else {
                var packet = DecodedPacket()  // reused for every packet
                end = source.read(packet: { header, bytes in
                    // `process` answers with the packet count, so the closure never reads the
                    // session's fields itself (that would copy the whole session).
                    let packets = session.process(header, bytes, &packet)
                    if let progress, packets & 0xFFFF == 0 {
                        progress(packets, source.position)
                    }
                }, tick: { tick in
                    guard keepReading() else { return false }
                    if let now = tick.idleClockNs { session.advanceIdleClock(to: now) }
                    afterTick()
                    return true
                })
            }
            session.finish()
            session.report.input = input
            session.report.readEnd = end
            report = session.report
        }
        report.usedFallbackReader = source.usedFallbackReader
        return report
    }
}
