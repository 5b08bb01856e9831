"""What a check receives: the checkout, the inventory, run options and (per-app checks) the app."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from certifier.connector.inventory import Inventory
from certifier.connector.model import App, Connector
from certifier.collect.session import RunSession
from certifier.source.checkout import Checkout


@dataclass(frozen=True)
class RunOptions:
    """How a run is carried out. No cached (static) check may depend on any of it: results are cached by
    content alone (certifier.engine.cache), and what the profile decides is the policy's, never a check's."""

    stage: str = "preview"  # the decision level asked for (progress and logs only)
    workspace: Path | None = None  # run-private scratch space (evidence, builds)
    deployment: Path | None = None  # remote Deployment descriptor (preview stage)
    session: RunSession | None = None  # shared per-run work and clean-up (see certifier.collect.session)
    extra: dict[str, Any] = field(default_factory=dict)  # settings of the build stage (budgets)
    artifact_cache: Path | None = None  # where reusable artifacts (the SBOM) are kept; None with --no-cache


@dataclass(frozen=True)
class CheckContext:
    inventory: Inventory
    options: RunOptions
    app: App | None = None

    @property
    def checkout(self) -> Checkout:
        return self.inventory.checkout

    @property
    def connector(self) -> Connector:
        if self.inventory.connector is None:
            raise RuntimeError("check scheduled without a connector model")
        return self.inventory.connector

    @property
    def root(self) -> Path:
        return self.inventory.checkout.path

    @property
    def session(self) -> RunSession:
        if self.options.session is None:
            raise RuntimeError("this check needs a RunSession (RunOptions.session)")
        return self.options.session

    def for_app(self, app: App) -> "CheckContext":
        return replace(self, app=app)
