#!/usr/bin/env bash
# Installs @mcap/core (pinned by package-lock.json here) into out/mcap/node_modules, once; test.sh
# runs it, and the recording's end-to-end tests run it before reading a file with read.cjs.
set -euo pipefail
LOG_TAG="mcap"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
ensure_mcap_node_modules
