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
///   the capture the remaining flows end together, in key order.
public struct FlowTable {
    public let configuration: FlowConfiguration

    private struct Slot {
        var record: FlowRecord
        var generation: UInt32 = 0
        var queueToken: UInt32 = 0
        var live = false
    }

    private struct Expiry: Comparable {
        var deadline: Int64
        var slot: Int32
        var token: UInt32
        static func < (a: Expiry, b: Expiry) -> Bool {
            a.deadline != b.deadline ? a.deadline < b.deadline : a.slot < b.slot
        }
    }

    private var index: [FlowKey: Int32] = [:]
    private var slots: [Slot] = []
    private var freeSlots: [Int32] = []
    private var queue = Heap<Expiry>()
    private var fragments: FragmentTracker

    /// Flows that have ended, in output order. The caller takes them out.
    public var finished: [FlowRecord] = []
    /// Latest capture time seen, in ns.
    public private(set) var clockNs: Int64 = .min
    /// Packets whose timestamp was earlier than a packet before them.
    public private(set) var backwardsTimestamps = 0

    public init(configuration: FlowConfiguration) {
        self.configuration = configuration
        self.fragments = FragmentTracker(timeoutNs: configuration.fragmentTimeoutNs)
    }

    /// Number of flows currently held.
    public var liveFlows: Int { index.count }

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

    /// Accounts one packet. Call ``advanceClock(to:)`` first; pass the time it returned.
    public mutating func add(_ p: DecodedPacket, wireLength: Int, at now: Int64) {
        guard p.kind == .ip else { return }
        var sourcePort = p.sourcePort
        var destinationPort = p.destinationPort
        if p.isFragment {
            (sourcePort, destinationPort) = fragments.ports(for: p, at: now)
        }
        let (key, flipped) = FlowKey.make(p, sourcePort: sourcePort, destinationPort: destinationPort,
                                          vlanInKey: configuration.vlanInKey)
        let isTCP = p.hasTCPHeader && p.ipProtocol == IPProtocol.tcp.rawValue
        if let slot = index[key] {
            let s = Int(slot)
            if isTCP, configuration.endOnTCPClose, slots[s].record.tcp.isClosed, TCPLifecycle.isOpeningSYN(p.tcpFlags) {
                // A new connection on the same 5-tuple after close (port reuse).
                end(slot, reason: slots[s].record.tcp.closeReason)
                create(key, flipped: flipped, p, wireLength: wireLength, isTCP: isTCP, at: now)
            } else {
                update(slot, flipped: flipped, p, wireLength: wireLength, isTCP: isTCP, at: now)
            }
        } else {
            create(key, flipped: flipped, p, wireLength: wireLength, isTCP: isTCP, at: now)
        }
    }

    /// Ends every remaining flow (end of capture): closed TCP flows keep `fin`/`rst`,
    /// the others get `eof`. They are appended in key order.
    public mutating func finish() {
        var remaining: [FlowRecord] = []
        remaining.reserveCapacity(index.count)
        for slot in slots where slot.live && !slot.record.awaitingContinuation {
            var record = slot.record
            record.endReason = record.tcp.isClosed && configuration.endOnTCPClose ? record.tcp.closeReason : .eof
            remaining.append(record)
        }
        remaining.sort { $0.key < $1.key }
        finished.append(contentsOf: remaining)
        index.removeAll()
        slots.removeAll()
        freeSlots.removeAll()
        queue = Heap()
    }

    // MARK: - Flow life

    private mutating func create(_ key: FlowKey, flipped: Bool, _ p: DecodedPacket, wireLength: Int, isTCP: Bool, at now: Int64) {
        // Direction: the sender of the first packet is the client, except that the
        // receiver of a SYN-ACK is (the SYN was missed).
        var clientIsLower = !flipped
        if isTCP, p.tcpFlags & (TCPFlag.syn | TCPFlag.ack) == TCPFlag.syn | TCPFlag.ack {
            clientIsLower = flipped
        }
        let record = FlowRecord(key: key, clientIsLower: clientIsLower, firstNs: now, lastNs: now, vlanID: p.vlanID)
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            slots[Int(slot)].record = record
            slots[Int(slot)].live = true
        } else {
            slot = Int32(slots.count)
            slots.append(Slot(record: record, live: true))
        }
        index[key] = slot
        update(slot, flipped: flipped, p, wireLength: wireLength, isTCP: isTCP, at: now)
        enqueue(slot)
    }

    private mutating func update(_ slot: Int32, flipped: Bool, _ p: DecodedPacket, wireLength: Int, isTCP: Bool, at now: Int64) {
        let s = Int(slot)
        let fromClient = slots[s].record.clientIsLower == !flipped
        if slots[s].record.awaitingContinuation {
            // The first packet after an active-timeout split starts the new row and its own
            // active deadline.
            slots[s].record.awaitingContinuation = false
            slots[s].record.firstNs = now
            slots[s].record.lastNs = now
            enqueue(slot)
        }
        slots[s].record.lastNs = now
        if fromClient {
            slots[s].record.forward.add(wireLength: wireLength, ipLength: p.ipLength, payloadLength: p.payloadLength)
            slots[s].record.forwardStats.add(wireLength: wireLength, at: now)
        } else {
            slots[s].record.backward.add(wireLength: wireLength, ipLength: p.ipLength, payloadLength: p.payloadLength)
            slots[s].record.backwardStats.add(wireLength: wireLength, at: now)
        }
        slots[s].record.flowStats.add(wireLength: wireLength, at: now)
        guard isTCP else { return }
        if fromClient {
            slots[s].record.forwardTCP.observe(flags: p.tcpFlags, sequence: p.sequence, acknowledgment: p.acknowledgment,
                                               window: p.window, payload: p.payloadLength)
        } else {
            slots[s].record.backwardTCP.observe(flags: p.tcpFlags, sequence: p.sequence, acknowledgment: p.acknowledgment,
                                                window: p.window, payload: p.payloadLength)
        }
        slots[s].record.handshake.observe(flags: p.tcpFlags, sequence: p.sequence, acknowledgment: p.acknowledgment,
                                          fromClient: fromClient, at: now)
        if slots[s].record.tcp.observe(flags: p.tcpFlags, fromClient: fromClient, at: now), configuration.endOnTCPClose {
            enqueue(slot)  // the deadline moved earlier: close + linger
        }
    }

    private mutating func end(_ slot: Int32, reason: EndReason) {
        let s = Int(slot)
        if !slots[s].record.awaitingContinuation {
            var record = slots[s].record
            record.endReason = reason
            finished.append(record)
        }
        index[slots[s].record.key] = nil
        slots[s].live = false
        slots[s].generation &+= 1
        freeSlots.append(slot)
    }

    // MARK: - Expiry

    /// When `record` expires and why.
    private func deadline(of record: FlowRecord) -> (Int64, EndReason) {
        let idle = saturatingAdd(record.lastNs, configuration.idle.forProtocol(record.key.ipProtocol))
        let close = configuration.endOnTCPClose ? record.tcp.closedAtNs.map { saturatingAdd($0, configuration.lingerNs) } ?? .max : .max
        let active = configuration.activeTimeoutNs > 0 && !record.awaitingContinuation
            ? saturatingAdd(record.firstNs, configuration.activeTimeoutNs) : .max
        if active <= min(idle, close) { return (active, .active) }
        if close <= idle { return (close, record.tcp.closeReason) }
        return (idle, .idle)
    }

    @inline(__always)
    private func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    private mutating func enqueue(_ slot: Int32) {
        let s = Int(slot)
        slots[s].queueToken &+= 1
        queue.insert(Expiry(deadline: deadline(of: slots[s].record).0, slot: slot, token: slots[s].queueToken))
    }

    private mutating func expire(upTo now: Int64) {
        var due: [(deadline: Int64, key: FlowKey, slot: Int32, reason: EndReason)] = []
        while let top = queue.min, top.deadline <= now {
            queue.removeMin()
            let s = Int(top.slot)
            guard slots[s].live, slots[s].queueToken == top.token else { continue }  // stale entry
            let (deadline, reason) = deadline(of: slots[s].record)
            if deadline > now {
                enqueue(top.slot)  // the flow saw packets since it was queued
            } else {
                due.append((deadline, slots[s].record.key, top.slot, reason))
            }
        }
        if due.count > 1 {
            due.sort { $0.deadline != $1.deadline ? $0.deadline < $1.deadline : $0.key < $1.key }
        }
        for item in due {
            let s = Int(item.slot)
            if item.reason == .active {
                // Write what the flow has so far, and keep its direction and TCP state for
                // the packets still to come; if none comes, the placeholder is dropped after idle.
                var record = slots[s].record
                record.endReason = .active
                finished.append(record)
                slots[s].record.startContinuation()
                enqueue(item.slot)
            } else {
                end(item.slot, reason: item.reason)
            }
        }
    }
}
