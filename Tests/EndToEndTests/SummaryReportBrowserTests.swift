import Foundation
import FlowStatsTestSupport
import Testing

/// The HTML report of `flowcsv summary`, opened in headless Chromium (Debian's `chromium`,
/// which scripts/install-test-deps.sh installs): it renders (a screenshot that is not blank,
/// kept under .build/test-artifacts/), every plot's <svg> has a size, the browser logs nothing,
/// and the data drawn (the plotted elements' data- attributes) are the summary's figures.
@Suite(.enabled(if: ExternalTool.isInstalled("chromium"), "needs Debian's chromium (scripts/install-test-deps.sh installs it)"))
struct SummaryReportBrowserTests {
    static let root = FlowCSV.packageRoot.path
    static let chromium = "/usr/bin/chromium"

    /// Runs headless chromium with `arguments` (and a private profile); returns stdout, stderr.
    func chromium(_ arguments: [String], scratch: String) async throws -> RunResult {
        let binary = ExternalTool.isInstalled("chromium") && FileManager.default.isExecutableFile(atPath: Self.chromium)
            ? Self.chromium : "chromium"
        let process = try RunningFlowCSV(binary: binary, arguments: [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(scratch)/profile", "--enable-logging=stderr", "--v=0",
        ] + arguments, directory: scratch, environment: ["HOME": scratch])
        return try await process.finish(timeout: .seconds(120))
    }

    /// Console messages Chromium logged (`INFO:CONSOLE…`): errors, CSP violations, anything a page script said.
    func consoleLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
    }

    /// Every `<tag … data-chart=…>` element's data- attributes, from the dumped DOM.
    func plotted(_ dom: String, chart: String) throws -> [[String: String]] {
        // The chart's SVG, then each element in it with data- attributes.
        guard let start = dom.range(of: "data-chart=\"\(chart)\"") else { return [] }
        let rest = dom[start.upperBound...]
        let body = rest[..<(rest.range(of: "</svg>")?.lowerBound ?? rest.endIndex)]
        let element = try NSRegularExpression(pattern: "<(rect|path)\\s([^>]*data-group[^>]*)>")
        let attribute = try NSRegularExpression(pattern: "data-([a-z]+)=\"([^\"]*)\"")
        let text = String(body)
        let ns = text as NSString
        return element.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
            let attributes = ns.substring(with: match.range(at: 2))
            let a = attributes as NSString
            var values: [String: String] = [:]
            for m in attribute.matches(in: attributes, range: NSRange(location: 0, length: a.length)) {
                values[a.substring(with: m.range(at: 1))] = a.substring(with: m.range(at: 2))
                    .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"")
                    .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&#39;", with: "'")
            }
            return values
        }
    }

    /// Distinct colours and the share of pixels unlike the most common one, decoding the PNG
    /// with python3's zlib (8-bit RGB or RGBA, non-interlaced: what Chromium writes).
    func pixelStatistics(_ png: String) async throws -> (colours: Int, nonBackground: Double) {
        let script = """
        import struct, sys, zlib
        from collections import Counter
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
        pos, idat = 8, b''
        while pos < len(data):
            length, kind = struct.unpack('>I4s', data[pos:pos + 8])
            chunk = data[pos + 8:pos + 8 + length]
            if kind == b'IHDR':
                width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', chunk)
            elif kind == b'IDAT':
                idat += chunk
            pos += 12 + length
        assert depth == 8 and colour in (2, 6) and interlace == 0
        bpp = 3 if colour == 2 else 4
        raw = zlib.decompress(idat)
        stride = width * bpp
        previous = bytearray(stride)
        counts = Counter()
        for y in range(height):
            kind = raw[y * (stride + 1)]
            line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                if kind == 1: line[i] = (line[i] + a) & 255
                elif kind == 2: line[i] = (line[i] + b) & 255
                elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
                elif kind == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            if y % 4 == 0:
                counts.update(bytes(line[x:x + 3]) for x in range(0, stride, bpp * 4))
            previous = line
        total = sum(counts.values())
        print(len(counts), 1 - counts.most_common(1)[0][1] / total)
        """
        let scratch = try makeScratchFolder("png")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try script.write(toFile: scratch + "/png.py", atomically: true, encoding: .utf8)
        let python = try RunningFlowCSV(binary: "/usr/bin/python3", arguments: [scratch + "/png.py", png], directory: scratch)
        let run = try await python.finish(timeout: .seconds(300))
        #expect(run.status == 0, "\(run.stderr)")
        let parts = run.stdoutText.split(separator: " ")
        return (Int(parts.first ?? "") ?? 0, Double(parts.last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0)
    }

    @Test func theReportRendersWithoutErrorsAndDrawsTheSummary() async throws {
        let scratch = try makeScratchFolder("summary-browser")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let report = scratch + "/report.html"
        let run = try await FlowCSV.run(["summary", "examples/", "--by", "AppName,AppAction", "--html", report, "--format", "json", "-q"],
                                        in: Self.root, timeout: .seconds(120))
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any])
        let groups = try #require(json["groups"] as? [[String: Any]])
        func name(_ g: [String: Any]) -> String {
            let key = g["key"] as? [String: String] ?? [:]
            return [key["AppName"] ?? "", key["AppAction"] ?? ""].joined(separator: " / ")
        }
        let html = try String(contentsOfFile: report, encoding: .utf8)
        // Self-contained: nothing to fetch (the SVG namespace is a name, not a request).
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("@import") && !html.contains("url("))
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "https?://", options: .regularExpression) == nil)

        // The probe: a page that logs to the console must show in the log, or "no errors" proves nothing.
        try "<html><body><script>console.error('probe')</script></body></html>".write(toFile: scratch + "/probe.html", atomically: true, encoding: .utf8)
        let probe = try await chromium(["--dump-dom", "file://\(scratch)/probe.html"], scratch: scratch)
        #expect(consoleLines(probe.stderr).contains { $0.contains("probe") }, "chromium's console log was not captured")

        // 1. The report itself: no console messages (errors, blocked loads, CSP violations).
        let dump = try await chromium(["--virtual-time-budget=3000", "--dump-dom", "file://\(report)"], scratch: scratch)
        #expect(dump.status == 0)
        #expect(consoleLines(dump.stderr).isEmpty, "console: \(consoleLines(dump.stderr))")
        let dom = dump.stdoutText
        #expect(dom.contains("Traffic summary by AppName / AppAction"))

        // 2. Every plot's <svg> has a rendered size: a copy of the page with a script that writes
        // the sizes into the DOM (the report has no script of its own, and its CSP forbids one).
        let measured = html.replacingOccurrences(of: "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">", with: "")
            .replacingOccurrences(of: "</body>", with: """
            <script>
            window.addEventListener('load', () => {
              const rows = [...document.querySelectorAll('svg.chart')].map(s => {
                const r = s.getBoundingClientRect();
                return s.dataset.chart + ' ' + Math.round(r.width) + ' ' + Math.round(r.height);
              });
              const pre = document.createElement('pre');
              pre.id = 'svg-sizes';
              pre.textContent = rows.join('\\n');
              document.body.appendChild(pre);
            });
            </script>
            </body>
            """)
        try measured.write(toFile: scratch + "/measured.html", atomically: true, encoding: .utf8)
        let sized = try await chromium(["--window-size=1280,2400", "--virtual-time-budget=3000", "--dump-dom", "file://\(scratch)/measured.html"], scratch: scratch)
        let sizes = try #require(sized.stdoutText.range(of: "<pre id=\"svg-sizes\">").map { sized.stdoutText[$0.upperBound...] }?.prefix { $0 != "<" })
        let charts = sizes.split(separator: "\n").map { $0.split(separator: " ") }
        let drawn = Set(charts.map { String($0[0]) })
        #expect(drawn.isSuperset(of: ["bytes-over-time", "groups-by-bytes", "groups-by-flows", "size-cdf", "duration-cdf", "protocol-mix", "top-servers"]))
        for chart in charts {
            #expect(chart.count == 3 && Int(chart[1])! > 100 && Int(chart[2])! > 50, "\(chart) has no size")
        }
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 == charts.count)

        // 3. The drawn data are the summary's.
        let byBytes = try plotted(dom, chart: "groups-by-bytes")
        #expect(byBytes.count == groups.count)
        for g in groups {
            let bar = byBytes.first { $0["group"] == name(g) }
            #expect(bar?["bytes"] == String(g["bytes"] as? Int ?? -1), "bar of \(name(g))")
            #expect(bar?["flows"] == String(g["flows"] as? Int ?? -1))
        }
        let byFlows = try plotted(dom, chart: "groups-by-flows")
        #expect(Set(byFlows.compactMap { $0["flows"] }) == Set(groups.map { String($0["flows"] as? Int ?? -1) }))
        let bins = try plotted(dom, chart: "bytes-over-time")
        let timeBins = json["timeBins"] as? [String: Any]
        for g in groups {
            let sum = bins.filter { $0["group"] == name(g) }.reduce(0.0) { $0 + (Double($1["bytes"] ?? "") ?? 0) }
            #expect(abs(sum - Double(g["bytes"] as? Int ?? 0)) < 1, "bytes over time of \(name(g)): \(sum)")
            #expect(bins.filter { $0["group"] == name(g) }.allSatisfy { Int($0["bin"] ?? "") ?? -1 < (timeBins?["count"] as? Int ?? 0) })
        }
        let mix = try plotted(dom, chart: "protocol-mix")
        for g in groups {
            let expected = (g["protocols"] as? [[String: Any]] ?? []).map { "\($0["name"] ?? "")=\($0["flows"] ?? "")" }
            #expect(mix.filter { $0["group"] == name(g) }.map { "\($0["protocol"] ?? "")=\($0["flows"] ?? "")" } == expected)
        }
        for chart in ["size-cdf", "duration-cdf"] {
            let curves = try plotted(dom, chart: chart)
            for g in groups {
                let q = g[chart == "size-cdf" ? "size" : "duration"] as? [String: Any]
                let curve = curves.first { $0["group"] == name(g) }
                #expect(curve?["flows"] == String(g["flows"] as? Int ?? -1))
                #expect(Double(curve?["median"] ?? "") == (q?["median"] as? NSNumber)?.doubleValue, "\(chart) median of \(name(g))")
            }
        }
        // Top servers: one chart per group (the first 6), each bar a server with its bytes.
        var servers: [String: [String]] = [:]
        var at = dom.startIndex
        while let r = dom.range(of: "data-chart=\"top-servers\"", range: at..<dom.endIndex) {
            let one = try plotted(String(dom[r.lowerBound...]), chart: "top-servers")
            if let group = one.first?["group"] { servers[group] = one.map { "\($0["server"] ?? "")=\($0["bytes"] ?? "")" } }
            at = r.upperBound
        }
        for g in groups.prefix(6) {
            let expected = (g["topServers"] as? [[String: Any]] ?? []).map { "\($0["name"] ?? "")=\($0["bytes"] ?? "")" }
            #expect(servers[name(g)] == expected, "top servers of \(name(g))")
        }

        // 4. A screenshot that is not blank, kept as an artefact.
        let artefacts = Self.root + "/.build/test-artifacts"
        try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)
        let png = artefacts + "/summary-report.png"
        try? FileManager.default.removeItem(atPath: png)
        let shot = try await chromium(["--window-size=1280,2400", "--screenshot=\(png)", "file://\(report)"], scratch: scratch)
        #expect(shot.status == 0)
        #expect(FileManager.default.fileExists(atPath: png), "no screenshot")
        let stats = try await pixelStatistics(png)
        #expect(stats.colours > 20, "screenshot has \(stats.colours) colours")
        #expect(stats.nonBackground > 0.05, "screenshot is mostly one colour (\(stats.nonBackground))")
        print("summary report screenshot: \(png) (\(stats.colours) colours, \(Int(stats.nonBackground * 100)) % not background)")
    }
}
