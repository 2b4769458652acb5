extension ActiveIdle {
    /// The `full` schema's columns: seconds, population std, with the period counts as the
    /// companions that say whether the statistics exist.
    static let fullColumns: [Column] = [
        Column("ActivePeriods", "Number of active periods: runs of packets (both directions) with no gap longer than --activity-timeout (default 5 s; a gap of exactly the timeout stays in the period), each from its first to its last packet; only periods of nonzero length count, the last one included; 0 for a one-packet flow or one of duration 0 (companion of ActiveMean … ActiveMin)", requires: .activeIdle) { f, _, o in o.int(f.activeIdle.active.count) },
        Column("ActiveMean", "Mean length of the active periods (see ActivePeriods), seconds; 0 when ActivePeriods = 0", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.active.mean / 1e9) },
        Column("ActiveStd", "Population standard deviation (divides by n) of the active period lengths, seconds; 0 when ActivePeriods < 2", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.active.std / 1e9) },
        Column("ActiveMax", "Longest active period, seconds; 0 when ActivePeriods = 0 (with one period: its length, as ActiveMin and ActiveMean)", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.active.max / 1e9) },
        Column("ActiveMin", "Shortest active period, seconds; 0 when ActivePeriods = 0", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.active.min / 1e9) },
        Column("IdlePeriods", "Number of idle periods: gaps longer than --activity-timeout (default 5 s) between consecutive packets of the flow, both directions; no idle time is added after the last packet; 0 without such a gap, so for one-packet flows and duration 0 (companion of IdleMean … IdleMin)", requires: .activeIdle) { f, _, o in o.int(f.activeIdle.idle.count) },
        Column("IdleMean", "Mean length of the idle periods (see IdlePeriods), seconds; 0 when IdlePeriods = 0", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.idle.mean / 1e9) },
        Column("IdleStd", "Population standard deviation (divides by n) of the idle period lengths, seconds; 0 when IdlePeriods < 2", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.idle.std / 1e9) },
        Column("IdleMax", "Longest idle period, seconds; 0 when IdlePeriods = 0 (with one period: its length, as IdleMin and IdleMean)", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.idle.max / 1e9) },
        Column("IdleMin", "Shortest idle period, seconds; 0 when IdlePeriods = 0", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.idle.min / 1e9) },
    ]

    /// CICFlowMeter master's columns (its names and order, µs, sample std), with its
    /// definitions' intent: the last active period included (CIC #76).
    static let cicColumns: [Column] = [
        Column("Active Mean", "Mean active period length as ActiveMean (gap > --activity-timeout, default 5 s; nonzero periods only; the last period included, which CICFlowMeter #76 left out), µs (ns / 1000, fractional); 0 without an active period (one-packet flows, duration 0)", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.active.mean / 1e3) },
        Column("Active Std", "Sample standard deviation (divides by n − 1, as CICFlowMeter) of the active period lengths, µs; 0 for fewer than 2 active periods", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.active.sampleStd / 1e3) },
        Column("Active Max", "Longest active period, µs; 0 without an active period", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.active.max / 1e3) },
        Column("Active Min", "Shortest active period, µs; 0 without an active period", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.active.min / 1e3) },
        Column("Idle Mean", "Mean idle period length as IdleMean (gaps > --activity-timeout between consecutive packets, both directions; no remainder up to a timeout after the last packet), µs; 0 without an idle period", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.idle.mean / 1e3) },
        Column("Idle Std", "Sample standard deviation (divides by n − 1) of the idle period lengths, µs; 0 for fewer than 2 idle periods", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.idle.sampleStd / 1e3) },
        Column("Idle Max", "Longest idle period, µs; 0 without an idle period", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.idle.max / 1e3) },
        Column("Idle Min", "Shortest idle period, µs; 0 without an idle period", requires: .activeIdle) { f, _, o in o.double(f.activeIdle.idle.min / 1e3) },
    ]
}
