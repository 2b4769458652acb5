import FlowStatsTestSupport
import Foundation
import Testing

/// Command-line errors, --filter and --help.
@Suite struct UsageTests {
    static func browseFolder() throws -> String {
        let root = try makeScratchFolder("usage")
        try PcapWriter.classic(Fixtures.browse()).write(toFile: root + "/web_browse_1.pcap")
        return root
    }

    @Test func badFilterIsAUsageErrorQuotingLibpcap() async throws {
        let root = try Self.browseFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try await FlowCSV.run(["web_browse_1.pcap", "--filter", "tcp port", "-o", "out.csv"], in: root)
        #expect(result.status == FlowCSV.usageExitCode)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("'tcp port'"), "the message quotes the expression")
        #expect(result.stderr.contains("syntax error"), "the message quotes libpcap's error: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/out.csv"))
    }

    @Test(arguments: [
        ["--idle-timeout=-5"], ["--idle-timeout", "-5"], ["--idle-timeout=0"], ["--idle-timeout", "nan"],
        ["--idle-timeout", "inf"], ["--idle-timeout", "ten"],
        ["--active-timeout=-1"], ["--linger=-1"], ["--linger", "inf"],
        ["--activity-timeout=0"], ["--activity-timeout", "nan"], ["--activity-timeout=-5"],
        ["--activity-timeout", "-2"], ["--activity-timeout", "inf"],
    ])
    func badTimesAreUsageErrors(arguments: [String]) async throws {
        let root = try Self.browseFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try await FlowCSV.run(["web_browse_1.pcap"] + arguments, in: root)
        #expect(result.status == FlowCSV.usageExitCode)
        #expect(result.stdout.isEmpty)
        let option = String(arguments[0].prefix { $0 != "=" })
        #expect(result.stderr.contains(option), "the message names \(option): \(result.stderr)")
    }

    @Test(arguments: ["{AppName}_{Action}", "plain_text", "{AppName}//*", "", "{AppName"])
    func badLabelTemplatesAreUsageErrors(template: String) async throws {
        let root = try Self.browseFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try await FlowCSV.run(["web_browse_1.pcap", "--label-template", template], in: root)
        #expect(result.status == FlowCSV.usageExitCode, "template '\(template)'")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("template"), "\(result.stderr)")
    }

    @Test(arguments: [[String](), ["--bogus", "web_browse_1.pcap"], ["web_browse_1.pcap", "--schema", "nope"],
                      ["web_browse_1.pcap", "--schema", "cic", "--splt", "3"], ["web_browse_1.pcap", "--schema", "zeek", "--splt", "1"],
                      ["web_browse_1.pcap", "--schema", "full", "--app-metadata"], ["web_browse_1.pcap", "--schema", "cic", "--app-metadata"],
                      ["web_browse_1.pcap", "--inspect-bytes", "-1"], ["web_browse_1.pcap", "--inspect-bytes", "16777217"]])
    func otherUsageErrors(arguments: [String]) async throws {
        let root = try Self.browseFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try await FlowCSV.run(arguments, in: root)
        #expect(result.status == FlowCSV.usageExitCode, "\(arguments)")
        #expect(result.stdout.isEmpty)
    }

    /// `--app-metadata` appends the 17 application columns to basic, after its own.
    @Test func appMetadataAddsItsColumnsToBasic() async throws {
        let root = try Self.browseFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plain = try await FlowCSV.run(["web_browse_1.pcap"], in: root)
        let result = try await FlowCSV.run(["web_browse_1.pcap", "--app-metadata", "--inspect-bytes", "100"], in: root)
        #expect(result.status == 0, "\(result.stderr)")
        let basicHeader = plain.stdoutText.split(separator: "\n").first.map(String.init) ?? ""
        let header = result.stdoutText.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header == basicHeader + ",Service,ServerName,TLSSNI,TLSALPN,TLSVersion,JA4,JA3,HTTPHost,HTTPMethod,HTTPURI,HTTPUserAgent,HTTPStatus,DNSQuery,DNSQType,DNSRcode,SSHClient,SSHServer")
    }

    /// The ML schemas through the command line; --drop-identifiers leaves out ids, addresses,
    /// ports and times (cic: Flow ID, Src/Dst IP and Port, Timestamp).
    @Test func mlSchemasAndDropIdentifiers() async throws {
        let root = try Self.browseFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for schema in ["full", "cic", "cic2017", "cic2018"] {
            let result = try await FlowCSV.run(["web_browse_1.pcap", "--schema", schema, "--activity-timeout", "2.5"], in: root)
            #expect(result.status == 0, "\(schema): \(result.stderr)")
            #expect(result.stdoutText.split(separator: "\n").count > 1)
        }
        let cic = try await FlowCSV.run(["web_browse_1.pcap", "--schema", "cic", "--drop-identifiers"], in: root)
        let header = cic.stdoutText.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.hasPrefix("Protocol,Flow Duration,Total Fwd Packet,"), "\(header)")
        #expect(header.split(separator: ",").count == 84 - 6)
        let basic = try await FlowCSV.run(["web_browse_1.pcap", "--drop-identifiers"], in: root)
        #expect(basic.stdoutText.hasPrefix("DurationTime,AppName,AppAction,FlowPackets,"), "\(basic.stdoutText.prefix(80))")
    }

    @Test func udpFilterKeepsOnlyUDPFlows() async throws {
        let root = try Self.browseFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try await FlowCSV.run(["web_browse_1.pcap", "--filter", "udp"], in: root)
        #expect(result.status == 0)
        // Only the DNS exchange passes: 2 packets, 1 flow.
        #expect(result.noteLines == ["flowcsv: 1 files, 2 packets, 1 flows, 0 failed"])
        let csv = try #require(result.csv)
        #expect(csv.coreLines.dropFirst().map { $0 } == [
            Fixtures.row(Fixtures.browseUDPRowParts, app: "web", action: "browse", file: "web_browse_1.pcap"),
        ])

        let tcpOnly = try await FlowCSV.run(["web_browse_1.pcap", "--filter", "tcp port 80"], in: root)
        #expect(tcpOnly.status == 0)
        #expect(tcpOnly.csv?.coreLines.dropFirst().map { $0 } == [
            Fixtures.row(Fixtures.browseTCPRowParts, app: "web", action: "browse", file: "web_browse_1.pcap"),
        ])
    }

    @Test func helpMentionsEveryOption() async throws {
        let root = try makeScratchFolder("help")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let top = try await FlowCSV.run(["--help"], in: root)
        #expect(top.status == 0)
        #expect(top.stdoutText.contains("convert (default)"), "the root help names the default subcommand")
        #expect(top.stdoutText.contains("flowcsv convert --help"), "the root help says where the options are")
        for flag in ["--help", "-h"] {
            let result = try await FlowCSV.run(["convert", flag], in: root)
            #expect(result.status == 0)
            let help = result.stdoutText
            for option in ["-o, --output", "--filter", "--idle-timeout", "--active-timeout", "--activity-timeout", "--linger",
                           "--vlan-key", "--label-template", "--schema", "-q, --quiet", "--version", "-h, --help",
                           "<input>"] {
                #expect(help.contains(option), "\(flag) output does not mention \(option)")
            }
            #expect(help.contains("64"), "the exit statuses are documented")
        }
        let version = try await FlowCSV.run(["--version"], in: root)
        #expect(version.status == 0)
        #expect(version.stdoutText.hasPrefix("flowcsv "))
    }
}
