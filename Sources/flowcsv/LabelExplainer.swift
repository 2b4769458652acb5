import FlowStats
import Synchronization

/// `--explain-labels`: one line per file on standard error, in input order, and at the end
/// the flows each `--label-rules` rule labelled (summed over all files).
final class LabelExplainer: Sendable {
    private let rules: LabelRules?
    private let counts: Mutex<[Int]>

    init(_ rules: LabelRules?) {
        self.rules = rules
        counts = Mutex([Int](repeating: 0, count: rules.map { 2 * $0.rules.count + 1 } ?? 0))
    }

    func file(_ report: FileReport) {
        guard report.error == nil else { return }
        Diagnostics.note("labels: \(report.input.displayPath): \(report.labels.explanation)")
        counts.withLock { counts in
            for (k, n) in report.ruleCounts.enumerated() where k < counts.count { counts[k] += n }
        }
    }

    func finish() {
        guard let rules else { return }
        let counts = counts.withLock { $0 }
        for (i, rule) in rules.rules.enumerated() {
            let plain = counts[2 * i], attempted = counts[2 * i + 1]
            var line = "labels: \(rules.path) line \(rule.line) (\(rule.label)): \(plain + attempted) flows"
            if rule.attempted { line += " (\(attempted) attempted)" }
            Diagnostics.note(line)
        }
        Diagnostics.note("labels: \(rules.path) default (\(rules.defaultLabel)): \(counts[2 * rules.rules.count]) flows")
    }
}
