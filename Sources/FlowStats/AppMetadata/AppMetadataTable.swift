/// The application-metadata group's live state: each flow's ``AppMetadata`` by slot (the
/// results, handed out with the row), and, apart from them, a ``FlowInspection`` for each flow
/// whose first bytes are still being read (reassembly buffers, parser progress).
///
/// An inspection is created at a flow's first payload and dropped as soon as its parsers are
/// done, when its flow ends, or when the total of buffered bytes would pass the budget
/// (``FeatureOptions/inspectBudget``): memory is bounded per flow (`--inspect-bytes` per
/// direction) and in total. A flow that is not being inspected costs one branch per packet.
struct AppMetadataTable {
    /// `--inspect-bytes` default: 16 KiB per direction (a ClientHello with post-quantum key
    /// shares is ~1.8 KB; HTTP heads and SSH banners are shorter).
    static let defaultInspectBytes = 16 * 1024
    /// Buffered bytes over all live inspections, at most (256 MiB).
    static let defaultInspectBudget = 256 << 20

    private(set) var live = ChunkedArray<AppMetadata>()
    /// The flows being inspected, by slot. Looked up, never iterated: no output depends on its order.
    private var inspections: [Int: FlowInspection] = [:]
    /// Stream bytes buffered now, over all inspections.
    private(set) var bufferedBytes = 0
    /// Flows whose inspection stopped early because the budget ran out.
    private(set) var overBudget = 0
    let options: FeatureOptions

    init(options: FeatureOptions) { self.options = options }

    /// Inspections alive now (tests).
    var inspectionCount: Int { inspections.count }

    /// A new flow in `slot`.
    mutating func start(slot: Int) {
        if slot == live.count { live.append(AppMetadata()) } else { live[slot] = AppMetadata() }
        release(slot: slot)
    }

    @inline(__always)
    mutating func update(slot: Int, _ packet: borrowing PacketView) {
        guard live[slot].inspecting else { return }
        inspect(slot: slot, packet)
    }

    @inline(never)
    private mutating func inspect(slot: Int, _ packet: borrowing PacketView) {
        if let tunnel = packet.tunnel {
            // A tunnel's outer flow: its service is the tunnel's; its payload is the inner packet.
            if let name = tunnel.zeekService { live[slot].services.insert(name) }
            return
        }
        let input = packet.input
        let isUDP = input.ipProtocol == IPProtocol.udp.rawValue
        guard input.isTCP || isUDP else {
            live[slot].inspecting = false
            return
        }
        if input.isTCP && input.tcpFlags & TCPFlag.syn != 0 {
            if packet.fromClient, !live[slot].hasClientSYN {
                live[slot].clientSYN = input.sequence
                live[slot].hasClientSYN = true
            } else if !packet.fromClient, !live[slot].hasServerSYN {
                live[slot].serverSYN = input.sequence
                live[slot].hasServerSYN = true
            }
        }
        // Taken out and put back: two hash operations per inspected packet, and the inspection
        // is uniquely held while it is updated (no copy of its buffers).
        var inspection: FlowInspection
        if let existing = inspections.removeValue(forKey: slot) {
            inspection = existing
        } else {
            guard !packet.payload.isEmpty else { return }
            inspection = FlowInspection()
        }
        let before = inspection.bufferedBytes
        let done = inspection.take(packet, into: &live[slot], options: options)
        bufferedBytes += inspection.bufferedBytes - before
        if done || bufferedBytes > options.inspectBudget {
            if !done { overBudget += 1 }
            live[slot].inspecting = false
            bufferedBytes -= inspection.bufferedBytes
        } else {
            inspections[slot] = inspection
        }
    }

    /// Drops the inspection of `slot`, if any, and its buffered bytes.
    private mutating func release(slot: Int) {
        if let gone = inspections.removeValue(forKey: slot) { bufferedBytes -= gone.bufferedBytes }
    }

    /// Active timeout: the connection goes on in a new row, which keeps what was found.
    mutating func split(slot: Int) {}

    mutating func swapDirections(slot: Int) {
        live[slot].swapDirections()
        inspections[slot]?.swapDirections()
    }

    /// Appends the state of `slot` to the ended states (in row order).
    func hand(slot: Int, to ended: inout [AppMetadata]) { ended.append(live[slot]) }

    /// The flow ended: its inspection, if still running, is dropped.
    mutating func ended(slot: Int) {
        live[slot].inspecting = false
        release(slot: slot)
    }

    mutating func removeAll() {
        live.removeAll()
        inspections.removeAll()
        bufferedBytes = 0
    }
}
