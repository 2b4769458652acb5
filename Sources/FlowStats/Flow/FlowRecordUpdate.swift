/// What ``FlowRecord/absorb(_:senderIsLower:wireLength:parent:at:configuration:)`` did with a packet.
struct PacketOutcome {
    /// Zeek's engine saw a SYN with a new initial sequence number: nothing was accounted, and
    /// the packet starts a new connection.
    var newConnection = false
    /// The flow's expiry may now be earlier than its queued deadline (a row restarted after an
    /// active split, a TCP close, or Zeek's timers), so the flow table must queue it again.
    var deadlineMayMove = false
    /// The packet made the record swap its roles (the feature groups must swap too).
    var swappedRoles = false
    /// The packet was counted (checksum valid): the feature groups account it too.
    var counted = false
    /// Its direction, once counted: client → server.
    var fromClient = false

    static let newConnectionOutcome = PacketOutcome(newConnection: true)
}

extension FlowRecord {
    /// Accounts one packet of this live flow: Zeek's engine, counters, TCP lifecycle (the flow
    /// table then hands a counted packet to the feature groups). It calls it once per packet,
    /// on the record in place.
    @inline(__always)
    mutating func absorb(_ input: FlowInput, senderIsLower: Bool, wireLength: Int, parent: TunnelParent?,
                         at now: Int64, configuration: FlowConfiguration) -> PacketOutcome {
        // Zeek's engine keeps the orientation the flow was created with.
        let zp = ZeekPacket(isOrig: senderIsLower == createdClientIsLower, timestampNs: now,
                            ipLength: input.ipLength, tcpFlags: input.tcpFlags, sequence: input.sequence,
                            acknowledgment: input.acknowledgment, window: input.window,
                            payloadLength: input.payloadLength, capturedPayloadLength: input.capturedPayloadLength,
                            udpLengthField: input.udpLength >= 0 ? input.udpLength : nil,
                            checksumValid: input.checksumValid,
                            headerComplete: input.ipProtocol != IPProtocol.tcp.rawValue || input.tcpHeaderUsable,
                            peek: input.peek)
        // Under Zeek's semantics the deadline is Zeek's: it can move earlier only when the
        // engine's timer state changes (ZeekConnection.TimerState).
        let zeekTimers = configuration.semantics == .zeek && input.isTCP
        let timersBefore = zeekTimers ? zeek.timerState : nil
        var outcome = PacketOutcome()
        if zeek.add(zp) == .newConnection {
            guard !configuration.endOnTCPClose else { return .newConnectionOutcome }
            // No TCP lifecycle (NFStream): the flow goes on; Zeek's view starts afresh.
            zeek = ZeekConnection(protocol: zeek.protocol)
            _ = zeek.add(zp)
            outcome.deadlineMayMove = true
        }
        if zeek.rolesSwapped != rolesSwapped {
            swapRoles()  // Zeek reversed the roles: follow it
            outcome.swappedRoles = true
        }
        if let parent { addTunnelParent(parent) }
        if input.encapsulation != 0 { noteEncapsulation(input.encapsulation) }
        guard input.checksumValid else { return outcome }  // dropped, as Zeek drops it (history C/c)

        if awaitingContinuation {
            // The first packet after an active-timeout split starts the new row and its own
            // active deadline.
            awaitingContinuation = false
            firstNs = now
            outcome.deadlineMayMove = true
        }
        let fromClient = clientIsLower == senderIsLower
        outcome.counted = true
        outcome.fromClient = fromClient
        lastNs = now
        if fromClient {
            forward.add(wireLength: wireLength)
        } else {
            backward.add(wireLength: wireLength)
        }
        guard input.isTCP else { return outcome }
        let closedNow = tcp.observe(flags: input.tcpFlags, fromClient: fromClient, at: now)
        // On close the deadline moves to close + linger; Zeek's when its timer state changed.
        if closedNow || (zeekTimers && zeek.timerState != timersBefore) { outcome.deadlineMayMove = true }
        return outcome
    }

    /// Zeek's `Tunnel::max_changes_per_connection` (5): a connection whose packets switch from
    /// one encapsulation to another more often than that gets `X` in its history (from no
    /// encapsulation to one, or back, does not count).
    private mutating func noteEncapsulation(_ id: UInt64) {
        let previous = lastEncapsulation
        lastEncapsulation = id
        guard previous != 0, previous != id else { return }
        encapsulationChanges &+= 1
        if encapsulationChanges == 6 { zeek.noteAnalysisLimit() }
    }
}
