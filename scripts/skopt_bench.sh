#!/usr/bin/env bash
# Runs scikit-optimize 0.10 gp_minimize with its defaults on the benchmark
# functions of examples/optimizer_bench.rs. The virtual environment lives
# outside the repository (SKOPT_VENV, default /tmp/vitis-hpo-skopt-venv).
# Usage: scripts/skopt_bench.sh [--budget15 | --ask-time]
set -euo pipefail

venv="${SKOPT_VENV:-/tmp/vitis-hpo-skopt-venv}"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "scikit-optimize==0.10.*"
fi
"$venv/bin/python" -c 'import skopt, sklearn; print(f"scikit-optimize {skopt.__version__}, scikit-learn {sklearn.__version__}")'
exec "$venv/bin/python" "$(dirname "$0")/skopt_bench.py" "$@"
