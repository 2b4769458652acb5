// `flowcsv capture` on the loopback interface, end to end: the test owns a TCP listener and a
// UDP socket on 127.0.0.1, makes a bounded amount of traffic to them, and checks the rows
// written while the capture runs, after SIGINT, and offline from the --write-pcap file.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.enabled(if: LiveCaptureEnvironment.canCaptureOnLoopback,
                "capturing on lo needs root (CAP_NET_RAW) and a loopback interface; CI runs as root"),
       .serialized)
struct LiveCaptureLoopbackTests {
    /// One TCP connection the test made: its client port and what each side sent.
    struct Connection {
        var clientPort: UInt16
        var request: [UInt8]
        var reply: [UInt8]
    }

    @Test func loopbackFlowsAreWrittenAsTheyEndAndAtTheStop() async throws {
        let folder = try makeScratchFolder("live-lo")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let listener = try LoopbackSocket(tcp: true)
        try listener.listen()
        let udpServer = try LoopbackSocket(tcp: false)
        let tcpPort = listener.port
        let udpPort = udpServer.port
        let csv = folder + "/live.csv"
        let pcap = folder + "/live.pcap"
        let capture = try FlowCSV.start(["capture", "-i", "lo", "--filter", "tcp port \(tcpPort) or udp port \(udpPort)",
                                         "--idle-timeout", "2", "--linger", "1", "--write-pcap", pcap, "-o", csv], in: folder)
        // The header is written once the interface is open and the filter installed.
        let (_, started) = try await LiveCaptureEnvironment.waitFor(csv, timeout: .seconds(20)) { $0.hasPrefix("StartTime,") }
        try #require(started, "flowcsv capture did not start within 20 s")

        // Three complete TCP connections: request, reply, client closes, server closes.
        var connections: [Connection] = []
        for i in 0..<3 {
            let client = try LoopbackSocket(tcp: true)
            try client.connect(to: tcpPort)
            let server = try listener.accept()
            let request = Array("request \(i) from the client".utf8)
            let reply = Array("reply \(i) from the server, a little longer".utf8)
            try client.send(request)
            #expect(try server.receive(request.count).bytes == request)
            try server.send(reply)
            #expect(try client.receive(reply.count).bytes == reply)
            connections.append(Connection(clientPort: client.port, request: request, reply: reply))
            client.close()
            try server.waitForEnd()
            server.close()
        }
        // One UDP exchange.
        let udpClient = try LoopbackSocket(tcp: false)
        try udpClient.send(Array("ping".utf8), toPort: udpPort)
        let (ping, from) = try udpServer.receive(64)
        #expect(ping == Array("ping".utf8))
        try udpServer.send(Array("pong!".utf8), toPort: from)
        #expect(try udpClient.receive(64).bytes == Array("pong!".utf8))
        let udpClientPort = udpClient.port

        // The link is now quiet: the UDP flow must be written (idle, 2 s) while flowcsv runs.
        let quietSince = ContinuousClock.now
        let (during, written) = try await LiveCaptureEnvironment.waitFor(csv, timeout: .seconds(6)) { text in
            text.split(separator: "\n").contains { $0.contains(",\(udpClientPort),127.0.0.1,\(udpPort),") && $0.contains(",idle,") }
        }
        let latency = ContinuousClock.now - quietSince
        #expect(written, "the UDP flow was not written within 6 s of the link going quiet:\n\(during)")
        #expect(capture.isRunning, "flowcsv stopped before it was signalled")
        print("live capture: UDP row (idle-timeout 2 s) appeared \(latency) after the last packet")
        // The closed TCP connections (linger 1 s) were written before that, while running too.
        for c in connections {
            #expect(during.split(separator: "\n").contains { $0.contains(",\(c.clientPort),127.0.0.1,\(tcpPort),") && $0.contains(",fin,") },
                    "connection from port \(c.clientPort) not written before the stop:\n\(during)")
        }

        // A fourth connection still open at the stop: EndReason shutdown.
        let open = try LoopbackSocket(tcp: true)
        try open.connect(to: tcpPort)
        let openServer = try listener.accept()
        try open.send(Array("still open".utf8))
        #expect(try openServer.receive(10).bytes == Array("still open".utf8))
        // At once: on lo the packets are in the capture's buffer before the server reads the
        // data, and a stop reads what was captured first; waiting (on a loaded machine) could
        // let the idle timeout end the flow before the signal.
        capture.send(SIGINT)
        let result = try await capture.finish(timeout: .seconds(20))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let countLine = result.stderrLines.first { $0.contains("libpcap received") }
        #expect(countLine != nil, "no received/dropped line on stderr: \(result.stderr)")
        print("live capture stderr: \(result.stderr)")

        let table = try #require(CSVTable(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: csv)))),
                                 "the live CSV is not well-formed")
        #expect(table.lines.filter { $0.hasPrefix("StartTime,") }.count == 1, "one header")
        #expect(table.rows.count == 5, "3 closed TCP + 1 UDP + 1 open TCP:\n\(table.text)")
        for row in table.rows {
            #expect(row["ClientIP"] == "127.0.0.1" && row["ServerIP"] == "127.0.0.1")
            #expect(row["SourceFile"] == "lo")
        }
        let tcpdump = LiveCaptureEnvironment.tool("tcpdump")
        for c in connections {
            let row = try #require(table.rows.first { $0["ClientPort"] == "\(c.clientPort)" && $0["Protocol"] == "TCP" },
                                   "no row with the connecting side's port \(c.clientPort) as client:\n\(table.text)")
            #expect(row["ServerPort"] == "\(tcpPort)")
            #expect(row["EndReason"] == "fin")
            try expectPackets(row, client: c.clientPort, server: tcpPort, tcp: true, pcap: pcap, tcpdump: tcpdump)
        }
        let udp = try #require(table.rows.first { $0["Protocol"] == "UDP" })
        #expect(udp["ClientPort"] == "\(udpClientPort)" && udp["ServerPort"] == "\(udpPort)")
        #expect(udp["EndReason"] == "idle")
        #expect(udp["FwdPackets"] == "1" && udp["BwdPackets"] == "1")  // one datagram each way
        let openRow = try #require(table.rows.first { $0["ClientPort"] == "\(open.port)" })
        #expect(openRow["ServerPort"] == "\(tcpPort)")
        #expect(openRow["EndReason"] == "shutdown")
        try expectPackets(openRow, client: open.port, server: tcpPort, tcp: true, pcap: pcap, tcpdump: tcpdump)

        // Offline on the saved packets: the same flows; the one cut by the stop ends eof.
        let offline = try await FlowCSV.run([pcap, "--idle-timeout", "2", "--linger", "1"], in: folder)
        #expect(offline.status == 0, "stderr: \(offline.stderr)")
        let offlineTable = try #require(offline.csv)
        #expect(comparable(offlineTable, cutBy: nil) == comparable(table, cutBy: "\(open.port)"),
                "offline:\n\(offlineTable.text)\nlive:\n\(table.text)")
    }

    /// The rows as compared with the offline run: every column but SourceFile; the row of the
    /// flow cut by the stop (client port `cutBy`) with EndReason eof instead of shutdown.
    private func comparable(_ table: CSVTable, cutBy: String?) -> [String] {
        table.rows.map { row in
            table.header.filter { $0 != "SourceFile" }.map { name in
                name == "EndReason" && row["ClientPort"] == cutBy && row[name] == "shutdown" ? "eof" : row[name]
            }.joined(separator: ",")
        }.sorted()
    }

    /// FwdPackets / BwdPackets against an independent count: tcpdump reading the --write-pcap
    /// file, per direction of the 4-tuple. Without tcpdump, the handshake's lower bounds.
    private func expectPackets(_ row: CSVRow, client: UInt16, server: UInt16, tcp: Bool, pcap: String,
                               tcpdump: String?) throws {
        let proto = tcp ? "tcp" : "udp"
        guard let tcpdump else {
            // SYN, the request, FIN at least; SYN-ACK, the reply, FIN at least.
            #expect((row.int("FwdPackets") ?? 0) >= 2 && (row.int("BwdPackets") ?? 0) >= 2)
            return
        }
        func count(_ filter: String) throws -> Int {
            let r = try LiveCaptureEnvironment.run(tcpdump, ["-nn", "-r", pcap, filter])
            #expect(r.status == 0, "tcpdump: \(r.stderr)")
            return r.stdout.split(separator: "\n").count
        }
        let forward = try count("\(proto) and src port \(client) and dst port \(server)")
        let backward = try count("\(proto) and src port \(server) and dst port \(client)")
        #expect(row.int("FwdPackets") == forward, "client \(client): tcpdump counts \(forward) client→server packets")
        #expect(row.int("BwdPackets") == backward, "client \(client): tcpdump counts \(backward) server→client packets")
    }
}
