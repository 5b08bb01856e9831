#!/usr/bin/env bash
# Step of action.yml: point the job summary at the uploaded reports, then pass or fail the job on the
# decision. Positive passes; "Certification in progress" passes with a warning (a human review is pending);
# negative fails; usage errors and "Could not decide" fail too, because nothing was certified.
#
# Environment: DECISION, EXIT_CODE (from the certify step), ARTIFACT_NAME, ARTIFACT_URL (from the artifact
# upload; empty when it did not run), REPORT_DIR.
set -uo pipefail

if [ -n "${ARTIFACT_URL:-}" ]; then
  where="the artifact [${ARTIFACT_NAME:-certifier-report}](${ARTIFACT_URL})"
else
  where="${REPORT_DIR:-the report folder} on the runner (the artifact was not uploaded)"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  printf '\n**Reports** (report.html to read, report.json, SARIF, JUnit): %s\n' "$where" >> "$GITHUB_STEP_SUMMARY"
fi

case "${EXIT_CODE:-}" in
  0) echo "certifier: ${DECISION}" ;;
  4) echo "::warning title=certifier::${DECISION}: automated checks passed, human review pending" ;;
  1) echo "::error title=certifier::${DECISION}: see the job summary and report.html in ${where}"; exit 1 ;;
  3) echo "::error title=certifier::${DECISION}: a check could not run (report.html in ${where} says which); retry"; exit 1 ;;
  *) echo "::error title=certifier::certifier could not run (exit code ${EXIT_CODE:-unknown})"; exit 1 ;;
esac
