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
    /// The inspections, in a pool of reused places: a flow's ``AppMetadata/inspection`` is its
    /// index (no hashing, no copy of the inspection per packet). Never iterated for output.
    private var pool: [FlowInspection?] = []
    /// The bytes each place of the pool buffers (kept beside it: reading them from the
    /// inspection would copy it).
    private var poolBytes: [Int] = []
    /// Places of the pool that are free, reused last-freed first.
    private var freePlaces: [Int32] = []
    /// Stream bytes buffered now, over all inspections.
    private(set) var bufferedBytes = 0
    /// Flows whose inspection stopped early because the budget ran out.
    private(set) var overBudget = 0
    let options: FeatureOptions

    init(options: FeatureOptions) { self.options = options }

    /// Inspections alive now (tests).
    var inspectionCount: Int { pool.count - freePlaces.count }

    /// A new flow in `slot`.
    mutating func start(slot: Int) {
        if slot < live.count { release(slot: slot) }
        if slot == live.count { live.append(AppMetadata()) } else { live[slot] = AppMetadata() }
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
        var place = Int(live[slot].inspection)
        if place < 0 {
            guard !packet.payload.isEmpty else { return }
            if let free = freePlaces.popLast() {
                place = Int(free)
                pool[place] = FlowInspection(values: options.appValues)
            } else {
                place = pool.count
                pool.append(FlowInspection(values: options.appValues))
                poolBytes.append(0)
            }
            live[slot].inspection = Int32(place)
        }
        // Updated in its place: no copy of the inspection, which stays uniquely held.
        var buffered = poolBytes[place]
        let done = pool[place]!.take(packet, into: &live[slot], options: options, buffered: &buffered)
        bufferedBytes += buffered - poolBytes[place]
        poolBytes[place] = buffered
        if done || bufferedBytes > options.inspectBudget {
            if !done { overBudget += 1 }
            live[slot].inspecting = false
            release(slot: slot)
        }
    }

    /// Drops the inspection of `slot`, if any, and its buffered bytes.
    private mutating func release(slot: Int) {
        let place = Int(live[slot].inspection)
        guard place >= 0 else { return }
        bufferedBytes -= poolBytes[place]
        poolBytes[place] = 0
        pool[place] = nil
        freePlaces.append(Int32(place))
        live[slot].inspection = -1
    }

    /// Active timeout: the connection goes on in a new row, which keeps what was found.
    mutating func split(slot: Int) {}

    mutating func swapDirections(slot: Int) {
        live[slot].swapDirections()
        let place = Int(live[slot].inspection)
        if place >= 0 { pool[place]?.swapDirections() }
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
        pool.removeAll()
        poolBytes.removeAll()
        freePlaces.removeAll()
        bufferedBytes = 0
    }
}
