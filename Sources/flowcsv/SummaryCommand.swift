import ArgumentParser
import FlowStats

#if canImport(Glibc)
import Glibc
#endif

/// `flowcsv summary INPUT…`: per-group traffic figures as a table, Markdown, CSV or JSON, and
/// an HTML report with plots (docs/summary.md).
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Summarise traffic per app (or any column): flows, packets, bytes, durations, sizes, protocols, top servers; as a table, Markdown, CSV, JSON or an HTML report.",
        discussion: """
            Inputs are captures and folders of captures (read into flows with the flow, label and \
            column options, as `flowcsv convert` reads them; basic and extended get the \
            application-metadata columns, so ServerName and Service exist), or CSV files that \
            flowcsv wrote (read back, any schema: a figure whose columns are missing is left out, \
            with a note). The rows are streamed: memory grows with the number of groups, not of \
            flows.

            Per group: files, flows, packets, bytes (total, client to server, server to client), \
            share of all bytes, flow duration and size (median, p95, max), protocol, ConnState and \
            EndReason mix, top servers by bytes (ServerName when present, else ServerIP:port), \
            first and last time seen. Medians and p95 are at most 1/128 (< 1 %) above the exact \
            value (HdrHistogram, 2 significant digits); top servers are exact unless marked ≈ \
            (Space-Saving). Every output column and field: docs/summary.md.

            Exit status: 0 when every input was read; 1 when a capture could not be read (it is \
            listed with its error, the rest are summarised), when a CSV cannot be used (not \
            flowcsv's, no grouping column, cut inside a quoted field: one error line naming the \
            file and the column, nothing written), or when no input was found; 64 for usage errors.
            """
    )

    @Argument(help: ArgumentHelp("Capture files, folders of captures, and/or CSV files flowcsv wrote.", valueName: "input"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp("Group by these columns, comma-separated: AppName (default), AppName,AppAction, ServerName, Service, ServerIP, ServerPort, Protocol, SourceFile, or any label column.", valueName: "columns"))
    var by: String = "AppName"

    @Option(help: ArgumentHelp("List this many top servers (by bytes) per group. Default 5.", valueName: "n"))
    var top: Int = 5

    @Option(help: ArgumentHelp("Output: table (default: aligned columns that fit the terminal, or --width), markdown, csv (one row per group) or json.", valueName: "format"))
    var format: SummaryFormatOption = .table

    @Option(help: ArgumentHelp("Width of the table in characters (default: the terminal's, else $COLUMNS, else 120); columns are left out, least important first, to fit.", valueName: "n"))
    var width: Int?

    @Option(help: ArgumentHelp("Also write a self-contained HTML report with plots to this file (written atomically).", valueName: "file"))
    var html: String?

    @OptionGroup(title: "Flows (captures only)") var flow: FlowOptionGroup
    @OptionGroup(title: "Labels (captures only)") var labels: LabelOptionGroup
    @OptionGroup(title: "Columns (captures only)") var columns: ColumnOptionGroup
    @OptionGroup(title: "Run") var runOptions: RunOptionGroup

    var groupColumns: [String] { by.split(separator: ",").map { String($0).trimmingSpaces } }

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("Missing expected argument '<input> ...'") }
        if groupColumns.isEmpty || groupColumns.contains(where: \.isEmpty) {
            throw ValidationError("--by must name one or more columns, comma-separated (e.g. AppName,AppAction)")
        }
        if !(1...1000).contains(top) { throw ValidationError("--top must be a number from 1 to 1000") }
        if let width, !(20...10000).contains(width) { throw ValidationError("--width must be a number of characters from 20 to 10000") }
        if labels.sourceName != nil, inputs.count != 1 {
            throw ValidationError("--source-name names a single input; \(inputs.count) were given")
        }
        _ = try labels.makeLabelOptions(schemaColumns: columns.schemaColumnNames)
    }

    func run() throws {
        var options = try ProcessingOptions(flow: flow, columns: columns, labels: labels)
        if options.schema.takesAppMetadataOption { options.columns.appMetadata = true }
        if runOptions.workers >= 2 { options.pipeline = true }

        var summaryOptions = SummaryOptions()
        summaryOptions.by = groupColumns
        summaryOptions.top = top
        let builder = SummaryBuilder(options: summaryOptions)

        var (items, skipped) = SummaryInputs.classify(inputs)
        if let sourceName = labels.sourceName, items.count == 1, case .capture(var input) = items[0], input.path == inputs[0] {
            input.rename(sourceName)
            items[0] = .capture(input)
        }
        let quiet = runOptions.quiet
        let captures = items.compactMap { item -> CaptureInput? in if case .capture(let c) = item { return c } else { return nil } }
        let progress = Progress(files: captures, enabled: !quiet)
        if !quiet {
            options.progress = { packets, position in progress.tick(packets: packets, position: position) }
        }
        var failed = 0
        do throws(SummaryError) {
            for item in items {
                switch item {
                case .csv(let input):
                    try SummaryInputs.addCSV(input, to: builder)
                case .capture(let input):
                    let report = try SummaryInputs.addCapture(input, options: options, to: builder)
                    if let error = report.error {
                        failed += 1
                        Diagnostics.error("\(input.displayPath): \(error.message)")
                    } else if !quiet {
                        for warning in report.warnings { Diagnostics.warning("\(input.displayPath): \(warning)") }
                    }
                    progress.fileDone(report)
                }
            }
        } catch {
            progress.finish()
            Diagnostics.error(error.message)
            throw ExitCode(1)
        }
        progress.finish()
        var summary = builder.finish()
        if items.isEmpty {
            Diagnostics.error("no capture or CSV files found in the inputs" + (skipped > 0 ? " (\(skipped) non-capture files skipped)" : ""))
            summary.notes.append("no capture or CSV files found in the inputs" + (skipped > 0 ? " (\(skipped) non-capture files skipped)" : ""))
        } else if skipped > 0 {
            summary.notes.append("\(skipped) file\(skipped == 1 ? "" : "s") in the folders \(skipped == 1 ? "was not a capture" : "were not captures") and \(skipped == 1 ? "was" : "were") skipped")
        }
        summary.options = optionsUsed(options)

        print(SummaryFormatter.render(summary, as: format.format, width: width ?? terminalWidth()), terminator: "")
        if let html {
            do {
                let sink = try OutputFile(path: html)
                if let temporary = sink.temporaryPath { SignalCleanup.removeOnInterrupt(temporary) }
                sink.write(Array(SummaryReport.render(summary, generatedBy: "flowcsv 0.1.0 summary").utf8))
                try sink.commit()
                SignalCleanup.disarm()
            } catch {
                Diagnostics.error(error.message)
                throw ExitCode(1)
            }
        }
        if failed > 0 || items.isEmpty { throw ExitCode(1) }
    }

    /// What the report lists under "Options used".
    func optionsUsed(_ options: ProcessingOptions) -> [(String, String)] {
        let quoted = CommandLine.arguments.dropFirst().map { argument in
            argument.contains(where: { " '\"$\\".contains($0) }) || argument.isEmpty
                ? "'" + argument.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'" : argument
        }
        var list: [(String, String)] = [
            ("command", (["flowcsv"] + quoted).joined(separator: " ")),
            ("--by", groupColumns.joined(separator: ",")),
            ("--top", String(top)),
            ("--format", format.rawValue),
        ]
        list.append(("--preset", flow.preset.rawValue))
        list.append(("--schema (captures)", columns.schema.rawValue + (options.columns.appMetadata ? " + application metadata" : "")))
        list.append(("--filter", flow.filter ?? "(none)"))
        list.append(("idle / active timeout", "\(SummaryTimeText.seconds(options.flow.idle.tcp)) s TCP, \(SummaryTimeText.seconds(options.flow.activeTimeoutNs)) s active (0: none)"))
        list.append(("--label-template", labels.labelTemplate ?? LabelTemplate.defaultTemplate))
        if let regex = labels.labelRegex { list.append(("--label-regex", regex)) }
        if let table = labels.labelTable { list.append(("--labels", table)) }
        for constant in labels.labelConstants { list.append(("--label", constant)) }
        if let rules = labels.labelRules { list.append(("--label-rules", rules)) }
        list.append(("--jobs", String(runOptions.jobs)))
        list.append(("flowcsv", "0.1.0 (\(libpcapVersion))"))
        return list
    }

    /// The terminal's width, else $COLUMNS, else 120.
    func terminalWidth() -> Int {
        var size = winsize()
        if isatty(1) != 0, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 20 { return Int(size.ws_col) }
        if let columns = getenv("COLUMNS"), let n = Int(String(cString: columns)), n >= 20 { return n }
        return 120
    }
}

enum SummaryFormatOption: String, ExpressibleByArgument, CaseIterable {
    case table, markdown, csv, json
    var format: SummaryFormatter.Format { SummaryFormatter.Format(rawValue: rawValue)! }
}

enum SummaryTimeText {
    static func seconds(_ ns: Int64) -> String {
        let s = Double(ns) / 1e9
        return s == s.rounded() ? String(Int64(s)) : String(s)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
