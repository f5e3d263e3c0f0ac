"""Release commands: `tag`, `outcome`, `versions`, `verify`, `export` and `sync`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from draftctl import output
from draftctl.commands import options
from draftctl.commands.context import App, workspace

if TYPE_CHECKING:
    from draftctl.release.verify import Verification


def tag(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The version's name, e.g. `icm-2015` or `v0.3`."),
    rev: str | None = options.revision("The commit to tag (default: HEAD)."),
    status: str = typer.Option(
        "draft",
        "--status",
        help="draft, consultation, submitted, adopted or rejected.",
        metavar="STATUS",
    ),
    meeting: str | None = typer.Option(None, "--meeting", help="The meeting it goes to."),
    sign: bool = typer.Option(False, "--sign", help="Sign the tag (GPG or SSH, as git is set)."),
    message: str | None = typer.Option(None, "-m", "--message", help="The tag's message."),
    allow_unattributed: bool = typer.Option(
        False,
        "--allow-unattributed",
        help="Tag even if commits since the last version lack a round (recorded in the tag).",
    ),
) -> None:
    """Cut a version: a create-only annotated tag with status, meeting and content digest.

    Example: draftctl tag icm-2015 --status submitted --meeting "ICM, Dublin, 7-11 August 2015"
    """
    from draftctl.release.tags import cut_version

    version = cut_version(
        workspace(ctx),
        name,
        rev=rev,
        status=status,
        meeting=meeting,
        message=message,
        sign=sign,
        allow_unattributed=allow_unattributed,
    )
    signed = "signed " if version.signed else ""
    output.notice(
        f"tagged {signed}version {version.name} ({version.status}) at {version.commit[:10]}"
    )
    output.notice(f"content digest {version.digest}; check it any time with `draftctl verify`")


def outcome(
    ctx: typer.Context,
    name: str = options.version_argument("The version decided on."),
    status: str = typer.Option(..., "--status", help="adopted or rejected.", metavar="STATUS"),
    date: str | None = options.date("Day of the decision, YYYY-MM-DD (default: today)."),
    meeting: str | None = typer.Option(None, "--meeting", help="The meeting that decided."),
    note: str | None = typer.Option(None, "--note", help="A one-line note on the decision."),
    sign: bool = typer.Option(False, "--sign", help="Sign the outcome tag."),
) -> None:
    """Record the meeting's decision on a version, as the tag NAME-adopted or NAME-rejected.

    Example: draftctl outcome icm-2015 --status adopted --date 2015-08-11
    """
    from draftctl.release.tags import record_outcome

    done = record_outcome(
        workspace(ctx), name, status=status, date=date, meeting=meeting, note=note, sign=sign
    )
    output.notice(f"recorded {name}: {done.status} on {done.decided} (tag {done.name})")


def versions(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """List every version, oldest first, with the words and rounds since the one before.

    Example: draftctl versions --json
    """
    from draftctl.commands import listings

    listings.versions(App.of(ctx), as_json)


def verify(
    ctx: typer.Context,
    name: str = options.version_argument("The version to prove."),
    as_json: bool = typer.Option(False, "--json", help="Print the checks as JSON."),
) -> None:
    """Prove a version: recompute its content digest, check its tag and signature.

    Exits 1 when any check fails.

    Example: draftctl verify icm-2015
    """
    from draftctl.errors import VerificationFailed
    from draftctl.release.verify import verify_version

    report = verify_version(workspace(ctx), name)
    if as_json:
        output.print_json(report.as_json())
    else:
        _print_verdict(report)
    if not report.ok:
        first = report.failures()[0]
        message = f"{name} failed verification: {first.what}: {first.detail}"
        if first.what.endswith("signature"):
            raise VerificationFailed(message, SIGNATURE_HINT)
        raise VerificationFailed(message)


SIGNATURE_HINT = (
    "draftctl verifies signatures only with your own git settings, never the repository's: "
    "set gpg.program or gpg.ssh.allowedSignersFile with `git config --global`, then verify again"
)


def _print_verdict(report: Verification) -> None:
    import sys

    from draftctl.textutil import visible

    marks = {True: "ok  ", False: "FAIL", None: "--  "}
    lines = [f"version {report.name}"]
    lines += [f"  {marks[c.ok]}  {c.what}: {c.detail}" for c in report.checks]
    if report.ok:
        lines.append(f"verified: {report.name} is exactly what was tagged")
    else:
        lines.append(f"NOT VERIFIED: {report.name} does not match what was tagged")
    sys.stdout.write(visible("\n".join(lines) + "\n"))


def export(
    ctx: typer.Context,
    rev: str = options.revision_argument("The version (or any revision) to export."),
    draft: str | None = options.draft(),
    fmt: str = typer.Option(
        "html", "--format", help="html, markdown or docx.", metavar="html|markdown|docx"
    ),
    out: str | None = options.output_file(),
) -> None:
    """Write a clean copy for delegates: title page, table of contents, the text.

    Example: draftctl export icm-2015 --format docx -o policy-icm-2015.docx
    """
    from draftctl.release.export import build_clean_copy, check_format

    check_format(fmt, out)
    copy = build_clean_copy(workspace(ctx), rev, draft)
    if fmt == "docx":
        from draftctl.release.word_props import stamped_clean_copy
        from draftctl.render.docx import render_clean_docx

        _write_bytes(stamped_clean_copy(copy, render_clean_docx(copy)), out or "")
    elif fmt == "html":
        from draftctl.render.export_html import render_clean_html

        output.write_result(render_clean_html(copy), out)
    else:
        from draftctl.release.export import render_clean_markdown

        output.write_result(render_clean_markdown(copy), out)


def _write_bytes(data: bytes, target: str) -> None:
    from pathlib import Path

    from draftctl.consultation.workspace import write_output

    write_output(Path(target), data)
    output.notice(f"wrote {target}")


def sync(
    ctx: typer.Context,
    remote: str | None = typer.Option(
        None, "--remote", help="The shared remote (default: the branch's, else origin)."
    ),
) -> None:
    """Fast-forward from the shared remote, then push the branch, versions and notes.

    Example: draftctl sync --remote origin
    """
    from draftctl.release.sync import sync_remote

    report = sync_remote(workspace(ctx), remote)
    for line in report.lines():
        output.notice(line)
