/// Takes AppName and AppAction from a capture's path, by a template.
///
/// A template is matched against the last components of the capture's path (its absolute
/// path without the file extension), one `/`-separated component per template component:
/// - A component that is a single placeholder (`{AppName}`, `{AppAction}`) takes the whole
///   folder name or file stem.
/// - Any other component is split at `_` into fields and matched field by field:
///   `{AppName}` and `{AppAction}` take a field, `*` accepts any one field, other text
///   must equal the field. The file-stem component may have more fields than the template;
///   the extra fields are ignored. Folder components must match exactly.
///
/// Examples: `{AppName}_{AppAction}` (the default) reads `facebook_chat_4a.pcap` as
/// facebook / chat; `*_*_{AppName}_*_{AppAction}` reads fields 3 and 5 of the stem;
/// `{AppName}/*` takes AppName from the folder the file is in.
public struct LabelTemplate: Sendable, Equatable {
    public static let defaultTemplate = "{AppName}_{AppAction}"

    enum Field: Sendable, Equatable {
        case appName, appAction, any
        case literal(String)
    }

    enum Component: Sendable, Equatable {
        case whole(Field)          // a single placeholder: the whole name
        case fields([Field])
    }

    public let text: String
    let components: [Component]

    public struct Labels: Sendable, Equatable {
        public var appName: String
        public var appAction: String
        public init(appName: String, appAction: String) {
            self.appName = appName
            self.appAction = appAction
        }
    }

    /// Parses a template; throws a one-line reason when it is not usable.
    public init(_ text: String) throws(LabelTemplateError) {
        self.text = text
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        var components: [Component] = []
        var sawPlaceholder = false
        for part in parts {
            guard !part.isEmpty else { throw LabelTemplateError("empty path component in label template '\(text)'") }
            let fields = try part.split(separator: "_", omittingEmptySubsequences: false).map { raw throws(LabelTemplateError) -> Field in
                switch raw {
                case "{AppName}": sawPlaceholder = true; return .appName
                case "{AppAction}": sawPlaceholder = true; return .appAction
                case "*": return .any
                default:
                    if raw.contains("{") || raw.contains("}") {
                        throw LabelTemplateError("unknown placeholder '\(raw)' in label template (use {AppName}, {AppAction} or *)")
                    }
                    return .literal(String(raw))
                }
            }
            if fields.count == 1, fields[0] == .appName || fields[0] == .appAction {
                components.append(.whole(fields[0]))
            } else {
                components.append(.fields(fields))
            }
        }
        guard sawPlaceholder else {
            throw LabelTemplateError("label template '\(text)' has neither {AppName} nor {AppAction}")
        }
        self.components = components
    }

    /// The labels for a capture path, or nil when the path does not fit the template.
    public func labels(forPath path: String) -> Labels? {
        var names = path.split(separator: "/").map(String.init)
        guard var stem = names.popLast() else { return nil }
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex {
            stem = String(stem[..<dot])
        }
        names.append(stem)
        guard names.count >= components.count else { return nil }
        var labels = Labels(appName: "", appAction: "")
        let tail = names.suffix(components.count)
        for (i, (component, name)) in zip(components, tail).enumerated() {
            let isStem = i == components.count - 1
            switch component {
            case .whole(let field):
                assign(field, name, to: &labels)
            case .fields(let fields):
                let values = name.split(separator: "_", omittingEmptySubsequences: false)
                guard values.count == fields.count || (isStem && values.count > fields.count) else { return nil }
                for (field, value) in zip(fields, values) {
                    if case .literal(let literal) = field, literal != value { return nil }
                    assign(field, String(value), to: &labels)
                }
            }
        }
        return labels
    }

    private func assign(_ field: Field, _ value: String, to labels: inout Labels) {
        switch field {
        case .appName: labels.appName = value
        case .appAction: labels.appAction = value
        case .any, .literal: break
        }
    }
}

public struct LabelTemplateError: Error, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
