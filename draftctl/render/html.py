"""The annotated diff as one self-contained HTML redline: colours per round, notes, toggles."""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape

from draftctl.consultation.config import Config
from draftctl.consultation.workspace import WORKTREE
from draftctl.review.annotate import (
    AnnotatedChange,
    AnnotatedDiff,
    Credit,
    Piece,
    ShownBlock,
    ends_change,
    people_names,
    round_title,
)

PALETTE = (
    "#1f5fa8",
    "#b5541b",
    "#2f7d4a",
    "#8a3c8f",
    "#a8323e",
    "#0f7b83",
    "#7a6a12",
    "#4b4fb0",
    "#9a4f6b",
    "#3f6f1f",
)
SPECIAL = {WORKTREE: "#5f5a54", "unattributed": "#c0392b"}

_LINE_PREFIX = {
    "heading": re.compile(r"[ \t]*#{1,6}(?:[ \t]+|$)"),
    "item": re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+"),
    "quote": re.compile(r"[ \t]*(?:>[ \t]?)+"),
}
_TAGS = {"heading": "h{level}", "item": "p", "quote": "blockquote", "row": "p", "rule": "hr"}

SCRIPT = """
(function () {
  var hidden = {};
  function refresh() {
    document.querySelectorAll('[data-rounds]').forEach(function (el) {
      var rounds = el.getAttribute('data-rounds').split(' ');
      var off = rounds.every(function (r) { return hidden[r]; });
      el.classList.toggle('off', off);
    });
  }
  document.querySelectorAll('input[data-round]').forEach(function (box) {
    box.addEventListener('change', function () {
      hidden[box.getAttribute('data-round')] = !box.checked;
      refresh();
    });
  });
  document.querySelectorAll('[data-note]').forEach(function (mark) {
    var note = document.getElementById(mark.getAttribute('data-note'));
    if (!note) { return; }
    mark.addEventListener('mouseenter', function () { note.classList.add('lit'); });
    mark.addEventListener('mouseleave', function () { note.classList.remove('lit'); });
  });
})();
"""


def render_html(result: AnnotatedDiff, config: Config) -> str:
    """One HTML page with inline CSS and JS; every piece of draft text is escaped."""
    return _Redline(result, config).page()


def round_colours(result: AnnotatedDiff) -> dict[str, tuple[str, str]]:
    """Round key → (CSS class, colour), in order of first appearance."""
    found: dict[str, tuple[str, str]] = {}
    for index, key in enumerate(result.rounds_used()):
        colour = SPECIAL.get(key, PALETTE[len(found) % len(PALETTE)])
        found[key] = (f"r{index}", colour)
    return found


def _tint(colour: str, amount: float) -> str:
    """`colour` mixed with white, keeping `amount` of the colour."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 - (255 - c) * amount) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _round_css(colours: dict[str, tuple[str, str]]) -> str:
    rules = [
        f".{cls}{{--c:{colour};--bg:{_tint(colour, 0.10)}}}" for cls, colour in colours.values()
    ]
    return "\n" + "\n".join(rules) + "\n"


def _side(rev: str, commit: str | None) -> str:
    label = escape(rev)
    if commit and commit != rev:
        label += f' <code title="{escape(commit)}">{escape(commit[:8])}</code>'
    return label


def _count(cls: str, sign: str, words: int) -> str:
    return f'<span class="{cls}">{sign}{words}</span>' if words else '<span class="zero">0</span>'


def _word_cells(words: list[int]) -> str:
    added = f'<td class="n plus">+{words[0]}</td>' if words[0] else '<td class="n zero">0</td>'
    removed = f'<td class="n minus">−{words[1]}</td>' if words[1] else '<td class="n zero">0</td>'
    return added + removed


def _strip_prefixes(text: str, prefix: re.Pattern[str], line_start: bool, every: bool) -> str:
    """`text` without the Markdown markers that open its lines (bullets, `#`, `>`)."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if (index == 0 and line_start) or (index > 0 and every):
            lines[index] = prefix.sub("", line, count=1)
    return "\n".join(lines)


def _element(block: ShownBlock, body: str) -> str:
    if block.kind == "rule":
        return "<hr>"
    if block.kind in ("code", "html"):
        return f'<pre class="{block.kind}">{body}</pre>'
    tag = _TAGS.get(block.kind, "p").format(level=min(max(block.level, 1), 6))
    return f'<{tag} class="k-{block.kind}">{body}</{tag}>'


def display_texts(block: ShownBlock) -> list[str]:
    """Escaped text of each piece, without the block's Markdown line markers."""
    prefix = _LINE_PREFIX.get(block.kind)
    out: list[str] = []
    line_start = True
    for index, piece in enumerate(block.pieces):
        text = piece.text
        if prefix is not None:
            text = _strip_prefixes(text, prefix, line_start, block.kind != "item")
        if index == len(block.pieces) - 1:
            text = text.rstrip()
        if piece.text:
            line_start = piece.text.endswith("\n")
        out.append(escape(text) if block.kind in ("code", "html") else inline(escape(text)))
    return out


_STRONG = re.compile(r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


def inline(escaped: str) -> str:
    """Light inline Markdown on already escaped text: **strong**, *emphasis*, [links](…)
    (shown as their text, the address in a tooltip: the page never loads anything)."""
    escaped = _STRONG.sub(r"<strong>\1</strong>", escaped)
    escaped = _EMPHASIS.sub(r"<em>\1</em>", escaped)
    return _LINK.sub(_link, escaped)


def _link(match: re.Match[str]) -> str:
    target = match.group(2)
    safe = target.lower().startswith(("http://", "https://", "mailto:"))
    title = f' title="{target}"' if safe else ""
    return f'<span class="link"{title}>{match.group(1)}</span>'


class _Redline:
    """Builds the page for one result; holds the round colours and the registry."""

    def __init__(self, result: AnnotatedDiff, config: Config) -> None:
        self.result = result
        self.config = config
        self.colours = round_colours(result)
        self.noted: set[tuple[int, str | None]] = set()

    def page(self) -> str:
        title = f"Redline: {self.doc_title()}"
        digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
        policy = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'"
        return "".join(
            [
                '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
                f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n',
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
                f"<title>{escape(title)}</title>\n",
                f"<style>{CSS}{_round_css(self.colours)}</style>\n</head>\n",
                '<body>\n<div class="page">\n',
                self.title_block(),
                self.legend(),
                '<main class="doc">\n',
                *(self.block(block) for block in self.result.blocks),
                "</main>\n",
                self.summary(),
                "</div>\n",
                f"<script>{SCRIPT}</script>\n</body>\n</html>\n",
            ]
        )

    def doc_title(self) -> str:
        for block in self.result.blocks:
            if block.kind == "heading" and block.level == 1 and block.section:
                return block.section[-1]
        return self.result.draft

    def title_block(self) -> str:
        result, stats = self.result, self.result.stats
        rows = [
            ("Draft", f"<code>{escape(result.draft)}</code>"),
            ("From", _side(result.from_rev, result.from_commit)),
            ("To", _side(result.to_rev, result.to_commit)),
            ("Date", escape(result.date) or "—"),
            (
                "Changes",
                f'{len(result.changes)} · <span class="plus">+{stats.inserted_words}</span> / '
                f'<span class="minus">−{stats.deleted_words}</span> words',
            ),
        ]
        meta = "".join(f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in rows)
        note = ""
        if result.approximate:
            note = (
                '<p class="approx">Approximate: the word diff ran out of time in some '
                "paragraphs, so their changes are marked more coarsely. Both versions are "
                "shown exactly.</p>"
            )
        eyebrow = escape(self.config.name or "draftctl")
        return (
            f'<header class="titleblock"><p class="eyebrow">{eyebrow} · redline</p>'
            f"<h1>{escape(self.doc_title())}</h1>"
            f'<dl class="meta">{meta}</dl>{note}</header>\n'
        )

    def round_people(self, key: str) -> str:
        found = self.config.rounds.get(key)
        if not found:
            return ""
        known = self.config.stakeholders
        return ", ".join(known[s].name if s in known else s for s in found.stakeholders)

    def legend(self) -> str:
        if not self.colours:
            return '<nav class="legend"><p class="hint">No changes.</p></nav>\n'
        items = []
        for key, (cls, _colour) in self.colours.items():
            ins, dele = self.result.stats.rounds.get(key, [0, 0])
            items.append(
                f'<label class="round {cls}"><input type="checkbox" checked data-round="{cls}">'
                f'<span class="swatch"></span>'
                f'<span class="rname">{escape(round_title(self.config, key))}</span>'
                f'<span class="rwho">{escape(self.round_people(key))}</span>'
                f'<span class="rcount">{_count("plus", "+", ins)} '
                f"{_count('minus', '−', dele)}</span></label>"
            )
        return (
            '<nav class="legend"><h2>Consultation rounds</h2><div class="rounds">'
            + "".join(items)
            + '</div><p class="hint">Untick a round to read the text as if its changes were '
            "simply accepted.</p></nav>\n"
        )

    def block(self, block: ShownBlock) -> str:
        if not block.changed:
            text = "".join(display_texts(block))
            return f'<section class="blk">{_element(block, text)}</section>\n'
        classes, attrs, lead = "blk changed", "", ""
        if block.move is not None:
            change = self.result.change(block.change or 0)
            classes += f" move move-{block.move}"
            attrs = f' data-rounds="{self.change_rounds(change)}"'
            if self.first_time(change.id, block.move):
                lead = self.move_label(block, change)
        body = lead + self.marked_text(block)
        notes = "".join(
            self.note(self.result.change(i)) for i in block.change_ids() if self.first_time(i)
        )
        aside = f'<aside class="notes">{notes}</aside>' if notes else ""
        return (
            f'<section class="{classes}"{attrs}>{aside}'
            f'<div class="text">{_element(block, body)}</div></section>\n'
        )

    def first_time(self, change_id: int, side: str | None = None) -> bool:
        """True the first time a change (or one side of a move) is met in the page."""
        seen = (change_id, side) in self.noted
        self.noted.add((change_id, side))
        return not seen

    def move_label(self, block: ShownBlock, change: AnnotatedChange) -> str:
        where = change.section if block.move == "from" else change.section_from
        verb = "Moved to" if block.move == "from" else "Moved here from"
        return (
            f'<span class="movelabel">{verb} § {escape(self.result.section_text(where))} '
            f'<sup class="mk" data-note="n{change.id}">{change.id}</sup></span>'
        )

    def marked_text(self, block: ShownBlock) -> str:
        texts = display_texts(block)
        if block.move == "from":
            return f'<del class="moved">{"".join(texts)}</del>'
        out = []
        pieces = block.pieces
        for index, (piece, text) in enumerate(zip(pieces, texts, strict=True)):
            marked, trail = self.piece(piece, text)
            out.append(marked)
            change = piece.change
            if change is not None and ends_change(pieces, index, block.change):
                rounds = self.change_rounds(self.result.change(change))
                out.append(
                    f'<sup class="mk" data-rounds="{rounds}" data-note="n{change}">{change}</sup>'
                )
            out.append(trail)
        return "".join(out)

    def piece(self, piece: Piece, text: str) -> tuple[str, str]:
        """The piece's HTML, and the whitespace after it (which goes after its marker)."""
        core = text.strip()
        if piece.op == "equal" or piece.credit is None or not core:
            return text, ""
        credit = self.result.credits[piece.credit]
        cls = self.colours[credit.round_key][0]
        tag = "ins" if piece.op == "insert" else "del"
        tip = escape(self.tooltip(credit), quote=True)
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        marked = f'{lead}<{tag} class="{cls}" data-rounds="{cls}" title="{tip}">{core}</{tag}>'
        return marked, trail

    def tooltip(self, credit: Credit) -> str:
        parts = [
            round_title(self.config, credit.round_key),
            ", ".join(people_names(self.config, credit)),
            credit.rationale or "",
            credit.short,
            (credit.date or "")[:10],
        ]
        return " · ".join(p for p in parts if p)

    def change_rounds(self, change: AnnotatedChange) -> str:
        keys = dict.fromkeys(self.result.credits[k].round_key for k in change.credits)
        return " ".join(self.colours[k][0] for k in keys if k in self.colours) or "none"

    def note(self, change: AnnotatedChange) -> str:
        entries = "".join(self.note_entry(self.result.credits[k]) for k in change.credits)
        return (
            f'<div class="note" id="n{change.id}" data-rounds="{self.change_rounds(change)}">'
            f'<span class="num">{change.id}</span><span class="kind">{escape(change.kind)}</span>'
            f"{entries}</div>"
        )

    def note_entry(self, credit: Credit) -> str:
        cls = self.colours.get(credit.round_key, ("", ""))[0]
        who = ", ".join(people_names(self.config, credit))
        why = f'<p class="why">{escape(credit.rationale)}</p>' if credit.rationale else ""
        when = escape((credit.date or "")[:10])
        author = f" · {escape(credit.author)}" if credit.author else ""
        return (
            f'<div class="credit {cls}">'
            f'<span class="rtag">{escape(round_title(self.config, credit.round_key))}</span>'
            f'<span class="who">{escape(who)}</span>{why}'
            f'<span class="meta"><code>{escape(credit.short)}</code> {when}{author}</span></div>'
        )

    def summary(self) -> str:
        if not self.result.changes:
            return ""
        rows = "".join(self.round_row(key, cls) for key, (cls, _c) in self.colours.items())
        sections = "".join(
            f"<tr><td>{escape(self.result.section_text(path))}</td>{_word_cells(words)}</tr>"
            for path, words in self.result.stats.sections.items()
        )
        return (
            '<section class="summary"><h2>Summary</h2>'
            "<table><caption>Words changed per round</caption><thead><tr><th>Round</th>"
            '<th>Stakeholders</th><th class="n">Changes</th><th class="n">Added</th>'
            f'<th class="n">Removed</th></tr></thead><tbody>{rows}</tbody></table>'
            "<table><caption>Words changed per section</caption><thead><tr><th>Section</th>"
            '<th class="n">Added</th><th class="n">Removed</th></tr></thead>'
            f"<tbody>{sections}</tbody></table></section>\n"
        )

    def round_row(self, key: str, cls: str) -> str:
        credits = self.result.credits
        count = sum(
            1 for c in self.result.changes if any(credits[k].round_key == key for k in c.credits)
        )
        return (
            f'<tr><td><span class="dot {cls}"></span>{escape(round_title(self.config, key))}</td>'
            f'<td>{escape(self.round_people(key))}</td><td class="n">{count}</td>'
            f"{_word_cells(self.result.stats.rounds.get(key, [0, 0]))}</tr>"
        )


CSS = """
:root {
  --ink: #1d1d1f; --muted: #6b6760; --rule: #e4e0d8; --paper: #fdfcf9; --panel: #f6f3ec;
  --move: #6b4fa1;
  --serif: "Charter", "Bitstream Charter", "Sitka Text", Cambria, "Iowan Old Style",
           "Palatino Linotype", Georgia, "DejaVu Serif", serif;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
          "Noto Sans", "DejaVu Sans", sans-serif;
  --mono: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { background: #efece5; }
body { margin: 0; color: var(--ink); font-family: var(--serif); font-size: 17px;
       line-height: 1.6; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.page { max-width: 68rem; margin: 2.5rem auto; background: var(--paper);
        padding: 3.5rem 4.5rem 4rem; box-shadow: 0 1px 3px rgba(0,0,0,.08),
        0 8px 30px rgba(0,0,0,.06); border-radius: 3px; }
.titleblock { font-family: var(--sans); border-bottom: 2px solid var(--ink);
              padding-bottom: 1.2rem; margin-bottom: 1.5rem; }
.eyebrow { text-transform: uppercase; letter-spacing: .12em; font-size: .72rem;
           color: var(--muted); margin: 0 0 .4rem; }
.titleblock h1 { font-family: var(--serif); font-weight: 600; font-size: 1.9rem;
                 line-height: 1.25; margin: 0 0 1rem; }
.meta { display: flex; flex-wrap: wrap; gap: .4rem 2.2rem; margin: 0; font-size: .85rem; }
.meta dt { color: var(--muted); font-size: .7rem; text-transform: uppercase;
           letter-spacing: .08em; }
.meta dd { margin: 0; }
code { font-family: var(--mono); font-size: .85em; color: #4a463f; }
.approx { background: #fff6db; border: 1px solid #f0dca0; padding: .5rem .8rem;
          border-radius: 3px; font-size: .85rem; margin: 1rem 0 0; }
.plus { color: #2f7d4a; } .minus { color: #a8323e; }
.legend { font-family: var(--sans); background: var(--panel); border: 1px solid var(--rule);
          border-radius: 4px; padding: .9rem 1.1rem; margin-bottom: 2.2rem; font-size: .85rem; }
.legend h2, .summary h2 { font-family: var(--sans); font-size: .72rem; font-weight: 600;
                          text-transform: uppercase; letter-spacing: .12em;
                          color: var(--muted); margin: 0 0 .6rem; }
.rounds { display: flex; flex-direction: column; gap: .1rem; }
.round { display: flex; align-items: center; gap: .6rem; cursor: pointer;
         padding: .3rem .4rem; border-radius: 3px; }
.round:hover { background: rgba(0,0,0,.035); }
.round input { accent-color: var(--c); margin: 0; width: 1rem; height: 1rem; }
.swatch { flex: none; width: 1.6rem; height: .55rem; border-radius: 2px;
          background: var(--bg); border-bottom: 2px solid var(--c); }
.rname { font-weight: 600; white-space: nowrap; }
.rwho { flex: 1; min-width: 0; color: var(--muted); font-size: .8rem; overflow: hidden;
        text-overflow: ellipsis; white-space: nowrap; }
.rcount { font-variant-numeric: tabular-nums; font-size: .8rem; white-space: nowrap; }
.round:has(input:not(:checked)) .rname { color: var(--muted); text-decoration: line-through; }
.hint { color: var(--muted); font-size: .78rem; margin: .6rem 0 0; }
.doc { margin-right: 17.7rem; }
.doc::after { content: ""; display: block; clear: both; }
.notes { float: right; clear: right; width: 15.5rem; margin-right: -17.7rem;
         font-family: var(--sans); font-size: .74rem; line-height: 1.4; padding-top: .35rem; }
.doc h1, .doc h2, .doc h3, .doc h4, .doc h5, .doc h6 { font-weight: 600; line-height: 1.3;
         margin: 1.6em 0 .5em; }
.doc h1 { font-size: 1.6rem; } .doc h2 { font-size: 1.3rem; } .doc h3 { font-size: 1.1rem; }
.doc h4, .doc h5, .doc h6 { font-size: 1rem; }
.doc p { margin: 0 0 .9em; hyphens: auto; }
.doc .k-item { padding-left: 1.4em; position: relative; margin-bottom: .45em; }
.doc .k-item::before { content: "•"; position: absolute; left: .4em; color: var(--muted); }
.doc blockquote { margin: 0 0 .9em; padding-left: 1em; border-left: 3px solid var(--rule);
                  color: #3d3a35; }
.doc .k-row { font-family: var(--mono); font-size: .8rem; margin: 0; white-space: pre-wrap; }
.doc pre { font-family: var(--mono); font-size: .8rem; background: var(--panel);
           padding: .6rem .8rem; border-radius: 3px; white-space: pre-wrap; }
.doc .link { text-decoration: underline dotted #9a958c; text-underline-offset: 3px; }
.doc hr { border: 0; border-top: 1px solid var(--rule); margin: 1.5em 0; }
ins, del { text-decoration-thickness: 1.5px; text-underline-offset: 2px; border-radius: 2px; }
ins { color: var(--c); background: var(--bg); text-decoration-line: underline;
      text-decoration-color: var(--c); }
del { color: var(--c); text-decoration-line: line-through; text-decoration-color: var(--c);
      opacity: .8; }
ins.off { color: inherit; background: none; text-decoration: none; }
del.off, .mk.off, .note.off, .move-from.off { display: none; }
.move.off .text { border-left-color: transparent; }
.move.off .movelabel { display: none; }
.mk { font-family: var(--sans); font-size: .62rem; font-weight: 600; color: var(--muted);
      margin-left: 1px; cursor: default; }
.note { border-left: 2px solid var(--rule); padding: .15rem 0 .15rem .6rem;
        margin-bottom: .7rem; transition: background .15s; }
.note.lit { background: #fbf6e4; }
.note .num { font-weight: 700; margin-right: .45rem; }
.note .kind { color: var(--muted); text-transform: uppercase; font-size: .62rem;
              letter-spacing: .08em; }
.credit { margin-top: .25rem; border-left: 3px solid var(--c); padding-left: .45rem;
          margin-left: -.75rem; }
.rtag { color: var(--c); font-weight: 600; margin-right: .35rem; }
.who { color: #3d3a35; }
.why { margin: .15rem 0; font-family: var(--serif); font-style: italic; font-size: .8rem;
       color: #3d3a35; }
.credit .meta { color: var(--muted); display: block; font-size: .68rem; }
.move .text { border-left: 3px solid var(--move); padding-left: .8rem; margin-left: -1.1rem; }
.move-from del.moved { color: var(--move); text-decoration-color: var(--move); opacity: .6; }
.movelabel { display: block; font-family: var(--sans); font-size: .7rem; color: var(--move);
             text-transform: uppercase; letter-spacing: .08em; font-weight: 600; }
.summary { margin-top: 3rem; border-top: 1px solid var(--rule); padding-top: 1.5rem;
           font-family: var(--sans); font-size: .82rem; }
.summary table { border-collapse: collapse; width: 100%; margin-bottom: 1.6rem; }
.summary caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
.summary th { text-align: left; font-weight: 600; color: var(--muted); font-size: .72rem;
              text-transform: uppercase; letter-spacing: .06em;
              border-bottom: 1px solid var(--ink); padding: .3rem .5rem; }
.summary td { border-bottom: 1px solid var(--rule); padding: .3rem .5rem; }
.summary .n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.zero { color: #b9b4ab; }
.dot { display: inline-block; width: .6rem; height: .6rem; border-radius: 50%;
       background: var(--c); margin-right: .5rem; }
@media (max-width: 56rem) {
  .page { padding: 1.5rem; margin: 0; }
  .doc { margin-right: 0; }
  .notes { float: none; width: auto; margin: 0 0 .8rem; padding-top: 0; }
}
@media print {
  html, .page { background: none; }
  .page { box-shadow: none; margin: 0; padding: 0; max-width: none; }
  body { font-size: 10.5pt; }
  .legend input, .hint { display: none; }
  .blk.changed, .note, tr { break-inside: avoid; }
  .summary { break-before: page; }
}
"""
