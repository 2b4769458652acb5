import ArgumentParser
import FlowStats

/// Which columns a row has: the schema and the options that add or drop columns.
struct ColumnOptionGroup: ParsableArguments {
    @Option(help: ArgumentHelp("CSV layout: basic (default), extended (basic + IP/payload bytes, size and timing statistics, TCP analytics), zeek (Zeek's conn.log fields), full (every ML feature flowcsv has, its own names, seconds, population std), cic (CICFlowMeter master's 84 columns: µs, L4 payload lengths, sample std, its bugs fixed), cic2017 or cic2018 (the cic values under the CIC-IDS2017 / CSE-CIC-IDS2018 header names), nfstream (NFStream 6.6's columns; with --preset nfstream its values; --splt n adds its splt lists). See docs/columns.md, docs/features.md or --list-columns.", valueName: "name"))
    var schema: SchemaOption = .basic

    @Flag(help: "Leave out the columns that identify the capture rather than the traffic: addresses, ports, timestamps, flow ids, VLAN, tunnel parents and the source file (for training ML models).")
    var dropIdentifiers = false

    @Option(help: ArgumentHelp("Add the first n packets of each flow (0...255; default 0, full: 10) to basic, extended and full: columns SPLT1Size ... SPLTnSize, the wire length signed + client to server, - server to client, 0 where the flow has fewer packets; then SPLT1IAT ... SPLTnIAT, seconds since the flow's previous packet, 0 for the first and missing ones. Only these n packets are kept per flow.", valueName: "n"))
    var splt: Int?

    @Flag(help: "Add the application-metadata columns (Service, ServerName, TLSSNI, TLSALPN, TLSVersion, JA4, JA3, HTTPHost, HTTPMethod, HTTPURI, HTTPUserAgent, HTTPStatus, DNSQuery, DNSQType, DNSRcode, SSHClient, SSHServer; docs/app-metadata.md) to basic or extended. full has them already; the zeek schema has Zeek's service column.")
    var appMetadata = false

    func validate() throws {
        if let splt, !(0...255).contains(splt) {
            throw ValidationError("--splt must be a number of packets from 0 to 255")
        }
        if splt != nil, [.zeek, .cic, .cic2017, .cic2018].contains(schema) {
            throw ValidationError("--splt adds columns to basic, extended, full and nfstream only; --schema \(schema.rawValue) has a fixed layout")
        }
        if appMetadata, !schema.schema.takesAppMetadataOption {
            throw ValidationError("--app-metadata adds columns to basic and extended only; --schema \(schema.rawValue) \(schema.schema == .full ? "has them already" : schema.schema == .zeek ? "has Zeek's service column" : "has a fixed layout")")
        }
    }

    var columnOptions: ColumnOptions {
        var columns = ColumnOptions()
        columns.firstPackets = splt
        columns.dropIdentifiers = dropIdentifiers
        columns.appMetadata = appMetadata
        return columns
    }

    /// The chosen schema's column names (label columns must not clash with them).
    var schemaColumnNames: [String] { schema.schema.columns.map(\.name) }

    /// Sets the schema and its column options.
    func apply(to options: inout ProcessingOptions) {
        options.schema = schema.schema
        options.columns = columnOptions
    }

    /// The chosen layout's columns as a Markdown table (`--list-columns`).
    func printColumns() {
        print("| Column | Meaning |\n|---|---|")
        for column in schema.schema.layout(columnOptions).columns {
            print("| `\(column.name)` | \(column.meaning) |")
        }
    }
}

enum SchemaOption: String, ExpressibleByArgument, CaseIterable {
    case basic, extended, zeek, full, cic, cic2017, cic2018, nfstream
    var schema: Schema { Schema(rawValue: rawValue)! }
}
