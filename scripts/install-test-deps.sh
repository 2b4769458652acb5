#!/usr/bin/env bash
# What the test suite needs beyond the build (make test runs it; make example does not):
# a Python virtual environment .venv under the package root with NFStream 6.6 and dpkt, for the
# tests that compare flowcsv with NFStream itself and with the independent CIC reference
# (Tests/Reference). They find .venv on their own (or FLOWCSV_PYTHON). When it cannot be made
# (no python3, no network), those tests are skipped with a message, never passed silently.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ] && .venv/bin/python -c 'import nfstream, dpkt' 2>/dev/null; then exit 0; fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "install-test-deps: no python3: the NFStream and CIC reference tests will be skipped" >&2
  exit 0
fi
echo "install-test-deps: creating .venv with nfstream 6.6.0 and dpkt 1.9.8" >&2
if ! { python3 -m venv .venv && .venv/bin/pip install -q nfstream==6.6.0 dpkt==1.9.8; }; then
  echo "install-test-deps: could not set up .venv; the NFStream and CIC reference tests will be skipped" >&2
fi
exit 0
