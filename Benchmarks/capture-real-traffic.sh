#!/usr/bin/env bash
# Makes the benchmark's real-traffic capture (issue 8): real servers and clients talking over the
# loopback of a private network namespace, captured with tcpdump.
#
#   NEEDS ROOT and network namespaces (`ip netns`): it creates a namespace, sets its loopback,
#   starts servers in it and captures on it. Nothing leaves the namespace: every address used is
#   127.0.0.1 or ::1 inside it, and the namespace has no other interface.
#
#   Benchmarks/capture-real-traffic.sh [OUT.pcap]     (default bench-data/real/real_traffic.pcap)
#
# Inside the namespace: loopback up with MTU 1500 and TSO/GSO/GRO off (ethtool -K lo), so TCP
# segments have Ethernet sizes; client ports 1024-65535; nginx on 127.0.0.1:8080 and [::1]:8080 serving static files of
# 200 B to CAPTURE_LARGE_MIB MiB; dnsmasq answering A/AAAA (and NXDOMAIN) for a few names on
# 127.0.0.1 and ::1 port 53; a socat UDP echo server on port 7777 (both families). Clients, in
# this order: ab without and with keep-alive (IPv4 and IPv6, small and medium files), curl large
# downloads (IPv4, IPv6), rate-limited downloads (--limit-rate) and aborted ones (--max-time,
# which ends in RST since unread data is left), requests cut off with SO_LINGER 0 (RST), dig
# batches over IPv4 and IPv6, UDP echo exchanges, and connections to a closed port (RST, refused).
# tcpdump captures all of it on the namespace's lo (-s 0, pcap, 256 MiB buffer). On exit — also
# on failure or Ctrl-C — the trap stops every process it started, those left in the namespace,
# and deletes the namespace.
#
# Bounded: every client runs under `timeout`, the whole traffic phase under CAPTURE_MAX_SECONDS,
# tcpdump stops at CAPTURE_MAX_PACKETS packets. The defaults give ~1.3 M packets, ~0.5 GB,
# ~80 k flows in about a minute on a 2-core machine.
#
# Environment:
#   CAPTURE_SCALE        multiplies every client count (default 1; the smoke run uses ~0.02)
#   CAPTURE_LARGE_MIB    size of the large file in MiB (default 48)
#   CAPTURE_MAX_SECONDS  bound of the traffic phase (default 110)
#   CAPTURE_MAX_PACKETS  tcpdump -c (default 2000000)
# Prints one summary line on stdout: file=... packets=... bytes=... dropped=... seconds=...
# Exit status: 0; 77 when not root or without network namespaces (the caller may skip); 1 on
# any other failure.
# Debian packages used (installed when missing): nginx-light apache2-utils curl dnsutils
# dnsmasq-base socat tcpdump iproute2 ethtool.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-bench-data/real/real_traffic.pcap}
scale=${CAPTURE_SCALE:-1}
large_mib=${CAPTURE_LARGE_MIB:-48}
max_seconds=${CAPTURE_MAX_SECONDS:-110}
max_packets=${CAPTURE_MAX_PACKETS:-2000000}
log() { echo "capture-real-traffic: $*" >&2; }
n() { awk -v s="$scale" -v b="$1" 'BEGIN { v = int(b * s + 0.5); print (v < 1 ? 1 : v) }'; }

if [[ $(id -u) -ne 0 ]]; then
  log "needs root (it creates a network namespace and captures on its loopback); skipped"
  exit 77
fi
if ! command -v ip >/dev/null 2>&1 || ! ip netns list >/dev/null 2>&1; then
  log "needs network namespaces ('ip netns', package iproute2, a kernel that allows them); skipped"
  exit 77
fi

# Tools: command -> Debian package.
declare -A packages=([nginx]=nginx-light [ab]=apache2-utils [curl]=curl [dig]=dnsutils [dnsmasq]=dnsmasq-base
  [socat]=socat [tcpdump]=tcpdump [ethtool]=ethtool)
missing=()
for tool in "${!packages[@]}"; do
  PATH=$PATH:/usr/sbin:/sbin command -v "$tool" >/dev/null 2>&1 || missing+=("${packages[$tool]}")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
export PATH=$PATH:/usr/sbin:/sbin

ns=flowcsv-capture-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/flowcsv-capture.XXXXXX")
chmod 755 "$work"
started=()   # pids of the background processes this script started
ns_made=0
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  if ((ns_made)); then
    # Anything still running in the namespace was started by this script.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    sleep 0.3
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  fi
  for pid in "${started[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
  rm -f "$out.tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

inns() { ip netns exec "$ns" "$@"; }

# ---------------------------------------------------------------------------------------------
# The namespace and its loopback
ip netns add "$ns"
ns_made=1
inns ip link set lo mtu 1500
inns ip link set lo up
inns sysctl -q -w net.ipv6.conf.lo.disable_ipv6=0 >/dev/null 2>&1 || true
inns ethtool -K lo tso off gso off gro off >/dev/null
for _ in 1 2 3 4 5 6 7 8 9 10; do inns ip -6 addr show dev lo | grep -q '::1' && break; sleep 0.2; done
if ! inns ip -6 addr show dev lo | grep -q '::1'; then log "::1 did not come up on the namespace's lo"; exit 1; fi

# ---------------------------------------------------------------------------------------------
# Servers
mkdir -p "$work/www" "$work/nginx"
head -c 200 /dev/zero | tr '\0' 'a' >"$work/www/tiny.html"
head -c 4096 /dev/urandom | base64 -w 76 >"$work/www/small.html"        # ~5.4 KB
head -c 49152 /dev/urandom | base64 -w 76 >"$work/www/medium.js"        # ~66 KB
head -c $((3 << 20)) /dev/urandom >"$work/www/file.bin"                  # 3 MiB
head -c $((large_mib << 20)) /dev/urandom >"$work/www/large.bin"
chmod -R a+rX "$work/www"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 2;
user root;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 100000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  types { text/html html; application/javascript js; application/octet-stream bin; }
  server {
    listen 127.0.0.1:8080 backlog=4096;
    listen [::1]:8080 backlog=4096;
    root $work/www;
  }
}
EOF
inns sysctl -q -w net.core.somaxconn=4096 >/dev/null 2>&1 || true
inns sysctl -q -w net.ipv4.tcp_tw_reuse=1 >/dev/null 2>&1 || true
# Client ports from 1024 (as many hosts and NATs hand them out), so they fall on both sides of
# the server ports: the canonical key's lower endpoint is sometimes the client, sometimes the server.
inns sysctl -q -w net.ipv4.ip_local_port_range="1024 65535" >/dev/null
ip netns exec "$ns" nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>"$work/nginx/stderr" &
started+=($!)
ip netns exec "$ns" dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll --bind-interfaces --interface=lo \
  --listen-address=127.0.0.1,::1 --port=53 --user=root --group=root --pid-file="$work/dnsmasq.pid" \
  --host-record=www.flow.test,127.0.0.1,::1 --host-record=api.flow.test,127.0.0.1,::1 \
  --host-record=v4only.flow.test,127.0.0.1 --host-record=cdn.flow.test,127.0.0.1,::1 \
  --address=/nx.flow.test/ --cache-size=0 2>"$work/dnsmasq.stderr" &
started+=($!)
ip netns exec "$ns" socat UDP6-LISTEN:7777,fork,reuseaddr,ipv6only=0 PIPE 2>"$work/socat.stderr" &
started+=($!)

# tcpdump: whole frames, pcap, a big buffer so nothing is dropped; -Z root keeps it able to write.
mkdir -p "$(dirname "$out")"
rm -f "$out.tmp"
ip netns exec "$ns" tcpdump -i lo -s 0 -B 262144 -c "$max_packets" -Z root -w "$out.tmp" 2>"$work/tcpdump.stderr" &
tcpdump_pid=$!
started+=($tcpdump_pid)

ready() { # ready WHAT COMMAND...: waits up to 5 s for COMMAND to succeed
  local what=$1
  shift
  for _ in $(seq 50); do if "$@" >/dev/null 2>&1; then return 0; fi; sleep 0.1; done
  log "$what did not start"
  cat "$work"/*.stderr "$work"/nginx/stderr "$work"/nginx/error.log 2>/dev/null >&2 || true
  exit 1
}
ready tcpdump grep -q 'listening on' "$work/tcpdump.stderr"
ready nginx inns curl -sf -o /dev/null http://127.0.0.1:8080/tiny.html
ready dnsmasq inns dig +short +tries=1 +time=1 @127.0.0.1 www.flow.test A
ready "socat echo" inns bash -c 'echo x | timeout 2 socat -t 0.5 - UDP4:127.0.0.1:7777 | grep -q x'

# ---------------------------------------------------------------------------------------------
# Clients (all inside the namespace; the phase is bounded by a deadline)
start_s=$EPOCHREALTIME
deadline=$((${start_s%.*} + max_seconds))
left() { local l=$((deadline - ${EPOCHREALTIME%.*})); echo $((l < 1 ? 1 : l)); }
step() { # step NAME COMMAND...: one bounded client step in the namespace; a failing client is logged, not fatal
  local name=$1
  shift
  if ((${EPOCHREALTIME%.*} >= deadline)); then log "time is up, skipped: $name"; return 0; fi
  log "$name"
  timeout --kill-after=2 "$(left)" ip netns exec "$ns" "$@" >/dev/null 2>>"$work/clients.stderr" || log "  ($name ended with status $?)"
}

# HTTP without keep-alive: one connection per request (the bulk of the flows).
step "ab, no keep-alive, IPv4" ab -q -r -n "$(n 45000)" -c 16 http://127.0.0.1:8080/tiny.html
step "ab, no keep-alive, IPv6" ab -q -r -n "$(n 12000)" -c 16 "http://[::1]:8080/tiny.html"
step "ab, no keep-alive, medium file" ab -q -r -n "$(n 600)" -c 8 http://127.0.0.1:8080/medium.js
# Keep-alive: many requests per connection.
step "ab, keep-alive, IPv4" ab -q -r -k -n "$(n 30000)" -c 8 http://127.0.0.1:8080/tiny.html
step "ab, keep-alive, IPv6" ab -q -r -k -n "$(n 8000)" -c 4 "http://[::1]:8080/small.html"
step "ab, keep-alive, medium file" ab -q -r -k -n "$(n 800)" -c 2 http://127.0.0.1:8080/medium.js
# Large downloads, both families.
for i in $(seq "$(n 1)"); do
  step "curl large, IPv4 ($i)" curl -s -o /dev/null http://127.0.0.1:8080/large.bin
  step "curl large, IPv6 ($i)" curl -s -o /dev/null "http://[::1]:8080/large.bin"
done
# Rate-limited (slow reader: window updates, zero windows) and aborted downloads, in parallel.
step "curl rate-limited and aborted" bash -c '
  curl -s -o /dev/null --limit-rate 1M http://127.0.0.1:8080/file.bin &
  curl -s -o /dev/null --limit-rate 600K "http://[::1]:8080/file.bin" &
  curl -s -o /dev/null --limit-rate 300K --max-time 2 http://127.0.0.1:8080/large.bin &
  curl -s -o /dev/null --limit-rate 300K --max-time 2 "http://[::1]:8080/large.bin" &
  curl -s -o /dev/null --max-time 0.3 --limit-rate 5M http://127.0.0.1:8080/large.bin &
  wait; exit 0'
# Requests cut off by SO_LINGER 0 (RST from the client with data in flight).
step "requests reset by the client" bash -c "
  for i in \$(seq $(n 200)); do
    printf 'GET /file.bin HTTP/1.1\r\nHost: x\r\n\r\n' | timeout 2 socat -t 0.01 - TCP4:127.0.0.1:8080,linger=0
    printf 'GET /medium.js HTTP/1.1\r\nHost: x\r\n\r\n' | timeout 2 socat -t 0.005 - 'TCP6:[::1]:8080,linger=0'
  done; exit 0"
# DNS: dig batches (a new source port per query), A, AAAA and NXDOMAIN, both families.
names=(www.flow.test api.flow.test v4only.flow.test cdn.flow.test nope.nx.flow.test)
: >"$work/dig4" && : >"$work/dig6"
queries=$(n 8000)
for ((i = 0; i < queries; i++)); do
  name=${names[i % 5]}
  type=$([[ $((i % 3)) == 0 ]] && echo AAAA || echo A)
  echo "@127.0.0.1 +tries=1 +time=1 $name $type" >>"$work/dig4"
  ((i % 2)) || echo "@::1 +tries=1 +time=1 $name $type" >>"$work/dig6"
done
step "dig over IPv4" dig -f "$work/dig4"
step "dig over IPv6" dig -f "$work/dig6"
# UDP echo: short exchanges of a few datagrams, both families.
step "UDP echo" bash -c "
  for i in \$(seq $(n 150)); do
    (printf 'ping %d' \$i; sleep 0.01; printf 'pong %d' \$i) | timeout 2 socat -t 0.05 - UDP4:127.0.0.1:7777 &
    (printf 'ping6 %d' \$i) | timeout 2 socat -t 0.05 - 'UDP6:[::1]:7777' &
    wait
  done; exit 0"
# A closed port: SYN answered by RST (connection refused), both families; a UDP datagram to a
# closed port (ICMP port unreachable).
step "closed port (refused)" bash -c "
  for i in \$(seq $(n 1500)); do
    (exec 3<>/dev/tcp/127.0.0.1/9) 2>/dev/null
    ((i % 3)) || (exec 3<>/dev/tcp/::1/9) 2>/dev/null
  done
  for i in \$(seq $(n 50)); do echo x | timeout 1 socat -t 0.01 - UDP4:127.0.0.1:9 2>/dev/null; done; exit 0"
# One more keep-alive burst so the capture ends with live, closing flows.
step "ab, keep-alive, final" ab -q -r -k -n "$(n 5000)" -c 4 http://127.0.0.1:8080/small.html

# ---------------------------------------------------------------------------------------------
# Stop the capture (SIGTERM: tcpdump flushes and prints its counts; a background job of a script
# ignores SIGINT), check it.
sleep 0.5
kill -TERM "$tcpdump_pid" 2>/dev/null || true
wait "$tcpdump_pid" 2>/dev/null || true
captured=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$work/tcpdump.stderr")
dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$work/tcpdump.stderr")
if [[ ! -s $out.tmp || -z $captured ]]; then
  log "tcpdump wrote nothing"
  cat "$work/tcpdump.stderr" >&2
  exit 1
fi
if [[ ${dropped:-0} != 0 ]]; then log "warning: tcpdump says the kernel dropped $dropped packets"; fi
mv "$out.tmp" "$out"
seconds=$(awk -v a="$start_s" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo "file=$out packets=$captured bytes=$(stat -c %s "$out") dropped=${dropped:-0} seconds=$seconds scale=$scale large_mib=$large_mib"
