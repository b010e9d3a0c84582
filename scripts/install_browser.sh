#!/usr/bin/env bash
# Install what the headless-browser tests (tests/test_web_e2e.py, marker "browser") need:
# Debian chromium + chromedriver, Arabic-capable fonts, and the selenium client library.
# Idempotent; safe to run in CI before pytest. Uses only apt and pip (no browser downloads).
set -euo pipefail

need_apt=0
command -v chromium >/dev/null 2>&1 || need_apt=1
command -v chromedriver >/dev/null 2>&1 || need_apt=1
fc-list 2>/dev/null | grep -qi "Noto Sans Arabic\|Noto Naskh Arabic" || need_apt=1
if [ "$need_apt" = 1 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    chromium chromium-driver fonts-noto-core fontconfig >/dev/null
fi

PY="${PYTHON:-python}"
"$PY" -c "import selenium" 2>/dev/null || "$PY" -m pip install -q "selenium>=4.20"

chromium --version || true
chromedriver --version || true
