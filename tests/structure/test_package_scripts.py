"""struct.package-json, struct.start-script, struct.build-script, struct.test-script, struct.tests-present."""

from __future__ import annotations

import shutil

import pytest

from certifier.core.model import Outcome, Severity


def rules_of(result):
    return {f.rule for f in result.findings}


# --- struct.package-json ---------------------------------------------------------------------------


def test_valid_package_json_passes(workdir, app_result):
    assert app_result(workdir("minimal"), "struct.package-json").outcome is Outcome.PASS


def test_missing_package_json_fails(workdir, app_result):
    root = workdir("minimal")
    (root / "hello-service" / "package.json").unlink()
    result = app_result(root, "struct.package-json")
    assert result.outcome is Outcome.FAIL
    assert "hello-service/package.json is missing" in result.findings[0].message


def test_invalid_json_fails_at_its_line(fixture_dir, app_result):
    result = app_result(fixture_dir("struct-bad-package-json"), "struct.package-json")
    finding = result.findings[0]
    assert result.outcome is Outcome.FAIL
    assert (finding.location.path, finding.location.line, finding.location.column) == (
        "hello-service/package.json",
        4,
        19,
    )


def test_non_object_package_json_fails(workdir, app_result):
    root = workdir("minimal")
    (root / "hello-service" / "package.json").write_text('["not", "an", "object"]')
    result = app_result(root, "struct.package-json")
    assert result.outcome is Outcome.FAIL and "must hold a JSON object, not array" in result.findings[0].message


def test_binary_package_json_fails(workdir, app_result):
    root = workdir("minimal")
    (root / "hello-service" / "package.json").write_bytes(b"\x00\x01\x02")
    result = app_result(root, "struct.package-json")
    assert result.outcome is Outcome.FAIL and "is binary" in result.findings[0].message


@pytest.mark.parametrize(
    ("change", "rule", "severity"),
    [
        (lambda d: d.update(name="Hello Service"), "name", Severity.WARNING),
        (lambda d: d.pop("name"), "name", Severity.WARNING),
        (lambda d: d.update(version="1.0"), "version", Severity.WARNING),
        (lambda d: d.update(scripts=["start"]), "scripts", Severity.ERROR),
        (lambda d: d["scripts"].update(start=["node", "x"]), "scripts", Severity.ERROR),
    ],
)
def test_insane_fields_are_reported(workdir, app_result, edit_package, change, rule, severity):
    root = workdir("minimal")
    edit_package(root, change)
    result = app_result(root, "struct.package-json")
    assert [(f.rule, f.severity) for f in result.findings] == [(rule, severity)]


def test_scoped_name_and_missing_version_pass(workdir, app_result, edit_package):
    root = workdir("minimal")
    edit_package(root, lambda d: (d.update(name="@acme/hello-service"), d.pop("version")))
    assert app_result(root, "struct.package-json").outcome is Outcome.PASS


# --- struct.start-script ----------------------------------------------------------------------------


def test_missing_start_fails_at_the_scripts_line(fixture_dir, app_result):
    result = app_result(fixture_dir("struct-no-start-script"), "struct.start-script")
    assert result.outcome is Outcome.FAIL
    assert result.findings[0].location.line == 7  # the "scripts" line
    assert "hello-service (service)" in result.findings[0].message


def test_procfile_replaces_start(workdir, app_result):
    root = workdir("struct-no-start-script")
    (root / "hello-service" / "Procfile").write_text("web: node src/index.js\n")
    assert app_result(root, "struct.start-script").outcome is Outcome.PASS


def test_empty_start_fails(workdir, app_result, edit_package):
    root = workdir("minimal")
    edit_package(root, lambda d: d["scripts"].update(start="  "))
    result = app_result(root, "struct.start-script")
    assert result.outcome is Outcome.FAIL and "empty `start`" in result.findings[0].message


def test_start_not_checked_for_front_end_apps(workdir, results):
    root = workdir("minimal")
    text = (
        (root / "connect.yaml")
        .read_text()
        .replace("applicationType: service\n    endpoint: /hello\n", "applicationType: assets\n")
    )
    (root / "connect.yaml").write_text(text)
    assert [r.outcome for r in results(root, "struct.start-script")] == [Outcome.NOT_APPLICABLE]


# --- struct.build-script ----------------------------------------------------------------------------


def test_javascript_app_needs_no_build(workdir, app_result):
    assert app_result(workdir("minimal"), "struct.build-script").outcome is Outcome.PASS


def test_typescript_without_build_warns(workdir, app_result):
    root = workdir("minimal")
    (root / "hello-service" / "src" / "extra.ts").write_text("export const x = 1;\n")
    result = app_result(root, "struct.build-script")
    assert result.outcome is Outcome.WARN and "hello-service/src/extra.ts" in result.findings[0].message


def test_tsconfig_marks_typescript_and_gcp_build_satisfies(workdir, app_result, edit_package):
    root = workdir("minimal")
    (root / "hello-service" / "tsconfig.json").write_text("{}")
    assert app_result(root, "struct.build-script").outcome is Outcome.WARN
    edit_package(root, lambda d: d["scripts"].update({"gcp-build": "tsc"}))
    assert app_result(root, "struct.build-script").outcome is Outcome.PASS


def test_type_declarations_do_not_make_a_typescript_app(workdir, app_result):
    root = workdir("minimal")
    (root / "hello-service" / "src" / "types.d.ts").write_text("declare const x: number;\n")
    assert app_result(root, "struct.build-script").outcome is Outcome.PASS


def test_merchant_center_app_without_build_fails(workdir, results):
    root = workdir("minimal")
    text = (
        (root / "connect.yaml")
        .read_text()
        .replace("applicationType: service", "applicationType: merchant-center-custom-application")
    )
    (root / "connect.yaml").write_text(text)
    result = results(root, "struct.build-script")[0]
    assert result.outcome is Outcome.FAIL and rules_of(result) == {"front-end"}


# --- struct.test-script -----------------------------------------------------------------------------


def test_real_test_script_passes(workdir, app_result):
    assert app_result(workdir("minimal"), "struct.test-script").outcome is Outcome.PASS


def test_npm_placeholder_is_a_no_op_error(fixture_dir, app_result):
    result = app_result(fixture_dir("struct-noop-test"), "struct.test-script")
    finding = result.findings[0]
    assert result.outcome is Outcome.FAIL
    assert (finding.rule, finding.severity, finding.location.line) == ("no-op", Severity.ERROR, 9)


@pytest.mark.parametrize("script", ["exit 0", "true", "echo tested", "npm run test:unit"])
def test_other_no_ops_are_errors(workdir, app_result, edit_package, script):
    root = workdir("minimal")
    edit_package(root, lambda d: d["scripts"].update({"test": script, "test:unit": "echo skip"}))
    assert rules_of(app_result(root, "struct.test-script")) == {"no-op"}


def test_missing_test_script_warns(workdir, app_result, edit_package):
    root = workdir("minimal")
    edit_package(root, lambda d: d["scripts"].pop("test"))
    result = app_result(root, "struct.test-script")
    assert result.outcome is Outcome.WARN and rules_of(result) == {"missing"}


# --- struct.tests-present ---------------------------------------------------------------------------


def test_tests_folder_counts(workdir, app_result):
    assert app_result(workdir("minimal"), "struct.tests-present").outcome is Outcome.PASS


def test_no_tests_fails(fixture_dir, app_result):
    result = app_result(fixture_dir("struct-no-tests"), "struct.tests-present")
    assert result.outcome is Outcome.FAIL and result.findings[0].location.path == "hello-service"


@pytest.mark.parametrize("name", ["src/index.spec.ts", "src/handler.test.js", "__tests__/a.js", "test/a.mjs",
                                  "specs/a.js", "cypress/e2e/a.cy.ts"])
def test_other_test_layouts_count(workdir, app_result, name):
    root = workdir("struct-no-tests")
    target = root / "hello-service" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("// test\n")
    assert app_result(root, "struct.tests-present").outcome is Outcome.PASS


@pytest.mark.parametrize("name", ["tests/.gitkeep", "tests/fixture.json", "node_modules/x/a.test.js", "src/testing.js",
                                  "dist/a.test.js", "jest.config.js", "jest.test.config.js", "setupTests.ts"])
def test_non_tests_do_not_count(workdir, app_result, name):
    root = workdir("struct-no-tests")
    target = root / "hello-service" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("{}\n")
    assert app_result(root, "struct.tests-present").outcome is Outcome.FAIL


def test_java_app_without_src_test_fails(workdir, app_result):
    root = workdir("struct-java-app")
    shutil.rmtree(root / "hello-java" / "src" / "test")
    result = app_result(root, "struct.tests-present", "hello-java")
    assert result.outcome is Outcome.FAIL and "src/test/" in result.findings[0].message
