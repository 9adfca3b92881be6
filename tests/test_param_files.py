"""Reading parameter files: a text read before is not parsed again, and nothing a caller does to
what it was given, nor a file's timestamps, can make a reading differ from the file's text."""

from __future__ import annotations

import os

import pytest

from evaluation.core.errors import ParameterError
from evaluation.data import param_files
from evaluation.data.param_files import read_yaml


def test_a_second_reading_is_not_parsed_again_and_is_a_copy(tmp_path, monkeypatch):
    path = tmp_path / "cohort-1.yaml"
    path.write_text("programme: demo\ncohort: 1\nbootstrap: {resamples: 2000, seed: 7}\n")
    first = read_yaml(path)
    parses = []
    monkeypatch.setattr(param_files.yaml, "load", lambda *a, **k: parses.append(a) or {})
    second = read_yaml(path)
    assert parses == []  # served from the parsed text
    assert second == first == {"programme": "demo", "cohort": 1, "bootstrap": {"resamples": 2000, "seed": 7}}
    first["bootstrap"]["seed"] = 8  # a caller's change stays with that caller
    assert read_yaml(path)["bootstrap"]["seed"] == 7


def test_an_edit_that_keeps_the_size_and_timestamps_is_read(tmp_path):
    path = tmp_path / "cohort-1.yaml"
    path.write_text("programme: demo\nseed: 1\n")
    stat = path.stat()
    assert read_yaml(path)["seed"] == 1
    path.write_text("programme: demo\nseed: 2\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert read_yaml(path)["seed"] == 2


def test_a_text_that_fails_fails_every_time_with_its_own_file_named(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("programme: [demo\n")
        for _ in range(2):
            with pytest.raises(ParameterError, match=rf"{name}, line 2: not valid YAML"):
                read_yaml(tmp_path / name)
