#!/usr/bin/env bash
# Step of action.yml: pass or fail the job on the decision. Positive passes; "Certification in
# progress" passes with a warning (a human review is pending); negative fails; usage errors and
# "Could not decide" fail too, because nothing was certified.
set -uo pipefail
case "${EXIT_CODE:-}" in
  0) echo "certifier: ${DECISION}" ;;
  4) echo "::warning title=certifier::${DECISION}: automated checks passed, human review pending" ;;
  1) echo "::error title=certifier::${DECISION}: see the job summary and the report"; exit 1 ;;
  3) echo "::error title=certifier::${DECISION}: an infrastructure error stopped the decision (retry)"; exit 1 ;;
  *) echo "::error title=certifier::certifier could not run (exit code ${EXIT_CODE:-unknown})"; exit 1 ;;
esac
