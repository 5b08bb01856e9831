"""Reading shell one-liners: commands, the package.json scripts they call, install/build steps."""

from __future__ import annotations

import pytest

from certifier.checks.structure._scripts import installs_or_builds, read_script
from certifier.checks.structure._shell import commands
from certifier.checks.structure.test_script import noop_reason


def test_commands_split_on_operators_and_drop_assignments():
    assert commands("npm ci && FOO=1 npm run x; echo done") == [["npm", "ci"], ["npm", "run", "x"], ["echo", "done"]]
    assert commands("cross-env NODE_ENV=test jest") == [["jest"]]
    assert commands('echo "a && b"') == [["echo", "a && b"]]


def test_unbalanced_quotes_still_split():
    assert commands('echo "oops && npm test') == [["echo", '"oops'], ["npm", "test"]]


@pytest.mark.parametrize(
    ("script", "calls"),
    [
        ("npm run connector:post-deploy", [("npm", "connector:post-deploy")]),
        ("npm run-script build", [("npm", "build")]),
        ("npm --silent run x -- --flag", [("npm", "x")]),
        ("npm test", [("npm", "test")]),
        ("npm t", [("npm", "test")]),
        ("npm start", [("npm", "start")]),
        ("npm install && npm run a && npm ci", [("npm", "a")]),
        ("yarn post-deploy", [("yarn", "post-deploy")]),
        ("yarn run post-deploy", [("yarn", "post-deploy")]),
        ("yarn install --frozen-lockfile && yarn build", [("yarn", "build")]),
        ("yarn", []),
        ("npm run", []),
        ("npx tsc", []),
        ("node dist/post-deploy.js", []),
    ],
)
def test_script_calls(script, calls):
    assert [(c.call.manager, c.call.name) for c in read_script(script) if c.call] == calls


def test_calls_into_another_package_are_foreign():
    prefixed = read_script("npm --prefix ../other run deploy")
    assert prefixed[0].call is None and prefixed[0].foreign
    moved = read_script("cd ../other && npm run deploy")
    assert moved[1].call is None and moved[1].foreign
    here = read_script("cd . && npm run deploy")
    assert here[1].call is not None


@pytest.mark.parametrize(
    ("script", "prepares"),
    [
        ("npm ci", True),
        ("npm install", True),
        ("npm i --no-audit", True),
        ("yarn", True),
        ("yarn install", True),
        ("npm run build", True),
        ("yarn build", True),
        ("tsc -p .", True),
        ("npx tsc", True),
        ("yarn add x", False),
        ("node dist/x.js", False),
        ("npm run deploy", False),
        ("npm test", False),
    ],
)
def test_install_or_build(script, prepares):
    assert installs_or_builds(read_script(script)[0]) is prepares


@pytest.mark.parametrize(
    ("script", "noop"),
    [
        ('echo "Error: no test specified" && exit 1', True),
        ("echo 'no tests yet'", True),
        ("exit 0", True),
        ("true", True),
        (":", True),
        ("echo ok && true", True),
        ("npm run test:unit", True),  # test:unit below is a no-op
        ("jest", False),
        ("node --test tests/", False),
        ("echo start && jest", False),
        ("npm run test:real", False),
        ("npm run test:missing", False),
        ("npm run loop", False),
    ],
)
def test_noop_test_scripts(script, noop):
    scripts = {"test:unit": "echo skipped", "test:real": "mocha", "loop": "npm run loop"}
    assert (noop_reason(script, scripts) is not None) is noop


def test_placeholder_words_in_a_real_script_are_not_a_placeholder():
    assert noop_reason('jest || echo "no test specified"', {}) is None


def test_fan_out_of_script_calls_stays_fast():
    fan = " && ".join(["npm run a"] * 200)
    scripts = {"a": " && ".join(["npm run b"] * 200), "b": " && ".join(["npm run c"] * 200), "c": "echo x"}
    assert noop_reason(fan, scripts) is not None


def test_expansion_of_lifecycle_scripts_is_bounded():
    from certifier.checks.structure.lifecycle_scripts import MAX_EXPANDED, expand

    scripts = {"a": " && ".join(["npm run b"] * 200), "b": " && ".join(["npm run c"] * 200), "c": "echo x"}
    assert len(expand(read_script(" && ".join(["npm run a"] * 200)), scripts, 3)) == MAX_EXPANDED


def test_empty_and_placeholder_reasons_are_specific():
    assert "placeholder" in noop_reason('echo "Error: no test specified" && exit 1', {})
    assert noop_reason("   ", {}) == "is empty"
