"""Deterministic generator of realistic policy Markdown drafts, their edits and a long history."""

from __future__ import annotations

import argparse
import copy
import random
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

SIZES = {"50k": 50_000, "500k": 500_000, "5m": 5_000_000}

_CORE_WORDS = """
the of and to in a is that for on with as by be are this it or from at which not have
has been their its an will should must may can all any such other these those where
when who whom also more than only each both between within without under through into
policy state states government governments people persons rights right health law laws
criminal criminalization decriminalization sex work workers worker sexual services
exploitation trafficking violence discrimination protection access justice police
consent adult adults children child safety security housing employment income support
organisation organization international human council meeting research evidence review
consultation stakeholders survivors groups agencies women gender equality autonomy
dignity privacy freedom expression association assembly remedy remedies accountability
obligation obligations duty duties measures framework legal regulation regulations
licensing zoning public private national local community communities services providers
HIV AIDS prevention treatment care testing outreach peer education harm reduction stigma
marginalised marginalized migrant migrants indigenous transgender LGBTI youth poverty
economic social cultural civil political coercion abuse force fraud deception debt
bondage recruitment transport harbouring receipt profit benefit threat threats risk
risks reports report findings data analysis approach approaches principle principles
standard standards treaty treaties convention covenant committee rapporteur special
recommendation recommendations guidance implementation monitoring enforcement officers
courts prosecution prosecutions sanction sanctions penalties fines detention arrest
raids deportation eviction harassment extortion impunity lawful unlawful arbitrary
proportionate necessary legitimate aim effective meaningful participation inclusion
""".split()

_PROPER = [
    "WHO",
    "UNAIDS",
    "UN Women",
    "the Special Rapporteur",
    "the Committee",
    "Amnesty",
    "the ICM",
    "national offices",
    "field researchers",
]


def _pseudo_words(rng: random.Random, count: int) -> list[str]:
    """Invent `count` pronounceable words so the vocabulary has a realistic long tail."""
    onsets = ["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "pr", "st", "tr"]
    vowels = ["a", "e", "i", "o", "u", "ia", "io", "ou"]
    codas = ["", "n", "s", "t", "r", "l", "nt", "st", "tion", "ment", "ity", "ive", "al"]
    words = set()
    while len(words) < count:
        stem = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))
        words.add(stem + rng.choice(codas))
    return sorted(words)


@dataclass
class Block:
    """One generated Markdown block: a paragraph, list, table or quote."""

    kind: str  # "p" | "ul" | "ol" | "table" | "quote"
    parts: list[str]  # sentences (p, quote), item texts (ul, ol) or table rows (table)
    width: int = 0  # wrap width for paragraphs; 0 = one line per paragraph
    nested: list[int] = field(default_factory=list)  # indices of nested list items


@dataclass
class Section:
    """A heading and the blocks under it."""

    level: int
    title: str
    blocks: list[Block]


class Writer:
    """Seeded source of sentences, blocks and sections in a policy register."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocab = _CORE_WORDS + _pseudo_words(random.Random(seed + 1), 3000)
        self.weights = [1.0 / (i + 1) ** 0.9 for i in range(len(self.vocab))]

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.vocab, self.weights, k=n)

    def sentence(self) -> str:
        words = self.words(self.rng.randint(8, 28))
        if self.rng.random() < 0.3:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(_PROPER))
        if self.rng.random() < 0.4:
            pos = self.rng.randrange(2, len(words) - 1)
            words[pos] = words[pos] + ","
        if self.rng.random() < 0.1:
            words.append(f"({self.rng.randint(1, 99)} per cent)")
        text = " ".join(words)
        return text[0].upper() + text[1:] + self.rng.choice([".", ".", ".", "!", "?"])

    def block(self) -> Block:
        roll = self.rng.random()
        if roll < 0.62:
            width = self.rng.choice([0, 0, 72, 80, 100])
            return Block("p", [self.sentence() for _ in range(self.rng.randint(2, 7))], width)
        if roll < 0.86:
            items = [self.sentence() for _ in range(self.rng.randint(3, 7))]
            nested = [i for i in range(1, len(items)) if self.rng.random() < 0.15]
            return Block(self.rng.choice(["ul", "ol"]), items, 0, nested)
        if roll < 0.95:
            return self.table()
        return Block("quote", [self.sentence() for _ in range(self.rng.randint(1, 3))], 0)

    def table(self) -> Block:
        cols = self.rng.randint(2, 4)
        header = "| " + " | ".join(w.title() for w in self.words(cols)) + " |"
        rows = [header, "|" + "---|" * cols]
        for _ in range(self.rng.randint(3, 8)):
            cells = [" ".join(self.words(self.rng.randint(1, 5))) for _ in range(cols)]
            rows.append("| " + " | ".join(cells) + " |")
        return Block("table", rows)

    def section(self, level: int, number: str) -> Section:
        title = f"{number} " + " ".join(self.words(self.rng.randint(1, 5))).capitalize()
        return Section(level, title, [self.block() for _ in range(self.rng.randint(2, 8))])


def render_block(block: Block) -> str:
    """Markdown for one generated block, ending with a blank line."""
    if block.kind == "p":
        text = " ".join(block.parts)
        if block.width:
            text = "\n".join(textwrap.wrap(text, block.width, break_on_hyphens=False))
        return text + "\n\n"
    if block.kind in ("ul", "ol"):
        lines = []
        for i, item in enumerate(block.parts):
            marker = "-" if block.kind == "ul" else f"{i + 1}."
            indent = "  " if i in block.nested and block.kind == "ul" else ""
            lines.append(f"{indent}{marker} {item}\n")
        return "".join(lines) + "\n"
    if block.kind == "table":
        return "\n".join(block.parts) + "\n\n"
    return "> " + " ".join(block.parts) + "\n\n"


def render(sections: list[Section]) -> str:
    """The whole draft as Markdown."""
    out = []
    for sec in sections:
        out.append("#" * sec.level + " " + sec.title + "\n\n")
        out.extend(render_block(b) for b in sec.blocks)
    return "".join(out)


def make_sections(size: int, seed: int = 7) -> list[Section]:
    """A policy draft model whose Markdown is about `size` characters."""
    writer = Writer(seed)
    sections = [Section(1, "Policy on state obligations", [writer.block()])]
    total = len(render(sections))
    chapter = 0
    while total < size:
        chapter += 1
        new = [writer.section(2, f"{chapter}.")]
        new += [writer.section(3, f"{chapter}.{k + 1}") for k in range(writer.rng.randint(1, 5))]
        sections.extend(new)
        total += len(render(new))
    return sections


def make_draft(size: int, seed: int = 7) -> str:
    """Deterministic policy Markdown of about `size` characters."""
    return render(make_sections(size, seed))


class Editor:
    """Applies realistic edits to a sections model, in place."""

    def __init__(self, sections: list[Section], seed: int) -> None:
        self.sections = sections
        self.writer = Writer(seed)
        self.rng = self.writer.rng

    def _text_blocks(self) -> list[Block]:
        return [b for s in self.sections for b in s.blocks if b.kind != "table"]

    def reword(self, block: Block) -> None:
        """Replace, insert or delete a few words in one sentence of `block`."""
        i = self.rng.randrange(len(block.parts))
        words = block.parts[i].split(" ")
        pos = self.rng.randrange(1, max(2, len(words) - 1))
        roll = self.rng.random()
        if roll < 0.5:
            words[pos : pos + self.rng.randint(1, 3)] = self.writer.words(self.rng.randint(1, 4))
        elif roll < 0.8:
            words[pos:pos] = self.writer.words(self.rng.randint(1, 6))
        elif len(words) > 6:
            del words[pos : pos + self.rng.randint(1, 3)]
        block.parts[i] = " ".join(words)

    def reword_fraction(self, fraction: float) -> None:
        blocks = self._text_blocks()
        sentences = sum(len(b.parts) for b in blocks)
        for _ in range(max(1, round(sentences * fraction))):
            self.reword(self.rng.choice(blocks))

    def insert_paragraph(self) -> None:
        sec = self.rng.choice(self.sections)
        sec.blocks.insert(self.rng.randint(0, len(sec.blocks)), self.writer.block())

    def delete_paragraph(self) -> None:
        sec = self.rng.choice([s for s in self.sections if len(s.blocks) > 1])
        del sec.blocks[self.rng.randrange(len(sec.blocks))]

    def move_section(self) -> None:
        """Move one section (not the first) at least two places away."""
        src = self.rng.randrange(1, len(self.sections))
        sec = self.sections.pop(src)
        targets = [k for k in range(1, len(self.sections) + 1) if abs(k - src) >= 2]
        self.sections.insert(self.rng.choice(targets or [src]), sec)

    def reflow(self) -> None:
        block = self.rng.choice([b for s in self.sections for b in s.blocks if b.kind == "p"])
        block.width = self.rng.choice([w for w in (0, 60, 72, 80, 100) if w != block.width])


def edit_draft(sections: list[Section], seed: int = 11) -> list[Section]:
    """An edited copy: ~3 % of sentences reworded, paragraphs added and removed, one section
    moved and some paragraphs reflowed."""
    edited = copy.deepcopy(sections)
    editor = Editor(edited, seed)
    editor.reword_fraction(0.03)
    scale = max(1, len(sections) // 40)
    for _ in range(2 * scale):
        editor.insert_paragraph()
        editor.delete_paragraph()
    editor.move_section()
    for _ in range(3 * scale):
        editor.reflow()
    return edited


def make_pair(size: int, seed: int = 7) -> tuple[str, str]:
    """An original draft of about `size` characters and its edited version."""
    sections = make_sections(size, seed)
    return render(sections), render(edit_draft(sections, seed + 4))


def _history_step(editor: Editor, step: int) -> None:
    roll = editor.rng.random()
    if step % 50 == 25:
        editor.move_section()
    elif roll < 0.1:
        editor.reflow()
    elif roll < 0.2:
        editor.insert_paragraph()
    elif roll < 0.27:
        editor.delete_paragraph()
    else:
        for _ in range(editor.rng.randint(1, 6)):
            editor.reword(editor.rng.choice(editor._text_blocks()))


class Rewriter(Editor):
    """Large edits: whole sections rewritten, sections reordered, lists turned into prose."""

    def rewrite_section(self) -> None:
        sec = self.rng.choice(self.sections[1:])
        sec.blocks = [self.writer.block() for _ in range(max(2, len(sec.blocks)))]

    def reorder_sections(self) -> None:
        start = self.rng.randrange(1, max(2, len(self.sections) - 6))
        window = self.sections[start : start + 6]
        self.rng.shuffle(window)
        self.sections[start : start + 6] = window

    def list_to_prose(self) -> None:
        lists = [b for s in self.sections for b in s.blocks if b.kind in ("ul", "ol")]
        if not lists:
            self.rewrite_section()
            return
        block = self.rng.choice(lists)
        block.kind, block.nested = "p", []
        block.parts = [part.rstrip(".") + "." for part in block.parts]


def _rewrite_step(editor: Rewriter) -> None:
    roll = editor.rng.random()
    if roll < 0.25:
        editor.rewrite_section()
    elif roll < 0.35:
        editor.reorder_sections()
    elif roll < 0.5:
        editor.list_to_prose()
    elif roll < 0.6:
        editor.insert_paragraph()
        editor.delete_paragraph()
    else:
        editor.reword_fraction(0.02)


def make_rewrites(size: int = 200_000, steps: int = 400, seed: int = 7) -> tuple[str, list[str]]:
    """A base draft and a long history of large rewrites (see `Rewriter`)."""
    sections = make_sections(size, seed)
    editor = Rewriter(copy.deepcopy(sections), seed + 200)
    texts = []
    for _ in range(steps):
        _rewrite_step(editor)
        texts.append(render(editor.sections))
    return render(sections), texts


def make_history(size: int = 500_000, steps: int = 250, seed: int = 7) -> tuple[str, list[str]]:
    """A base draft and the texts after each of `steps` successive small edits."""
    sections = make_sections(size, seed)
    base = render(sections)
    editor = Editor(copy.deepcopy(sections), seed + 100)
    texts = []
    for step in range(steps):
        _history_step(editor, step)
        texts.append(render(editor.sections))
    return base, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write the drafts into")
    parser.add_argument("--steps", type=int, default=250)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, size in SIZES.items():
        old, new = make_pair(size)
        (args.out / f"{name}-old.md").write_text(old, encoding="utf-8")
        (args.out / f"{name}-new.md").write_text(new, encoding="utf-8")
    base, texts = make_history(steps=args.steps)
    hist = args.out / "history"
    hist.mkdir(exist_ok=True)
    (hist / "000.md").write_text(base, encoding="utf-8")
    for i, text in enumerate(texts, 1):
        (hist / f"{i:03d}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
