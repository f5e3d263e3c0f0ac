"""`draftctl sync`: fast-forward from the shared remote, then push branch, versions and notes.

Plain `git pull`/`git push` leave `refs/notes/draftctl` (late attribution) behind, and a
careless `git push --tags --force` could replace a version. `sync` does, in this order:

1. Ask the remote what it has (`git ls-remote`) and fetch the objects only: no local ref moves
   until every check has passed.
2. Refuse, with nothing changed, when a tag has different ids here and there (two people cut
   the same version name), when the remote's HEAD names another branch than the one this sync
   would create there, when its notes are not draftctl notes, when the branch has diverged (no
   merge is ever made for you: the hint rebases, carrying notes), when the commits to push fail
   `draftctl check`, when the fast-forward would touch a file that has uncommitted changes
   here, or when the two sides attach different notes to the same commit.
3. Fast-forward the branch (`git merge --ff-only`, which also never overwrites local work),
   create the tags that are new (create-only), and bring the remote's notes in: create,
   fast-forward, or `git notes --ref=draftctl merge` from `refs/notes/remotes/<remote>/draftctl`.
4. Push, in one atomic and never forced `git push` that runs the repository's hooks: the
   branch, every version and outcome tag the remote lacks, and `refs/notes/draftctl`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from draftctl.consultation.workspace import Workspace
from draftctl.errors import DraftctlError, GitError, RepositoryStateError
from draftctl.git.refs import NOTES_REF
from draftctl.git.repo import GitRepo
from draftctl.names import ref_name_problem
from draftctl.release.remote_checks import (
    SyncRefused,
    refuse_bad_notes,
    refuse_failing_commits,
    refuse_other_default,
)
from draftctl.release.versions import read_tags
from draftctl.textutil import plural

TAGS = "refs/tags/"


@dataclass
class SyncReport:
    """What `sync` did, for the notices the command prints."""

    remote: str
    branch: str
    pulled: int = 0
    tags_fetched: list[str] = field(default_factory=list)
    notes: str = ""
    pushed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        pulled = plural(self.pulled, "commit")
        out = [f"pulled {pulled} from {self.remote}/{self.branch} (fast-forward)"]
        if not self.pulled:
            out = [f"{self.branch} has nothing new on {self.remote}"]
        if self.tags_fetched:
            out.append(f"fetched tags: {', '.join(self.tags_fetched)}")
        if self.notes:
            out.append(f"notes: {self.notes}")
        pushed = ", ".join(self.pushed) or "nothing (the remote is up to date)"
        return [*out, f"pushed to {self.remote}: {pushed}"]


def choose_remote(repo: GitRepo, branch: str, remote: str | None) -> str:
    """The named remote, else the branch's upstream remote, else `origin`, else the only one."""
    known = repo.remotes()
    short = branch.removeprefix("refs/heads/")
    wanted = remote or repo.config_value(f"branch.{short}.remote")
    wanted = wanted or ("origin" if "origin" in known else known[0] if len(known) == 1 else None)
    if wanted is None or wanted not in known or ref_name_problem(wanted):
        raise DraftctlError(
            f"no remote named {wanted!r}" if wanted else "this repository has no single remote",
            "list remotes with `git remote -v`; add the shared one with "
            "`git remote add origin URL`, or name it with --remote",
        )
    return wanted


# -- checks (before anything changes) --------------------------------------------------------


def _refuse_tag_clashes(repo: GitRepo, remote: str, theirs: dict[str, str]) -> None:
    for ref, oid in sorted(theirs.items()):
        ours = repo.ref_target(ref) if ref.startswith(TAGS) else None
        if ours is not None and ours != oid:
            name = ref.removeprefix(TAGS)
            raise SyncRefused(
                f"tag {name!r} differs here and on {remote}: two different versions share a name",
                "draftctl never replaces a tag; compare them with `git show "
                f"{name}` and `git ls-remote {remote} {ref}`, and agree which one stands",
            )


def _branch_plan(repo: GitRepo, remote: str, branch: str, theirs: str | None) -> int:
    """Commits to fast-forward (0 when up to date or ahead); refuses a diverged branch."""
    ours = repo.head()
    if theirs is None or ours == theirs or (ours and repo.is_ancestor(theirs, ours)):
        return 0
    short = branch.removeprefix("refs/heads/")
    if ours and not repo.is_ancestor(ours, theirs):
        mine, other = (
            repo.count_commits(f"{theirs}..{ours}"),
            repo.count_commits(f"{ours}..{theirs}"),
        )
        raise SyncRefused(
            f"{short} and {remote}/{short} have diverged "
            f"({plural(mine, 'commit')} here, {other} there); "
            "sync only fast-forwards",
            f"put your commits on top of {remote}'s with `{rebase_command(remote, short)}` "
            "(no merge commit; late attributions follow the rebased commits; on a conflict, "
            "fix the file, `git add` it and run `git rebase --continue`), "
            "then run `draftctl sync` again",
        )
    touched = set(repo.paths_between(ours, theirs)) if ours else set()
    clash = sorted(touched & repo.dirty_paths())
    if clash:
        raise SyncRefused(
            f"cannot fast-forward: {remote} changes {', '.join(clash)}, which "
            f"{'has' if len(clash) == 1 else 'have'} uncommitted changes here",
            "record your changes with `draftctl commit` first, then run `draftctl sync` again",
        )
    return repo.count_commits(f"{ours}..{theirs}") if ours else 1


def rebase_command(remote: str, short: str) -> str:
    """The command that replays local commits onto the remote's, carrying their notes along."""
    return f"git -c notes.rewriteRef={NOTES_REF} pull --rebase --autostash {remote} {short}"


def _notes_in(repo: GitRepo, notes: str) -> dict[str, str]:
    """Annotated object → note blob, from a notes commit (any fan-out)."""
    return {path.replace("/", ""): oid for _, oid, path in repo.tree_blobs(notes, ".")}


def _refuse_note_conflicts(repo: GitRepo, remote: str, ours: str, theirs: str) -> None:
    base = repo.merge_base(ours, theirs)
    old = _notes_in(repo, base) if base else {}
    mine, other = _notes_in(repo, ours), _notes_in(repo, theirs)
    clash = [
        obj
        for obj in sorted(set(mine) & set(other))
        if mine[obj] != other[obj] and old.get(obj) not in (mine[obj], other[obj])
    ]
    if clash:
        shown = ", ".join(obj[:10] for obj in clash[:5])
        raise SyncRefused(
            f"the attribution notes for {shown} differ here and on {remote}",
            f"compare them with `git notes --ref=draftctl show COMMIT` here and after "
            f"`git fetch {remote} {NOTES_REF}`; settle them with `draftctl attribute`, then sync",
        )


def _notes_plan(repo: GitRepo, remote: str, theirs: str | None) -> str:
    """'create', 'forward', 'merge' or '' for the remote's notes; refuses conflicting notes."""
    ours = repo.ref_target(NOTES_REF)
    if theirs is None or theirs == ours or (ours and repo.is_ancestor(theirs, ours)):
        return ""
    if ours is None:
        return "create"
    if repo.is_ancestor(ours, theirs):
        return "forward"
    _refuse_note_conflicts(repo, remote, ours, theirs)
    return "merge"


# -- applying --------------------------------------------------------------------------------


def _bring_notes(repo: GitRepo, remote: str, plan: str, theirs: str | None) -> str:
    if not plan or theirs is None:
        return ""
    ours = repo.ref_target(NOTES_REF)
    if plan == "create":
        repo.create_ref(NOTES_REF, theirs, f"draftctl sync: notes from {remote}")
        return f"fetched from {remote}"
    if plan == "forward" and ours:
        repo.update_ref(NOTES_REF, theirs, ours, f"draftctl sync: notes from {remote}")
        return f"fast-forwarded to {remote}'s"
    tracking = f"refs/notes/remotes/{remote}/draftctl"
    repo.set_ref(tracking, theirs, f"draftctl sync: notes of {remote}")
    if not repo.merge_notes(tracking):
        raise SyncRefused(f"git could not merge the notes of {remote}", "run `draftctl sync` again")
    return f"merged with {remote}'s"


def _new_tags(repo: GitRepo, remote: str, theirs: dict[str, str]) -> list[str]:
    made = []
    for ref, oid in sorted(theirs.items()):
        new = ref.startswith(TAGS) and repo.ref_target(ref) is None
        if new and repo.create_ref(ref, oid, f"draftctl sync: tag from {remote}"):
            made.append(ref.removeprefix(TAGS))
    return made


def _push_specs(ws: Workspace, branch: str, theirs: dict[str, str]) -> list[str]:
    repo = ws.repo
    specs = []
    head = repo.head()
    if head and theirs.get(branch) != head:
        specs.append(f"{branch}:{branch}")
    versions, outcomes = read_tags(ws)
    for name in [v.name for v in versions] + [o.name for o in outcomes]:
        if f"{TAGS}{name}" not in theirs:
            specs.append(f"{TAGS}{name}:{TAGS}{name}")
    notes = repo.ref_target(NOTES_REF)
    if notes and theirs.get(NOTES_REF) != notes:
        specs.append(f"{NOTES_REF}:{NOTES_REF}")
    return specs


def _push(repo: GitRepo, remote: str, specs: list[str]) -> list[str]:
    if not specs:
        return []
    failure = repo.push(remote, specs)
    if failure:
        detail = " ".join(failure.split())[:300]
        raise GitError(
            f"the push to {remote} was refused: {detail}",
            "if this repository's pre-push hook refused it, fix what it reports; if someone "
            "pushed meanwhile, run `draftctl sync` again",
        )
    return [spec.split(":", 1)[0].removeprefix("refs/heads/").removeprefix(TAGS) for spec in specs]


def _fetch(repo: GitRepo, remote: str, wanted: dict[str, str]) -> None:
    repo.fetch_objects(remote, sorted(wanted))
    missing = [ref for ref, oid in wanted.items() if not repo.has_object(oid)]
    if missing:
        raise SyncRefused(
            f"{remote} changed while draftctl was reading it ({', '.join(missing)})",
            "run `draftctl sync` again",
        )


def sync_remote(ws: Workspace, remote: str | None = None) -> SyncReport:
    """Pull (fast-forward only) from the shared remote, then push branch, versions and notes."""
    repo = ws.repo
    branch = repo.check_writable()
    name = choose_remote(repo, branch, remote)
    report = SyncReport(name, branch.removeprefix("refs/heads/"))
    with repo.write_lock():
        advertised = repo.remote_refs(name)
        theirs = {
            ref: oid
            for ref, oid in advertised.items()
            if ref in (branch, NOTES_REF) or ref.startswith(TAGS)
        }
        _refuse_tag_clashes(repo, name, theirs)
        refuse_other_default(repo, name, branch, advertised)
        _fetch(repo, name, {r: o for r, o in theirs.items() if not repo.has_object(o)})
        if NOTES_REF in theirs:
            refuse_bad_notes(repo, name, theirs[NOTES_REF])
        pull = _branch_plan(repo, name, branch, theirs.get(branch))
        if not pull:
            refuse_failing_commits(ws, name, branch, theirs.get(branch))
        notes_plan = _notes_plan(repo, name, theirs.get(NOTES_REF))
        if pull:
            _fast_forward(repo, theirs[branch])
            report.pulled = pull
        report.tags_fetched = _new_tags(repo, name, theirs)
        report.notes = _bring_notes(repo, name, notes_plan, theirs.get(NOTES_REF))
        report.pushed = _push(repo, name, _push_specs(ws, branch, theirs))
        _track(repo, name, branch)
    return report


def _fast_forward(repo: GitRepo, commit: str) -> None:
    try:
        repo.fast_forward(commit)
    except GitError as problem:
        raise RepositoryStateError(
            f"git refused the fast-forward: {problem.message}",
            "record or set aside your local changes, then run `draftctl sync` again",
        ) from None


def _track(repo: GitRepo, remote: str, branch: str) -> None:
    """Point the remote-tracking branch at what the remote now has: our tip."""
    head = repo.head()
    if head and repo.config_value(f"remote.{remote}.fetch"):
        short = branch.removeprefix("refs/heads/")
        repo.set_ref(f"refs/remotes/{remote}/{short}", head, f"draftctl sync: {remote}")
