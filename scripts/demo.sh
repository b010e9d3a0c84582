#!/usr/bin/env bash
# Install rasid into .venv and run the whole pipeline on the bundled demo corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e .
rm -f demo.db
rasid run demo/corpus --db demo.db
rasid stories --db demo.db
rasid export --db demo.db --format json -o out/demo-export.json
rasid export --db demo.db --format csv -o out/csv
rasid export --db demo.db --format parquet -o out/parquet
echo "Browse it: rasid serve --db demo.db   (then open http://127.0.0.1:8000)"
