extension FlowRecord {
    /// `fin` or `rst` for a TCP flow whose connection closed (when closes end flows), else nil.
    @inline(__always)
    func closeReason(_ configuration: FlowConfiguration) -> EndReason? {
        guard configuration.endOnTCPClose else { return nil }
        switch configuration.semantics {
        case .flowcsv: return tcp.isClosed ? tcp.closeReason : nil
        case .zeek: return zeek.isClosed ? (tcp.rst ? .rst : .fin) : nil
        }
    }

    /// When this flow expires and why: the earliest of its active timeout, idle timeout and
    /// TCP close (+ linger); under Zeek semantics, Zeek's own timers.
    @inline(__always)
    func deadline(_ configuration: FlowConfiguration, _ timers: ZeekTimers) -> (Int64, EndReason) {
        let active = configuration.activeTimeoutNs > 0 && !awaitingContinuation
            ? Self.saturatingAdd(firstNs, configuration.activeTimeoutNs) : .max
        var idle: Int64
        var close: Int64 = .max
        switch configuration.semantics {
        case .flowcsv:
            idle = Self.saturatingAdd(lastNs, configuration.idle.forProtocol(key.ipProtocol))
            if configuration.endOnTCPClose, let closed = tcp.closedAtNs {
                close = Self.saturatingAdd(closed, configuration.lingerNs)
            }
        case .zeek:
            // Zeek's timers: inactivity, close delay, attempt and expire timers.
            idle = zeek.expiryNs(timers)
            if zeek.isClosed { close = idle }
            if awaitingContinuation {
                idle = Self.saturatingAdd(lastNs, configuration.idle.forProtocol(key.ipProtocol))
            }
        }
        if active <= min(idle, close) { return (active, .active) }
        if close <= idle, let reason = closeReason(configuration) { return (close, reason) }
        return (min(idle, close), .idle)
    }

    @inline(__always)
    private static func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }
}
