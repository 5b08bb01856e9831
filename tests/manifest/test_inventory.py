"""take_inventory: one load, a Connector whenever deployAs is a list, Apps only for safe names."""

from __future__ import annotations

import os

from certifier.connector.model import ConfigEntry
from certifier.connector.manifest import ManifestLoad


def test_minimal_fixture(connector, inventory_of):
    root = connector(open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "connectors", "minimal",
                                       "connect.yaml")).read())
    inventory = inventory_of(root)
    assert isinstance(inventory.manifest, ManifestLoad)
    model = inventory.connector
    assert model is not None and model.root == root and model.manifest_file == "connect.yaml"
    assert model.files == inventory.checkout.files and "hello-service/package.json" in model.files
    [app] = model.apps
    assert (app.index, app.name, app.type, app.folder, app.manifest_path) == (0, "hello-service", "service",
                                                                           "hello-service", "deployAs.0")
    assert app.path == (root / "hello-service").resolve()
    assert app.endpoint == "/hello"
    assert app.scripts["postDeploy"].startswith("npm install")
    assert app.config[0] == ConfigEntry(key="CTP_REGION", description="commercetools Composable Commerce API region",
                                        required=True, default="europe-west1.gcp", secured=False,
                                        manifest_path="deployAs.0.configuration.standardConfiguration.0")
    assert [e.key for e in app.config if e.secured] == ["CTP_CLIENT_ID", "CTP_CLIENT_SECRET"]
    assert model.api_scopes is None and model.global_config == ()
    assert model.locate("deployAs.0.endpoint").display() == "connect.yaml:4:5"


def test_schema_invalid_manifest_still_gives_a_model(connector, inventory_of):
    root = connector("""
        deployAs:
          - name: hello-service
            applicationType: servce
            endpoint: 5
            configuration:
              standardConfiguration:
                - {key: 7, description: d}
                - {key: GOOD, description: 3, required: yes, default: 5}
          - just a string
          - name: ../evil
            applicationType: service
          - name: a/b
            applicationType: service
        inheritAs:
          configuration:
            securedConfiguration: [{key: TOKEN, description: t}]
          apiClient:
            scopes: [manage_orders, 5, view_orders]
        """)
    model = inventory_of(root).connector
    [app] = model.apps
    assert app.type == "servce" and app.endpoint is None
    assert app.config == (ConfigEntry(key="GOOD", description=None, required=None, default=None, secured=False,
                                      manifest_path="deployAs.0.configuration.standardConfiguration.1"),)
    assert model.global_config == (ConfigEntry(key="TOKEN", description="t", required=None, default=None,
                                               secured=True, is_global=True,
                                               manifest_path="inheritAs.configuration.securedConfiguration.0"),)
    assert model.api_scopes == ("manage_orders", "view_orders")


def test_no_model_without_a_deploy_as_list(connector, inventory_of):
    assert inventory_of(connector("deployAs: {a: 1}\n")).connector is None
    assert inventory_of(connector("inheritAs: {}\n")).connector is None
    assert inventory_of(connector(None)).connector is None
    assert inventory_of(connector("deployAs: [\n")).connector is None
    assert inventory_of(connector("- deployAs\n")).connector is None


def test_unsafe_names_never_touch_the_file_system(connector, inventory_of, tmp_path):
    (tmp_path / "evil").mkdir()
    root = connector("deployAs:\n  - {name: ../evil, applicationType: service, endpoint: /x}\n"
                     "  - {name: /etc, applicationType: service, endpoint: /x}\n"
                     "  - {name: ., applicationType: service, endpoint: /x}\n")
    assert inventory_of(root).connector.apps == ()


def test_app_path_is_none_when_missing_wrong_case_or_a_file(connector, inventory_of):
    root = connector("""
        deployAs:
          - {name: Hello-Service, applicationType: service, endpoint: /a}
          - {name: absent, applicationType: service, endpoint: /b}
          - {name: README.md, applicationType: assets}
          - {name: LICENSE, applicationType: assets}
        """)
    assert [(a.name, a.path) for a in inventory_of(root).connector.apps] == [
        ("Hello-Service", None), ("absent", None), ("LICENSE", None)]


def test_symlinked_app_folders(connector, inventory_of, tmp_path):
    root = connector("""
        deployAs:
          - {name: inside, applicationType: service, endpoint: /a}
          - {name: outside, applicationType: service, endpoint: /b}
          - {name: etc, applicationType: service, endpoint: /c}
          - {name: loop, applicationType: service, endpoint: /d}
          - {name: itself, applicationType: service, endpoint: /e}
        """)
    (root / "inside").symlink_to("hello-service")
    (root / "outside").symlink_to("../..")
    (root / "etc").symlink_to("/etc")
    (root / "loop").symlink_to("loop")
    (root / "itself").symlink_to(".")
    paths = {a.name: a.path for a in inventory_of(root).connector.apps}
    assert paths == {"inside": (root / "hello-service").resolve(), "outside": None, "etc": None, "loop": None,
                     "itself": None}
