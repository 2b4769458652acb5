import HeapModule

/// Tracks the bidirectional flows of one capture and hands out each flow when it ends.
///
/// - Flows are keyed by ``FlowKey`` (canonical endpoints + flipped flag), so both
///   directions find the same entry with one lookup.
/// - Time is capture time. A timestamp earlier than the latest one seen is treated as the
///   latest (and counted in ``backwardsTimestamps``).
/// - Expiry is lazy (as Zeek's timers): each live flow has one entry in a min-heap, set for
///   its deadline when queued. A popped entry whose flow has moved on is re-queued for the
///   new deadline instead of being touched on every packet.
/// - Ended flows are appended to ``finished`` in the order they end: expiries in deadline
///   order (ties by key), then any flow ended by the packet being processed. At the end of
///   the capture the remaining flows end together, in key order, handed out in batches.
/// - Feature groups (``FeatureSet``) keep their per-flow state in side tables by slot, only
///   for the groups asked for; their states of ended rows travel in ``finished``.
/// - Slots and group states live in chunked storage (``ChunkedArray``): growing never copies
///   the table.
/// - Every flow runs Zeek's connection engine (``ZeekConnection``) for its conn_state and
///   history; with ``Semantics/zeek`` that engine also decides direction, reuse and expiry.
public struct FlowTable {
    public let configuration: FlowConfiguration
    private let timers: ZeekTimers
    private let uidSalt: UInt64

    private struct Expiry: Comparable {
        var deadline: Int64
        var slot: Int32
        var token: UInt32
        static func < (a: Expiry, b: Expiry) -> Bool {
            a.deadline != b.deadline ? a.deadline < b.deadline : a.slot < b.slot
        }
    }

    /// Bytes per slot (the record holds the queue token and live flag), for the structural tests.
    static var slotStride: Int { MemoryLayout<FlowRecord>.stride }

    private var index = FlowIndex()
    private var slots = ChunkedArray<FlowRecord>()
    private var features: FlowFeatures
    /// The packet being accounted, as feature groups see it (set only when some group is enabled).
    private var details = PacketDetails()
    /// The packet's transport payload and tunnel kind, for the application-metadata group only
    /// (``FlowFeatures/readsPayload``); set per layer, valid during ``add``.
    private var payload = UnsafeRawBufferPointer(start: nil, count: 0)
    private var tunnel: TunnelKind?
    private var freeSlots: [Int32] = []
    private var queue = Heap<Expiry>()
    private var fragments: FragmentTracker
    private var created: UInt64 = 0
    /// --max-flows: the least recently active flow, kept only when the cap is on (FlowEviction.swift).
    private var eviction = FlowEviction()

    /// Flows that have ended, in output order, with their feature groups' states. The caller
    /// takes them out.
    public var finished = FinishedFlows()
    /// Flows found due by the last expiry and not ended yet, in output order, and the next one
    /// (see ``expiryBatch``).
    private var due: [Due] = []
    private var dueNext = 0
    /// At most this many due flows are ended per call (``advanceClock(to:)``,
    /// ``advanceIdleClock(to:)``, ``expirePending()``), so that ``finished`` (and the rows a
    /// caller makes of it) never holds more than one batch, however many flows expire at one
    /// instant: take ``finished`` out and call ``expirePending()`` while ``hasPendingExpiry``.
    /// A caller that does not (`Int.max`, the default) gets every due flow at once. ``add`` and
    /// ``finish(atMost:)`` end what is still pending first, so the results never depend on it.
    public var expiryBatch = Int.max
    /// At the end of the capture: the slots still to hand out, in key order (see ``finish(atMost:)``).
    private var ending: [Int32]?
    private var endingNext = 0
    /// Latest capture time seen, in ns.
    public private(set) var clockNs: Int64 = .min
    /// Packets whose timestamp was earlier than a packet before them.
    public private(set) var backwardsTimestamps = 0

    /// `uidSalt` makes flow ids differ between files (pass a hash of the file's name).
    /// `features`: the feature groups to keep (a schema's ``Schema/requirements``); none by default.
    public init(configuration: FlowConfiguration, uidSalt: UInt64 = 0, features: FeatureSet = []) {
        self.configuration = configuration
        self.features = FlowFeatures(features, options: configuration.features)
        self.uidSalt = uidSalt
        self.fragments = FragmentTracker(timeoutNs: configuration.fragmentTimeoutNs)
        var timers = ZeekTimers()
        timers.tcpInactivityTimeoutNs = configuration.idle.tcp
        timers.udpInactivityTimeoutNs = configuration.idle.udp
        timers.icmpInactivityTimeoutNs = configuration.idle.icmp
        timers.unknownIPInactivityTimeoutNs = configuration.idle.other
        timers.tcpCloseDelayNs = configuration.lingerNs
        self.timers = timers
    }

    /// Number of flows currently held.
    public var liveFlows: Int { index.count }

    /// The feature groups this table keeps.
    public var enabledFeatures: FeatureSet { features.enabled }
    /// Feature group tables allocated (0 for a table without groups).
    var allocatedFeatureTables: Int { features.allocatedTables }
    /// Flows ended early (``EndReason/evicted``) to keep within ``FlowConfiguration/maxFlows``.
    public var evictedFlows: Int { eviction.evicted }
    /// Flows being inspected for application metadata now (tests: buffers are released).
    var liveInspections: Int { features.appMetadata?.inspectionCount ?? 0 }
    /// Stream bytes buffered now for application metadata, over all live flows.
    var inspectionBufferedBytes: Int { features.appMetadata?.bufferedBytes ?? 0 }
    /// Flows whose application-metadata inspection stopped because the budget ran out.
    public var uninspectedFlows: Int { features.appMetadata?.overBudget ?? 0 }

    /// Advances the capture clock to a packet's time and ends the flows that expire by
    /// then. Returns the (monotonic) time to use for the packet.
    @discardableResult
    public mutating func advanceClock(to timestampNs: Int64) -> Int64 {
        var now = timestampNs
        if now < clockNs {
            backwardsTimestamps += 1
            now = clockNs
        } else {
            clockNs = now
        }
        if let top = queue.min, top.deadline <= now { expire(upTo: now) }
        return now
    }

    /// A live capture's quiet link (``IdleClock``): moves the clock forward to `timestampNs` (a
    /// wall-clock time) and ends the flows that expire by then. Never moves it backwards, and
    /// never counts as a backwards timestamp.
    public mutating func advanceIdleClock(to timestampNs: Int64) {
        guard timestampNs > clockNs else { return }
        clockNs = timestampNs
        if let top = queue.min, top.deadline <= timestampNs { expire(upTo: timestampNs) }
    }

    /// Accounts one decoded packet: its tunnel layers' flows (``TunnelMode/both``) and the
    /// innermost packet's flow. Call ``advanceClock(to:)`` first and pass the time it returned.
    /// `checksumValid` is false when `--verify-checksums` found the transport checksum wrong.
    /// `peek`: the innermost UDP payload's first bytes, under ``Semantics/zeek`` only (Zeek's
    /// DNS / NTP analyzers flip roles and time DNS sessions out from them). `frame` is the
    /// packet's bytes (the frame, or the reassembled datagram): only the application-metadata
    /// group reads it, for the payload.
    public mutating func add(_ p: borrowing DecodedPacket, wireLength: Int, capturedLength: Int, at now: Int64,
                             checksumValid: Bool = true, peek: ZeekPayloadPeek = .none,
                             frame: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) {
        guard p.kind == .ip else { return }
        if dueNext < due.count { expireAllPending() }  // a caller that did not take them out
        var parent: TunnelParent?
        if !p.tunnels.isEmpty && configuration.tunnels == .both {
            for layer in p.tunnels {
                if features.readsDetails { takeDetails(layer, frame: p) }
                if features.readsPayload { tunnel = layer.kind }
                let slot = account(FlowInput(layer), wireLength: wireLength, parent: parent, at: now)
                let r = slots[Int(slot)]
                parent = TunnelParent(uid: r.uid, ipProtocol: r.key.ipProtocol, client: r.client, server: r.server)
            }
        }
        if features.readsDetails { takeDetails(p) }
        var input = FlowInput(p, capturedLength: capturedLength, checksumValid: checksumValid)
        if !p.tunnels.isEmpty { input.encapsulation = Self.encapsulationID(p.tunnels) }
        input.peek = peek
        if p.isFragment {
            (input.sourcePort, input.destinationPort) = fragments.ports(for: p, at: now)
        }
        if features.readsPayload { takePayload(p, input, frame: frame) }
        account(input, wireLength: wireLength, parent: parent, at: now)
        if features.readsPayload { payload = UnsafeRawBufferPointer(start: nil, count: 0) }
    }

    /// The innermost packet's captured transport payload (none for non-first fragments).
    @inline(never)
    private mutating func takePayload(_ p: borrowing DecodedPacket, _ input: FlowInput, frame: UnsafeRawBufferPointer) {
        tunnel = nil
        let start = p.ipOffset + p.ipHeaderLength + p.transportHeaderLength
        let count = input.capturedPayloadLength
        guard p.transportHeaderLength > 0, count > 0, start >= 0, start + count <= frame.count else {
            payload = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        payload = UnsafeRawBufferPointer(rebasing: frame[start..<(start + count)])
    }

    /// Ends every remaining flow (end of capture): closed TCP flows keep `fin`/`rst`,
    /// the others get ``endOfInput`` (`eof`). They are appended in key order.
    public mutating func finish() {
        while finish(atMost: .max) {}
    }

    /// The EndReason of the flows still open at the end (``finish(atMost:)``): `eof` for a
    /// file, `shutdown` for a stopped live capture. Closed TCP flows keep `fin`/`rst`.
    public var endOfInput = EndReason.eof

    /// Ends the remaining flows in key order, at most `limit` at a time: each call appends the
    /// next ones to ``finished`` and returns whether flows remain (call again after taking
    /// them out). The table is not duplicated: slot numbers are sorted, not records, and
    /// only one batch of records is copied at a time. No packets may follow.
    @discardableResult
    public mutating func finish(atMost limit: Int) -> Bool {
        if dueNext < due.count { expireAllPending() }
        if ending == nil { ending = endingOrder() }
        let order = ending!
        let stop = endingNext + min(limit, order.count - endingNext)
        finished.records.reserveCapacity(finished.count + (stop - endingNext))
        while endingNext < stop {
            let slot = order[endingNext]
            endingNext += 1
            hand(slot, reason: closeReason(of: Int(slot)) ?? endOfInput)
        }
        guard endingNext == order.count else { return true }
        slots.removeAll()
        features.removeAll()
        freeSlots.removeAll()
        ending = nil
        endingNext = 0
        return false
    }

    /// The live flows' slots in key order (placeholders after an active split excluded). The
    /// index and the expiry queue are released first: no packet comes any more.
    private mutating func endingOrder() -> [Int32] {
        index = FlowIndex(capacity: 0)
        queue = Heap()
        eviction.removeAll()  // --max-flows hook
        var order: [Int32] = []
        for i in 0..<slots.count where slots[i].live && !slots[i].awaitingContinuation {
            order.append(Int32(i))
        }
        FlowKeyOrder.sort(&order) { slots[Int($0)].key }
        return order
    }

    // Off the core path (not inlined): only tables with feature groups copy these.
    @inline(never)
    private mutating func takeDetails(_ p: borrowing DecodedPacket) { details = PacketDetails(p) }
    @inline(never)
    private mutating func takeDetails(_ layer: TunnelLayer, frame p: borrowing DecodedPacket) {
        details = PacketDetails(layer, frame: p)
    }

    // MARK: - Flow life

    @discardableResult
    private mutating func account(_ input: FlowInput, wireLength: Int, parent: TunnelParent?, at now: Int64) -> Int32 {
        let (key, flipped) = FlowKey.make(input, vlanInKey: configuration.vlanInKey)
        // The index holds only slots of live flows.
        let found = index.find(hash: index.hash(of: key)) { slots[Int($0)].key == key }
        guard let slot = found else {
            return create(key, flipped: flipped, input, wireLength: wireLength, parent: parent, at: now)
        }
        let s = Int(slot)
        if configuration.semantics == .flowcsv, input.isTCP, configuration.endOnTCPClose,
           slots[s].tcp.isClosed, TCPLifecycle.isOpeningSYN(input.tcpFlags) {
            // A new connection on the same 5-tuple after close (port reuse).
            end(slot, reason: slots[s].tcp.closeReason)
            return create(key, flipped: flipped, input, wireLength: wireLength, parent: parent, at: now)
        }
        if !update(slot, flipped: flipped, input, wireLength: wireLength, parent: parent, at: now) {
            // Zeek's engine saw a SYN with a new initial sequence number: a new connection.
            end(slot, reason: closeReason(of: s) ?? .reuse)
            return create(key, flipped: flipped, input, wireLength: wireLength, parent: parent, at: now)
        }
        return slot
    }

    private mutating func create(_ key: FlowKey, flipped: Bool, _ input: FlowInput, wireLength: Int,
                                 parent: TunnelParent?, at now: Int64) -> Int32 {
        let senderIsLower = !flipped
        let clientIsLower: Bool
        var analyzers = ZeekAnalyzerState.none
        switch configuration.semantics {
        case .flowcsv:
            // The sender of the first packet is the client, except that the receiver of a
            // SYN-ACK is (the SYN was missed).
            let synAck = input.isTCP && input.tcpFlags & (TCPFlag.syn | TCPFlag.ack) == TCPFlag.syn | TCPFlag.ack
            clientIsLower = synAck ? !senderIsLower : senderIsLower
        case .zeek:
            let zeekFlip = ZeekConnection.shouldFlip(protocol: input.zeekProtocol, firstPacketFlags: input.tcpFlags,
                                                     sourcePort: input.sourcePort, destinationPort: input.destinationPort,
                                                     destinationIsBroadcast: input.destinationIsBroadcast)
            clientIsLower = zeekFlip ? !senderIsLower : senderIsLower
            if input.zeekProtocol == .udp {
                // Port analyzers are attached by the responder's port, once (ZeekAnalyzers.swift).
                analyzers = zeekFlip ? .attached(responderPort: input.sourcePort, originatorPort: input.destinationPort)
                                     : .attached(responderPort: input.destinationPort, originatorPort: input.sourcePort)
            }
        }
        // --max-flows hook (FlowEviction.swift): at the cap, end the least recently active flow first.
        if configuration.maxFlows > 0 && index.count >= configuration.maxFlows {
            // The heap is moved out while it reads the records (no copy of either).
            var heap = FlowEviction()
            swap(&heap, &eviction)
            let victim = heap.victim(lastNs: { slots[Int($0)].lastNs }, key: { slots[Int($0)].key })
            swap(&heap, &eviction)
            if let victim { end(victim, reason: closeReason(of: Int(victim)) ?? .evicted) }  // a closed flow keeps fin/rst
        }
        created &+= 1
        // The record is built straight into its slot, not on the stack and then copied (it is large).
        // A reused slot keeps its queue token: entries the old flow left in the queue stay stale.
        @inline(__always) func record(queueToken: UInt32) -> FlowRecord {
            var r = FlowRecord(key: key, clientIsLower: clientIsLower, firstNs: now, lastNs: now, vlanID: input.vlanID,
                               zeek: ZeekConnection(protocol: input.zeekProtocol, flipped: clientIsLower != senderIsLower,
                                                   analyzers: analyzers))
            r.live = true
            r.queueToken = queueToken
            return r
        }
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            slots[Int(slot)] = record(queueToken: slots[Int(slot)].queueToken)
        } else {
            slot = Int32(slots.count)
            slots.append(record(queueToken: 0))
        }
        if !features.isEmpty { features.start(slot: Int(slot)) }
        slots[Int(slot)].uid = FlowUID.make(salt: uidSalt, key: key, firstNs: now, serial: created)
        index.insert(hash: index.hash(of: key), slot: slot)
        if configuration.maxFlows > 0 { eviction.started(slot, at: now) }  // --max-flows hook
        _ = update(slot, flipped: flipped, input, wireLength: wireLength, parent: parent, at: now)
        requeueIfEarlier(slot)  // queued already when the first packet moved the deadline
        return slot
    }

    /// Accounts a packet in a live flow. Returns false, having accounted nothing, when Zeek's
    /// engine says the packet starts a new connection. The record is changed through one
    /// in-place access (``FlowRecord/absorb(_:senderIsLower:wireLength:parent:at:configuration:)``).
    private mutating func update(_ slot: Int32, flipped: Bool, _ input: FlowInput, wireLength: Int,
                                 parent: TunnelParent?, at now: Int64) -> Bool {
        let outcome = slots[Int(slot)].absorb(input, senderIsLower: !flipped, wireLength: wireLength,
                                                     parent: parent, at: now, configuration: configuration)
        if outcome.newConnection { return false }
        if !features.isEmpty {
            // The groups follow the record: swap with it, then see the packet it counted.
            if outcome.swappedRoles { features.swapDirections(slot: Int(slot)) }
            if outcome.counted {
                features.update(slot: Int(slot), PacketView(input: input, fromClient: outcome.fromClient,
                                                            wireLength: wireLength, timeNs: now, details: details,
                                                            payload: payload, tunnel: tunnel))
            }
        }
        if outcome.deadlineMayMove { requeueIfEarlier(slot) }
        return true
    }

    /// A hash of a packet's tunnel layers, each taken as its (direction-free) flow key: both
    /// directions of one GRE tunnel are the same encapsulation, two UDP tunnel flows are not.
    private static func encapsulationID(_ layers: [TunnelLayer]) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for t in layers {
            let a = Endpoint(address: t.source, port: t.hasPorts ? t.sourcePort : 0)
            let b = Endpoint(address: t.destination, port: t.hasPorts ? t.destinationPort : 0)
            let (lo, hi) = a < b ? (a, b) : (b, a)
            for word in [lo.address.high, lo.address.low, hi.address.high, hi.address.low,
                         UInt64(lo.port) << 32 | UInt64(hi.port) << 16 | UInt64(t.ipProtocol)] {
                h = FlowUID.mix(h ^ word)
            }
        }
        return h | 1
    }

    private mutating func end(_ slot: Int32, reason: EndReason) {
        let s = Int(slot)
        if !slots[s].awaitingContinuation {
            hand(slot, reason: reason)  // before the slot is free: the same packet may reuse it
        }
        index.remove(hash: index.hash(of: slots[s].key), slot: slot)
        if configuration.maxFlows > 0 { eviction.ended(slot) }  // --max-flows hook
        if !features.isEmpty { features.ended(slot: s) }
        slots[s].live = false
        freeSlots.append(slot)
    }

    /// Appends the row of `slot` to ``finished``: the record with `reason`, and its groups' states.
    private mutating func hand(_ slot: Int32, reason: EndReason) {
        let s = Int(slot)
        slots[s].endReason = reason
        finished.records.append(slots[s])
        if !features.isEmpty { features.hand(slot: s, to: &finished) }
    }

    @inline(__always)
    private func closeReason(of slot: Int) -> EndReason? {
        slots[slot].closeReason(configuration)
    }

    // MARK: - Expiry

    /// When the flow in `slot` expires and why (read in place, the record is large).
    @inline(__always)
    private func deadline(of slot: Int) -> (Int64, EndReason) {
        slots[slot].deadline(configuration, timers)
    }

    private mutating func enqueue(_ slot: Int32) {
        let s = Int(slot)
        let deadline = Self.deadline(of: &slots[s], configuration, timers)
        schedule(slot, deadline: deadline)
    }

    /// After a packet that may have moved the flow's deadline: a new queue entry only when the
    /// deadline is now earlier than the queued one. A later deadline needs none: the queued
    /// entry fires first, finds the flow not due, and queues it again (``expire(upTo:)``), in
    /// the same `expire` call as an entry for the later deadline would have ended it.
    private mutating func requeueIfEarlier(_ slot: Int32) {
        let s = Int(slot)
        let deadline = Self.deadline(of: &slots[s], configuration, timers)
        if deadline < slots[s].queuedDeadlineNs { schedule(slot, deadline: deadline) }
    }

    @inline(__always)
    private mutating func schedule(_ slot: Int32, deadline: Int64) {
        let s = Int(slot)
        slots[s].queueToken &+= 1
        slots[s].queuedDeadlineNs = deadline
        queue.insert(Expiry(deadline: deadline, slot: slot, token: slots[s].queueToken))
    }

    /// The deadline read in place (`inout`): a by-value read would copy the record, with
    /// retains for the Zeek engine's out-of-line parts.
    @inline(__always)
    private static func deadline(of record: inout FlowRecord, _ configuration: FlowConfiguration,
                                 _ timers: ZeekTimers) -> Int64 {
        record.deadline(configuration, timers).0
    }

    /// A flow found due by ``expire(upTo:)``, to end in (deadline, key) order.
    private struct Due {
        var deadline: Int64
        var key: FlowKey
        var slot: Int32
        var reason: EndReason
    }

    /// Whether flows found due are still to be ended (``expirePending()``).
    public var hasPendingExpiry: Bool { dueNext < due.count }

    /// Ends the next ``expiryBatch`` flows found due by the last clock advance, appending
    /// their rows to ``finished``; returns whether more remain.
    @discardableResult
    public mutating func expirePending() -> Bool {
        let stop = dueNext + min(expiryBatch, due.count - dueNext)
        while dueNext < stop {
            let item = due[dueNext]
            dueNext += 1
            let s = Int(item.slot)
            if item.reason == .active {
                // Write what the flow has so far, and keep its direction and connection state
                // for the packets still to come; if none comes, the placeholder is dropped.
                hand(item.slot, reason: .active)
                slots[s].startContinuation()
                if !features.isEmpty { features.split(slot: s) }
                enqueue(item.slot)
            } else {
                end(item.slot, reason: item.reason)
            }
        }
        guard dueNext == due.count else { return true }
        due.removeAll(keepingCapacity: due.capacity <= 4096)
        dueNext = 0
        return false
    }

    private mutating func expireAllPending() {
        let batch = expiryBatch
        expiryBatch = .max
        expirePending()
        expiryBatch = batch
    }

    /// Finds the flows due by `now` and ends the first ``expiryBatch`` of them.
    private mutating func expire(upTo now: Int64) {
        if dueNext < due.count { expireAllPending() }
        while let top = queue.min, top.deadline <= now {
            queue.removeMin()
            let s = Int(top.slot)
            guard slots[s].live, slots[s].queueToken == top.token else { continue }  // stale entry
            let (deadline, reason) = deadline(of: s)
            if deadline > now {
                enqueue(top.slot)  // the flow saw packets since it was queued
            } else if reason == .idle && slots[s].zeek.rearmsSessionTimer(at: now) {
                enqueue(top.slot)  // Zeek's DNS session timer ran at `now` and re-armed
            } else {
                due.append(Due(deadline: deadline, key: slots[s].key, slot: top.slot, reason: reason))
            }
        }
        if due.count > 1 {
            due.sort { $0.deadline != $1.deadline ? $0.deadline < $1.deadline : $0.key < $1.key }
        }
        expirePending()
    }
}
