#!/usr/bin/env bash
# Step of action.yml: install certifier from the action's own checkout (so the action's tag pins the
# certifier version). A runner that already has this exact version (a self-hosted runner's image)
# keeps it.
set -euo pipefail
: "${ACTION_PATH:?ACTION_PATH is not set}"

wanted="$(python - "$ACTION_PATH/pyproject.toml" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as handle:
    print(tomllib.load(handle)["project"]["version"])
PY
)"
installed="$(python -c 'import certifier; print(certifier.__version__)' 2>/dev/null || true)"
if [ "$installed" = "$wanted" ] && command -v certifier >/dev/null; then
  echo "certifier $installed is installed already"
  exit 0
fi
python -m pip install --disable-pip-version-check --quiet "$ACTION_PATH"
certifier --version
