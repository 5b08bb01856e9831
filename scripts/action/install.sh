#!/usr/bin/env bash
# Step of action.yml: install certifier from the action's own checkout (so the action's ref pins the certifier
# version) into a venv of its own, then the pinned scanners with `certifier tools install` (a no-op when the
# tools venv came back from the cache), then check everything with `certifier tools doctor`.
#
# Environment: ACTION_PATH (the action's checkout), CERTIFIER_VENV (where certifier goes),
# CERTIFIER_TOOLS_DIR (the scanners' venv, cached by the action), STATIC_ONLY ('true': node and npm are not
# required). Writes the outputs `certifier` (the executable) and `python` (its interpreter) to GITHUB_OUTPUT.
set -euo pipefail
: "${ACTION_PATH:?ACTION_PATH is not set}"
: "${CERTIFIER_VENV:?CERTIFIER_VENV is not set}"
: "${CERTIFIER_TOOLS_DIR:?CERTIFIER_TOOLS_DIR is not set}"

wanted="$(python - "$ACTION_PATH/pyproject.toml" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as handle:
    print(tomllib.load(handle)["project"]["version"])
PY
)"
certifier="$CERTIFIER_VENV/bin/certifier"
installed="$("$certifier" --version 2>/dev/null | awk '{print $NF}' || true)"
if [ "$installed" = "$wanted" ]; then
  echo "certifier $installed is installed already in $CERTIFIER_VENV"
else
  python -m venv "$CERTIFIER_VENV"
  # a regular (not editable) install: exactly what `pip install certifier` gives a user
  "$CERTIFIER_VENV/bin/python" -m pip install --disable-pip-version-check --quiet --no-input "$ACTION_PATH"
  "$certifier" --version
fi

"$certifier" tools install
doctor=(tools doctor)
if [ "${STATIC_ONLY:-false}" = "true" ]; then
  doctor+=(--static-only)
fi
"$certifier" "${doctor[@]}"

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "certifier=$certifier" >> "$GITHUB_OUTPUT"
  echo "python=$CERTIFIER_VENV/bin/python" >> "$GITHUB_OUTPUT"
fi
