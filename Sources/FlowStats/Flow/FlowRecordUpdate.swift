/// What ``FlowRecord/absorb(_:senderIsLower:wireLength:parent:at:configuration:)`` did with a packet.
enum PacketOutcome {
    /// Zeek's engine saw a SYN with a new initial sequence number: nothing was accounted, and
    /// the packet starts a new connection.
    case newConnection
    /// Accounted. `deadlineMayMove`: the flow's expiry may now be earlier than its queued
    /// deadline (a row restarted after an active split, a TCP close, or Zeek's timers), so
    /// the flow table must queue it again.
    case accounted(deadlineMayMove: Bool)
}

extension FlowRecord {
    /// Accounts one packet of this live flow: Zeek's engine, counters, statistics, TCP lifecycle.
    /// The flow table calls it once per packet, on the record in place.
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
                            headerComplete: input.ipProtocol != IPProtocol.tcp.rawValue || input.tcpHeaderUsable)
        if zeek.add(zp) == .newConnection {
            guard !configuration.endOnTCPClose else { return .newConnection }
            // No TCP lifecycle (NFStream): the flow goes on; Zeek's view starts afresh.
            zeek = ZeekConnection(protocol: zeek.protocol)
            _ = zeek.add(zp)
        }
        if zeek.rolesSwapped != rolesSwapped {
            swapRoles()  // Zeek reversed the roles: follow it
        }
        if let parent { addTunnelParent(parent) }
        if input.encapsulation != 0 { noteEncapsulation(input.encapsulation) }
        guard input.checksumValid else { return .accounted(deadlineMayMove: false) }  // dropped, as Zeek drops it (history C/c)

        var deadlineMayMove = false
        if awaitingContinuation {
            // The first packet after an active-timeout split starts the new row and its own
            // active deadline.
            awaitingContinuation = false
            firstNs = now
            deadlineMayMove = true
        }
        let fromClient = clientIsLower == senderIsLower
        lastNs = now
        if fromClient {
            forward.add(wireLength: wireLength, ipLength: input.ipLength, payloadLength: input.payloadLength)
        } else {
            backward.add(wireLength: wireLength, ipLength: input.ipLength, payloadLength: input.payloadLength)
        }
        let detailed = configuration.detailedStatistics
        if detailed {
            if fromClient {
                forwardStats.add(wireLength: wireLength, at: now)
            } else {
                backwardStats.add(wireLength: wireLength, at: now)
            }
            flowStats.add(wireLength: wireLength, at: now)
        }
        guard input.isTCP else { return .accounted(deadlineMayMove: deadlineMayMove) }
        if detailed {
            observeAnalytics(input, fromClient: fromClient, at: now)
        }
        let closedNow = tcp.observe(flags: input.tcpFlags, fromClient: fromClient, at: now)
        // On close the deadline moves to close + linger; Zeek's timers move with every packet.
        if closedNow || configuration.semantics == .zeek { deadlineMayMove = true }
        return .accounted(deadlineMayMove: deadlineMayMove)
    }

    private mutating func observeAnalytics(_ input: FlowInput, fromClient: Bool, at now: Int64) {
        if fromClient {
            forwardTCP.observe(flags: input.tcpFlags, sequence: input.sequence, acknowledgment: input.acknowledgment,
                               window: input.window, payload: input.payloadLength)
        } else {
            backwardTCP.observe(flags: input.tcpFlags, sequence: input.sequence, acknowledgment: input.acknowledgment,
                                window: input.window, payload: input.payloadLength)
        }
        handshake.observe(flags: input.tcpFlags, sequence: input.sequence, acknowledgment: input.acknowledgment,
                          fromClient: fromClient, at: now)
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
