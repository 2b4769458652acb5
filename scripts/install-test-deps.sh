#!/usr/bin/env bash
# What the test suite needs beyond the build (make test runs it; make example does not):
# - a Python virtual environment .venv under the package root with NFStream 6.6 and dpkt, for the
#   tests that compare flowcsv with NFStream itself and with the independent CIC reference
#   (Tests/Reference), and PySpark 4.3.0 for the Spark driver's test (spark/, Java 17 from the
#   machine). The tests find .venv on their own (or FLOWCSV_PYTHON).
# - Debian packages, with apt-get when missing and running as root: chromium (the HTML report's
#   browser test), tshark (cross-checks), util-linux's setpriv and libcap2-bin's capsh (the live
#   capture test that drops CAP_NET_RAW), iproute2 (a dummy interface that is down), tcpdump (the
#   loopback capture test counts packets in the saved pcap with it).
# When something cannot be installed (no python3, no network, not root), the tests that need it
# are skipped with a message, never passed silently.
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v tshark >/dev/null 2>&1 || missing+=(tshark)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
command -v capsh >/dev/null 2>&1 || missing+=(libcap2-bin)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v tcpdump >/dev/null 2>&1 || missing+=(tcpdump)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-test-deps: installing ${missing[*]}" >&2
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
      || echo "install-test-deps: could not install ${missing[*]}; the tests that need them will be skipped" >&2
  else
    echo "install-test-deps: missing ${missing[*]} (not root or no apt-get); the tests that need them will be skipped" >&2
  fi
fi

if [ -x .venv/bin/python ] && .venv/bin/python -c 'import nfstream, dpkt, pyspark' 2>/dev/null; then exit 0; fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "install-test-deps: no python3: the NFStream, CIC reference and Spark tests will be skipped" >&2
  exit 0
fi
echo "install-test-deps: creating .venv with nfstream 6.6.0, dpkt 1.9.8 and pyspark 4.3.0" >&2
if ! { { [ -x .venv/bin/python ] || python3 -m venv .venv; } && .venv/bin/pip install -q nfstream==6.6.0 dpkt==1.9.8 pyspark==4.3.0; }; then
  echo "install-test-deps: could not set up .venv; the NFStream, CIC reference and Spark tests will be skipped" >&2
fi
exit 0
