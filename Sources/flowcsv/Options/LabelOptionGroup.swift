import ArgumentParser
import FlowStats

/// Where labels come from, and the name a capture goes by (`--source-name`).
struct LabelOptionGroup: ParsableArguments {
    @Option(help: ArgumentHelp("How AppName and AppAction are read from each file's path: fields separated by '_' in the file name, '/' for folders. Placeholders {AppName}, {AppAction}; '*' is any one field. Examples: '{AppName}_{AppAction}' (default: facebook_chat_4a.pcap), '*_*_{AppName}_*_{AppAction}' (fields 3 and 5), '{AppName}/*' (folder per app).", valueName: "template"))
    var labelTemplate: String?

    @Option(help: ArgumentHelp("Labels from a regular expression (ICU syntax) with named groups, searched in each file's path relative to its input folder (a file given directly: its name, e.g. 'vpn_skype_audio1.pcap'). Groups AppName and AppAction fill those columns; every other named group is a column of its own, after the schema's. Example: '^(?<Class>[^/]+)/(?<AppName>[^/.]+)'. Replaces the default template unless --label-template is given too.", valueName: "regex"))
    var labelRegex: String?

    @Option(name: .customLong("labels"), help: ArgumentHelp("A CSV table of labels: a header with a File column (a file name or fnmatch glob; matched against the path relative to the input folder when it contains '/') and label columns (AppName, AppAction, others become columns of their own). The first matching row wins. Replaces the default template unless --label-template is given too.", valueName: "file.csv"))
    var labelTable: String?

    @Option(name: .customLong("label"), help: ArgumentHelp("A label for every row of the run, NAME=VALUE (repeatable): AppName=/AppAction= set those columns, other names add a column. Beats every other label option.", valueName: "name=value"))
    var labelConstants: [String] = []

    @Option(help: ArgumentHelp("Label each flow by rules (client/server address or CIDR, ports, protocol, a time window with an explicit time zone; first match wins; 'default'; 'attempted': a TCP flow whose client sent no payload gets '<label> - Attempted'). Goes to the column Label (the CIC schemas' own Label column, else appended after the schema's columns), or the one a 'column' line names. A bad line is a usage error naming it. Format: docs/labels.md.", valueName: "file"))
    var labelRules: String?

    @Flag(help: "Print to standard error, for each file, which label option gave each label column, and at the end how many flows each --label-rules rule labelled.")
    var explainLabels = false

    @Option(help: ArgumentHelp("The name of the single input, used instead of its path for SourceFile, the labels (the template is applied to it as a path; --label-regex and --labels see it as the relative path) and the FlowID salt: a file staged from HDFS or S3 to a local path keeps its dataset name, and a per-file run gives the rows of a folder run when NAME is the file's path relative to that folder.", valueName: "name"))
    var sourceName: String?

    func validate() throws {
        do {
            _ = try LabelTemplate(labelTemplate ?? LabelTemplate.defaultTemplate)
        } catch {
            throw ValidationError(error.message)
        }
        if let sourceName, sourceName.isEmpty {
            throw ValidationError("--source-name must not be empty")
        }
    }

    /// The label options of the command line (files read and checked against the schema's columns).
    func makeLabelOptions(schemaColumns: [String]) throws -> LabelOptions {
        do throws(LabelOptionError) {
            var labels = LabelOptions()
            if let labelRegex { labels.regex = try LabelRegex(labelRegex) }
            if let labelTable { labels.table = try LabelTable(contentsOf: labelTable) }
            labels.constants = try labelConstants.map { text throws(LabelOptionError) in try LabelOptions.constant(text) }
            if let labelRules { labels.rules = try LabelRules(contentsOf: labelRules) }
            labels.useTemplate = labelTemplate != nil || (labelRegex == nil && labelTable == nil)
            labels.explain = explainLabels
            if !labels.isEmpty { try labels.validate(schemaColumns: schemaColumns) }
            return labels
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// Sets the template and the other label sources.
    func apply(to options: inout ProcessingOptions, schemaColumns: [String]) throws {
        options.labelTemplate = try LabelTemplate(labelTemplate ?? LabelTemplate.defaultTemplate)
        options.labels = try makeLabelOptions(schemaColumns: schemaColumns)
    }
}
