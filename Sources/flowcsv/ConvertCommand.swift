import ArgumentParser
import FlowStats

/// `flowcsv [convert] INPUT…`: captures in, one CSV row per flow out. The default subcommand,
/// so `flowcsv FILES…` is this.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Turn captures into one CSV row per flow (the default: `flowcsv FILES…` is `flowcsv convert FILES…`).",
        discussion: FlowCSVCommand.flowDiscussion
    )

    @Argument(help: ArgumentHelp("Capture files and/or folders of captures.", valueName: "input"))
    var inputs: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Write the CSV to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup(title: "Flows") var flow: FlowOptionGroup
    @OptionGroup(title: "Labels") var labels: LabelOptionGroup
    @OptionGroup(title: "Columns") var columns: ColumnOptionGroup

    @Flag(help: "Print the columns of the chosen --schema (name and meaning) as a Markdown table, and exit.")
    var listColumns = false

    @Flag(help: "Print the capture files a run of these inputs would read, in its order, one per line as PATH<TAB>SOURCENAME (the path to open and its SourceFile name; a backslash, tab or newline in either is written \\\\, \\t, \\n), say on standard error how many non-capture files in folders were skipped, and exit 0. For drivers that fan out over files (docs/scale-out.md).")
    var listInputs = false

    @OptionGroup(title: "Run") var runOptions: RunOptionGroup

    func validate() throws {
        if inputs.isEmpty && !listColumns {
            throw ValidationError("Missing expected argument '<input> ...'")
        }
        if labels.sourceName != nil, inputs.count != 1 {
            throw ValidationError("--source-name names a single input; \(inputs.count) were given")
        }
        try flow.validateFilter()
        _ = try labels.makeLabelOptions(schemaColumns: columns.schemaColumnNames)
    }

    func run() throws {
        if listColumns {
            columns.printColumns()
            return
        }
        var options = try ProcessingOptions(flow: flow, columns: columns, labels: labels)

        var (captures, skipped) = InputDiscovery.expand(inputs)
        if let sourceName = labels.sourceName {
            guard captures.count == 1, captures[0].path == inputs[0] else {
                Diagnostics.error("--source-name names a single capture file; \(inputs[0]) is a folder")
                throw ExitCode(ExitCode.validationFailure.rawValue)
            }
            captures[0].rename(sourceName)
        }
        if listInputs {
            print(captures.map { InputListing.line($0) + "\n" }.joined(), terminator: "")
            if !runOptions.quiet {
                Diagnostics.note("\(captures.count) capture files listed, \(skipped) non-capture files skipped")
            }
            return
        }
        if captures.isEmpty {
            // Nothing to read: leave an existing output file as it is.
            Diagnostics.error("no capture files found in the inputs" + (skipped > 0 ? " (\(skipped) non-capture files skipped)" : ""))
            throw ExitCode(1)
        }
        let sink: OutputFile
        if let output {
            do {
                sink = try OutputFile(path: output)
            } catch {
                Diagnostics.error(error.message)
                throw ExitCode(1)
            }
            if let temporary = sink.temporaryPath { SignalCleanup.removeOnInterrupt(temporary) }
        } else {
            sink = OutputFile()
        }
        let quiet = runOptions.quiet
        let progress = Progress(files: captures, enabled: !quiet)
        if !quiet {
            options.progress = { packets, position in progress.tick(packets: packets, position: position) }
        }
        let explain = labels.explainLabels ? LabelExplainer(options.labels.rules) : nil
        var summary = BatchRunner.run(captures, options: options, output: sink, jobs: runOptions.workers) { report in
            explain?.file(report)
            if let error = report.error {
                Diagnostics.error("\(report.input.displayPath): \(error.message)")
            } else if !quiet {
                for warning in report.warnings {
                    Diagnostics.warning("\(report.input.displayPath): \(warning)")
                }
            }
            progress.fileDone(report)
        }
        summary.skippedNonCaptures = skipped
        progress.finish()
        explain?.finish()
        do {
            try sink.commit()
            SignalCleanup.disarm()
        } catch {
            Diagnostics.error(error.message)
            throw ExitCode(1)
        }
        if !quiet { Diagnostics.note(summary.line) }
        if summary.failedFiles > 0 {
            throw ExitCode(1)
        }
    }
}
