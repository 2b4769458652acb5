#!/usr/bin/env bash
# Installs what flowcsv needs to build and test, when it is missing: pkg-config and
# libpcap's headers (Debian/Ubuntu: libpcap-dev). Swift itself must already be installed.
set -euo pipefail

need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if ! pkg-config --exists libpcap 2>/dev/null; then need+=(libpcap-dev); fi

if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: please install ${need[*]} (libpcap headers and pkg-config) with your package manager" >&2
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "install-deps: installing ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "install-deps: swift not found on PATH; install Swift 6 from swift.org" >&2
  exit 1
fi
