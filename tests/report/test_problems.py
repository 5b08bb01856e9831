"""The problem model shared by the HTML report, the Markdown summary and the terminal: findings grouped by
root cause, one fix each, links to the certified commit and to advisories, waiver entries, the delta."""

from __future__ import annotations

import datetime as dt

import pytest
from ruamel.yaml import YAML

from certifier.core.decision import FindingStatus
from certifier.core.model import Location, Outcome, Severity, Stage
from certifier.core.report import Provenance
from certifier.policy.waivers import load_waivers
from certifier.report.problems import (SourceLinks, advisory_link, delta_of, first_sentence, headline, plural,
                                       problems)

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def advisory(id_, fixed, level="HIGH", aliases=()):
    return {"id": id_, "fixed": fixed, "level": level, "aliases": list(aliases)}


def lodash(make_finding, check="deps.vulnerable-dependency", app="hello-service", lockfile="hello-service/package-lock.json"):
    props = {"package": "lodash", "version": "4.17.15", "ecosystem": "npm", "fixed": "4.17.21", "direct": True,
             "lockfiles": [lockfile],
             "advisories": [advisory("GHSA-35jh-r3h4-6jhm", "4.17.21", aliases=["CVE-2021-23337"]),
                            advisory("GHSA-p6mc-m468-83gw", "4.17.19", aliases=["CVE-2020-8203"]),
                            advisory("GHSA-29mw-wpgm-hmr9", "4.17.21", "MODERATE", ["CVE-2020-28500"])]}
    return make_finding("lodash@4.17.15 is affected by 3 advisories", path=lockfile, line=17, check=check, app=app,
                        key=f"GHSA-35jh-r3h4-6jhm {lockfile}", properties=props)


@pytest.fixture
def six(make_report, make_result, make_finding, make_verdicts):
    """A report with the issue's six defects, one of them (the README) seen by two checks."""
    secret = make_finding("Possible secret (hardcoded credential) in src/creds.js line 6: Qm\u2026(redacted)",
                          path="hello-service/src/creds.js", line=6, check="sec.secrets", tool="semgrep",
                          seen_by=("certifier", "detect-secrets", "semgrep"),
                          properties={"snippet": "clientSecret: '\u00abredacted\u00bb',"},
                          remediation="Remove the value and rotate the credential.")
    code = make_finding("Code is evaluated from a value that is not a constant. Whoever controls it runs code.",
                        path="hello-service/src/rule.js", line=5, check="sec.sast", app="hello-service",
                        tool="semgrep", rule="eval-dynamic", properties={"snippet": "eval(req.body.x);"},
                        remediation="Do not evaluate code built at run time.")
    log = make_finding("console.log in application code.", path="hello-service/src/index.js", line=32,
                       check="sec.sast", app="hello-service", tool="semgrep", rule="no-console-log",
                       seen_by=("sec.sast@hello-service/semgrep:log-environment",
                                "sec.sast@hello-service/semgrep:no-console-log"),
                       also_at=(Location(path="shared/log.js", line=3),))
    readme = make_finding("The repository has no README at its root (README.md)", path="README.md",
                          check="struct.readme", remediation="Add README.md.")
    contact = make_finding("No contact information: there is no README at the root", path="README.md",
                           check="struct.support-contact", remediation="Add a Support section to README.md.")
    cron = make_finding("[deployAs.1.properties.schedule]: Invalid schedule 'every night': expected a cron "
                        "expression such as '0 0 * * *'", path="connect.yaml", line=28,
                        manifest_path="deployAs.1.properties.schedule", check="spec.schema")
    dep = lodash(make_finding)
    audited = make_finding("Audited 1 locked package", Severity.INFO, path="hello-service/package-lock.json",
                           check="deps.vulnerable-dependency", app="hello-service")
    results = [
        make_result("spec.schema", Stage.SPECIFICATION, Outcome.FAIL, findings=[cron]),
        make_result("struct.readme", Stage.STRUCTURE, Outcome.FAIL, findings=[readme]),
        make_result("struct.support-contact", Stage.STRUCTURE, Outcome.FAIL, findings=[contact]),
        make_result("sec.sast", Stage.SECURITY, Outcome.FAIL, app="hello-service", findings=[code, log]),
        make_result("sec.secrets", Stage.SECURITY, Outcome.FAIL, findings=[secret]),
        make_result("deps.vulnerable-dependency", Stage.DEPENDENCIES, Outcome.FAIL, app="hello-service",
                    findings=[dep, audited]),
        make_result("struct.license", Stage.STRUCTURE, Outcome.PASS),
    ]
    blocking = {f.fingerprint for r in results for f in r.findings if f.severity is Severity.ERROR}
    provenance = Provenance(source="https://github.com/acme/connector.git", tag="v1.0.0", tag_kind="annotated",
                            commit=COMMIT, tree="d" * 40)
    return make_report(results=results, verdicts=make_verdicts(results, blocking), provenance=provenance)


def test_six_defects_give_six_blocking_problems_one_per_root_cause(six):
    fix = problems(six, [FindingStatus.BLOCKS])
    assert len(fix) == 6
    titles = [p.title for p in fix]
    assert "lodash 4.17.15 \u2192 4.17.21 fixes 3 advisories" in titles
    readme = next(p for p in fix if p.places and p.places[0].location.path == "README.md")
    assert readme.check_ids == ("struct.readme", "struct.support-contact") and len(readme.fingerprints) == 2
    log = next(p for p in fix if p.title.startswith("console.log"))
    assert log.rules == ("no-console-log", "log-environment") and log.tools == ("semgrep",)
    assert [place.display() for place in log.places] == ["hello-service/src/index.js:32", "shared/log.js:3"]
    secret = next(p for p in fix if p.title.startswith("Possible secret"))
    assert secret.tools == ("semgrep", "certifier", "detect-secrets")
    assert secret.snippet == "6 | clientSecret: '\u00abredacted\u00bb',"


def test_one_fix_per_problem(six):
    fix = {p.title: p for p in problems(six, [FindingStatus.BLOCKS])}
    dep = fix["lodash 4.17.15 \u2192 4.17.21 fixes 3 advisories"]
    assert dep.fix == "Upgrade lodash to 4.17.21 or later and regenerate hello-service/package-lock.json."
    assert [a.link.text for a in dep.advisories] == ["GHSA-35jh-r3h4-6jhm", "GHSA-p6mc-m468-83gw", "GHSA-29mw-wpgm-hmr9"]
    assert dep.detail == ""  # the advisories are listed, not repeated as text
    cron = next(p for p in fix.values() if "schedule" in p.title)
    assert cron.title.startswith("Invalid schedule")  # the connect.yaml key is shown on its own
    assert cron.fix == "Set deployAs.1.properties.schedule in connect.yaml to a cron expression such as '0 0 * * *'."
    code = next(p for p in fix.values() if p.title.startswith("Code is evaluated"))
    assert code.title == "Code is evaluated from a value that is not a constant."
    assert code.detail == "Whoever controls it runs code." and code.fix == "Do not evaluate code built at run time."


def test_the_same_package_version_in_two_apps_is_one_problem(make_report, make_result, make_finding):
    one = lodash(make_finding, app="a", lockfile="a/package-lock.json")
    two = lodash(make_finding, app="b", lockfile="b/package-lock.json")
    results = [make_result("deps.vulnerable-dependency", Stage.DEPENDENCIES, Outcome.FAIL, app=app, findings=[f])
               for app, f in (("a", one), ("b", two))]
    (problem,) = problems(make_report(results=results))
    assert problem.apps == ("a", "b") and len(problem.fingerprints) == 2
    assert [p.display() for p in problem.places] == ["a/package-lock.json:17", "b/package-lock.json:17"]


def test_blocking_problems_come_first(six):
    statuses = [p.status for p in problems(six)]
    assert statuses[:6] == [FindingStatus.BLOCKS] * 6 and statuses[6:] == [FindingStatus.ADVISORY]


@pytest.mark.parametrize("source, url", [
    ("https://github.com/acme/connector.git", f"https://github.com/acme/connector/blob/{COMMIT}/src/a%20b.js#L7"),
    ("git@github.com:acme/connector.git", f"https://github.com/acme/connector/blob/{COMMIT}/src/a%20b.js#L7"),
    ("https://x-access-token:***@github.com/acme/connector", f"https://github.com/acme/connector/blob/{COMMIT}/src/a%20b.js#L7"),
    ("https://gitlab.com/group/sub/connector.git", f"https://gitlab.com/group/sub/connector/-/blob/{COMMIT}/src/a%20b.js#L7"),
    ("ssh://git@bitbucket.org/acme/connector.git", f"https://bitbucket.org/acme/connector/src/{COMMIT}/src/a%20b.js#lines-7"),
    ("https://example.com/acme/connector.git", None),
    ("/tmp/checkout", None),
    ("javascript:alert(1)//github.com/a/b", None),
])
def test_file_line_links_to_the_certified_commit_on_known_hosts(source, url):
    links = SourceLinks.of(Provenance(source=source, tag="v1", commit=COMMIT))
    assert links.url(Location(path="src/a b.js", line=7)) == url


def test_no_link_for_an_unsure_commit_or_a_path_leaving_the_repository():
    hosted = "https://github.com/acme/connector"
    assert SourceLinks.of(Provenance(source=hosted, commit="main")).host is None
    assert SourceLinks.of(Provenance(source=hosted, commit=COMMIT, working_tree=True, dirty=True)).host is None
    links = SourceLinks.of(Provenance(source=hosted, commit=COMMIT))
    for path in ("../etc/passwd", "/etc/passwd", "a//b", "a/\u202eb"):
        assert links.url(Location(path=path, line=1)) is None
    assert links.url(Location(path="README.md")) == f"{hosted}/blob/{COMMIT}/README.md"


@pytest.mark.parametrize("advisory_id, url", [
    ("GHSA-35jh-r3h4-6jhm", "https://github.com/advisories/GHSA-35jh-r3h4-6jhm"),
    ("CVE-2021-23337", "https://nvd.nist.gov/vuln/detail/CVE-2021-23337"),
    ("PYSEC-2021-19", "https://osv.dev/vulnerability/PYSEC-2021-19"),
    ("javascript:alert(1)", None),
    ("GHSA-<b>", None),
])
def test_advisory_ids_link_to_their_public_page(advisory_id, url):
    assert advisory_link(advisory_id).url == url


def test_waiver_entries_carry_the_full_fingerprint_and_load_once_filled_in(six, tmp_path):
    problem = next(p for p in problems(six) if p.check_ids == ("struct.readme", "struct.support-contact"))
    entries = YAML(typ="safe").load(problem.waiver)
    assert [e["fingerprint"] for e in entries] == list(problem.fingerprints)
    assert all(len(e["fingerprint"]) == 32 for e in entries)
    assert entries[0]["expires"] == (dt.date(2026, 1, 15) + dt.timedelta(days=90)).isoformat()
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n" + "\n".join("  " + line for line in problem.waiver.splitlines()))
    with pytest.raises(Exception, match="reason"):
        load_waivers(waivers, connector_root=None)  # reason and approver are left for a reviewer to fill in
    filled = problem.waiver.replace('reason: ""', 'reason: "accepted"').replace('approver: ""', 'approver: "rev"')
    waivers.write_text("waivers:\n" + "\n".join("  " + line for line in filled.splitlines()))
    loaded = load_waivers(waivers, connector_root=None)
    results = {r.check_id: r for r in six.results}
    for waiver, view in zip(loaded, problem.members):
        assert waiver.covers(results[waiver.check], view.finding)


def test_hostile_names_stay_quoted_in_waiver_entries(make_report, make_result, make_finding):
    app = 'x"\nfingerprint: "ffffffffffffffffffffffffffffffff'
    finding = make_finding("bad", path="a.js", line=1, check="sec.sast", app=app)
    report = make_report(results=[make_result("sec.sast", Stage.SECURITY, Outcome.FAIL, app=app, findings=[finding])])
    (entry,) = YAML(typ="safe").load(problems(report)[0].waiver)
    assert entry["app"] == app and entry["fingerprint"] == finding.fingerprint


def test_delta_is_read_defensively_and_marks_each_problem(six):
    assert delta_of(six) is None and all(p.delta is None for p in problems(six))
    fix = problems(six, [FindingStatus.BLOCKS])
    new, unchanged = fix[0].fingerprints[0], fix[1].fingerprints[0]
    delta = {"baseline": {"tag": "v0.9.0", "commit": None, "report_id": None},
             "counts": {"new": 1, "unchanged": 1, "fixed": 2, "waived": 0},
             "fingerprints": {"new": [new], "unchanged": [unchanged], "fixed": ["a" * 32, "b" * 32], "waived": []}}
    report = six.model_copy(update={"delta": delta})
    assert delta_of(report).line() == "1 new, 2 fixed, 1 unchanged findings since v0.9.0"
    marked = {p.key: p.delta for p in problems(report)}
    assert marked[fix[0].key] == "new" and marked[fix[1].key] == "unchanged" and marked[fix[2].key] is None
    odd = six.model_copy(update={"delta": {"baseline": None, "counts": None, "fingerprints": {"new": [1, None]}}})
    assert delta_of(odd).line() == "0 new, 0 fixed findings since the baseline"


def test_headline_and_plurals(six, make_report, make_result):
    assert headline(six) == "6 problems block the preview stage: fix them, then tag a new release."
    assert plural(1, "problem") == "1 problem" and plural(2, "advisory", "advisories") == "2 advisories"
    from certifier.core.decision import DecisionKind, Verdict
    clean = make_report(results=[make_result("spec.schema", Stage.SPECIFICATION, Outcome.PASS)],
                        kind=DecisionKind.POSITIVE, verdict=Verdict.ACCEPTED)
    assert headline(clean) == "No blocking problem: the connector passes the preview stage."
    assert first_sentence("console.log in app code. Use a logger.") == "console.log in app code."
    assert first_sentence("version 1.2.3 is affected") == "version 1.2.3 is affected"
