/// The `--list-inputs` listing: one line per capture a run would read, in the run's order,
/// `PATH<TAB>SOURCENAME`. In both fields a backslash, a tab and a newline are written as
/// `\\`, `\t` and `\n`, so every line splits at its one unescaped tab.
public enum InputListing {
    /// The listing line of `input`, without its newline.
    public static func line(_ input: CaptureInput) -> String {
        escape(input.path) + "\t" + escape(input.displayPath)
    }

    /// `field` with `\`, tab and newline escaped as `\\`, `\t` and `\n`.
    public static func escape(_ field: String) -> String {
        var out = ""
        out.reserveCapacity(field.utf8.count)
        for scalar in field.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
