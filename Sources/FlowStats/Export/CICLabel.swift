extension Schema {
    /// CIC's `Label`: the flow's label (AppName unless a label option sets it).
    static let cicLabelColumn = Column("Label", "The flow's label: AppName, unless a label option sets it") { _, c, o in o.prepared(c.appNameField) }
}
