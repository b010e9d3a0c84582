#!/usr/bin/env bash
# Install rasid with test extras, the browser and PostgreSQL for the integration tests, then run the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e ".[test,accurate]"
if [ "$(id -u)" = "0" ] || [ -n "${RASID_SETUP_SYSTEM:-}" ]; then
  # System services for the browser and PostgreSQL tests; failures are reported and those tests skip.
  if [ -f scripts/install_browser.sh ]; then bash scripts/install_browser.sh || echo "warning: browser install failed"; fi
  if [ -f scripts/start_postgres.sh ] && [ -z "${RASID_TEST_PG_URL:-}" ]; then
    RASID_TEST_PG_URL="$(bash scripts/start_postgres.sh | tail -1)" && export RASID_TEST_PG_URL \
      || echo "warning: PostgreSQL could not be started"
  fi
fi
ruff check rasid tests scripts
python -m pytest -q "$@"
