import ArgumentParser
import FlowStats

#if canImport(Glibc)
import Glibc
#endif

/// How packets become flows: the options every subcommand that runs the flow pass shares
/// (`convert`, and the ones that read captures or interfaces).
struct FlowOptionGroup: ParsableArguments {
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

    @Option(help: ArgumentHelp("Application metadata: read at most this many bytes of each direction of a TCP connection, reassembled in sequence order (out-of-order segments wait, retransmissions and overlaps keep the first copy, a gap ends the reading). Default 16384. At most 256 MiB are buffered over all open flows; a flow past that budget is no longer inspected (counted in the summary).", valueName: "bytes"))
    var inspectBytes: Int?

    func validate() throws {
        if let idleTimeout, !(idleTimeout > 0 && idleTimeout.isFinite) {
            throw ValidationError("--idle-timeout must be a positive number of seconds")
        }
        if let activeTimeout, !(activeTimeout >= 0 && activeTimeout.isFinite) {
            throw ValidationError("--active-timeout must be 0 or a positive number of seconds")
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
    }

    /// A file run checks --filter up front (compiled for Ethernet); a live capture compiles it
    /// for its interface and reports it naming the interface.
    func validateFilter() throws {
        if let filter {
            do {
                try CaptureReader.validateFilter(filter)
            } catch {
                throw ValidationError(error.message)
            }
        }
    }

    /// Sets the filter and the flow configuration (the preset, then each option given).
    func apply(to options: inout ProcessingOptions) {
        options.filter = filter
        options.flow = FlowConfiguration(preset: preset.preset)
        if let activityTimeout { options.flow.features.activityTimeoutNs = FlowConfiguration.seconds(activityTimeout) }
        if let inspectBytes { options.flow.features.inspectBytes = inspectBytes }
        if let idleTimeout { options.flow.idle = IdleTimeouts(all: FlowConfiguration.seconds(idleTimeout)) }
        if let activeTimeout { options.flow.activeTimeoutNs = FlowConfiguration.seconds(activeTimeout) }
        if let linger { options.flow.lingerNs = FlowConfiguration.seconds(linger) }
        if let maxFlows { options.flow.maxFlows = maxFlows }
        if let vlanKey { options.flow.vlanInKey = vlanKey }
        if let tunnels { options.flow.tunnels = tunnels.mode }
        if verifyChecksums { options.flow.verifyChecksums = true }
        if let fragments { options.flow.fragments = fragments.mode }
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
