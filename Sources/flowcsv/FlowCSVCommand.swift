import ArgumentParser
import FlowStats

#if canImport(Glibc)
import Glibc
#endif

@main
struct FlowCSVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowcsv",
        abstract: "Turn packet captures (pcap, pcapng) into one CSV row per bidirectional flow.",
        discussion: """
            Inputs are capture files and/or folders. Folders are searched recursively, in sorted \
            order, for capture files (recognised by content, not by extension). All rows go to one \
            CSV: standard output, or --output FILE (written atomically).

            Flows: packets with the same protocol and endpoints, in either direction. The client is \
            the sender of a TCP SYN without ACK; if the first packet seen is a SYN-ACK its receiver \
            is the client; otherwise the sender of the first packet. A TCP flow ends on RST or once \
            both sides sent FIN; packets within --linger after that (the last ACK, retransmitted \
            FINs) stay in it, and a new SYN after the close starts a new flow. Every flow also ends \
            after --idle-timeout without packets or --active-timeout after its start, in capture time.

            Labels: AppName and AppAction come from the file path through --label-template, or \
            from --label-regex, a --labels table or --label constants; --label-rules labels each \
            flow (docs/labels.md). Per column, a constant beats a table row, which beats the regex, \
            which beats the template. Label columns other than AppName and AppAction follow the \
            schema's columns.

            Exit status: 0 when every input was read; 1 when some could not be read (their rows \
            are absent, the rest are written); 64 for usage errors.

            Environment: FLOWCSV_HASH_SEED fixes the flow table's hash seed (random per run \
            otherwise, so traffic cannot be crafted to collide in it); the output never depends on it.

            The CSV columns are documented in docs/columns.md.
            """,
        version: "flowcsv 0.1.0 (\(libpcapVersion))"
    )

    @Argument(help: ArgumentHelp("Capture files and/or folders of captures.", valueName: "input"))
    var inputs: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Write the CSV to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Only read packets that match this BPF expression (libpcap syntax, e.g. 'tcp port 443').", valueName: "expression"))
    var filter: String?

    @Option(help: ArgumentHelp("Defaults that follow another tool: flowcsv (default), zeek (Zeek conn.log semantics: TCP 300 s / other 60 s inactivity, no active timeout, Zeek's originator rule, fragments reassembled), nfstream (NFStream 6.6's flows: idle 120 s, active 1800 s, no TCP lifecycle ending, the innermost 802.1Q id in the key, ICMP keyed without type/code, only IP-in-IP, GTP-U, TZSP and CAPWAP decoded, inner tunnel flows, non-first fragments ignored, headers read as NFStream reads them: docs/nfstream-conformance.md). Other options override it.", valueName: "name"))
    var preset: PresetOption = .flowcsv

    @Option(help: ArgumentHelp("End a flow after this many seconds without packets (capture time), for every protocol. Default 120 (preset zeek: TCP 300, others 60).", valueName: "seconds"))
    var idleTimeout: Double?

    @Option(help: ArgumentHelp("End a flow this many seconds after its first packet and continue it as a new row with the same client and server; 0 disables. Default 1800 (preset zeek: 0).", valueName: "seconds"))
    var activeTimeout: Double?

    @Option(help: ArgumentHelp("Active/idle columns: a gap longer than this many seconds between two packets of a flow ends an active period and is an idle period. Default 5 (CICFlowMeter's).", valueName: "seconds"))
    var activityTimeout: Double?

    @Option(help: ArgumentHelp("Keep at most n flows open at once: when a new flow would exceed it, the least recently active flow (earliest last packet; ties by flow key) ends early with EndReason evicted, and a warning counts them per file. 0: no cap. Default 4000000 (about 2 GiB with --schema basic, at ~480 bytes per open flow).", valueName: "n"))
    var maxFlows: Int?

    @Option(help: ArgumentHelp("Keep taking packets into a closed TCP flow (both FINs, or RST) for this many seconds. Default 5.", valueName: "seconds"))
    var linger: Double?

    @Flag(inversion: .prefixedNo, help: "Make the outermost VLAN id part of the flow key (default: no; preset nfstream: yes, the innermost 802.1Q id as NFStream takes it).")
    var vlanKey: Bool?

    @Option(help: ArgumentHelp("Flows of tunnelled packets (GRE, VXLAN, Geneve, GTP-U, Teredo, IP-in-IP, TZSP, CAPWAP data; preset nfstream: only IP-in-IP, GTP-U, TZSP, CAPWAP): inner, outer or both (default; inner rows name their tunnel's flow).", valueName: "mode"))
    var tunnels: TunnelOption?

    @Option(help: ArgumentHelp("IP fragments: count (every fragment is a packet of its datagram's flow; default), reassemble (a datagram counts once; preset zeek) or first-only (later fragments ignored; preset nfstream).", valueName: "mode"))
    var fragments: FragmentOption?

    @Flag(help: "Drop packets whose IP, TCP, UDP or ICMP checksum is wrong, as Zeek does without -C (they still show as C/c in the history).")
    var verifyChecksums = false

    @Option(help: ArgumentHelp("How AppName and AppAction are read from each file's path: fields separated by '_' in the file name, '/' for folders. Placeholders {AppName}, {AppAction}; '*' is any one field. Examples: '{AppName}_{AppAction}' (default: facebook_chat_4a.pcap), '*_*_{AppName}_*_{AppAction}' (fields 3 and 5), '{AppName}/*' (folder per app).", valueName: "template"))
    var labelTemplate: String?

    // MARK: Label options (issue 9; docs/labels.md)

    @Option(help: ArgumentHelp("Labels from a regular expression (ICU syntax) with named groups, searched in each file's path relative to its input folder (a file given directly: its name, e.g. 'vpn_skype_audio1.pcap'). Groups AppName and AppAction fill those columns; every other named group is a column of its own, after the schema's. Example: '^(?<Class>[^/]+)/(?<AppName>[^/.]+)'. Replaces the default template unless --label-template is given too.", valueName: "regex"))
    var labelRegex: String?

    @Option(name: .customLong("labels"), help: ArgumentHelp("A CSV table of labels: a header with a File column (a file name or fnmatch glob; matched against the path relative to the input folder when it contains '/') and label columns (AppName, AppAction, others become columns of their own). The first matching row wins. Replaces the default template unless --label-template is given too.", valueName: "file.csv"))
    var labelTable: String?

    @Option(name: .customLong("label"), help: ArgumentHelp("A label for every row of the run, NAME=VALUE (repeatable): AppName=/AppAction= set those columns, other names add a column. Beats every other label option.", valueName: "name=value"))
    var labelConstants: [String] = []

    @Option(help: ArgumentHelp("Label each flow by rules (client/server address or CIDR, ports, protocol, a time window with an explicit time zone; first match wins; 'default'; 'attempted': a TCP flow whose client sent no payload gets '<label> - Attempted'). Goes to the column Label (the CIC schemas' own Label column, else appended after the schema's columns), or the one a 'column' line names. A bad line is a usage error naming it. Format: docs/labels.md.", valueName: "file"))
    var labelRules: String?

    @Flag(help: "Print to standard error, for each file, which label option gave each label column, and at the end how many flows each --label-rules rule labelled.")
    var explainLabels = false

    @Option(help: ArgumentHelp("CSV layout: basic (default), extended (basic + IP/payload bytes, size and timing statistics, TCP analytics), zeek (Zeek's conn.log fields), full (every ML feature flowcsv has, its own names, seconds, population std), cic (CICFlowMeter master's 84 columns: µs, L4 payload lengths, sample std, its bugs fixed), cic2017 or cic2018 (the cic values under the CIC-IDS2017 / CSE-CIC-IDS2018 header names), nfstream (NFStream 6.6's columns; with --preset nfstream its values; --splt n adds its splt lists). See docs/columns.md, docs/features.md or --list-columns.", valueName: "name"))
    var schema: SchemaOption = .basic

    @Flag(help: "Leave out the columns that identify the capture rather than the traffic: addresses, ports, timestamps, flow ids, VLAN, tunnel parents and the source file (for training ML models).")
    var dropIdentifiers = false

    @Option(help: ArgumentHelp("Add the first n packets of each flow (0...255; default 0, full: 10) to basic, extended and full: columns SPLT1Size ... SPLTnSize, the wire length signed + client to server, - server to client, 0 where the flow has fewer packets; then SPLT1IAT ... SPLTnIAT, seconds since the flow's previous packet, 0 for the first and missing ones. Only these n packets are kept per flow.", valueName: "n"))
    var splt: Int?

    @Flag(help: "Add the application-metadata columns (Service, ServerName, TLSSNI, TLSALPN, TLSVersion, JA4, JA3, HTTPHost, HTTPMethod, HTTPURI, HTTPUserAgent, HTTPStatus, DNSQuery, DNSQType, DNSRcode, SSHClient, SSHServer; docs/app-metadata.md) to basic or extended. full has them already; the zeek schema has Zeek's service column.")
    var appMetadata = false

    @Option(help: ArgumentHelp("Application metadata: read at most this many bytes of each direction of a TCP connection, reassembled in sequence order (out-of-order segments wait, retransmissions and overlaps keep the first copy, a gap ends the reading). Default 16384. At most 256 MiB are buffered over all open flows; a flow past that budget is no longer inspected (counted in the summary).", valueName: "bytes"))
    var inspectBytes: Int?

    @Option(name: [.short, .long], help: ArgumentHelp("Use up to n threads (0: one per CPU core): files are read in parallel, and with at least twice as many jobs as files each file is read and decoded on one thread while its flows are tracked on another (so one large file uses two cores with --jobs 2). The output is byte for byte the same whatever the number.", valueName: "n"))
    var jobs: Int = 1

    @Flag(help: "Print the columns of the chosen --schema (name and meaning) as a Markdown table, and exit.")
    var listColumns = false

    @Flag(name: [.short, .long], help: "Don't print warnings about individual files or the summary line (errors are still printed).")
    var quiet = false

    func validate() throws {
        if inputs.isEmpty && !listColumns {
            throw ValidationError("Missing expected argument '<input> ...'")
        }
        if let splt, !(0...255).contains(splt) {
            throw ValidationError("--splt must be a number of packets from 0 to 255")
        }
        if jobs < 0 { throw ValidationError("--jobs must be 0 (one per core) or a positive number") }
        if let idleTimeout, !(idleTimeout > 0 && idleTimeout.isFinite) {
            throw ValidationError("--idle-timeout must be a positive number of seconds")
        }
        if let activeTimeout, !(activeTimeout >= 0 && activeTimeout.isFinite) {
            throw ValidationError("--active-timeout must be 0 or a positive number of seconds")
        }
        if splt != nil, [.zeek, .cic, .cic2017, .cic2018].contains(schema) {
            throw ValidationError("--splt adds columns to basic, extended, full and nfstream only; --schema \(schema.rawValue) has a fixed layout")
        }
        if appMetadata, !schema.schema.takesAppMetadataOption {
            throw ValidationError("--app-metadata adds columns to basic and extended only; --schema \(schema.rawValue) \(schema.schema == .full ? "has them already" : schema.schema == .zeek ? "has Zeek's service column" : "has a fixed layout")")
        }
        if let inspectBytes, !(0...(1 << 24)).contains(inspectBytes) {
            throw ValidationError("--inspect-bytes must be a number of bytes from 0 to 16777216")
        }
        if let activityTimeout, !(activityTimeout > 0 && activityTimeout.isFinite) {
            throw ValidationError("--activity-timeout must be a positive number of seconds")
        }
        if let linger, !(linger >= 0 && linger.isFinite) {
            throw ValidationError("--linger must be 0 or a positive number of seconds")
        }
        if let maxFlows, maxFlows < 0 {
            throw ValidationError("--max-flows must be 0 (no cap) or a positive number of flows")
        }
        if let seed = getenv(FlowHashSeed.environmentVariable), FlowHashSeed.parse(String(cString: seed)) == nil {
            throw ValidationError("\(FlowHashSeed.environmentVariable) must be an unsigned 64-bit number (decimal, or hexadecimal after 0x)")
        }
        if let filter {
            do {
                try CaptureReader.validateFilter(filter)
            } catch {
                throw ValidationError(error.message)
            }
        }
        do {
            _ = try LabelTemplate(labelTemplate ?? LabelTemplate.defaultTemplate)
        } catch {
            throw ValidationError(error.message)
        }
        _ = try makeLabelOptions()
    }

    /// The label options of the command line (files read and checked).
    func makeLabelOptions() throws -> LabelOptions {
        do throws(LabelOptionError) {
            var labels = LabelOptions()
            if let labelRegex { labels.regex = try LabelRegex(labelRegex) }
            if let labelTable { labels.table = try LabelTable(contentsOf: labelTable) }
            labels.constants = try labelConstants.map { text throws(LabelOptionError) in try LabelOptions.constant(text) }
            if let labelRules { labels.rules = try LabelRules(contentsOf: labelRules) }
            labels.useTemplate = labelTemplate != nil || (labelRegex == nil && labelTable == nil)
            labels.explain = explainLabels
            if !labels.isEmpty { try labels.validate(schemaColumns: schema.schema.columns.map(\.name)) }
            return labels
        } catch {
            throw ValidationError(error.message)
        }
    }

    var columnOptions: ColumnOptions {
        var columns = ColumnOptions()
        columns.firstPackets = splt
        columns.dropIdentifiers = dropIdentifiers
        columns.appMetadata = appMetadata
        return columns
    }

    func run() throws {
        if listColumns {
            print("| Column | Meaning |\n|---|---|")
            for column in schema.schema.layout(columnOptions).columns {
                print("| `\(column.name)` | \(column.meaning) |")
            }
            return
        }
        var options = ProcessingOptions(labelTemplate: try LabelTemplate(labelTemplate ?? LabelTemplate.defaultTemplate))
        options.labels = try makeLabelOptions()
        options.filter = filter
        options.schema = schema.schema
        options.flow = FlowConfiguration(preset: preset.preset)
        if let activityTimeout { options.flow.features.activityTimeoutNs = FlowConfiguration.seconds(activityTimeout) }
        if let inspectBytes { options.flow.features.inspectBytes = inspectBytes }
        options.columns = columnOptions
        if let idleTimeout { options.flow.idle = IdleTimeouts(all: FlowConfiguration.seconds(idleTimeout)) }
        if let activeTimeout { options.flow.activeTimeoutNs = FlowConfiguration.seconds(activeTimeout) }
        if let linger { options.flow.lingerNs = FlowConfiguration.seconds(linger) }
        if let maxFlows { options.flow.maxFlows = maxFlows }
        if let vlanKey { options.flow.vlanInKey = vlanKey }
        if let tunnels { options.flow.tunnels = tunnels.mode }
        if verifyChecksums { options.flow.verifyChecksums = true }
        if let fragments { options.flow.fragments = fragments.mode }

        let (captures, skipped) = InputDiscovery.expand(inputs)
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
        let progress = Progress(files: captures, enabled: !quiet)
        if !quiet {
            options.progress = { packets, position in progress.tick(packets: packets, position: position) }
        }
        let workers = jobs == 0 ? max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) : jobs
        let quiet = self.quiet
        let explain = explainLabels ? LabelExplainer(options.labels.rules) : nil
        var summary = BatchRunner.run(captures, options: options, output: sink, jobs: workers) { report in
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
        if !quiet {
            var line = "\(summary.files) files, \(summary.packets) packets, \(summary.flows) flows, \(summary.failedFiles) failed"
            if summary.packetsInNoFlow > 0 {
                line += ", \(summary.packetsInNoFlow) packets in no flow (not IP or undecodable)"
            }
            if summary.skippedNonCaptures > 0 {
                line += ", \(summary.skippedNonCaptures) non-capture files skipped"
            }
            Diagnostics.note(line)
        }
        if summary.failedFiles > 0 {
            throw ExitCode(1)
        }
    }
}

enum PresetOption: String, ExpressibleByArgument, CaseIterable {
    case flowcsv, zeek, nfstream
    var preset: Preset { Preset(rawValue: rawValue)! }
}

enum FragmentOption: String, ExpressibleByArgument, CaseIterable {
    case count, reassemble, firstOnly = "first-only"
    var mode: FragmentMode { FragmentMode(rawValue: rawValue)! }
}

enum TunnelOption: String, ExpressibleByArgument, CaseIterable {
    case inner, outer, both
    var mode: TunnelMode { TunnelMode(rawValue: rawValue)! }
}

enum SchemaOption: String, ExpressibleByArgument, CaseIterable {
    case basic, extended, zeek, full, cic, cic2017, cic2018, nfstream
    var schema: Schema { Schema(rawValue: rawValue)! }
}
