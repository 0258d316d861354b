"""A deterministic book for benchmarks and tests: about N words of prose in M chapters, shaped like
this publisher's texts: footnotes, section headings, short and long block quotes (proclamations),
letters with signatures, verse, lists and the odd long table, written as pubkit texts plus a
manifest."""

from __future__ import annotations

import random
from pathlib import Path

WORDS = ("the party congress workers soviet committee bread grain price factory revolution "
         "secretariat opposition letter exile winter city district member vote question office "
         "power debate market peasant cloth rail clerk order meeting hall argument history year "
         "and of to in a that it was for on with as by at from but not which they this had").split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.15:
        words[rng.randrange(len(words))] = f'"{rng.choice(WORDS)}"'
    return " ".join(words) + rng.choice([".", ".", ".", ";", "?"])


def paragraph(rng: random.Random, n: int) -> str:
    return " ".join(sentence(rng) for _ in range(n))


def block(rng: random.Random, kind: float) -> str:
    """One block of a chapter other than a plain paragraph."""
    if kind < 0.06:  # a proclamation or decree: several paragraphs of quotation
        return "\n>\n".join("> " + paragraph(rng, rng.randint(3, 6)) for _ in range(rng.randint(1, 4)))
    if kind < 0.075:
        body = "\n\n".join(paragraph(rng, rng.randint(2, 5)) for _ in range(rng.randint(2, 5)))
        return f"::: letter\nDear comrades,\n\n{body}\n\n::: signature\nWith greetings,\nthe {rng.choice(WORDS)} committee\n:::\n:::"
    if kind < 0.085:
        lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 8))).capitalize()
                 for _ in range(rng.randint(6, 28))]
        return "::: verse\n" + "\n".join(lines) + "\n:::"
    if kind < 0.10:
        return "\n".join(f"{i}. {sentence(rng)}" for i in range(1, rng.randint(4, 14)))
    if kind < 0.104:
        rows = [f"| {1900 + i} | {rng.choice(WORDS)} {rng.choice(WORDS)} | {rng.randint(10, 9999)} |"
                for i in range(rng.randint(6, 48))]
        return "| Year | Question | Votes |\n|---|---|--:|\n" + "\n".join(rows)
    if kind < 0.13:
        return "> " + paragraph(rng, rng.randint(1, 2))
    text = paragraph(rng, 1)
    return f"## {text.split()[0]} {text.split()[1]}"


def generate(folder: Path, words: int, chapters: int = 32, parts: int = 0) -> list[Path]:
    """Write texts/chNN.md and book.yaml (chapters in ``parts`` parts, if any); return the texts in order."""
    rng = random.Random(1917)
    texts_dir = folder / "texts"
    texts_dir.mkdir(parents=True, exist_ok=True)
    per_chapter = words // chapters
    paths = []
    for c in range(1, chapters + 1):
        blocks, count, note = [f"---\ntitle: Chapter {c}\n---\n# Chapter {c}\n"], 0, 0
        notes = []
        while count < per_chapter:
            kind = rng.random()
            if kind < 0.17:
                text = block(rng, kind)
            else:
                text = paragraph(rng, rng.randint(3, 7))
                if rng.random() < 0.3:
                    note += 1
                    # labels unique across the book, since pandoc joins its inputs into one document
                    label = f"c{c}n{note}"
                    text += f"[^{label}]"
                    note_text = paragraph(rng, rng.randint(1, 2))
                    notes.append(f"[^{label}]: {note_text}")
                    count += len(note_text.split())
            blocks.append(text)
            count += len(text.split())
        path = texts_dir / f"ch{c:02d}.md"
        path.write_text("\n\n".join(blocks + notes) + "\n", encoding="utf-8")
        paths.append(path)
    if parts:
        per_part = -(-chapters // parts)
        body = "".join(f"  - part: Part {p + 1}\n    chapters:\n"
                       + "".join(f"      - texts/{path.name}\n" for path in paths[p * per_part:(p + 1) * per_part])
                       for p in range(parts))
    else:
        body = "  - texts/ch*.md\n"
    (folder / "book.yaml").write_text(
        "title: A Generated Book\ncreators: [{name: Bench Mark, role: author}]\nlanguage: en\n"
        f"date: 2024-01-01\nfront: [titlepage, contents]\nbody:\n{body}back: [notes]\n", encoding="utf-8")
    return paths
