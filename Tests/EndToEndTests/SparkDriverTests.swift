import FlowStatsTestSupport
import Foundation
import Testing

// Issue 13: spark/flowcsv_spark.py in PySpark local[2] against single flowcsv runs, on the
// ScaleOutDataset (folder order that differs from a full-path sort, a `_` name, a dot-file, a
// non-capture, a truncated and a bad-header capture, labels from folders). The checks are in
// Tests/Spark/test_flowcsv_spark.py (one SparkSession for all runs); this test writes the
// captures, runs the script and shows its report. Python comes from FLOWCSV_PYTHON, else
// <package root>/.venv/bin/python (scripts/install-test-deps.sh installs pyspark there); it
// must import pyspark and find `java`, or the test is skipped.

enum SparkPython {
    /// Whether Python imports pyspark and a Java runtime answers `java -version`.
    @Sendable static func isReady() async throws -> Bool {
        guard ReferencePython.candidate != nil else { return false }
        guard try await ReferencePython.run(["-c", "import pyspark"]).status == 0 else { return false }
        let java = try RunningFlowCSV(binary: "/usr/bin/env", arguments: ["java", "-version"], directory: "/")
        return try await java.finish(timeout: .seconds(60)).status == 0
    }
}

@Suite(.enabled("needs Python with pyspark (FLOWCSV_PYTHON or .venv, see scripts/install-test-deps.sh) and java",
                SparkPython.isReady))
struct SparkDriverTests {
    @Test func localSparkRunEqualsSingleRuns() async throws {
        let root = try makeScratchFolder("spark-driver")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ScaleOutDataset.write(in: root)
        let binary = try #require(FlowCSV.binary, "the flowcsv binary")
        let script = FlowCSV.packageRoot.appendingPathComponent("Tests/Spark/test_flowcsv_spark.py").path

        let result = try await ReferencePython.run([script, "--flowcsv", binary, "--work", root],
                                                   timeout: .seconds(420))
        print(result.stdoutText.split(separator: "\n").filter { !$0.hasPrefix("    driver:") }.joined(separator: "\n"))
        #expect(result.status == 0, "Tests/Spark/test_flowcsv_spark.py:\n\(result.stdoutText)\n\(result.stderr.suffix(6000))")
        #expect(result.stdoutText.contains("all checks passed"), "\(result.stdoutText)")
    }
}
