import ArgumentParser
import FlowStats
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `flowcsv capture -i IFACE`: flows from a network interface, each row written as its flow
/// ends; SIGINT/SIGTERM/SIGHUP, --duration or --count stop it and write the open flows
/// (EndReason shutdown). docs/live-capture.md.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture from a network interface and write each flow's row as the flow ends.",
        discussion: """
            Packets are read from the interface through libpcap (immediate mode, non-blocking, a \
            100 ms poll tick). A row is written when its flow ends (FIN/RST after --linger, \
            --idle-timeout, --active-timeout, --max-flows eviction) and flushed at the next tick, so \
            `tail -f FILE` shows it within about a second. When no packet has arrived for 250 ms, \
            the flow clock moves to the wall clock (never backwards), so timeouts fire on a quiet \
            link; packet timestamps are used for everything else.

            SIGINT, SIGTERM and SIGHUP (and --duration, --count) stop the capture: every open flow \
            is written with EndReason shutdown, libpcap's received/dropped counts go to standard \
            error, and the exit status is 0. Further signals during that flush are ignored.

            SourceFile is the interface's name, or --source-name NAME; the label template is \
            applied to NAME only (without it, labels come from --label AppName=… / AppAction=…).

            Capturing needs CAP_NET_RAW (or root). Errors are one line naming the interface; exit \
            status 1 (a bad --filter: 64). Details: docs/live-capture.md.
            """
    )

    @Option(name: [.short, .customLong("interface")], help: ArgumentHelp("The interface to capture on (`flowcsv interfaces` lists them).", valueName: "name"))
    var interface: String

    @Option(name: [.short, .long], help: ArgumentHelp("Write the CSV to this file, in place as rows come (so `tail -f` sees them; not atomic), instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Stop after this many seconds (wall clock), as if signalled.", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("Stop after this many packets (those passing --filter), as if signalled.", valueName: "n"))
    var count: Int?

    @Option(help: ArgumentHelp("Also save every packet read (after --filter) to this pcap file (nanosecond timestamps; no rotation). `flowcsv FILE` then gives the same flows, except those cut by the stop (eof instead of shutdown).", valueName: "file"))
    var writePcap: String?

    @Option(help: ArgumentHelp("The kernel's capture buffer in MiB (default 32). Packets arriving while it is full are dropped (counted at the stop); on lo each packet takes a 64 KiB slot, so raise it for bursts there.", valueName: "MiB"))
    var bufferSize: Int = 32

    @Flag(help: "Put the interface in promiscuous mode (default: only this host's traffic, and what the interface receives anyway).")
    var promiscuous = false

    @OptionGroup(title: "Flows") var flow: FlowOptionGroup
    @OptionGroup(title: "Labels") var labels: LabelOptionGroup
    @OptionGroup(title: "Columns") var columns: ColumnOptionGroup
    @OptionGroup(title: "Run") var runOptions: RunOptionGroup

    func validate() throws {
        if interface.isEmpty { throw ValidationError("--interface must not be empty") }
        if let duration, !(duration > 0 && duration.isFinite) {
            throw ValidationError("--duration must be a positive number of seconds")
        }
        if !(1...2047).contains(bufferSize) { throw ValidationError("--buffer-size must be 1 to 2047 MiB") }
        if let count, count <= 0 { throw ValidationError("--count must be a positive number of packets") }
        _ = try labels.makeLabelOptions(schemaColumns: columns.schemaColumnNames)
    }

    func run() throws {
        var options = try ProcessingOptions(flow: flow, columns: columns, labels: labels)
        // The template reads a name: --source-name's, never the interface's (unless asked).
        if labels.sourceName == nil && labels.labelTemplate == nil { options.labels.useTemplate = false }
        let name = labels.sourceName ?? interface
        let input = CaptureInput(path: name, displayPath: name)

        var live = LiveCapture.Options(interface: interface)
        live.filter = options.filter
        live.writePcap = writePcap
        live.count = count
        live.durationNs = duration.map { FlowConfiguration.seconds($0) }
        live.promiscuous = promiscuous
        live.bufferBytes = Int32(bufferSize) << 20
        options.filter = nil  // in the kernel, not in user space
        // Signals only set the flag from here on (before the interface opens, so none is lost).
        LiveStop.install()
        let capture: LiveCapture
        do {
            capture = try LiveCapture(live)
        } catch {
            Diagnostics.error("\(interface): \(error.message)")
            throw ExitCode(error.kind == .badFilter ? ExitCode.validationFailure.rawValue : 1)
        }
        let sink: OutputFile
        if let output {
            do {
                sink = try OutputFile(progressivePath: output)
            } catch {
                Diagnostics.error(error.message)
                throw ExitCode(1)
            }
        } else {
            sink = OutputFile()
        }
        let quiet = runOptions.quiet
        if !quiet {
            Diagnostics.note("capturing on \(interface)\(live.filter.map { " (filter '\($0)')" } ?? ""); Ctrl-C stops and writes the open flows")
        }
        let report = LiveRun.run(capture, as: input, options: options, output: sink) { LiveStop.requested }
        let counts = capture.counts
        var failed = false
        do {
            try sink.commit()
        } catch {
            Diagnostics.error(error.message)
            failed = true
        }
        if case .failed(let message) = report.readEnd {
            Diagnostics.error("\(interface): capture stopped by a read error: \(message)")
            failed = true
        }
        if !quiet {
            for warning in report.warnings where !warning.hasPrefix("read error") {
                Diagnostics.warning("\(interface): \(warning)")
            }
            Diagnostics.note("\(interface): libpcap received \(counts.received) packets, dropped \(counts.dropped) (interface: \(counts.interfaceDropped)); read \(counts.read) packets, \(report.flows) flows")
        }
        if failed { throw ExitCode(1) }
    }
}

/// The stop flag: SIGINT, SIGTERM and SIGHUP only set it (async-signal-safe); the capture's
/// poll loop reads it every tick. A second signal while the open flows are written finds the
/// flag set and changes nothing.
enum LiveStop {
    private static let flag = Atomic<Bool>(false)

    static var requested: Bool { flag.load(ordering: .acquiring) }

    static func install() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in LiveStop.flag.store(true, ordering: .releasing) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0  // no SA_RESTART: the signal interrupts poll() at once
            sigaction(sig, &action, nil)
        }
    }
}
