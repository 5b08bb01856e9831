"""struct.support-contact: the README says whom to contact (a support/contact section, an email, a link)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from certifier.checks.registry import Scope, check
from certifier.checks.structure._readme import heading_matches, headings, read_readme
from certifier.connector.structure_rules import rule
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}")
_URL = re.compile(r"https?://[^\s)>\]]{3,}")


@check(
    id="struct.support-contact",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="README gives creator contact information",
    rationale="Certification requires creator information and a contact, so merchants and the marketplace "
    "know whom to ask when the connector misbehaves.",
    remediation="Add a `## Support` (or Contact) section to README.md with an email address or a support/issue "
    "tracker URL.",
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
)
def support_contact(ctx: CheckContext) -> Iterator[Finding]:
    read = read_readme(ctx)
    if read is None or read.text is None:
        why = "there is no README at the root" if read is None else f"{read.path} {read.problem}"
        yield Finding(
            message=f"No contact information: {why}",
            severity=Severity.ERROR,
            location=Location(path=read.path if read else "README.md"),
            rule="no-readme",
            remediation="Add README.md with a Support section (email or support URL).",
        )
        return
    if contact_evidence(read.text) is None:
        yield Finding(
            message=f"{read.path} has no support or contact section, email address, or support link",
            severity=Severity.ERROR,
            location=Location(path=read.path),
            rule="none",
            remediation=f"Add a `## Support` section to {read.path} with an email address or a support URL.",
        )


def contact_evidence(text: str) -> str | None:
    """What shows a contact (pure): a contact heading, an email, or a URL on a line about support."""
    for heading in headings(text):
        if heading_matches(heading.text, rule("readme", "contact_headings")):
            return f"heading {heading.text!r}"
    email = _EMAIL.search(text)
    if email:
        return f"email {email.group(0)}"
    words = rule("readme", "contact_line_words")
    for line in text.splitlines():
        if _URL.search(line) and heading_matches(line, words):
            return f"link on line {line.strip()[:80]!r}"
    return None
