#!/usr/bin/env bash
# The README's test command: installs the project with its test dependencies, then runs the whole
# suite. CI (.ci/run) runs exactly this on a clean checkout, so everything the tests need must be
# installed from here. Extra arguments go to pytest (e.g. `bash tests/run.sh tests/crm -x`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The browser tests (tests/browser) drive Debian's Chromium; fonts so CJK, Persian and Latin
# text render in the screenshots. Playwright must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

install_chromium() {
    local sudo=()
    if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        chromium fonts-noto-core fonts-noto-cjk fonts-dejavu-core
}

if [[ ! -x /usr/bin/chromium ]]; then
    echo "tests/run.sh: /usr/bin/chromium is missing; installing Debian's chromium" >&2
    install_chromium
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

python3 -m pytest "$@"
