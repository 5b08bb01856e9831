"""Each spec.* check on connectors made from minimal/: one case it passes, one it fails (or warns/advises)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from certifier.checks import execute
from certifier.checks.registry import load_all
from certifier.collect.context import CheckContext, RunOptions
from certifier.core.model import Outcome, Severity, Stage

MINIMAL_APP = """
deployAs:
  - name: hello-service
    applicationType: service
    endpoint: /hello
"""


def service(config: str = "", extra: str = "", inherit: str = "") -> str:
    text = MINIMAL_APP.lstrip("\n")
    if config:
        text += "    configuration:\n" + "".join(f"      {line}\n" for line in config.strip("\n").splitlines())
    text += extra
    if inherit:
        text += "inheritAs:\n" + "".join(f"  {line}\n" for line in inherit.strip("\n").splitlines())
    return text


def messages(result):
    return [f.message for f in result.findings]


def test_every_spec_check_is_registered_in_the_specification_stage():
    specs = {cid: spec for cid, spec in load_all().items() if cid.startswith("spec.")}
    assert set(specs) == {
        "spec.manifest-file", "spec.schema", "spec.app-folder", "spec.undeclared-app-folder", "spec.secret-config",
        "spec.generated-keys", "spec.api-scopes", "spec.legacy-app-type", "spec.endpoint-path",
        "spec.job-schedule", "spec.config-key-style",
    }
    assert {spec.stage for spec in specs.values()} == {Stage.SPECIFICATION}


# --- spec.manifest-file ---------------------------------------------------------------------------------


def test_manifest_file_passes_on_a_valid_file(connector, run_check):
    assert run_check("spec.manifest-file", connector(MINIMAL_APP)).outcome is Outcome.PASS


def test_manifest_file_fails_on_missing_file_and_names_subfolder_templates(connector, run_check):
    root = connector(None)
    (root / "templates").mkdir()
    (root / "templates" / "connect.yaml").write_text("deployAs: []\n")
    result = run_check("spec.manifest-file", root)
    assert result.outcome is Outcome.FAIL
    [message] = messages(result)
    assert message.startswith("specification file not found: connect.yaml is missing at the repository root.")
    assert "only in subfolders (templates/connect.yaml)" in message and "is not a connector" in message


def test_manifest_file_fails_on_yaml_errors_with_position(connector, run_check):
    result = run_check("spec.manifest-file", connector("deployAs:\n  - name: a\n   applicationType: service\n"))
    assert result.outcome is Outcome.FAIL
    assert result.findings[0].location.display() == "connect.yaml:3:4"


# --- spec.schema ----------------------------------------------------------------------------------------


def test_schema_passes_on_minimal(connector, run_check):
    assert run_check("spec.schema", connector(MINIMAL_APP)).outcome is Outcome.PASS


def test_schema_fails_with_official_messages(connector, run_check):
    result = run_check("spec.schema", connector(MINIMAL_APP.replace("    endpoint: /hello\n", "")))
    assert result.outcome is Outcome.FAIL
    [finding] = result.findings
    assert finding.message == "[deployAs.0.endpoint]: Required"
    assert finding.manifest_path == "deployAs.0.endpoint" and finding.location.display() == "connect.yaml:2:5"
    assert finding.remediation == "Add 'endpoint' here."


@pytest.mark.parametrize("text, reason", [
    (None, "connect.yaml is missing (reported by spec.manifest-file)"),
    ("deployAs: [\n", "connect.yaml could not be parsed (reported by spec.manifest-file)"),
    ("", "connect.yaml is not a mapping (reported by spec.manifest-file)"),
])
def test_schema_is_never_a_pass_without_a_manifest(connector, run_check, text, reason):
    result = run_check("spec.schema", connector(text))
    assert result.outcome is Outcome.NOT_APPLICABLE and result.summary == reason


def test_other_checks_are_not_applicable_without_a_manifest(connector, run_check):
    root = connector("deployAs: [\n")
    for check_id in ("spec.app-folder", "spec.secret-config", "spec.endpoint-path", "spec.config-key-style"):
        result = run_check(check_id, root)
        assert result.outcome is Outcome.NOT_APPLICABLE, check_id
        assert result.summary == "connect.yaml could not be parsed (reported by spec.manifest-file)"


# --- spec.app-folder ------------------------------------------------------------------------------------


def test_app_folder_passes_when_every_folder_exists(connector, run_check):
    assert run_check("spec.app-folder", connector(MINIMAL_APP)).outcome is Outcome.PASS


def test_app_folder_fails_for_a_missing_folder(connector, run_check):
    result = run_check("spec.app-folder", connector(MINIMAL_APP + "  - {name: order-events, applicationType: event, "
                                                                  "endpoint: /events}\n"))
    assert result.outcome is Outcome.FAIL
    [finding] = result.findings
    assert finding.message == ("App folder order-events/ does not exist at the repository root, so the app cannot "
                               "be built")
    assert finding.manifest_path == "deployAs.1.name" and finding.location.line == 5


def test_app_folder_is_case_sensitive(connector, run_check):
    result = run_check("spec.app-folder", connector(MINIMAL_APP.replace("name: hello-service", "name: Hello-Service")))
    assert result.outcome is Outcome.FAIL
    assert "hello-service/ differs only in case" in messages(result)[0]


def test_app_folder_symlink_inside_is_a_warning(connector, run_check):
    root = connector(MINIMAL_APP + "  - {name: second, applicationType: service, endpoint: /second}\n")
    (root / "second").symlink_to("hello-service")
    result = run_check("spec.app-folder", root)
    assert result.outcome is Outcome.WARN
    assert messages(result) == ["App folder second/ is a symbolic link to 'hello-service' inside the repository; "
                                "the build uses the link's target"]


@pytest.mark.parametrize("target, why", [
    ("../..", "which leaves the repository"),
    ("/etc", "which leaves the repository"),
    (".", "which is the repository root itself"),
    ("nowhere", "which does not exist (or loops)"),
    ("README.md", "which is not a folder"),
])
def test_app_folder_symlink_escaping_is_an_error(connector, run_check, target, why):
    root = connector(MINIMAL_APP + "  - {name: linked, applicationType: service, endpoint: /linked}\n")
    (root / "linked").symlink_to(target)
    result = run_check("spec.app-folder", root)
    assert result.outcome is Outcome.FAIL
    assert messages(result) == [f"App folder linked/ is a symbolic link to {target!r}, {why}; it is not followed"]


def test_app_folder_that_is_a_file(connector, run_check):
    result = run_check("spec.app-folder", connector(MINIMAL_APP + "  - {name: LICENSE, applicationType: assets}\n"))
    assert messages(result) == ["LICENSE at the repository root is a file, not the app's folder"]


# --- spec.undeclared-app-folder --------------------------------------------------------------------------


def test_undeclared_folder_passes_for_declared_apps_and_shared_modules(connector, run_check):
    root = connector(MINIMAL_APP)
    (root / "shared").mkdir()
    (root / "shared" / "package.json").write_text('{"name": "shared"}')
    (root / "helpers").mkdir()
    (root / "helpers" / "package.json").write_text('{"name": "helpers"}')
    (root / "shared" / "package.json").write_text('{"name": "shared", "dependencies": {"h": "link:../helpers"}}')
    (root / "hello-service" / "package.json").write_text('{"dependencies": {"shared": "file:../shared"}}')
    result = run_check("spec.undeclared-app-folder", root)
    assert result.outcome is Outcome.PASS and result.findings == ()


def test_undeclared_folder_is_reported(connector, run_check):
    root = connector(MINIMAL_APP)
    (root / "forgotten-app").mkdir()
    (root / "forgotten-app" / "pom.xml").write_text("<project/>")
    (root / ".github").mkdir()
    (root / ".github" / "package.json").write_text("{}")
    result = run_check("spec.undeclared-app-folder", root)
    [finding] = result.findings
    assert finding.severity is Severity.WARNING and finding.location.path == "forgotten-app"
    assert finding.message.startswith("Folder forgotten-app/ looks like an app")


# --- spec.secret-config -----------------------------------------------------------------------------------


def test_secret_config_passes_when_secrets_are_secured(connector, run_check):
    result = run_check("spec.secret-config", connector(service("""
        standardConfiguration:
          - {key: CTP_REGION, description: r, default: europe-west1.gcp}
          - {key: TOKEN_URL, description: where tokens come from, default: https://auth.example.com/token}
        securedConfiguration:
          - {key: CTP_CLIENT_SECRET, description: s}
        """)))
    assert result.outcome is Outcome.PASS and result.findings == ()


def test_secret_config_fails_for_secret_key_in_standard(connector, run_check):
    result = run_check("spec.secret-config", connector(service("""
        standardConfiguration:
          - {key: CTP_CLIENT_SECRET, description: s}
        """)))
    assert result.outcome is Outcome.FAIL
    [finding] = result.findings
    assert finding.message == ("CTP_CLIENT_SECRET (app hello-service) looks like a secret but is declared in "
                               "standardConfiguration, which is stored in plain text")
    assert finding.manifest_path == "deployAs.0.configuration.standardConfiguration.0.key"


def test_secret_config_fails_for_global_secret_and_secret_defaults(connector, run_check):
    result = run_check("spec.secret-config", connector(service("""
        standardConfiguration:
          - {key: SIGNING_KEY, description: s, default: changeme}
          - {key: WEBHOOK_URL, description: s, default: 'sk_live_abcdefghijklmnop'}
        """, inherit="""
        configuration:
          standardConfiguration:
            - {key: DB_PASSWORD, description: p}
        """)))
    assert result.outcome is Outcome.FAIL
    assert messages(result) == [  # document order; on one line, .default sorts before .key
        "SIGNING_KEY (app hello-service) is a credential with a default value (a placeholder): a secret must be "
        "given at deployment, never defaulted in connect.yaml",
        "SIGNING_KEY (app hello-service) looks like a secret but is declared in standardConfiguration, which is "
        "stored in plain text",
        "The default of WEBHOOK_URL (app hello-service) looks like a real secret (Stripe-style live key); it is "
        "committed in connect.yaml",
        "DB_PASSWORD (inheritAs (every app)) looks like a secret but is declared in standardConfiguration, which "
        "is stored in plain text",
    ]


def test_secret_config_advises_on_non_secret_secured_values(connector, run_check):
    result = run_check("spec.secret-config", connector(service("""
        securedConfiguration:
          - {key: CTP_REGION, description: r}
        """)))
    assert result.outcome is Outcome.PASS
    assert [(f.severity, f.rule) for f in result.findings] == [(Severity.INFO, "not-secret-secured")]


# --- spec.generated-keys ------------------------------------------------------------------------------------


def test_generated_keys_passes_without_declared_credentials(connector, run_check):
    result = run_check("spec.generated-keys", connector(service(inherit="apiClient: {scopes: [view_orders]}")))
    assert result.outcome is Outcome.PASS


def test_generated_keys_warns_on_declared_credentials(connector, run_check):
    result = run_check("spec.generated-keys", connector(service("""
        securedConfiguration:
          - {key: CTP_CLIENT_SECRET, description: s}
          - {key: CTP_PROJECT_KEY, description: p}
        """, inherit="apiClient: {scopes: [view_orders]}")))
    assert result.outcome is Outcome.WARN
    assert [f.manifest_path for f in result.findings] == ["deployAs.0.configuration.securedConfiguration.0.key"]


def test_generated_keys_not_applicable_without_api_client(connector, run_check):
    assert run_check("spec.generated-keys", connector(MINIMAL_APP)).outcome is Outcome.NOT_APPLICABLE


# --- spec.api-scopes ----------------------------------------------------------------------------------------


def test_api_scopes_pass_for_narrow_scopes(connector, run_check):
    result = run_check("spec.api-scopes", connector(service(inherit="apiClient: {scopes: [view_orders, "
                                                                    "manage_my_orders]}")))
    assert result.outcome is Outcome.PASS


def test_api_scopes_fail_for_forbidden_scopes(connector, run_check):
    result = run_check("spec.api-scopes", connector(service(
        inherit="apiClient: {scopes: [manage_api_clients, view_orders, view_orders, manage_orders]}")))
    assert result.outcome is Outcome.FAIL
    assert [(f.severity, f.rule, f.manifest_path, f.needs_review) for f in result.findings] == [
        (Severity.ERROR, "forbidden-scope", "inheritAs.apiClient.scopes.0", False),
        (Severity.WARNING, "duplicate-scope", "inheritAs.apiClient.scopes.2", False),
        (Severity.WARNING, "broad-scope", "inheritAs.apiClient.scopes.3", True),
    ]


def test_api_scopes_broad_scope_justified_in_readme(connector, run_check):
    root = connector(service(inherit="apiClient: {scopes: [manage_orders]}"))
    (root / "README.md").write_text("# Connector\n\nmanage_orders: the connector updates order states.\n")
    assert run_check("spec.api-scopes", root).outcome is Outcome.PASS


# --- spec.legacy-app-type ------------------------------------------------------------------------------------

MC_CONFIG = """
    configuration:
      standardConfiguration:
        - {key: CUSTOM_APPLICATION_ID, description: id, required: true}
        - {key: ENTRY_POINT_URI_PATH, description: path, required: true}
        - {key: CLOUD_IDENTIFIER, description: cloud, default: gcp-eu}
"""


def mc(kind: str, extra_entry: str = "") -> str:
    return (f"deployAs:\n  - name: hello-service\n    applicationType: {kind}\n" + MC_CONFIG.lstrip("\n")
            + (f"        - {extra_entry}\n" if extra_entry else ""))


def test_legacy_app_type_passes_for_current_names(connector, run_check):
    assert run_check("spec.legacy-app-type", connector(mc("merchant-center-custom-application"))).outcome is Outcome.PASS


def test_legacy_app_type_warns_for_mc_app_and_legacy_keys(connector, run_check):
    result = run_check("spec.legacy-app-type", connector(mc("mc-app", "{key: APPLICATION_URL, description: url}")))
    assert result.outcome is Outcome.WARN
    assert [f.rule for f in result.findings] == ["legacy-type", "legacy-key"]
    assert messages(result)[0] == ("App hello-service uses the legacy applicationType mc-app; migrate to "
                                   "merchant-center-custom-application")


def test_legacy_app_type_not_applicable_without_mc_apps(connector, run_check):
    assert run_check("spec.legacy-app-type", connector(MINIMAL_APP)).outcome is Outcome.NOT_APPLICABLE


# --- spec.endpoint-path --------------------------------------------------------------------------------------


def test_endpoint_path_passes_with_leading_slash(connector, run_check):
    assert run_check("spec.endpoint-path", connector(MINIMAL_APP)).outcome is Outcome.PASS


def test_endpoint_path_warns_without_leading_slash(connector, run_check):
    result = run_check("spec.endpoint-path", connector(MINIMAL_APP.replace("/hello", "hello")))
    assert result.outcome is Outcome.WARN
    assert messages(result) == ["Endpoint 'hello' of app hello-service has no leading '/'"]
    assert result.findings[0].remediation == "Write endpoint: /hello"


def test_endpoint_path_notes_shared_endpoints(connector, run_check):
    result = run_check("spec.endpoint-path", connector(MINIMAL_APP + "  - {name: other, applicationType: event, "
                                                                     "endpoint: /hello}\n"))
    assert [(f.severity, f.rule) for f in result.findings] == [(Severity.WARNING, "shared-endpoint")]


# --- spec.job-schedule ---------------------------------------------------------------------------------------


def job(schedule: str) -> str:
    return (f"deployAs:\n  - name: hello-service\n    applicationType: job\n    endpoint: /hello\n"
            f"    properties:\n      schedule: '{schedule}'\n")


@pytest.mark.parametrize("schedule", ["*/5 * * * *", "0 * * * 7", "@daily", "@every 1h30m", "0,30 8-18/2 1 1-6 1-5"])
def test_job_schedule_passes_clean_schedules(connector, run_check, schedule):
    assert run_check("spec.job-schedule", connector(job(schedule))).outcome is Outcome.PASS


@pytest.mark.parametrize("schedule, problem", [
    ("0 0 * * * *", "it has 6 fields"),
    ("*****", "it has 1 fields"),
    ("@reboot", "@reboot is not a supported macro"),
    ("0 0 * * * extra", "it has 6 fields"),
    ("61 * * * *", "the minute field '61' is outside 0-59"),
    ("0 0 5-1 * *", "the day of month field '5-1' has a range that runs backwards"),
    ("*/0 * * * *", "the minute field '*/0' has an invalid step"),
    ("0 0 * * * ", "it has extra spaces"),
])
def test_job_schedule_warns_on_unclean_schedules(connector, run_check, schedule, problem):
    result = run_check("spec.job-schedule", connector(job(schedule)))
    assert result.outcome is Outcome.WARN
    assert problem in messages(result)[0]


def test_job_schedule_leaves_official_rejections_to_the_schema(connector, run_check):
    assert run_check("spec.job-schedule", connector(job("every day"))).outcome is Outcome.PASS


# --- spec.config-key-style -----------------------------------------------------------------------------------


def test_config_key_style_passes_for_upper_snake(connector, run_check):
    assert run_check("spec.config-key-style", connector(service("""
        standardConfiguration:
          - {key: CTP_PROJECT_KEY, description: k}
          - {key: API2_URL, description: u}
        """))).findings == ()


def test_config_key_style_advises_on_other_keys(connector, run_check):
    result = run_check("spec.config-key-style", connector(service("""
        standardConfiguration:
          - {key: apiBaseUrl, description: k}
        """)))
    [finding] = result.findings
    assert finding.severity is Severity.INFO
    assert finding.message == "Key apiBaseUrl (app hello-service) is not UPPER_SNAKE_CASE"
    assert finding.remediation.startswith("Rename apiBaseUrl to API_BASE_URL")


def test_checks_are_an_error_when_the_inventory_has_no_manifest(connector, inventory_of):
    inventory = replace(inventory_of(connector(MINIMAL_APP)), manifest=None)
    result = execute.run_check(load_all()["spec.manifest-file"], CheckContext(inventory, RunOptions()))
    assert result.outcome is Outcome.ERROR and "no ManifestLoad" in result.summary
