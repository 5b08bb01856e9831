"""postDeploy / preUndeploy of a local preview: the connect.yaml command, in the app's folder, with the
app's configuration plus the CONNECT_* variables Connect gives to scripts (docs/preview.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from certifier.collect.preview.network import PreviewNetwork

SCRIPT_BUDGET_S = 300.0
GCP_PROJECT_ID = "cert-gcp-project"
# The starter kit's event template reads CONNECT_PROVIDER: `AZURE` selects Service Bus, anything else Pub/Sub.
CLOUD_PROVIDER = "GCP"


@dataclass(frozen=True)
class ScriptRun:
    name: str  # postDeploy | preUndeploy
    attempt: int
    result: Any  # runner.ProcessResult

    @property
    def ok(self) -> bool:
        return bool(self.result.ok)

    def evidence(self) -> dict[str, Any]:
        return {"script": self.name, "attempt": self.attempt, **self.result.evidence(2000)}


def connect_variables(app_type: str, app_name: str, service_url: str | None) -> dict[str, str]:
    if app_type == "service" and service_url:
        return {"CONNECT_SERVICE_URL": service_url}
    if app_type == "event":  # a deployment in a GCP region delivers through Pub/Sub
        return {"CONNECT_SUBSCRIPTION_DESTINATION": "GoogleCloudPubSub", "CONNECT_PROVIDER": CLOUD_PROVIDER,
                "CONNECT_GCP_PROJECT_ID": GCP_PROJECT_ID, "CONNECT_GCP_TOPIC_NAME": topic_name(app_name)}
    return {}


def topic_name(app_name: str) -> str:
    """One topic per event app, so a subscription tells which app it delivers to."""
    return f"cert-topic-{app_name}"


def run_script(name: str, attempt: int, command: str, app_dir: Path, workspace: Any, env: dict[str, str],
               secrets: tuple[str, ...], network: PreviewNetwork | None = None) -> ScriptRun:
    """Run the script on the preview's network (it reaches the emulator and its app, nothing else)."""
    from certifier.sandbox import runner

    options = (network or PreviewNetwork()).runner_options()
    result = runner.run(["sh", "-c", command], cwd=app_dir, workspace=workspace, env=env,
                        limits=runner.Limits(wall_s=SCRIPT_BUDGET_S), redact=secrets, **options)
    return ScriptRun(name, attempt, result)
