"""Install failures are the connector's or the environment's (could not decide), from the output."""

from __future__ import annotations

import pytest

from certifier.collect.build.classify import classify_install, error_lines
from certifier.collect.build.java import classify_maven
from certifier.collect.build.model import InstallProblem
from certifier.sandbox.runner import ProcessResult

CONNECTOR, ENVIRONMENT = InstallProblem.CONNECTOR, InstallProblem.ENVIRONMENT


def failed(stderr: str, exit_code: int | None = 1, timed_out: bool = False) -> ProcessResult:
    return ProcessResult(argv=("npm", "ci"), exit_code=exit_code, timed_out=timed_out, duration_s=1.0, stdout="",
                         stderr=stderr, output_truncated=False,
                         killed_reason="wall-clock budget of 600s exceeded" if timed_out else None)


@pytest.mark.parametrize("stderr, problem, words", [
    ("npm error code EUSAGE\nnpm error `npm ci` can only install packages when your package.json and "
     "package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file", CONNECTOR, "out of sync"),
    ("npm error code ETARGET\nnpm error notarget No matching version found for is-number@99.99.99.", ENVIRONMENT,
     "is-number@99.99.99"),
    ("npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/@acme%2fprivate", ENVIRONMENT,
     "404"),
    ("npm error code ECONNREFUSED\nnpm error syscall connect", ENVIRONMENT, "could not be reached"),
    ("npm error code EAI_AGAIN\nnpm error request to https://registry.npmjs.org/x failed", ENVIRONMENT,
     "could not be reached"),
    ("npm error code E503\nnpm error 503 Service Unavailable - GET https://registry.npmjs.org/x", ENVIRONMENT,
     "5xx"),
    ("npm error code ERESOLVE\nnpm error ERESOLVE unable to resolve dependency tree", CONNECTOR, "peer"),
    ("npm error code EJSONPARSE\nnpm error JSON.parse Invalid package.json", CONNECTOR, "not valid JSON"),
    ("error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.", CONNECTOR,
     "out of sync"),
    ("something unexpected went wrong", CONNECTOR, "exit code 1"),
])
def test_install_failures_are_classified(stderr, problem, words):
    kind, reason = classify_install(failed(stderr))
    assert kind is problem and words in reason


def test_success_timeout_and_no_start():
    assert classify_install(failed("", exit_code=0)) == (InstallProblem.OK, "")
    assert classify_install(failed("", exit_code=-15, timed_out=True))[0] is ENVIRONMENT
    assert classify_install(failed("", exit_code=None))[0] is ENVIRONMENT


def test_error_lines_keep_only_the_package_managers_errors():
    text = "added 3 packages\nnpm error code ETARGET\nnpm error notarget No matching version\nnoise"
    assert error_lines(text) == "npm error code ETARGET\nnpm error notarget No matching version"


@pytest.mark.parametrize("output, problem", [
    ("[ERROR] Failed to execute goal ...: Plugin org.apache.maven.plugins:maven-resources-plugin:2.6 or one of its "
     "dependencies could not be resolved: Cannot access central (https://repo.maven.apache.org/maven2) in offline "
     "mode and the artifact org.apache.maven:maven-project:jar:2.0.6 has not been downloaded from it before.",
     ENVIRONMENT),
    ("[ERROR] COMPILATION ERROR :\n[ERROR] /src/main/java/A.java:[3,5] cannot find symbol", CONNECTOR),
    ("[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0\n[ERROR] There are test failures.", CONNECTOR),
])
def test_maven_failures_are_classified(output, problem):
    assert classify_maven(failed(output))[0] is problem
