// PROVISIONAL: placeholders for the CIC columns other branches of issue 9 compute. At merge,
// the lead replaces the bulk/subflow/active-idle entries with the activity group's columns
// (`Label` is the labels' per-flow label, FileContext.writeLabel). Tests do not assert the placeholders.

extension Schema {
    /// Placeholders for the CIC names this branch does not compute, resolved like the others.
    static let cicPendingPool: [Column] = [
        Column("Fwd Bytes/Bulk Avg", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Fwd Packet/Bulk Avg", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Fwd Bulk Rate Avg", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Bwd Bytes/Bulk Avg", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Bwd Packet/Bulk Avg", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Bwd Bulk Rate Avg", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Subflow Fwd Packets", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Subflow Fwd Bytes", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Subflow Bwd Packets", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Subflow Bwd Bytes", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Active Mean", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Active Std", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Active Max", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Active Min", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Idle Mean", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Idle Std", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Idle Max", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Idle Min", "PROVISIONAL placeholder (0) until the activity group lands") { _, _, o in o.int(0) },
        Column("Label", "The flow's label: its --label-rules label (rules column Label), else a per-file Label (--label Label=…, a --labels or --label-regex Label), else AppName (docs/labels.md)") { r, c, o in c.writeLabel(r, to: o) },
    ]
}
