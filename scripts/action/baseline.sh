#!/usr/bin/env bash
# Step of action.yml, for `baseline: last-tag`: download the report of the last tag's run of this workflow, so
# that certifier marks every finding new, unchanged, fixed or waived since that tag. Never fatal: without an
# earlier tag, run or artifact, the run goes on without a comparison.
#
# The last tag: for a tag push, the tag before the pushed one; otherwise (pull requests) the newest tag reachable
# from the checked-out head (actions/checkout with fetch-depth: 0 fetches the tags). Its run: the newest push run
# of this workflow file (GITHUB_WORKFLOW_REF) on that tag, found and downloaded with the GitHub CLI (gh, on
# GitHub's runners; the token needs actions: read).
#
# Environment: GH_TOKEN, GITHUB_REPOSITORY, GITHUB_WORKFLOW_REF, GITHUB_WORKSPACE, GITHUB_REF_TYPE, RUNNER_TEMP,
# ARTIFACT_NAME. Writes the output `path` (the downloaded report.json) to GITHUB_OUTPUT when one was found.
set -uo pipefail
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
: "${RUNNER_TEMP:?RUNNER_TEMP is not set}"

skip() {
  echo "::notice title=certifier::no baseline: $1; the findings are not compared"
  exit 0
}

if [ "${GITHUB_REF_TYPE:-}" = "tag" ]; then
  since="$(git -C "$GITHUB_WORKSPACE" describe --tags --abbrev=0 HEAD^ 2>/dev/null)"
else
  since="$(git -C "$GITHUB_WORKSPACE" describe --tags --abbrev=0 HEAD 2>/dev/null)"
fi
[ -n "$since" ] || skip "no earlier tag in the checkout (actions/checkout needs fetch-depth: 0)"

workflow="${GITHUB_WORKFLOW_REF%%@*}"
workflow="${workflow##*/}"
run_id="$(gh run list --repo "$GITHUB_REPOSITORY" --workflow "$workflow" --branch "$since" --event push \
  --limit 1 --json databaseId --jq '.[0].databaseId // empty' 2>&1)" || skip "cannot list the runs of $since: $run_id"
[ -n "$run_id" ] || skip "no run of $workflow for tag $since"

dir="$RUNNER_TEMP/certifier-baseline"
rm -rf "$dir"
message="$(gh run download "$run_id" --repo "$GITHUB_REPOSITORY" --name "${ARTIFACT_NAME:-certifier-report}" \
  --dir "$dir" 2>&1)" || skip "cannot download the report of $since (run $run_id): $message"
[ -f "$dir/report.json" ] || skip "the artifact of run $run_id has no report.json"
echo "certifier: comparing with the report of $since (run $run_id)"
echo "path=$dir/report.json" >> "$GITHUB_OUTPUT"
