"""The everyday listings as plain data (styled spans): rich draws them at a terminal, and
`render.plain` lays them out identically, without importing rich, when the output is piped."""

from __future__ import annotations

from collections.abc import Sequence

from draftctl.textutil import plural, visible

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:  # types only: a registry listing must not import history (nor the engine)
    from typing import Any

    from draftctl.consultation.config import Round, Stakeholder
    from draftctl.consultation.history import CommitRecord
    from draftctl.release.versions import VersionEntry

Span = tuple[str, str]  # (text, rich style)
Line = list[Span]  # one printed line; [] is an empty line; ("", style) first: the whole line's

_STATE_STYLE = {"open": "bold green", "planned": "yellow", "closed": "dim"}


class Listing:
    """A listing table: title, column headers, the columns never cut (ids, dates, counts) and
    one styled cell per column in each row."""

    __slots__ = ("headers", "rows", "title", "whole")

    def __init__(
        self,
        title: str,
        headers: tuple[str, ...],
        whole: tuple[str, ...],
        rows: Sequence[tuple[Span, ...]],
    ) -> None:
        self.title = title
        self.headers = headers
        self.whole = whole
        self.rows = rows


def cell(value: str | None, style: str = "", empty: str = "—") -> Span:
    """A stored value as a cell: control characters shown as symbols, one line."""
    return (visible(value, one_line=True) if value else empty, style)


def rounds_table(rounds: list[Round]) -> Listing:
    headers = ("id", "title", "state", "opens", "closes", "stakeholders")
    rows = [
        (
            cell(item.id, "bold"),
            cell(item.title),
            cell(item.state, _STATE_STYLE.get(item.state, "")),
            cell(item.opens),
            cell(item.closes),
            ("\n".join(visible(i, one_line=True) for i in item.stakeholders) or "—", ""),
        )
        for item in rounds
    ]
    return Listing("Consultation rounds", headers, (headers[0], *headers[2:]), rows)


def stakeholders_table(people: list[Stakeholder]) -> Listing:
    rows = [(cell(p.id, "bold"), cell(p.name), cell(p.kind)) for p in people]
    return Listing("Stakeholders", ("id", "name", "kind"), ("id", "kind"), rows)


def unattributed_table(records: list[CommitRecord]) -> Listing:
    """`attribute --list`: the commits changing drafts that still lack a round."""
    rows = [
        tuple(cell(v) for v in (r.date[:10], r.commit[:10], r.author, r.subject)) for r in records
    ]
    title = f"{plural(len(records), 'commit')} without a round"
    return Listing(title, ("date", "commit", "author", "change"), ("date", "commit"), rows)


def feedback_table(items: list[dict[str, Any]]) -> Listing:
    """`feedback list`: one row per item; ids, rounds and stakeholders are never cut."""
    headers = ("id", "round", "from", "summary", "status", "commits")
    rows = [
        (
            cell(item["id"], "bold"),
            cell(item["round"]),
            cell(item["from"]),
            cell(item["summary"]),
            cell(item["status"], "yellow" if item["status"] == "open" else ""),
            ("\n".join(c[:8] for c in item["commits"][:3]) or "—", ""),
        )
        for item in items
    ]
    return Listing(f"Feedback ({len(items)})", headers, (*headers[:3], *headers[4:]), rows)


def status_lines(report: dict[str, Any]) -> list[Line]:
    """`status`: the last version, each changed draft and its sections, unattributed commits,
    open rounds."""
    last = report["last_version"]
    if last:
        name, state, day = (visible(v, one_line=True) for v in _last_fields(last))
        lines = [[("Last version: ", ""), (name, "bold"), (f" ({state}, {day})", "")]]
    else:
        lines = [[("Last version: none yet (cut one with `draftctl tag`)", "")]]
    if not report["drafts"]:
        lines.append([("No uncommitted changes.", "green")])
    for change in report["drafts"]:
        lines.append(
            [
                (visible(change["draft"], one_line=True), "bold"),
                (f" ({change['state']}): ", ""),
                (f"+{change['inserted_words']}", "green"),
                (" ", ""),
                (f"−{change['deleted_words']}", "red"),
                (" words", ""),
            ]
        )
        for path in change["sections"]:
            lines.append([cell("   in " + (" › ".join(path) or "(before the first heading)"))])
    if report["unattributed"]:
        count = plural(len(report["unattributed"]), "commit")
        lines.append([(f"{count} without a round:", "red")])
        for item in report["unattributed"]:
            lines.append([cell(f"   {item['commit'][:8]}  {item['subject']}")])
    rounds = ", ".join(r["id"] for r in report["open_rounds"]) or "none"
    lines.append([cell(f"Open rounds: {rounds}")])
    return lines


def _last_fields(last: dict[str, Any]) -> tuple[str, str, str]:
    return last["name"], last["status"], last["date"][:10]


def version_lines(entries: list[VersionEntry]) -> list[Line]:
    """`versions`: each version as a short block (name and state, then meeting, words and
    rounds), an empty line between blocks."""
    lines: list[Line] = []
    for index, entry in enumerate(entries):
        if index:
            lines.append([])
        lines.extend(_version_block(entry))
    return lines


def _version_block(entry: VersionEntry) -> list[Line]:
    version = entry.version
    head: Line = [("", "bold"), (version.name, ""), (f"  {version.status or '—'}", "")]
    if version.outcome:
        head.append((f" → {version.outcome.status} {version.outcome.decided}", "bold"))
    head += [(f"  {version.date[:10]}  ", ""), (version.commit[:8], "yellow")]
    head.append(("  signed" if version.signed else "  unsigned", "dim"))
    since = f" since {entry.previous}" if entry.previous else ""
    lines = [head]
    if version.meeting:
        lines.append([(f"  meeting  {visible(version.meeting, one_line=True)}", "")])
    lines.append([(f"  words    +{entry.inserted_words} −{entry.deleted_words}{since}", "")])
    lines.append([(f"  rounds   {', '.join(entry.rounds) or '—'}", "")])
    return lines
