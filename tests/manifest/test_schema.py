"""The schema and the official semantic rules: exact messages in the official style, with lines."""

from __future__ import annotations

import time

import pytest

from certifier.connector.manifest import manifest_validity

SERVICE_HEAD = """
deployAs:
  - name: svc
    applicationType: service
"""


@pytest.fixture
def issues(load_text):
    """issues(text) -> [(message, line)] of every finding; asserts that validity agrees with them."""

    def check(text: str) -> list[tuple[str, int]]:
        load = load_text(text)
        valid, findings = manifest_validity(load)
        assert valid == (not findings)
        return [(f.message, f.location.line) for f in findings]

    return check


@pytest.fixture
def messages(issues):
    return lambda text: [message for message, _ in issues(text)]


# --- the examples of docs/connectors.md#validator-messages, each exactly ------------------------------------


def test_unrecognized_top_level_key(issues):
    assert issues("""
        name: my-connector
        deployAs:
          - name: svc
            applicationType: service
            endpoint: /svc
        """) == [("[file content]: Unrecognized key(s) in object: 'name'", 1)]


def test_missing_endpoint(issues):
    assert issues(SERVICE_HEAD) == [("[deployAs.0.endpoint]: Required", 2)]


def test_double_slashes(issues):
    assert issues(SERVICE_HEAD + "    endpoint: /a//b\n") == [("[deployAs.0.endpoint]: Double slashes are not allowed", 4)]


def test_job_without_properties(issues):
    assert issues("""
        deployAs:
          - name: job
            applicationType: job
            endpoint: /job
        """) == [("[deployAs.0.properties]: Required", 2)]


def test_mc_app_with_endpoint(issues):
    assert issues("""
        deployAs:
          - name: mc
            applicationType: merchant-center-custom-application
            endpoint: /mc
            configuration:
              standardConfiguration:
                - {key: CUSTOM_APPLICATION_ID, description: id, required: true}
                - {key: ENTRY_POINT_URI_PATH, description: path, required: true}
                - {key: CLOUD_IDENTIFIER, description: cloud, default: gcp-eu}
        """) == [("[deployAs.0]: Unrecognized key(s) in object: 'endpoint'", 4)]


def test_mc_app_without_custom_application_id(issues):
    assert issues("""
        deployAs:
          - name: mc
            applicationType: merchant-center-custom-application
            configuration:
              standardConfiguration:
                - {key: ENTRY_POINT_URI_PATH, description: path, required: true}
                - {key: CLOUD_IDENTIFIER, description: cloud, required: true}
        """) == [("[deployAs.0]: Mc app must have CUSTOM_APPLICATION_ID", 2)]


def test_default_in_secured_configuration(issues):
    assert issues(SERVICE_HEAD + """
            endpoint: /svc
            configuration:
              securedConfiguration:
                - key: API_SECRET
                  description: secret
                  default: abc
        """.replace("\n        ", "\n")) == [
        ("[deployAs.0.configuration.securedConfiguration.0]: Unrecognized key(s) in object: 'default'", 10)]


def test_retry_policy_max_attempts(issues):
    assert issues("""
        deployAs:
          - name: ev
            applicationType: event
            endpoint: /ev
            retryPolicy:
              strategy: exponential-backoff
              minBackoffSeconds: 1
              maxBackoffSeconds: 10
              maxAttempts: 4
        """) == [("[deployAs.0.retryPolicy.maxAttempts]: Number must be greater than or equal to 5", 9)]


def test_empty_scopes(issues):
    assert issues("""
        deployAs:
          - {name: svc, applicationType: service, endpoint: /svc}
        inheritAs:
          apiClient:
            scopes: []
        """) == [("[inheritAs.apiClient.scopes]: Array must contain at least 1 element(s)", 5)]


def test_duplicate_application_name(issues):
    assert issues("""
        deployAs:
          - {name: svc, applicationType: service, endpoint: /a}
          - {name: svc, applicationType: service, endpoint: /b}
        """) == [("[file content]: Duplicate application name found: svc", 3)]


def test_duplicate_application_name_after_trimming(messages):
    assert messages("""
        deployAs:
          - {name: svc, applicationType: service, endpoint: /a}
          - {name: " svc", applicationType: service, endpoint: /b}
        """) == [
        "[file content]: Duplicate application name found: svc",
        "[deployAs.1.name]: Invalid application name ' svc': use 2 to 256 letters, digits, '_' or '-' (it is also "
        "the folder name)",
    ]


def test_missing_cloud_identifier(issues):
    assert issues("""
        deployAs:
          - name: mc
            applicationType: merchant-center-custom-application
            configuration:
              standardConfiguration:
                - {key: CUSTOM_APPLICATION_ID, description: id, required: true}
                - {key: ENTRY_POINT_URI_PATH, description: path, required: true}
        """) == [("[file content]: Application mc is missing CLOUD_IDENTIFIER configuration.", 2)]


def test_secured_configuration_in_mc_app(issues):
    assert issues("""
        deployAs:
          - name: mc
            applicationType: merchant-center-custom-application
            configuration:
              standardConfiguration:
                - {key: CUSTOM_APPLICATION_ID, description: id, required: true}
                - {key: ENTRY_POINT_URI_PATH, description: path, required: true}
                - {key: CLOUD_IDENTIFIER, description: cloud, required: true}
              securedConfiguration:
                - {key: TOKEN, description: token}
        """) == [("[file content]: Secured configuration is not allowed in merchant center custom application.", 9)]


# --- rule families ------------------------------------------------------------------------------------


def test_all_issues_are_reported_in_document_order(issues):
    found = issues("""
        version: 1
        deployAs:
          - name: x
            applicationType: service
            endpoint: //
          - name: job
            applicationType: job
            endpoint: /job
            properties: {schedule: never}
        """)
    assert found == [
        ("[file content]: Unrecognized key(s) in object: 'version'", 1),
        ("[deployAs.0.name]: Invalid application name 'x': use 2 to 256 letters, digits, '_' or '-' (it is also "
         "the folder name)", 3),
        ("[deployAs.0.endpoint]: Double slashes are not allowed", 5),
        ("[deployAs.1.properties.schedule]: Invalid schedule 'never': expected a cron expression such as "
         "'0 0 * * *' or a macro such as '@daily'", 9),
    ]


def test_wrong_application_type_gives_one_issue_not_a_cascade(issues):
    assert issues("""
        deployAs:
          - name: svc
            applicationType: servce
            endpoint: //x
            retryPolicy: 5
            anything: else
        """) == [("[deployAs.0.applicationType]: Invalid discriminator value. Expected 'service' | 'event' | 'job' "
                  "| 'merchant-center-custom-application' | 'merchant-center-custom-view' | 'mc-app' | 'assets'", 3)]


def test_missing_application_type(issues):
    assert issues("deployAs:\n  - name: svc\n    endpoint: /x\n") == [("[deployAs.0.applicationType]: Required", 2)]


def test_unknown_application_type_is_an_error(messages):
    [message] = messages("deployAs:\n  - {name: svc, applicationType: unknown}\n")
    assert message.startswith("[deployAs.0.applicationType]: 'unknown' is the official schema's internal fallback")


def test_empty_deploy_as_is_an_error(issues):
    assert issues("deployAs: []\n") == [
        ("[deployAs]: Array must contain at least 1 element(s): a connector must deploy at least one application", 1)]


def test_missing_deploy_as(issues):
    assert issues("inheritAs: {}\n") == [("[deployAs]: Required", 1)]


@pytest.mark.parametrize("name", ["a", "a b", "../evil", "a/b", "x" * 257, "ünï"])
def test_invalid_names(messages, name):
    [message] = messages(f"deployAs:\n  - {{name: '{name}', applicationType: assets}}\n")
    assert message.startswith("[deployAs.0.name]: Invalid application name '")


@pytest.mark.parametrize("name", ["ab", "A_b-9", "x" * 256])
def test_valid_names(messages, name):
    assert messages(f"deployAs:\n  - {{name: '{name}', applicationType: assets}}\n") == []


def test_name_must_be_a_string(messages):
    assert messages("deployAs:\n  - {name: 12, applicationType: assets}\n") == [
        "[deployAs.0.name]: Expected string, received number"]


@pytest.mark.parametrize("endpoint, message", [
    ("", "Invalid endpoint '': use only letters, digits, '_', '-' and '/' (for example /service)"),
    ("/a b", "Invalid endpoint '/a b': use only letters, digits, '_', '-' and '/' (for example /service)"),
    ("/a?x=1", "Invalid endpoint '/a?x=1': use only letters, digits, '_', '-' and '/' (for example /service)"),
    ("//", "Double slashes are not allowed"),
])
def test_invalid_endpoints(messages, endpoint, message):
    assert messages(SERVICE_HEAD + f"    endpoint: '{endpoint}'\n") == [f"[deployAs.0.endpoint]: {message}"]


@pytest.mark.parametrize("endpoint", ["/", "svc", "/a/b-c_d", "/" + "a" * 400])
def test_valid_endpoints(messages, endpoint):
    assert messages(SERVICE_HEAD + f"    endpoint: '{endpoint}'\n") == []


def test_endpoint_pattern_does_not_backtrack():
    started = time.monotonic()
    from certifier.connector.manifest.schema import schema_issues
    data = {"deployAs": [{"name": "svc", "applicationType": "service", "endpoint": "a" * 200000 + "!"}]}
    assert len(schema_issues(data)) == 1
    assert time.monotonic() - started < 20  # catastrophic backtracking would take hours


def config(entries: str, kind: str = "standardConfiguration") -> str:
    return SERVICE_HEAD + f"    endpoint: /svc\n    configuration:\n      {kind}:\n" + "".join(
        f"        - {line}\n" for line in entries.strip().splitlines())


@pytest.mark.parametrize("key", ["PORT", "port", "Port", "K_SERVICE", "k_revision", "K_Configuration"])
def test_reserved_keys(messages, key):
    assert messages(config(f"{{key: {key}, description: d}}")) == [
        f'[deployAs.0.configuration.standardConfiguration.0.key]: Key "{key}" is a reserved word']


@pytest.mark.parametrize("key", ["A", "MY-KEY", "KEY.NAME", "x" * 257])
def test_invalid_keys(messages, key):
    [message] = messages(config(f"{{key: '{key}', description: d}}"))
    assert message.startswith(f"[deployAs.0.configuration.standardConfiguration.0.key]: Invalid key '{key[:20]}")


@pytest.mark.parametrize("entry, message", [
    ("{key: AB, description: ''}", ".description]: Expected a non-empty string that is not only whitespace"),
    ("{key: AB, description: '   '}", ".description]: Expected a non-empty string that is not only whitespace"),
    ("{key: AB}", ".description]: Required"),
    ("{description: d}", ".key]: Required"),
    ("{key: AB, description: d, required: yes}", ".required]: Expected boolean, received string"),
    ("{key: AB, description: d, required: 'true'}", ".required]: Expected boolean, received string"),
    ("{key: AB, description: d, default: 5}", ".default]: Expected string, received number"),
    ("{key: AB, description: d, default: true}", ".default]: Expected string, received boolean"),
    ("{key: AB, description: d, default: ''}", ".default]: Expected a non-empty string that is not only whitespace"),
    ("{key: AB, description: d, default: ' '}", ".default]: Expected a non-empty string that is not only whitespace"),
    ("{key: AB, description: d, secret: true}", "]: Unrecognized key(s) in object: 'secret'"),
    ("{key: 12, description: d}", ".key]: Expected string, received number"),
    ("{key: [PORT], description: d}", ".key]: Expected string, received array"),
])
def test_configuration_entry_rules(messages, entry, message):
    assert messages(config(entry)) == ["[deployAs.0.configuration.standardConfiguration.0" + message]


def test_duplicate_key_within_an_app_standard_and_secured(issues):
    text = config("{key: API_KEY, description: d}") + "      securedConfiguration:\n        - {key: API_KEY, description: d}\n"
    assert issues(text) == [("[deployAs.0.configuration]: Duplicate key found API_KEY", 9)]


def test_same_key_in_two_apps_is_legal(messages):
    assert messages("""
        deployAs:
          - name: one
            applicationType: service
            endpoint: /one
            configuration: {standardConfiguration: [{key: SHARED, description: d}]}
          - name: two
            applicationType: service
            endpoint: /two
            configuration: {standardConfiguration: [{key: SHARED, description: d}]}
        """) == []


def test_duplicate_global_keys(issues):
    assert issues("""
        deployAs:
          - name: svc
            applicationType: service
            endpoint: /svc
            configuration:
              standardConfiguration: [{key: REGION, description: d}]
        inheritAs:
          configuration:
            standardConfiguration: [{key: REGION, description: d}]
            securedConfiguration: [{key: REGION, description: d}]
        """) == [("[file content]: Duplicate global key found REGION", 6),
                 ("[file content]: Duplicate global key found REGION", 10)]


@pytest.mark.parametrize("scripts, message", [
    ("{postDeploy: ''}", "[deployAs.0.scripts.postDeploy]: Expected a non-empty string that is not only whitespace"),
    ("{preUndeploy: '  '}", "[deployAs.0.scripts.preUndeploy]: Expected a non-empty string that is not only whitespace"),
    ("{postdeploy: npm run x}", "[deployAs.0.scripts]: Unrecognized key(s) in object: 'postdeploy'"),
    ("npm run x", "[deployAs.0.scripts]: Expected object, received string"),
])
def test_scripts(messages, scripts, message):
    assert messages(SERVICE_HEAD + f"    endpoint: /svc\n    scripts: {scripts}\n") == [message]


@pytest.mark.parametrize("health, message", [
    ("{path: /health}", None),
    ("{path: /health, intervalSeconds: 20, timeoutSeconds: 1, unhealthyThreshold: 3}", None),
    ("{intervalSeconds: 5}", "[deployAs.0.healthCheck.path]: Required"),
    ("{path: /h, intervalSeconds: 21}", "[deployAs.0.healthCheck.intervalSeconds]: Number must be less than or equal to 20"),
    ("{path: /h, timeoutSeconds: 0}", "[deployAs.0.healthCheck.timeoutSeconds]: Number must be greater than or equal to 1"),
    ("{path: /h, unhealthyThreshold: 2.5}", "[deployAs.0.healthCheck.unhealthyThreshold]: Expected integer, received float"),
    ("{path: /h, intervalSeconds: '5'}", "[deployAs.0.healthCheck.intervalSeconds]: Expected number, received string"),
    ("{path: //h}", "[deployAs.0.healthCheck.path]: Double slashes are not allowed"),
    ("{path: /h, port: 8080}", "[deployAs.0.healthCheck]: Unrecognized key(s) in object: 'port'"),
])
def test_health_check(messages, health, message):
    assert messages(SERVICE_HEAD + f"    endpoint: /svc\n    healthCheck: {health}\n") == ([message] if message else [])


def event(policy: str) -> str:
    return f"deployAs:\n  - name: ev\n    applicationType: event\n    endpoint: /ev\n    retryPolicy: {policy}\n"


@pytest.mark.parametrize("policy, expected", [
    ("{strategy: immediate}", []),
    ("{strategy: exponential-backoff, minBackoffSeconds: 1, maxBackoffSeconds: 600, maxAttempts: 100}", []),
    ("{strategy: immediate, maxAttempts: 5}", ["[deployAs.0.retryPolicy]: Unrecognized key(s) in object: 'maxAttempts'"]),
    ("{strategy: exponential-backoff, minBackoffSeconds: 1}", ["[deployAs.0.retryPolicy.maxBackoffSeconds]: Required"]),
    ("{strategy: exponential-backoff, minBackoffSeconds: 0, maxBackoffSeconds: 601}", [
        "[deployAs.0.retryPolicy.minBackoffSeconds]: Number must be greater than or equal to 1",
        "[deployAs.0.retryPolicy.maxBackoffSeconds]: Number must be less than or equal to 600"]),
    ("{strategy: exponential-backoff, minBackoffSeconds: 30, maxBackoffSeconds: 10}", [
        "[deployAs.0.retryPolicy]: minBackoffSeconds must be less than or equal to maxBackoffSeconds"]),
    ("{strategy: exponential-backoff, minBackoffSeconds: 1, maxBackoffSeconds: 2, maxAttempts: 101}", [
        "[deployAs.0.retryPolicy.maxAttempts]: Number must be less than or equal to 100"]),
    ("{strategy: linear}", [
        "[deployAs.0.retryPolicy.strategy]: Invalid discriminator value. Expected 'immediate' | 'exponential-backoff'"]),
])
def test_retry_policy(messages, policy, expected):
    assert messages(event(policy)) == expected


def test_retry_policy_only_for_events(messages):
    assert messages(SERVICE_HEAD + "    endpoint: /svc\n    retryPolicy: {strategy: immediate}\n") == [
        "[deployAs.0]: Unrecognized key(s) in object: 'retryPolicy'"]


def test_health_check_not_for_jobs(messages):
    assert messages("""
        deployAs:
          - name: job
            applicationType: job
            endpoint: /job
            properties: {schedule: '@daily'}
            healthCheck: {path: /h}
        """) == ["[deployAs.0]: Unrecognized key(s) in object: 'healthCheck'"]


def job(schedule: str) -> str:
    return f"deployAs:\n  - name: job\n    applicationType: job\n    endpoint: /job\n    properties:\n      schedule: {schedule}\n"


@pytest.mark.parametrize("schedule", [
    "'*/5 * * * *'", "'*/1 * * * *'", "'0 * * * *'", "'0 * * * 7'", "'@daily'", "'@yearly'", "'@reboot'",
    "'@every 1h30m'", "'@every 10µs'", "'0 0 * * * *'", "'0 0 1 1 * * 2030'", "'0,15,30,45 1-5 * * 1/2'",
    "'run at 0 0 * * * please'", "'*****'",
])
def test_schedules_the_official_search_accepts(messages, schedule):
    assert messages(job(schedule)) == []


@pytest.mark.parametrize("schedule", ["'every day'", "'@sometimes'", "'0 0 * *'", "'MON'", "''", "'@every'"])
def test_schedules_the_official_search_rejects(messages, schedule):
    [message] = messages(job(schedule))
    assert message.startswith("[deployAs.0.properties.schedule]: Invalid schedule ")


def test_schedule_shape(messages):
    assert messages(job("5")) == ["[deployAs.0.properties.schedule]: Expected string, received number"]
    assert messages(job("'@daily'\n      timezone: UTC")) == [
        "[deployAs.0.properties]: Unrecognized key(s) in object: 'timezone'"]
    assert messages(job("'" + "1 " * 200 + "'")) == [
        "[deployAs.0.properties.schedule]: String must contain at most 256 character(s)"]


@pytest.mark.parametrize("hostile", ["1-" * 128, "1," * 128, "1/" * 128, "11 " * 85, "*/" * 128, "1-1 x" * 50])
def test_schedule_search_does_not_backtrack(messages, hostile):
    started = time.monotonic()
    messages(job(f"'{hostile[:256]}'"))
    assert time.monotonic() - started < 20  # catastrophic backtracking would take hours


def test_assets_take_only_name_and_type(messages):
    assert messages("""
        deployAs:
          - name: web
            applicationType: assets
            endpoint: /web
            configuration: {}
            scripts: {postDeploy: x}
        """) == ["[deployAs.0]: Unrecognized key(s) in object: 'endpoint', 'configuration', 'scripts'"]


def test_custom_view_rules(messages):
    assert messages("""
        deployAs:
          - name: view
            applicationType: merchant-center-custom-view
            configuration:
              standardConfiguration:
                - {key: CUSTOM_VIEW_ID, description: id}
        """) == [
        "[file content]: Application view is missing CLOUD_IDENTIFIER configuration.",
        "[deployAs.0.configuration.standardConfiguration.0]: Custom view must have CUSTOM_VIEW_ID with required: true",
    ]


def test_mc_keys_must_be_required_true(messages):
    assert messages("""
        deployAs:
          - name: mc
            applicationType: mc-app
            configuration:
              standardConfiguration:
                - {key: CUSTOM_APPLICATION_ID, description: id, required: false}
                - {key: ENTRY_POINT_URI_PATH, description: path, required: true}
                - {key: CLOUD_IDENTIFIER, description: cloud}
        """) == [
        "[deployAs.0.configuration.standardConfiguration.0]: Mc app must have CUSTOM_APPLICATION_ID with required: true",
        "[file content]: Application mc is missing CLOUD_IDENTIFIER configuration. (it is declared but has neither "
        "required: true nor a default)",
    ]


def test_cloud_identifier_from_inherit_as(messages):
    text = """
        deployAs:
          - name: mc
            applicationType: merchant-center-custom-application
            configuration:
              standardConfiguration:
                - {key: CUSTOM_APPLICATION_ID, description: id, required: true}
                - {key: ENTRY_POINT_URI_PATH, description: path, required: true}
        inheritAs:
          configuration:
            standardConfiguration:
              - {key: CLOUD_IDENTIFIER, description: cloud, required: REQ}
        """
    assert messages(text.replace("REQ", "true")) == []
    assert messages(text.replace("REQ", "false")) == [
        "[file content]: Application mc is missing CLOUD_IDENTIFIER configuration."]


def test_mc_app_needs_configuration(messages):
    assert messages("deployAs:\n  - {name: mc, applicationType: mc-app}\n") == [
        "[file content]: Application mc is missing CLOUD_IDENTIFIER configuration.",
        "[deployAs.0]: Mc app must have CUSTOM_APPLICATION_ID",
        "[deployAs.0]: Mc app must have ENTRY_POINT_URI_PATH",
        "[deployAs.0.configuration]: Required",
    ]


@pytest.mark.parametrize("inherit, message", [
    ("{apiClient: {}}", "[inheritAs.apiClient.scopes]: Required"),
    ("{apiClient: {scopes: ['']}}", "[inheritAs.apiClient.scopes.0]: Expected a non-empty scope name"),
    ("{apiClient: {scopes: [view_orders], name: x}}", "[inheritAs.apiClient]: Unrecognized key(s) in object: 'name'"),
    ("{apiClient: {scopes: manage_orders}}", "[inheritAs.apiClient.scopes]: Expected array, received string"),
    ("{configuration: {variables: []}}", "[inheritAs.configuration]: Unrecognized key(s) in object: 'variables'"),
    ("{secrets: []}", "[inheritAs]: Unrecognized key(s) in object: 'secrets'"),
    ("[]", "[inheritAs]: Expected object, received array"),
])
def test_inherit_as_shape(messages, inherit, message):
    assert messages(f"deployAs:\n  - {{name: web, applicationType: assets}}\ninheritAs: {inherit}\n") == [message]


def test_html_is_kept_verbatim_in_messages(messages):
    [message] = messages("deployAs:\n  - {name: '<script>alert(1)</script>', applicationType: assets}\n")
    assert "'<script>alert(1)</script>'" in message
