import ArgumentParser
import FlowStats

/// The root command: subcommands over the library. `convert` is the default, so
/// `flowcsv FILES…` turns captures into CSV as it always did.
@main
struct FlowCSVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowcsv",
        abstract: "Turn packet captures (pcap, pcapng) into one CSV row per bidirectional flow.",
        discussion: """
            `flowcsv FILES…` is `flowcsv convert FILES…`, the default subcommand: captures and \
            folders in, one CSV row per flow out. `flowcsv convert --help` lists its options \
            (flows, labels, columns, jobs); `flowcsv help SUBCOMMAND` explains each subcommand.

            Exit status: 0 when every input was read; 1 when some could not be read (their rows \
            are absent, the rest are written); 64 for usage errors.
            """,
        version: "flowcsv 0.1.0 (\(libpcapVersion))",
        subcommands: [ConvertCommand.self, SummaryCommand.self, CaptureCommand.self, InterfacesCommand.self],
        defaultSubcommand: ConvertCommand.self
    )

    /// What every subcommand that runs the flow pass does, for their --help.
    static let flowDiscussion = """
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
        """
}
