#!/usr/bin/env bash
# The README's test command: installs the project with its test dependencies, then runs the whole
# suite. CI (.ci/run) runs exactly this on a clean checkout, so everything the tests need must be
# installed from here. Extra arguments go to pytest (e.g. `bash tests/run.sh tests/crm -x`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

python3 -m pytest "$@"
