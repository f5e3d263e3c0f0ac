"""The clean copy for delegates: title page facts, table of contents and the parsed text.

Renderers (Markdown here, HTML in render/export_html.py, Word in render/docx.py) all start
from one `CleanCopy`. The draft's first line, when it is its only level-1 heading, becomes the
document's title (on the title page) and every other heading moves up one level, so that the
draft's `##` sections are the copy's chapters (Word "Heading 1"). Heading anchors are
GitHub-style slugs, made unique with `-2`, `-3`….
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from draftctl.consultation.follow import lineage
from draftctl.consultation.workspace import WORKTREE, Workspace, resolve_rev
from draftctl.errors import DraftError, InvalidValue, VerificationFailed
from draftctl.release.digest import content_digest, draft_blobs, drafts_folder_at
from draftctl.release.versions import Version, list_versions

FORMATS = ("html", "markdown", "docx")
TOC_DEPTH = 3
_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


@dataclass
class TitlePage:
    """What the title page says about the copy: which version, in what state, proven how."""

    organisation: str
    title: str
    draft: str
    rev: str
    version: str | None = None
    commit: str | None = None
    status: str | None = None
    outcome: str | None = None
    meeting: str | None = None
    digest: str | None = None
    date: str | None = None
    signed: bool = False
    language: str = "en-GB"

    def status_line(self) -> str:
        """`submitted — adopted on 2015-08-11`, or what the copy is when it is no version."""
        if self.version is None:
            return "working copy (uncommitted)" if self.commit is None else "not a tagged version"
        line = self.status or "—"
        return f"{line} — {self.outcome}" if self.outcome else line

    def facts(self) -> list[tuple[str, str]]:
        """(label, value) rows for the title page, in reading order; empty values left out."""
        rows = [
            ("Version", self.version or self.rev),
            ("Status", self.status_line()),
            ("Meeting", self.meeting or ""),
            ("Date", (self.date or "")[:10]),
            ("Commit", self.commit or ""),
            ("Content-Digest", self.digest or ""),
            ("Signed", "yes" if self.signed else ""),
            ("Draft", self.draft),
        ]
        return [(label, value) for label, value in rows if value]


@dataclass
class Heading:
    """A heading of the copy: its level after the title shift, its text and its anchor."""

    level: int
    text: str
    anchor: str


@dataclass
class CleanCopy:
    """A draft ready to render: title page, contents, and the body's Markdown and tokens."""

    page: TitlePage
    body: str
    tokens: list[Token] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)

    @property
    def toc(self) -> list[Heading]:
        return [h for h in self.headings if h.level <= TOC_DEPTH]


def check_format(fmt: str, out: str | None) -> None:
    """Refuse unknown formats, and a Word file without a file to write it to."""
    if fmt not in FORMATS:
        raise InvalidValue(f"unknown export format {fmt!r}", f"use one of: {', '.join(FORMATS)}")
    if fmt == "docx" and (out is None or out == "-"):
        raise InvalidValue("a Word file cannot be printed", "give a file with -o FILE.docx")


def markdown_parser() -> MarkdownIt:
    """CommonMark with tables; raw HTML in a draft is shown as text, never passed through."""
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    parser.core.ruler.at("inline", _bounded_inline)
    return parser


INLINE_LIMIT = 100_000  # characters of one paragraph's text given to the inline rules


def _bounded_inline(state: StateCore) -> None:
    """markdown-it's inline step, except that a paragraph longer than INLINE_LIMIT stays plain
    text: on such lines (brackets, thousands of line breaks) the link rules take seconds."""
    for token in state.tokens:
        if token.type != "inline":
            continue
        if len(token.content) > INLINE_LIMIT:
            token.children = [Token("text", "", 0, content=token.content)]
            continue
        if token.children is None:
            token.children = []
        state.md.inline.parse(token.content, state.md, state.env, token.children)


def inline_text(token: Token) -> str:
    """The plain text of an inline token (markup, links and code reduced to their words)."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def slugify(text: str, taken: set[str]) -> str:
    """A GitHub-style anchor for `text`, unique among `taken` (which it joins)."""
    base = _SLUG_DROP.sub("", text.lower()).strip().replace(" ", "-") or "section"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def _title_of(tokens: list[Token]) -> tuple[str | None, int]:
    """The draft's title (its only `#` heading, when it comes first) and the level shift."""
    h1 = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"]
    if len(h1) == 1 and h1[0] == 0:
        return inline_text(tokens[1]), 1
    return None, 0


def _drop_title(text: str, tokens: list[Token]) -> str:
    """The Markdown without the title heading's lines."""
    first = tokens[0].map or [0, 1]
    lines = text.splitlines(keepends=True)
    return "".join(lines[: first[0]] + lines[first[1] :]).lstrip("\n")


def parse_body(text: str) -> tuple[str | None, str, list[Token], list[Heading]]:
    """Title, body Markdown, body tokens (headings shifted and given ids) and headings."""
    tokens = markdown_parser().parse(text)
    title, shift = _title_of(tokens)
    body = _drop_title(text, tokens) if title is not None else text
    tokens = markdown_parser().parse(body) if title is not None else tokens
    headings: list[Heading] = []
    taken: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = max(1, int(token.tag[1]) - shift)
            words = inline_text(tokens[index + 1])
            heading = Heading(level, words, slugify(words, taken))
            token.attrSet("id", heading.anchor)
            token.meta["level"] = level
            headings.append(heading)
    return title, body, tokens, headings


def _version_for(ws: Workspace, rev: str, commit: str) -> Version | None:
    """The version named `rev`, else the latest version on that commit, else None."""
    found = [v for v in list_versions(ws) if v.commit == commit]
    named = [v for v in found if v.name == rev]
    chosen = named or found[-1:]
    return chosen[0] if chosen else None


def _page_for_version(page: TitlePage, version: Version, actual: str) -> None:
    if version.digest != actual:
        raise VerificationFailed(
            f"version {version.name} does not match its tag: the digest of its drafts is "
            f"{actual}, the tag says {version.digest}",
            f"run `draftctl verify {version.name}` and do not hand out this copy",
        )
    page.version, page.status, page.meeting = version.name, version.status, version.meeting
    page.date, page.signed = version.date, version.signed
    if version.outcome:
        page.outcome = f"{version.outcome.status} on {version.outcome.decided}"
        page.meeting = version.outcome.meeting or page.meeting


def title_page(ws: Workspace, rev: str, path: str, title: str) -> TitlePage:
    """Everything the title page states, from the version tag when `rev` is a version."""
    page = TitlePage(ws.config.name, title, path, rev, language=ws.config.lang)
    if rev == WORKTREE:
        return page
    page.commit = resolve_rev(ws, rev, "export")
    page.digest, _ = content_digest(ws, page.commit)
    page.date = ws.repo.commit_date(page.commit)
    version = _version_for(ws, rev, page.commit)
    if version is not None:
        _page_for_version(page, version, page.digest)
    return page


def build_clean_copy(ws: Workspace, rev: str, draft: str | None) -> CleanCopy:
    """The clean copy of one draft at `rev` (a version, a commit, or WORKTREE)."""
    commit = rev if rev == WORKTREE else resolve_rev(ws, rev, "export")
    path = ws.resolve_draft(draft) if commit == WORKTREE else _draft_at(ws, commit, draft, rev)
    text = ws.text_at(commit, path)
    if text is None:
        raise InvalidValue(f"{path} does not exist at {rev}", "name the draft with --draft")
    title, body, tokens, headings = parse_body(text)
    page = title_page(ws, rev, path, title or ws.draft_name(path).replace("-", " ").capitalize())
    return CleanCopy(page, body, tokens, headings)


def _draft_at(ws: Workspace, commit: str, draft: str | None, rev: str) -> str:
    """The draft's path as the repository stood at `commit`: in the drafts folder that
    draftctl.toml named then (the digest covers that folder, whatever the config says now)."""
    folder = drafts_folder_at(ws, commit)
    then = Workspace(ws.repo, ws.config.replace(drafts=folder))
    drafts = [path for path, _ in draft_blobs(ws, commit)]
    if draft is not None:
        path = then.draft_path(draft)
        return path if path in drafts else lineage(ws, ws.draft_path(draft)).at(commit)
    if len(drafts) == 1:
        return drafts[0]
    names = ", ".join(then.draft_name(p) for p in drafts) or "none"
    raise DraftError(
        f"{rev} has {len(drafts)} drafts in {folder}/ ({names})", "name one with --draft"
    )


def render_clean_markdown(copy: CleanCopy) -> str:
    """The clean copy as Markdown: title block, contents with links, then the text."""
    page = copy.page
    lines = [f"# {page.title}", "", f"**{page.organisation}**", "", "| | |", "|---|---|"]
    lines += [f"| {label} | {_cell(label, value)} |" for label, value in page.facts()]
    lines += ["", "## Contents", ""]
    lines += [f"{'  ' * (h.level - 1)}- [{h.text}](#{h.anchor})" for h in copy.toc]
    lines += ["", "---", ""]
    return "\n".join(lines) + "\n" + copy.body


def _cell(label: str, value: str) -> str:
    escaped = value.replace("|", "\\|")
    return f"`{escaped}`" if label in ("Commit", "Content-Digest") else escaped
