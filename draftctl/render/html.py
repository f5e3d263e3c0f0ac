"""The annotated diff as one self-contained HTML redline: the document's own structure with
changes marked inside it, one note per change and round, round toggles, A4 print styles."""

from __future__ import annotations

import base64
import hashlib
from html import escape

from draftctl.consultation.config import Config
from draftctl.consultation.workspace import WORKTREE
from draftctl.render.html_blocks import Body
from draftctl.render.html_notes import Notes, long_date
from draftctl.render.html_style import CSS, SCRIPT, css_string, round_css
from draftctl.review.result import AnnotatedDiff, round_title

# Round colours, each at least 4.5:1 against white and against its own 10 % tint (WCAG AA).
PALETTE = (
    "#1a56a0",
    "#a3440f",
    "#23703f",
    "#7f3585",
    "#a1293a",
    "#0b6b73",
    "#6a5a08",
    "#4347a8",
    "#8a3d5c",
    "#386419",
)
SPECIAL = {WORKTREE: "#57524c", "unattributed": "#b02a1e"}


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


def _side(rev: str, commit: str | None, date: str) -> str:
    label = escape(rev)
    if commit and commit != rev:
        label += f' <code title="{escape(commit)}">{escape(commit[:8])}</code>'
    if commit is None and rev == WORKTREE:
        return label + ' <span class="when">uncommitted edits</span>'
    return label + (f' <span class="when">{escape(long_date(date))}</span>' if date else "")


def _count(cls: str, sign: str, words: int) -> str:
    return f'<span class="{cls}">{sign}{words}</span>' if words else '<span class="zero">0</span>'


def _word_cells(words: list[int]) -> str:
    added = f'<td class="n plus">+{words[0]}</td>' if words[0] else '<td class="n zero">0</td>'
    removed = f'<td class="n minus">−{words[1]}</td>' if words[1] else '<td class="n zero">0</td>'
    return added + removed


class _Redline:
    """Builds the page for one result; holds the round colours and the registry."""

    def __init__(self, result: AnnotatedDiff, config: Config) -> None:
        self.result = result
        self.config = config
        self.colours = round_colours(result)
        css = {key: cls for key, (cls, _colour) in self.colours.items()}
        self.notes = Notes(result, config, css)

    def page(self) -> str:
        title = f"Redline: {self.doc_title()}"
        digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
        policy = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'"
        skip, shift = self.title_heading()
        body = Body(self.result, self.notes, shift, skip).html()
        return "".join(
            [
                f'<!DOCTYPE html>\n<html lang="{escape(self.config.lang)}">\n<head>\n',
                '<meta charset="utf-8">\n',
                f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n',
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
                f"<title>{escape(title)}</title>\n",
                f"<style>{CSS}{round_css(self.colours)}{self.print_header()}</style>\n",
                "</head>\n<body>\n",
                '<div class="page">\n',
                self.title_block(),
                self.legend(),
                f'<main class="doc" aria-label="Redline">\n{body}</main>\n',
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

    def title_heading(self) -> tuple[int | None, int]:
        """The unchanged title heading the page's <h1> already shows (skipped in the body),
        and how far the document's headings move down so that the page has one <h1>."""
        blocks = self.result.blocks
        tops = [i for i, b in enumerate(blocks) if b.kind == "heading" and b.level == 1]
        if len(tops) == 1 and not blocks[tops[0]].changed and self.result.root is not None:
            return tops[0], 0
        return None, 1 if tops else 0

    def print_header(self) -> str:
        """The running header and page numbers of printed pages (A4)."""
        result = self.result
        head = f"{self.doc_title()} — {result.from_rev} → {result.to_rev}"
        font = "font: 8pt system-ui, sans-serif; color: #5e5a54;"
        return (
            "@page { size: A4; margin: 18mm 15mm 16mm;"
            f" @top-left {{ content: {css_string(head)}; {font} }}"
            f' @bottom-right {{ content: "Page " counter(page) " of " counter(pages); {font} }}'
            f" @bottom-left {{ content: {css_string(result.draft)}; {font} }} }}\n"
        )

    def title_block(self) -> str:
        result, stats = self.result, self.result.stats
        changes = len(result.changes)
        rows = [
            ("Draft", f"<code>{escape(result.draft)}</code>"),
            ("From", _side(result.from_rev, result.from_commit, result.from_date)),
            ("To", _side(result.to_rev, result.to_commit, result.to_date)),
            (
                "Changes",
                f"{changes} change{'s' * (changes != 1)} · "
                f'<span class="plus">+{stats.inserted_words}</span> / '
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
            f'<header class="titleblock"><p class="eyebrow">{eyebrow} · Redline</p>'
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
            return '<nav class="legend" aria-label="Rounds"><p class="hint">No changes.</p></nav>\n'
        items = []
        for key, (cls, _colour) in self.colours.items():
            ins, dele = self.result.stats.rounds.get(key, [0, 0])
            people = self.round_people(key)
            who = f'<span class="rwho">{escape(people)}</span>' if people else ""
            items.append(
                f'<li class="round {cls}"><label><input type="checkbox" checked '
                f'data-round="{cls}"><span class="swatch" aria-hidden="true"></span>'
                f'<span class="rname">{escape(round_title(self.config, key))}</span></label>'
                f'{who}<span class="rcount">{_count("plus", "+", ins)} '
                f"{_count('minus', '−', dele)} words</span></li>"
            )
        return (
            '<nav class="legend" aria-labelledby="legend-title">'
            '<h2 id="legend-title">Consultation rounds</h2><ul class="rounds">'
            + "".join(items)
            + "</ul>"
            + KEY
            + '<p class="hint">Untick a round to read the text as if its changes were simply '
            "accepted. Each numbered note names the round that made the change beside it.</p>"
            "</nav>\n"
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
            '<section class="summary" aria-labelledby="summary-title">'
            '<h2 id="summary-title">Summary</h2>'
            '<div class="tablewrap" role="region" tabindex="0" aria-label="Words per round">'
            '<table><caption>Words changed per round</caption><thead><tr><th scope="col">Round'
            '</th><th scope="col">Stakeholders</th><th scope="col" class="n">Changes</th>'
            '<th scope="col" class="n">Added</th><th scope="col" class="n">Removed</th></tr>'
            f"</thead><tbody>{rows}</tbody></table></div>"
            '<div class="tablewrap" role="region" tabindex="0" aria-label="Words per section">'
            '<table><caption>Words changed per section</caption><thead><tr><th scope="col">'
            'Section</th><th scope="col" class="n">Added</th><th scope="col" class="n">Removed'
            f"</th></tr></thead><tbody>{sections}</tbody></table></div></section>\n"
        )

    def round_row(self, key: str, cls: str) -> str:
        credits = self.result.credits
        count = sum(
            1 for c in self.result.changes if any(credits[k].round_key == key for k in c.credits)
        )
        return (
            f'<tr><td><span class="dot {cls}" aria-hidden="true"></span>'
            f"{escape(round_title(self.config, key))}</td>"
            f'<td>{escape(self.round_people(key))}</td><td class="n">{count}</td>'
            f"{_word_cells(self.result.stats.rounds.get(key, [0, 0]))}</tr>"
        )


KEY = (
    '<p class="key"><span class="keyitem"><ins class="sample">inserted</ins> underlined</span>'
    '<span class="keyitem"><del class="sample">deleted</del> struck through</span>'
    '<span class="keyitem"><span class="movesample">moved</span> bar at the left, labelled'
    "</span></p>"
)
