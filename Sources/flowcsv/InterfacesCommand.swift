import ArgumentParser
import FlowStats

/// `flowcsv interfaces`: what `flowcsv capture -i` can open, as libpcap lists it.
struct InterfacesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interfaces",
        abstract: "List the interfaces flowcsv capture can read, with their descriptions and flags.",
        discussion: """
            One line per interface, in libpcap's order (pcap_findalldevs): name, flags (up or down, \
            running, loopback, wireless, connected, disconnected) and libpcap's description. \
            Without CAP_NET_RAW some interfaces may be missing.
            """
    )

    func run() throws {
        let interfaces: [CaptureInterface]
        do {
            interfaces = try LiveCapture.interfaces()
        } catch {
            Diagnostics.error(error.message)
            throw ExitCode(1)
        }
        let rows = [("NAME", "FLAGS", "DESCRIPTION")]
            + interfaces.map { ($0.name, $0.flags.joined(separator: ","), $0.description) }
        let nameWidth = rows.map(\.0.count).max() ?? 4
        let flagWidth = rows.map(\.1.count).max() ?? 5
        for (name, flags, description) in rows {
            let line = pad(name, nameWidth) + "  " + pad(flags, flagWidth) + "  " + description
            print(line.hasSuffix(" ") ? String(line.reversed().drop { $0 == " " }.reversed()) : line)
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
