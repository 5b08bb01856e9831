"""Request and response bodies of the HTTP API (camelCase on the wire, like the Connect API).

Requests are strict: unknown fields, wrong types and out-of-range values are refused with a 422
that names the exact field (see certifier.service.api_errors)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator
from pydantic.alias_generators import to_camel

from certifier.source.checkout import SourceError
from certifier.source.url import validate_tag

Stage = Literal["preview", "publish", "certification"]
Status = Literal["queued", "running", "done", "error"]
IntegrationType = Literal["tax", "marketplace", "oms", "psp", "pim", "promotion", "search", "erp", "crm", "email",
                          "analytics", "shipping", "giftcard", "other"]


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


# --- requests --------------------------------------------------------------------------------------

class RepositoryRef(_Wire):
    url: str = Field(min_length=1, max_length=2048,
                     description="https:// or ssh (git@host:owner/name.git) URL; file:// and local paths only on "
                                 "servers started with --allow-local-sources")
    tag: str = Field(min_length=1, max_length=255, description="the git tag to certify")

    @field_validator("tag")
    @classmethod
    def _platform_tag(cls, tag: str) -> str:
        try:
            validate_tag(tag)
        except SourceError as error:
            raise ValueError(str(error)) from None
        return tag


class Creator(_Wire):
    email: str = Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    name: str | None = Field(default=None, max_length=256)
    title: str | None = Field(default=None, max_length=256)
    company: str | None = Field(default=None, max_length=256)
    logo_url: str | None = Field(default=None, max_length=2048)
    no_of_contributors: int | None = Field(default=None, ge=0, le=1_000_000)
    support_url: str | None = Field(default=None, max_length=2048)


class ConnectorMeta(_Wire):
    """The marketplace's ConnectorStaged fields that describe the connector (docs/connectors.md#connector-states)."""

    key: str = Field(pattern=r"^[A-Za-z0-9_-]{2,256}$")
    name: str | None = Field(default=None, max_length=256)
    description: str | None = Field(default=None, max_length=4096)
    creator: Creator | None = None
    integration_types: list[IntegrationType] = Field(default_factory=list, max_length=14)
    supported_regions: list[str] = Field(default_factory=list, max_length=50)
    private_projects: list[str] = Field(default_factory=list, max_length=200)
    documentation_url: str | None = Field(default=None, max_length=2048)

    @field_validator("supported_regions")
    @classmethod
    def _regions(cls, regions: list[str]) -> list[str]:
        for region in regions:
            if not (1 <= len(region) <= 64 and region.replace("-", "").replace(".", "").isalnum()):
                raise ValueError(f"region {region[:70]!r} is not a region name like europe-west1.gcp")
        return regions

    @field_validator("private_projects")
    @classmethod
    def _projects(cls, projects: list[str]) -> list[str]:
        for project in projects:
            region, sep, key = project.partition(":")
            if not sep or not region or not key or len(project) > 320:
                raise ValueError(f"private project {project[:70]!r} must be \"{{region}}:{{projectKey}}\"")
        return projects


class SubmitRun(_Wire):
    repository: RepositoryRef
    stage: Stage
    connector: ConnectorMeta
    deployment: dict[str, Any] | None = Field(
        default=None, description="Deployment descriptor for a remote preview (https:// URLs of the deployed apps, "
                                  "public addresses only)")
    callback_url: str | None = Field(default=None, max_length=2048,
                                     description="https:// URL of a public address that receives the signed "
                                                 "completion callback; no credentials, control characters or "
                                                 "fragment (docs/service.md#outbound-urls-and-secrets)")
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$",
                                        description="the same key with the same body returns the same run")


class ReviewRequest(_Wire):
    reviewer: str = Field(min_length=1, max_length=256, description="who decided (name or e-mail)")
    approve: StrictBool = Field(description="true: Listed and certified; false: Certification failed")
    comments: str = Field(default="", max_length=20_000)


# --- responses -------------------------------------------------------------------------------------

class DecisionView(_Wire):
    verdict: str
    kind: str
    exit_code: int
    summary: str


class ReviewView(_Wire):
    reviewer: str
    approve: bool
    comments: str
    at: datetime
    verdict_before: str
    verdict_after: str


class EventView(_Wire):
    at: datetime
    event: str
    detail: str
    actor: str | None = None


class ReportRevision(_Wire):
    revision: int
    origin: str = Field(description="automated | review")
    verdict: str


class RunView(_Wire):
    id: str
    status: Status
    stage: Stage
    repository: dict[str, str]
    connector: dict[str, Any]
    callback_url: str | None = None
    decision: DecisionView | None = None
    error: str | None = None
    attempts: int
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    reviews: list[ReviewView] = Field(default_factory=list)
    history: list[EventView] = Field(default_factory=list)
    reports: list[ReportRevision] = Field(default_factory=list)
    links: dict[str, str]


class RunSummary(_Wire):
    id: str
    status: Status
    stage: Stage
    repository: dict[str, str]
    connector_key: str | None = None
    decision: DecisionView | None = None
    created_at: datetime
    finished_at: datetime | None = None
    links: dict[str, str]


class RunList(_Wire):
    items: list[RunSummary]
    total: int
    limit: int
    offset: int


class AttemptView(_Wire):
    number: int
    at: datetime
    status_code: int | None = None
    error: str | None = None
    duration_s: float


class DeliveryView(_Wire):
    id: str
    event: str
    url: str
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status_code: int | None = None
    last_error: str | None = None
    created_at: datetime
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    attempt_log: list[AttemptView]


class DeliveryList(_Wire):
    items: list[DeliveryView]


class Health(_Wire):
    status: Literal["ok", "degraded"]
    database: str  # the backend's name when it answers, else "unreachable: ..."
    broker: str  # the broker's transport (or "none (embedded workers)"), else "unreachable: ..."
