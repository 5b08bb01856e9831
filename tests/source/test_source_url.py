"""Source classification and tag validation: pure functions, no git involved."""

from __future__ import annotations

import pytest

from certifier.source.checkout import SourceError
from certifier.source.fetch import redact_source
from certifier.source.url import SourceKind, classify_source, validate_tag


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("https://github.com/owner/name.git", SourceKind.HTTPS),
        ("https://[::1]:8443/owner/name.git", SourceKind.HTTPS),
        ("ssh://git@github.com/owner/name.git", SourceKind.SSH),
        ("ssh://git@127.0.0.1:2222/owner/name.git", SourceKind.SSH),
        ("git@github.com:owner/name.git", SourceKind.SSH),
        ("github.com:owner/name.git", SourceKind.SSH),
    ],
)
def test_remote_sources_are_classified(source, kind):
    spec = classify_source(source)
    assert spec.kind is kind
    assert spec.url == source
    assert spec.is_remote


def test_local_path_becomes_a_file_url(tmp_path):
    folder = tmp_path / "a dir"
    folder.mkdir()
    spec = classify_source(str(folder))
    assert spec.kind is SourceKind.LOCAL
    assert spec.url == "file://" + str(folder.resolve()).replace(" ", "%20")
    assert spec.local_path == folder


def test_file_url_keeps_its_path(tmp_path):
    spec = classify_source(f"file://{tmp_path}")
    assert spec.kind is SourceKind.FILE
    assert spec.local_path == tmp_path


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("ext::sh -c touch% /tmp/pwned", "remote helper"),
        ("fd::3", "remote helper"),
        ("-oProxyCommand=touch /tmp/pwned", "starts with '-'"),
        ("--upload-pack=touch /tmp/pwned", "starts with '-'"),
        ("http://example.com/x.git", "http://"),
        ("git://example.com/x.git", "unsupported"),
        ("ftp://example.com/x.git", "unsupported"),
        ("ssh://-oProxyCommand=x/y", "malformed"),
        ("git@-oProxyCommand=x:y", "malformed ssh"),
        ("host:-path", "starts with '-'"),
        ("git@-host:o/r.git", "starts with '-'"),
        ("https://example.com/x.git\nfoo", "control characters"),
        ("file://otherhost/srv/x.git", "host"),
        ("", "no repository"),
    ],
)
def test_unsupported_sources_are_refused_with_exit_2(source, words):
    with pytest.raises(SourceError) as caught:
        classify_source(source)
    assert caught.value.exit_code == 2
    assert words in str(caught.value)


def test_http_only_when_allowed():
    assert classify_source("http://127.0.0.1/x.git", allow_http=True).kind is SourceKind.HTTP


def test_missing_local_path_is_an_input_error(tmp_path):
    with pytest.raises(SourceError) as caught:
        classify_source(str(tmp_path / "nope"))
    assert caught.value.exit_code == 2
    assert "does not exist" in str(caught.value)


def test_credentials_are_redacted_from_display():
    spec = classify_source("https://user:s3cret@example.com/o/r.git")
    assert "s3cret" not in spec.display
    assert spec.display == "https://***@example.com/o/r.git"
    assert redact_source("https://tok@example.com/o/r.git") == "https://***@example.com/o/r.git"
    assert redact_source("git@example.com:o/r.git") == "git@example.com:o/r.git"


@pytest.mark.parametrize("tag", ["v1.0.0", "1.0.0", "release/2024-01", "v1.0.0-rc.1", "v1@build"])
def test_platform_tags_are_accepted(tag):
    validate_tag(tag)


@pytest.mark.parametrize("tag", ["-v1", "--upload-pack=x", "v1..2", "*v1", "_v1", ".v1", "v 1", "v1\n", "ü1",
                                 "v" * 256, ""])
def test_invalid_tags_are_refused(tag):
    with pytest.raises(SourceError) as caught:
        validate_tag(tag)
    assert caught.value.exit_code == 2
