"""struct.lifecycle-scripts and struct.java-app."""

from __future__ import annotations

import pytest

from certifier.core.model import Outcome, Severity


def rules_of(result):
    return {f.rule for f in result.findings}


# --- struct.lifecycle-scripts -----------------------------------------------------------------------


def test_existing_scripts_pass(workdir, app_result):
    assert app_result(workdir("minimal"), "struct.lifecycle-scripts").outcome is Outcome.PASS


def test_missing_npm_script_fails_at_the_connect_yaml_line(fixture_dir, app_result):
    result = app_result(fixture_dir("struct-missing-npm-script"), "struct.lifecycle-scripts")
    finding = result.findings[0]
    assert result.outcome is Outcome.FAIL
    assert (finding.location.path, finding.location.line) == ("connect.yaml", 6)
    assert finding.manifest_path == "deployAs.0.scripts.postDeploy"
    assert "'connector:postdeploy'" in finding.message and "connector:post-deploy" in finding.remediation


@pytest.mark.parametrize(
    "script",
    [
        "npm run-script nope",
        "npm install && npm run nope",
        "npm run nope -- --x",
        "yarn run connector:nope",
        "yarn post-deploy-all",
    ],
)
def test_other_missing_script_forms_fail(workdir, app_result, set_scripts, script):
    root = workdir("minimal")
    set_scripts(root, postDeploy=script)
    result = app_result(root, "struct.lifecycle-scripts")
    assert result.outcome is Outcome.FAIL and rules_of(result) == {"missing-script"}


@pytest.mark.parametrize("script", ["yarn tsc", "yarn run nope"])
def test_yarn_word_that_may_be_a_binary_only_warns(workdir, app_result, set_scripts, script):
    root = workdir("minimal")
    set_scripts(root, postDeploy=script)
    result = app_result(root, "struct.lifecycle-scripts")
    assert result.outcome is Outcome.WARN and result.findings[0].needs_review


def test_scripts_of_another_folder_are_not_judged(workdir, app_result, set_scripts):
    root = workdir("minimal")
    set_scripts(root, postDeploy="cd ../tools && npm run whatever", preUndeploy="npm --prefix ../tools run other")
    assert app_result(root, "struct.lifecycle-scripts").outcome is Outcome.PASS


@pytest.mark.parametrize("script", ["npm start", "npm install && node src/index.js", "yarn start", "npm run boot"])
def test_post_deploy_that_starts_the_server_warns(workdir, app_result, set_scripts, edit_package, script):
    root = workdir("minimal")
    edit_package(root, lambda d: d["scripts"].update(boot="node ./src/index"))
    set_scripts(root, postDeploy=script)
    assert rules_of(app_result(root, "struct.lifecycle-scripts")) == {"starts-server"}


def test_pre_undeploy_may_run_the_entry_point(workdir, app_result, set_scripts):
    root = workdir("minimal")
    set_scripts(root, preUndeploy="node src/index.js")
    assert app_result(root, "struct.lifecycle-scripts").outcome is Outcome.PASS


def test_node_dist_without_build_warns(workdir, app_result, set_scripts, edit_package):
    root = workdir("minimal")
    edit_package(root, lambda d: d["scripts"].update({"deploy": "node dist/post-deploy.js", "build": "tsc"}))
    set_scripts(root, postDeploy="node dist/post-deploy.js")
    assert rules_of(app_result(root, "struct.lifecycle-scripts")) == {"unbuilt-output"}
    set_scripts(root, postDeploy="npm run deploy")  # through a package.json script
    assert rules_of(app_result(root, "struct.lifecycle-scripts")) == {"unbuilt-output"}
    set_scripts(root, postDeploy="npm ci && npm run build && npm run deploy")
    assert app_result(root, "struct.lifecycle-scripts").outcome is Outcome.PASS


def test_post_deploy_without_pre_undeploy_warns(workdir, app_result, set_scripts):
    root = workdir("minimal")
    set_scripts(root, preUndeploy=None)
    result = app_result(root, "struct.lifecycle-scripts")
    assert result.outcome is Outcome.WARN and rules_of(result) == {"no-pre-undeploy"}
    assert result.findings[0].severity is Severity.WARNING and result.findings[0].location.line == 6


def test_no_scripts_is_not_applicable(workdir, app_result, set_scripts):
    root = workdir("minimal")
    set_scripts(root, postDeploy=None, preUndeploy=None)
    assert app_result(root, "struct.lifecycle-scripts").outcome is Outcome.NOT_APPLICABLE


def test_invalid_package_json_still_checks_pre_undeploy(workdir, app_result, set_scripts):
    root = workdir("struct-bad-package-json")
    set_scripts(root, preUndeploy=None)
    assert rules_of(app_result(root, "struct.lifecycle-scripts")) == {"no-pre-undeploy"}


# --- struct.java-app --------------------------------------------------------------------------------


POM = """<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>x</groupId><artifactId>hello-java</artifactId><version>1</version>
  {body}
</project>
"""


def write_pom(root, text):
    (root / "hello-java" / "pom.xml").write_text(text)


def test_valid_java_app_passes(fixture_dir, app_result):
    result = app_result(fixture_dir("struct-java-app"), "struct.java-app", "hello-java")
    assert result.outcome is Outcome.PASS and not result.findings


def test_node_app_is_not_a_java_app(fixture_dir, app_result):
    assert app_result(fixture_dir("struct-java-app"), "struct.java-app").outcome is Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("body", "stated"),
    [
        ("<properties><java.version>1.8</java.version></properties>", "properties.java.version = 1.8"),
        (
            "<properties><maven.compiler.source>8</maven.compiler.source></properties>",
            "properties.maven.compiler.source = 8",
        ),
        (
            "<properties><v>10</v><maven.compiler.release>${v}</maven.compiler.release></properties>",
            "properties.maven.compiler.release = 10",
        ),
        (
            "<build><plugins><plugin><artifactId>maven-compiler-plugin</artifactId><configuration><release>9</release>"
            "</configuration></plugin></plugins></build>",
            "maven-compiler-plugin.release = 9",
        ),
    ],
)
def test_java_older_than_11_fails(workdir, app_result, body, stated):
    root = workdir("struct-java-app")
    write_pom(root, POM.format(body=body))
    result = app_result(root, "struct.java-app", "hello-java")
    assert result.outcome is Outcome.FAIL and rules_of(result) == {"java-version"}
    assert stated in result.findings[0].message


def test_java_11_passes(workdir, app_result):
    root = workdir("struct-java-app")
    write_pom(root, POM.format(body="<properties><java.version>11</java.version></properties>"))
    assert app_result(root, "struct.java-app", "hello-java").outcome is Outcome.PASS


def test_malformed_pom_fails_with_its_line(workdir, app_result):
    root = workdir("struct-java-app")
    write_pom(root, "<project>\n  <modelVersion>4.0.0\n</project>\n")
    result = app_result(root, "struct.java-app", "hello-java")
    assert result.outcome is Outcome.FAIL and rules_of(result) == {"pom-invalid"}
    assert result.findings[0].location.line == 3


def test_entity_expansion_is_refused(workdir, app_result):
    root = workdir("struct-java-app")
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE project [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<project>&b;</project>\n'
    )
    write_pom(root, bomb)
    result = app_result(root, "struct.java-app", "hello-java")
    assert result.outcome is Outcome.FAIL and "forbidden XML" in result.findings[0].message


def test_wrong_root_element_fails(workdir, app_result):
    root = workdir("struct-java-app")
    write_pom(root, "<settings/>")
    assert "not <project>" in app_result(root, "struct.java-app", "hello-java").findings[0].message


def test_old_runtime_in_project_toml_fails(workdir, app_result):
    root = workdir("struct-java-app")
    (root / "hello-java" / "project.toml").write_text('[[build.env]]\nname = "BP_JVM_VERSION"\nvalue = "8"\n')
    assert rules_of(app_result(root, "struct.java-app", "hello-java")) == {"java-version"}


def test_broken_project_toml_warns(workdir, app_result):
    root = workdir("struct-java-app")
    (root / "hello-java" / "project.toml").write_text("[[build.env]\n")
    assert rules_of(app_result(root, "struct.java-app", "hello-java")) == {"project-toml"}


def test_pom_and_package_json_together_warn(workdir, app_result):
    root = workdir("struct-java-app")
    (root / "hello-java" / "package.json").write_text('{"name": "hello-java"}')
    assert rules_of(app_result(root, "struct.java-app", "hello-java")) == {"ambiguous"}
