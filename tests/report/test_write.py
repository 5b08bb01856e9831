"""write_all: exactly six files, inside the output directory, the JSON sealed and valid."""

from __future__ import annotations

import json
import os

from certifier.report.canonical import seal, verify
from certifier.report.write import FILE_NAMES, write_all


def test_write_all_writes_exactly_the_six_files(report, tmp_path):
    out = tmp_path / "nested" / "out"
    paths = write_all(report, out)
    assert set(paths) == {"json", "html", "markdown", "connect", "sarif", "junit"}
    assert {p.name for p in paths.values()} == {"report.json", "report.html", "summary.md", "connect-report.json",
                                                "report.sarif", "junit.xml"}
    assert sorted(os.listdir(out)) == sorted(FILE_NAMES.values())  # no temporary files left behind
    assert all(p.parent == out and p.is_file() for p in paths.values())


def test_the_files_are_the_sealed_report_and_its_renderings(report, tmp_path):
    paths = write_all(report, tmp_path)
    sealed = seal(report)
    raw = paths["json"].read_bytes()
    assert raw.startswith(b'{\n  "aborted"')  # indented for people, keys sorted
    assert verify(raw).ok and json.loads(raw)["digest"] == sealed.digest
    assert sealed.digest in paths["html"].read_text(encoding="utf-8")
    assert sealed.digest[:16] in paths["markdown"].read_text(encoding="utf-8")
    assert json.loads(paths["connect"].read_text(encoding="utf-8"))["entries"]
    assert json.loads(paths["sarif"].read_text(encoding="utf-8"))["properties"]["reportDigest"] == sealed.digest
    assert f'value="{sealed.run_id}"' in paths["junit"].read_text(encoding="utf-8")


def test_a_planted_symlink_is_replaced_not_followed(report, tmp_path):
    out, outside = tmp_path / "out", tmp_path / "outside.txt"
    out.mkdir()
    outside.write_text("keep me")
    (out / "report.html").symlink_to(outside)
    paths = write_all(report, out)
    assert outside.read_text() == "keep me"
    assert not paths["html"].is_symlink() and "<!DOCTYPE html>" in paths["html"].read_text()


def test_writing_twice_overwrites_in_place(report, tmp_path):
    write_all(report, tmp_path)
    changed = report.model_copy(update={"run_id": "run-0002"})
    paths = write_all(changed, tmp_path)
    assert json.loads(paths["json"].read_bytes())["run_id"] == "run-0002"
    assert sorted(os.listdir(tmp_path)) == sorted(FILE_NAMES.values())


def test_hostile_report_is_written_without_error(hostile, tmp_path):
    paths = write_all(hostile, tmp_path)
    assert verify(paths["json"].read_bytes()).ok
    for path in paths.values():
        path.read_bytes().decode("utf-8")  # every file is valid UTF-8
