extension Schema {
    /// CIC's `Label`: the flow's label, ``FileContext/writeLabel(_:to:)`` (AppName unless a label option sets it).
    static let cicLabelColumn = Column("Label", "The flow's label: its --label-rules label (rules column Label), else a per-file Label (--label Label=…, a --labels or --label-regex Label), else AppName (docs/labels.md)") { r, c, o in c.writeLabel(r, to: o) }
}
