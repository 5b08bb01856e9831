#!/usr/bin/env bash
# Step of action.yml: contain the connector's code. The build and preview stages run the connector's own
# programs (npm install scripts, its build, its servers); certifier runs them in Linux namespaces through
# bubblewrap (docs/sandbox.md). A fresh ubuntu-latest runner lacks bubblewrap and socat, and Ubuntu 24.04
# forbids unprivileged user namespaces through AppArmor (kernel.apparmor_restrict_unprivileged_userns=1),
# which bwrap needs when it does not run as root. On a GitHub-hosted runner (a VM thrown away after the job,
# with passwordless sudo) this step installs both packages and lifts that restriction; certifier itself keeps
# running as the runner's user, so the checkout, the reports and the caches stay the user's own.
#
# Why not run certifier as root (which would add a sandbox uid, cgroup limits and a private preview
# network): git refuses, as root, the checked-out repository owned by the runner user ("dubious ownership"),
# so a pull request's working tree could not be certified.
#
# Self-hosted runners are never changed (no apt-get, no sysctl): their owner decides; this step only says
# what is missing.
#
# Environment: INPUT_SANDBOX (auto: set up, warn loudly when connector code would run without namespaces;
# required: fail the job then; off: change nothing), STATIC_ONLY ('true': no connector code runs, nothing to
# do), CERTIFIER_PYTHON (certifier's interpreter, to ask certifier what isolation it gets), RUNNER_ENVIRONMENT
# (github-hosted or self-hosted). Writes the output `isolation` (namespaces, uid-only, process-only, or
# not-needed for static-only runs) to GITHUB_OUTPUT.
set -uo pipefail

USERNS_SYSCTL=kernel.apparmor_restrict_unprivileged_userns
mode="$(printf '%s' "${INPUT_SANDBOX:-auto}" | tr '[:upper:]' '[:lower:]')"
problems=()

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "isolation=$1" >> "$GITHUB_OUTPUT"
  fi
}

can_sudo() {
  [ "${RUNNER_ENVIRONMENT:-}" = "github-hosted" ] && sudo -n true >/dev/null 2>&1
}

install_packages() {
  if command -v bwrap >/dev/null 2>&1 && command -v socat >/dev/null 2>&1; then
    return
  fi
  if ! can_sudo; then
    problems+=("bubblewrap and socat are not installed (install them on this runner: apt-get install bubblewrap socat)")
    return
  fi
  echo "installing bubblewrap and socat"
  local install=(sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends bubblewrap socat)
  # the image's package lists may be stale: refresh them only when the install fails
  if ! "${install[@]}" && ! { sudo -n apt-get update -q && "${install[@]}"; }; then
    problems+=("apt-get could not install bubblewrap and socat")
  fi
}

allow_user_namespaces() {
  local restricted
  restricted="$(sysctl -n "$USERNS_SYSCTL" 2>/dev/null || true)"
  if [ "$restricted" != "1" ]; then
    return
  fi
  if can_sudo && sudo -n sysctl -w "$USERNS_SYSCTL=0"; then
    return
  fi
  problems+=("AppArmor forbids unprivileged user namespaces ($USERNS_SYSCTL=1), which bubblewrap needs")
}

isolation_level() {
  "${CERTIFIER_PYTHON:-python}" -c \
    'from certifier.sandbox.isolation import isolation_level; print(isolation_level())' 2>/dev/null || echo unknown
}

summary() {
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    printf '%s\n\n' "$1" >> "$GITHUB_STEP_SUMMARY"
  fi
}

case "$mode" in
  auto | required | off) ;;
  *) echo "::error title=certifier::input sandbox is '${INPUT_SANDBOX:-}': use auto, required or off"; exit 2 ;;
esac
if [ "$(printf '%s' "${STATIC_ONLY:-false}" | tr '[:upper:]' '[:lower:]')" = "true" ]; then
  echo "static-only: no connector code runs, the runner is left as it is"
  output not-needed
  exit 0
fi
if [ "$mode" != "off" ]; then
  install_packages
  allow_user_namespaces
fi

level="$(isolation_level)"
output "$level"
if [ "$level" = "namespaces" ]; then
  echo "connector code runs in Linux namespaces ($(bwrap --version 2>/dev/null || echo bubblewrap))"
  exit 0
fi

why="bubblewrap cannot create the namespaces here"
if [ "${#problems[@]}" -gt 0 ]; then
  why="$(printf '%s; ' "${problems[@]}")"
  why="${why%; }"
fi
if [ "$mode" = "off" ]; then
  why="sandbox: off left the runner as it is; $why"
fi
message="connector code would run WITHOUT namespace isolation (level ${level}): ${why}"
if [ "$mode" = "required" ]; then
  echo "::error title=certifier sandbox::${message}. sandbox: required stops here; static-only: \"true\" runs no connector code"
  summary "> [!CAUTION]
> **Not certified:** ${message}. The job stopped before any connector code ran (\`sandbox: required\`)."
  exit 1
fi
echo "::warning title=certifier sandbox::${message}. The connector's build and preview run with the runner's own rights; set sandbox: required to refuse that"
summary "> [!WARNING]
> **Connector code ran without namespace isolation** (level \`${level}\`): ${why}. Set \`sandbox: required\` to refuse that."
exit 0
