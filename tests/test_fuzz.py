"""No internal error, ever: damaged manifests and texts give diagnostics, each with a code and a
place in the input, or a result; never an exception out of a stage (issue 11, first part).

Hypothesis mutates a valid manifest and a valid text: deletes and duplicates slices, inserts
brackets, tabs, anchors, aliases, tags, '---', ':::', control characters and odd line ends.
The number of examples is kept small for CI (PUBKIT_FUZZ_EXAMPLES raises it); what Hypothesis
finds is kept in its example database and tried first next time.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from pubkit.config.manifest import load_manifest
from pubkit.texts import read_text

EXAMPLES = int(os.environ.get("PUBKIT_FUZZ_EXAMPLES", "300"))
MANIFEST = """title: A Book
subtitle: Of Tests
creators:
  - {name: Ann Author, role: author, file_as: "Author, Ann"}
language: en
date: 2024-01-02
isbn: {epub: 978-0-306-40615-7}
front: [titlepage, contents, {preface: texts/one.md}]
body:
  - part: A Part
    chapters: [texts/two.md]
back: [notes]
print: {trim: 6x9in, pod: kdp}
"""
TEXT = """---
title: Two
author: [Ann Author]
date: 1928
source: a journal
lang: fr
---
# Two

Words with a note.[^1] And a [link](one.md#x).

> A quote.

[^1]: The note.
"""
PIECES = ["[", "]", "{", "}", ":", "- ", "\t", "&a ", "*a", "!x ", "!!binary ", "---\n", ":::", "\x00", "\x1b",
          "\x85", "\u2028", "\ufeff", "\r", "\r\n", "\ud800", '"', "'", "#", "|", ">", "%YAML 1.1\n", "? ", "<<: *a\n"]


@st.composite
def damaged(draw, source: str) -> str:
    text = source
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES) | st.text(max_size=3)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        else:
            text = text[:at] + text[at:at + draw(st.integers(1, 30))] * 2 + text[at:]
    return text


def write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogatepass"))


def assert_contract(result, problems, file: str) -> None:
    assert result is not None or problems, "neither a result nor a diagnostic"
    for problem in problems:
        assert problem.code and problem.location is not None, problem
        assert problem.location.file.endswith(file), problem


FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])


@FUZZ
@given(damaged(MANIFEST))
def test_a_damaged_manifest_gives_diagnostics_not_an_exception(tmp_path_factory, text):
    root = tmp_path_factory.mktemp("m")
    (root / "texts").mkdir()
    write(root / "texts/one.md", "# One\n")
    write(root / "texts/two.md", TEXT)
    write(root / "book.yaml", text)
    manifest, problems = load_manifest(root / "book.yaml")
    assert_contract(manifest, problems, "book.yaml")


@FUZZ
@given(damaged(TEXT))
def test_a_damaged_text_gives_diagnostics_not_an_exception(tmp_path_factory, text):
    root = tmp_path_factory.mktemp("t")
    write(root / "two.md", text)
    found, problems = read_text(root / "two.md")
    assert_contract(found, problems, "two.md")
