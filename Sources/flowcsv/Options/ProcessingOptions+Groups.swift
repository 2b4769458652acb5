import FlowStats

extension ProcessingOptions {
    /// The flow pass's options from the shared option groups: the preset and flow options, the
    /// schema and its column options, then the labels (checked against the schema's columns).
    /// Every subcommand that runs the flow pass starts from this.
    init(flow: FlowOptionGroup, columns: ColumnOptionGroup, labels: LabelOptionGroup) throws {
        self.init(labelTemplate: try LabelTemplate(LabelTemplate.defaultTemplate))
        flow.apply(to: &self)
        columns.apply(to: &self)
        try labels.apply(to: &self, schemaColumns: columns.schemaColumnNames)
    }
}
