#!/usr/bin/env bash
# Step of action.yml: where certifier and its scanners go, and the cache key of the scanners' venv.
#
# The key holds everything the venv depends on: the runner's OS and architecture, the exact Python it was
# built with (a venv links to its interpreter) and the SHA-256 of tools-requirements.txt. The hash is taken
# here because `hashFiles()` only reads files inside the workspace, and the requirements ship with the action.
set -euo pipefail
: "${ACTION_PATH:?ACTION_PATH is not set}"
: "${RUNNER_TEMP:?RUNNER_TEMP is not set}"

python_version="$(python -c 'import platform; print(platform.python_version())')"
pins="$(sha256sum "$ACTION_PATH/tools-requirements.txt" | cut -c1-16)"
{
  echo "tools-dir=$RUNNER_TEMP/certifier-tools"
  echo "certifier-venv=$RUNNER_TEMP/certifier-venv"
  echo "cache-key=certifier-tools-${RUNNER_OS:-Linux}-${RUNNER_ARCH:-X64}-py${python_version}-${pins}"
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
