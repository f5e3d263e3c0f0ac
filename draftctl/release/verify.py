"""Verifying a version: recompute what its tag claims (tag, digest, signature, outcome)."""

from __future__ import annotations

from dataclasses import dataclass, field

from draftctl.consultation.workspace import Workspace
from draftctl.errors import ConfigError, GitError, VerificationFailed
from draftctl.names import check_ref_name
from draftctl.release.digest import content_digest
from draftctl.release.tagobject import TagObject, load_tag
from draftctl.release.versions import DECIDED, DIGEST, OUTCOME_OF, OUTCOMES, STATUS, VERSION_TAG
from draftctl.textutil import plural


@dataclass
class Check:
    """One line of the verdict: passed (True), failed (False) or merely informative (None)."""

    what: str
    ok: bool | None
    detail: str

    def as_json(self) -> dict[str, object]:
        return {"check": self.what, "ok": self.ok, "detail": self.detail}


@dataclass
class Verification:
    """Every check made on a version, and the facts they were made on."""

    name: str
    commit: str | None = None
    tag_object: str | None = None
    digest: str | None = None
    drafts: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok is not False for check in self.checks)

    def add(self, what: str, ok: bool | None, detail: str) -> bool:
        self.checks.append(Check(what, ok, detail))
        return ok is not False

    def failures(self) -> list[Check]:
        return [check for check in self.checks if check.ok is False]

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "verified": self.ok,
            "commit": self.commit,
            "tag_object": self.tag_object,
            "digest": self.digest,
            "drafts": self.drafts,
            "checks": [check.as_json() for check in self.checks],
        }


SIGNATURE_SETTINGS = (
    "checked with the programs and trusted keys of your own git settings "
    "(`git config --global`), never the repository's"
)


def _check_signature(
    ws: Workspace, oid: str, tag: TagObject, report: Verification, label: str = "signature"
) -> None:
    if not tag.signature:
        why = " (the digest proves the content, not who tagged it)" if label == "signature" else ""
        report.add(label, None, f"not signed{why}")
        return
    good, words = ws.repo.verify_tag_signature(oid)
    summary = " ".join(words.split())[:300] or "no output from git"
    if not good:
        summary += f" ({SIGNATURE_SETTINGS})"
    report.add(label, good, ("good: " if good else "BAD or unverifiable: ") + summary)


def _check_digest(ws: Workspace, tag: TagObject, report: Verification) -> None:
    recorded = tag.first(DIGEST)
    try:
        actual, drafts = content_digest(ws, tag.object)
    except (ConfigError, GitError) as problem:
        report.add("content", False, f"cannot recompute the digest: {problem.message}")
        return
    report.digest, report.drafts = actual, drafts
    if recorded is None:
        report.add("content", False, "the tag carries no Content-Digest")
    elif recorded != actual:
        report.add(
            "content", False, f"digest mismatch: the tag says {recorded}, drafts give {actual}"
        )
    else:
        report.add(
            "content", True, f"{actual} matches {plural(len(drafts), 'draft')} at the commit"
        )


def _check_outcome(
    ws: Workspace, version: tuple[str, str, str], status: str, report: Verification
) -> None:
    """An outcome tag must be a tag object with its own name, bound to this exact version tag."""
    name, version_oid, commit = version
    outcome_name = f"{name}-{status}"
    label = f"outcome {outcome_name}"
    loaded = load_tag(ws, outcome_name)
    if isinstance(loaded, str):
        report.add(label, False, loaded)
        return
    oid, tag = loaded
    bound = tag.first(OUTCOME_OF) == name and tag.first(VERSION_TAG) == version_oid
    if not bound or tag.object != commit or tag.first(STATUS) != status:
        report.add(label, False, f"{outcome_name} does not record a decision on this tag of {name}")
        return
    report.add(label, True, f"{status} on {tag.first(DECIDED)} (tag object {oid[:12]})")
    _check_signature(ws, oid, tag, report, f"{label} signature")


def verify_version(ws: Workspace, name: str) -> Verification:
    """Recompute and compare everything a version tag claims; the caller reads `.ok`."""
    check_ref_name(name)
    report = Verification(name)
    if ws.repo.ref_target(f"refs/tags/{name}") is None:
        raise VerificationFailed(
            f"no version named {name!r}", "list versions with `draftctl versions`"
        )
    loaded = load_tag(ws, name)
    if isinstance(loaded, str):
        report.add("tag", False, loaded)
        return report
    oid, tag = loaded
    report.commit, report.tag_object = tag.object, oid
    report.add("tag", True, f"tag object {oid[:12]} is named {name!r}, on commit {tag.object[:12]}")
    if tag.first(OUTCOME_OF):
        report.add("kind", False, f"{name} is an outcome tag; verify {tag.first(OUTCOME_OF)}")
        return report
    if tag.first(STATUS) is None:
        report.add("kind", False, "the tag has no Draft-Status: it is not a draftctl version")
    _check_digest(ws, tag, report)
    _check_signature(ws, oid, tag, report)
    for status in OUTCOMES:
        if ws.repo.ref_target(f"refs/tags/{name}-{status}") is not None:
            _check_outcome(ws, (name, oid, tag.object), status, report)
    return report
