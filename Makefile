# The two commands of the README:
#   make example   installs what is missing, builds a release flowcsv, writes flows.csv and report.html from examples/
#   make test      installs what is missing (with .venv: NFStream, dpkt), runs the whole test suite and the benchmark's smoke run
.PHONY: deps example test build fixtures

deps:
	@scripts/install-deps.sh

build: deps
	swift build -c release --product flowcsv

example: build
	.build/release/flowcsv examples/ -o flows.csv
	@echo "wrote flows.csv"
	.build/release/flowcsv summary examples/ --html report.html
	@echo "wrote report.html"

# Regenerates docs/summary-report.png (the README's picture of report.html) with headless chromium.
.PHONY: screenshot
screenshot: example
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot=docs/summary-report.png --window-size=1280,2400 "file://$(CURDIR)/report.html"

test: deps
	@scripts/install-test-deps.sh
	swift test
	Benchmarks/run.sh --smoke

# Regenerates the example dataset (committed) with the project's own pcap writer.
fixtures:
	swift run flowcsv-fixtures examples

# Benchmark (Benchmarks/run.sh, docs/performance.md): generates captures under bench-data/,
# runs flowcsv and a C ceiling, prints a table of medians. BENCH_RUNS=5 make bench for more runs.
# As root it also makes the real-traffic capture (Benchmarks/capture-real-traffic.sh: a network
# namespace with nginx, ab, curl, dig, socat; BENCH_REAL=0 skips it, BENCH_REAL=1 requires it);
# the hostile key shapes (scan, SYN flood, NAT) and bytes per live flow need nothing special.
.PHONY: bench bench-smoke
bench: deps
	Benchmarks/run.sh

# The tiny version CI runs: proves the benchmark still works end to end (no timing targets);
# it skips the real-traffic capture, with a note, where there is no root or no `ip netns`.
bench-smoke: deps
	Benchmarks/run.sh --smoke
