/// One capture's flow state, advanced one packet at a time.
///
/// The decoded packet is not part of it: the caller passes the value each packet is decoded
/// into (one reused value when reading on one thread, the batch's slot in a pipeline), so a
/// pipeline's decoded packets are accounted where they are, never copied.
struct FileSession {
    let flow: FlowConfiguration
    let decodeOptions: DecodeOptions
    let onFlows: (FinishedFlows) -> Void
    var table: FlowTable
    var reassembler = FragmentReassembler()
    var report = FileReport(input: CaptureInput(path: "", displayPath: ""))

    /// `features`: the feature groups the rows need (a schema's requirements).
    init(_ flow: FlowConfiguration, uidSalt: UInt64, features: FeatureSet, onFlows: @escaping (FinishedFlows) -> Void) {
        self.flow = flow
        // MACs and SYN options are decoded only when some feature group reads them.
        self.decodeOptions = DecodeOptions(tunnels: flow.tunnels == .outer ? [] : flow.decodedTunnels, rules: flow.headerRules,
                                           details: !features.isDisjoint(with: .readingDetails),
                                           detectTunnelsByContent: flow.detectTunnelsByContent)
        self.onFlows = onFlows
        self.table = FlowTable(configuration: flow, uidSalt: uidSalt, features: features)
        table.expiryBatch = Self.finishBatch  // rows go out a batch at a time (drainExpiry)
    }

    /// Decodes one packet into `packet` and accounts it; returns the number of packets read so far.
    @discardableResult
    mutating func process(_ header: PacketHeader, _ bytes: UnsafeRawBufferPointer, _ packet: inout DecodedPacket) -> Int {
        PacketDecoder.decode(bytes, linkType: header.linkType, options: decodeOptions, into: &packet)
        return account(header, bytes, &packet)
    }

    /// Accounts a batch of packets that a ``PacketPipeline`` read and decoded, in order, and
    /// reports progress as `readFlows` does (every 65,536 packets).
    mutating func account(_ batch: PacketBatch, progress: (@Sendable (_ packets: Int, _ position: Int64) -> Void)?) {
        for i in 0..<batch.count {
            // In bounds: i < batch.count, and the batch's first `count` slots hold its packets.
            let packets = account(batch.headers[i], batch.bytes(at: i), &batch.packets[i])
            if let progress, packets & 0xFFFF == 0 {
                progress(packets, batch.position)
            }
        }
    }

    /// Accounts a packet already decoded into `packet`; returns the number of packets read so far.
    /// (Reassembly may decode the datagram a fragment completes into `packet`.)
    @inline(__always)
    private mutating func account(_ header: PacketHeader, _ bytes: UnsafeRawBufferPointer,
                                  _ packet: inout DecodedPacket) -> Int {
        report.packets += 1
        // Zeek reads captures with microsecond timestamps: under its semantics, so do we.
        let time = flow.semantics == .zeek ? header.timestampNs - ((header.timestampNs % 1000) + 1000) % 1000
                                           : header.timestampNs
        let now = table.advanceClock(to: time)
        if table.hasPendingExpiry { drainExpiry() }
        switch packet.kind {
        case .ip:
            report.ipPackets += 1
            if packet.truncation != nil { report.truncatedPackets += 1 }
            if flow.verifyChecksums && !Checksums.ipHeaderValid(bytes, packet) {
                report.badChecksumPackets += 1  // Zeek drops these before any connection sees them
                break
            }
            if packet.isFragment && flow.fragments != .count {
                if flow.fragments == .reassemble {
                    reassemble(header, bytes, &packet, at: now)
                    break
                }
                if packet.fragmentOffset != 0 {
                    report.ignoredFragments += 1  // NFStream's rule: later fragments count nowhere
                    break
                }
            }
            let valid = !flow.verifyChecksums || Checksums.transportValid(bytes, packet)
            // Zeek's DNS / NTP analyzers read the first UDP payload bytes; no other preset does.
            let peek = flow.semantics == .zeek ? ZeekPayloadPeek(frame: bytes, packet) : .none
            table.add(packet, wireLength: header.wireLength, capturedLength: bytes.count, at: now, checksumValid: valid,
                      peek: peek, frame: bytes)
        case .notIP:
            report.nonIPPackets += 1
        case .truncated, .malformed, .unsupportedLink:
            report.undecodablePackets += 1
        }
        if !table.finished.isEmpty { drain() }
        return report.packets
    }

    /// A live source's quiet-link tick: the flow clock moves to `wallNs` (never backwards) and
    /// the flows due by then end.
    mutating func advanceIdleClock(to wallNs: Int64) {
        table.advanceIdleClock(to: wallNs)
        if table.hasPendingExpiry { drainExpiry() }
        if !table.finished.isEmpty { drain() }
    }

    /// Many flows expired at one instant (a gap in the capture, a burst of closes): their rows
    /// go out a batch at a time, so neither the ended records nor the CSV made of them pile up.
    @inline(never)
    private mutating func drainExpiry() {
        repeat { drain() } while table.expirePending()
    }

    /// A fragment counts nowhere; the datagram it completes counts once (Zeek's rule).
    private mutating func reassemble(_ header: PacketHeader, _ bytes: UnsafeRawBufferPointer,
                                     _ packet: inout DecodedPacket, at now: Int64) {
        let fragment = packet
        let result = reassembler.add(fragment, frame: bytes, at: now) { datagram in
            PacketDecoder.decodeReassembled(datagram, options: decodeOptions, into: &packet)
            let valid = !flow.verifyChecksums || Checksums.transportValid(datagram, packet)
            let peek = flow.semantics == .zeek ? ZeekPayloadPeek(frame: datagram, packet) : .none
            table.add(packet, wireLength: header.wireLength - fragment.ipLength + packet.ipLength,
                      capturedLength: datagram.count, at: now, checksumValid: valid, peek: peek, frame: datagram)
        }
        if case .dropped = result, fragment.fragmentOffset == 0 {
            // Not reassemblable (e.g. cut by the snap length): a first fragment is analysed on
            // its own, as Zeek does.
            table.add(fragment, wireLength: header.wireLength, capturedLength: bytes.count, at: now, frame: bytes)
        }
    }

    private mutating func drain() {
        onFlows(table.finished)
        report.flows += table.finished.count
        table.finished.removeAll(keepingCapacity: true)
    }

    /// Rows handed out per batch at the end of the capture: the live flows' records are copied
    /// out this many at a time, not all at once beside the table.
    static let finishBatch = 4096

    mutating func finish() {
        reassembler.expireAll()
        report.reassembly = reassembler.stats
        while table.finish(atMost: Self.finishBatch) { drain() }
        drain()
        report.backwardsTimestamps = table.backwardsTimestamps
        report.evictedFlows = table.evictedFlows
        report.uninspectedFlows = table.uninspectedFlows
        report.maxFlows = flow.maxFlows
    }
}
