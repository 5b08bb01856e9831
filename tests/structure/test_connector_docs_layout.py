"""struct.readme, struct.license, struct.support-contact, struct.hygiene, struct.symlinks."""

from __future__ import annotations

import os

import pytest

from certifier.checks.structure.hygiene import classify
from harness import as_git_repo
from certifier.checks.structure.symlinks import escapes
from certifier.core.model import Outcome, Severity


def one(results):
    assert len(results) == 1
    return results[0]


def rules_of(result):
    return {f.rule for f in result.findings}


# --- struct.readme ----------------------------------------------------------------------------------


def test_complete_readme_passes(workdir, results):
    assert one(results(workdir("minimal"), "struct.readme")).outcome is Outcome.PASS


def test_missing_readme_fails(fixture_dir, results):
    result = one(results(fixture_dir("struct-no-readme"), "struct.readme"))
    assert result.outcome is Outcome.FAIL and rules_of(result) == {"missing"}


def test_undocumented_key_fails_at_its_connect_yaml_line(fixture_dir, results):
    result = one(results(fixture_dir("struct-readme-missing-key"), "struct.readme"))
    finding = result.findings[0]
    assert result.outcome is Outcome.FAIL and len(result.findings) == 1
    assert "CTP_CLIENT_SECRET" in finding.message and "hello-service" in finding.message
    assert (finding.location.path, finding.location.line) == ("connect.yaml", 21)
    assert finding.manifest_path == "deployAs.0.configuration.securedConfiguration.1.key"


def test_global_keys_must_be_documented(workdir, results):
    root = workdir("minimal")
    with (root / "connect.yaml").open("a") as out:
        out.write(
            "inheritAs:\n  configuration:\n    standardConfiguration:\n"
            "      - key: SHARED_FLAG\n        description: a flag\n"
        )
    finding = one(results(root, "struct.readme")).findings[0]
    assert "SHARED_FLAG" in finding.message and "inheritAs" in finding.message
    assert finding.location.line == 27  # connect.yaml has 23 lines; the key is the 4th appended


def test_key_that_is_a_prefix_of_another_word_is_not_documented(workdir, results):
    root = workdir("minimal")
    readme = root / "README.md"
    readme.write_text(readme.read_text().replace("`CTP_REGION`", "`CTP_REGIONS`"))
    finding = one(results(root, "struct.readme")).findings[0]
    assert "CTP_REGION " in finding.message + " "


def test_readme_without_sections_is_thin_and_needs_review(workdir, results):
    root = workdir("minimal")
    keys = "CTP_REGION CTP_PROJECT_KEY CTP_CLIENT_ID CTP_CLIENT_SECRET"
    (root / "README.md").write_text(f"# Hello\n\nIt says hello. Keys: {keys}.\n")
    result = one(results(root, "struct.readme"))
    assert result.outcome is Outcome.WARN
    finding = result.findings[0]
    assert finding.needs_review and finding.rule == "thin"
    assert "installation, configuration, usage" in finding.message and "words" in finding.message


def test_setext_and_bold_headings_count(workdir, results):
    root = workdir("minimal")
    text = (root / "README.md").read_text()
    text = text.replace("## Installation\n", "Deployment\n----------\n").replace("## Usage\n", "**Usage**\n")
    (root / "README.md").write_text(text)
    assert one(results(root, "struct.readme")).outcome is Outcome.PASS


def test_headings_inside_code_fences_do_not_count(workdir, results):
    root = workdir("minimal")
    text = (root / "README.md").read_text().replace("## Usage\n", "```\n# Usage\n```\n")
    (root / "README.md").write_text(text)
    assert "usage" in one(results(root, "struct.readme")).findings[0].message


def test_binary_readme_fails(workdir, results):
    root = workdir("minimal")
    (root / "README.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    result = one(results(root, "struct.readme"))
    assert result.outcome is Outcome.FAIL and rules_of(result) == {"unreadable"}
    assert "binary" in result.findings[0].message


def test_huge_readme_is_not_read(workdir, results):
    root = workdir("minimal")
    (root / "README.md").write_text("word " * 600_000)  # 3 MB
    result = one(results(root, "struct.readme"))
    assert result.outcome is Outcome.FAIL and "larger than" in result.findings[0].message


def test_lower_case_readme_is_found(workdir, results):
    root = workdir("minimal")
    (root / "README.md").rename(root / "readme.md")
    assert one(results(root, "struct.readme")).outcome is Outcome.PASS


def test_readme_symlink_out_of_the_repo_is_not_read(workdir, results, tmp_path):
    root = workdir("minimal")
    (root / "README.md").rename(tmp_path / "outside.md")
    (root / "README.md").symlink_to(tmp_path / "outside.md")
    result = one(results(root, "struct.readme"))
    assert result.outcome is Outcome.FAIL and "leaves the checkout" in result.findings[0].message


# --- struct.license ---------------------------------------------------------------------------------


def test_license_passes(workdir, results):
    assert one(results(workdir("minimal"), "struct.license")).outcome is Outcome.PASS


def test_missing_license_fails(fixture_dir, results):
    assert one(results(fixture_dir("struct-no-license"), "struct.license")).outcome is Outcome.FAIL


@pytest.mark.parametrize("name", ["LICENSE.md", "license.txt", "LICENCE", "Licence.md", "COPYING", "copying.lesser"])
def test_licence_names(workdir, results, name):
    root = workdir("minimal")
    (root / "LICENSE").rename(root / name)
    assert one(results(root, "struct.license")).outcome is Outcome.PASS


def test_licence_in_a_subfolder_does_not_count(workdir, results):
    root = workdir("minimal")
    (root / "LICENSE").rename(root / "hello-service" / "LICENSE")
    assert one(results(root, "struct.license")).outcome is Outcome.FAIL


def test_empty_license_fails(workdir, results):
    root = workdir("minimal")
    (root / "LICENSE").write_text("  \n")
    result = one(results(root, "struct.license"))
    assert result.outcome is Outcome.FAIL and rules_of(result) == {"empty"}


# --- struct.support-contact -------------------------------------------------------------------------


def test_support_section_passes(workdir, results):
    assert one(results(workdir("minimal"), "struct.support-contact")).outcome is Outcome.PASS


def test_no_contact_fails(workdir, results):
    root = workdir("minimal")
    text = (root / "README.md").read_text().replace("## Support\n\nContact support@example.com.\n", "")
    (root / "README.md").write_text(text)
    result = one(results(root, "struct.support-contact"))
    assert result.outcome is Outcome.FAIL and rules_of(result) == {"none"}


@pytest.mark.parametrize(
    "extra",
    [
        "Questions? Write to team@acme.io",
        "Report issues at https://github.com/acme/x/issues",
        "## Contact\n\nThe Acme team.",
    ],
)
def test_other_contact_forms_pass(workdir, results, extra):
    root = workdir("minimal")
    text = (root / "README.md").read_text().replace("## Support\n\nContact support@example.com.\n", extra + "\n")
    (root / "README.md").write_text(text)
    assert one(results(root, "struct.support-contact")).outcome is Outcome.PASS


def test_unrelated_link_is_not_a_contact(workdir, results):
    root = workdir("minimal")
    text = (
        (root / "README.md")
        .read_text()
        .replace("## Support\n\nContact support@example.com.\n", "See https://docs.example.com/api for the API.\n")
    )
    (root / "README.md").write_text(text)
    assert one(results(root, "struct.support-contact")).outcome is Outcome.FAIL


def test_no_readme_means_no_contact(fixture_dir, results):
    assert rules_of(one(results(fixture_dir("struct-no-readme"), "struct.support-contact"))) == {"no-readme"}


# --- struct.hygiene ---------------------------------------------------------------------------------


def test_clean_repository_passes(workdir, results):
    assert one(results(workdir("minimal"), "struct.hygiene")).outcome is Outcome.PASS


def test_committed_env_warns(fixture_dir, results):
    result = one(results(fixture_dir("struct-committed-env"), "struct.hygiene"))
    assert result.outcome is Outcome.WARN
    assert [(f.rule, f.location.path) for f in result.findings] == [("env-file", "hello-service/.env")]


def test_every_kind_is_one_finding(workdir, results):
    root = workdir("minimal")
    for rel in [
        "node_modules/a/index.js",
        "node_modules/b/index.js",
        "hello-service/dist/index.js",
        "hello-service/tsconfig.tsbuildinfo",
        ".idea/workspace.xml",
        ".DS_Store",
        "hello-service/.env.local",
    ]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    as_git_repo(root)  # outside git the fetch skips node_modules folders; git lists one nothing ignores
    result = one(results(root, "struct.hygiene"))
    found = {f.rule: f for f in result.findings}
    assert set(found) == {"env-file", "node-modules", "build-output", "ide", "os-junk"}
    assert all(f.severity is Severity.WARNING for f in result.findings)
    assert found["node-modules"].message.endswith("node_modules/")
    assert "hello-service/dist/" in found["build-output"].message
    assert "node_modules" not in found["build-output"].message


def test_files_inside_node_modules_are_only_the_node_modules_finding():
    found = classify(["node_modules/pkg/dist/index.js", "node_modules/pkg/.env", "node_modules/pkg/package.json"])
    assert found["node-modules"] == ["node_modules/"]
    assert not found["build-output"] and not found["env-file"]


def test_paths_listed_in_a_finding_are_bounded(workdir, results):
    root = workdir("minimal")
    for n in range(30):
        (root / f"junk{n:02}").mkdir()
        (root / f"junk{n:02}" / ".DS_Store").write_text("")
    finding = one(results(root, "struct.hygiene")).findings[0]
    assert finding.message.endswith("and 20 more") and finding.properties["count"] == 30


@pytest.mark.parametrize(
    "path",
    [
        ".env.example",
        ".env.sample",
        ".env.template",
        "example.env",
        ".vscode/settings.json",
        ".vscode/extensions.json",
        "src/build/helper.js",
        "docs/dist/x.md",
        ".envrc",
        "environment.js",
    ],
)
def test_allowed_files_are_not_flagged(path):
    found = classify(sorted(["package.json", "hello/package.json", path]))
    assert not any(found.values()), found


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (".env", "env-file"),
        ("app/.env.production", "env-file"),
        ("prod.env", "env-file"),
        (".vscode/launch.local.json", "ide"),
        ("app.iml", "ide"),
        ("Thumbs.db", "os-junk"),
        ("hello/build/x.js", "build-output"),
        ("java/target/app.jar", "build-output"),
    ],
)
def test_flagged_files(path, kind):
    files = sorted(["package.json", "hello/package.json", "java/pom.xml", path])
    assert classify(files)[kind]


# --- struct.symlinks --------------------------------------------------------------------------------


def test_no_symlinks_pass(workdir, results):
    assert one(results(workdir("minimal"), "struct.symlinks")).outcome is Outcome.PASS


def test_escaping_symlinks_fail_and_are_never_followed(workdir, results):
    root = workdir("minimal")
    os.symlink("/etc/passwd", root / "passwd")
    os.symlink("../../../outside", root / "hello-service" / "up")
    os.symlink("../LICENSE", root / "hello-service" / "LICENSE")  # inside: fine
    result = one(results(root, "struct.symlinks"))
    assert result.outcome is Outcome.FAIL
    assert sorted(f.location.path for f in result.findings) == ["hello-service/up", "passwd"]


@pytest.mark.parametrize(
    ("link", "target", "out"),
    [
        ("a", "/x", True),
        ("a", "..", True),
        ("d/a", "../b", False),
        ("d/a", "../../b", True),
        ("a", "b/../../c", True),
        ("a", "C:\\Windows", True),
        ("a", "", True),
        ("d/e/a", "../../f", False),
    ],
)
def test_escape_rule(link, target, out):
    assert escapes(link, target) is out
