"""Refs beside the branch: notes, tag objects and their signatures, and remotes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from draftctl.errors import GitError
from draftctl.git.core import RepoCore
from draftctl.git.process import Identity, first_line, run_git

NOTES_REF = "refs/notes/draftctl"


class RefsAndRemotes(RepoCore):
    """The release side of `GitRepo`: notes, tags, signatures, remotes, fetch and push."""

    # -- notes ---------------------------------------------------------------------------

    def read_note(self, commit: str, ref: str = NOTES_REF) -> str | None:
        """The note attached to `commit` under `ref`, or None when it has none."""
        done = run_git(self.top, ["notes", f"--ref={ref}", "show", commit], check=False)
        return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None

    def note_list(self, ref: str = NOTES_REF) -> list[tuple[str, str]]:
        """(note blob, annotated object) for every note under `ref`; refuses a damaged ref."""
        done = run_git(self.top, ["notes", f"--ref={ref}", "list"], check=False)
        if done.returncode != 0:
            raise GitError(
                f"{ref} cannot be read as git notes: "
                f"{first_line(done.stderr.decode('utf-8', 'replace'))}",
                f"look at it with `git cat-file -t {ref}` (it must be a commit); if it holds no "
                f"notes of yours, remove it with `git update-ref -d {ref}`",
            )
        pairs = [line.split() for line in done.stdout.decode().splitlines()]
        return [(pair[0], pair[1]) for pair in pairs if len(pair) == 2]

    def write_note(
        self, commit: str, text: str, ref: str = NOTES_REF, identity: Identity | None = None
    ) -> None:
        """Attach `text` to `commit` under `ref`, replacing an earlier note (`git notes add -f`)."""
        env = identity.env() if identity else None
        args = ["notes", f"--ref={ref}", "add", "-f", "-F", "-", commit]
        self.git(*args, input=text.encode("utf-8"), env=env)

    def merge_notes(self, other: str, ref: str = NOTES_REF) -> bool:
        """Merge notes ref `other` into `ref`; on conflicting notes abort and return False."""
        done = run_git(self.top, ["notes", f"--ref={ref}", "merge", "-q", other], check=False)
        if done.returncode == 0:
            return True
        run_git(self.top, ["notes", f"--ref={ref}", "merge", "--abort"], check=False)
        return False

    # -- tags and signatures -----------------------------------------------------------

    def ref_target(self, ref: str) -> str | None:
        """The object id the full ref name `ref` points at, not peeled; None when absent."""
        done = run_git(self.top, ["show-ref", "--verify", "--hash", ref], check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def object_type(self, oid: str) -> str | None:
        done = run_git(self.top, ["cat-file", "-t", oid], check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def committer_ident(self, env: Mapping[str, str] | None = None) -> str:
        """`Name <email> seconds tz`, as git would write it now (or at the identity's date)."""
        return self.git("var", "GIT_COMMITTER_IDENT", env=env).strip()

    def make_tag(self, text: bytes) -> str:
        """Write a tag object with `git mktag` (which checks it) and return its id; no ref."""
        return self.git("mktag", input=text).strip()

    def sign_tag_object(
        self, name: str, commit: str, message: str, env: Mapping[str, str] | None = None
    ) -> tuple[str, str]:
        """A tag object signed by `git tag -s` (GPG or SSH as configured): (id, git's stderr).

        git runs in a scratch repository that includes this repository's configuration and
        writes into this object store, so no ref is made here; the caller creates it.
        """
        import shutil
        import tempfile

        scratch = Path(tempfile.mkdtemp(prefix="draftctl-sign-", dir=self.common_dir))
        try:
            fmt = self.git("rev-parse", "--show-object-format").strip() or "sha1"
            run_git(scratch, ["init", "--quiet", "--bare", f"--object-format={fmt}", "."])
            config = f"[include]\n\tpath = {self.common_dir / 'config'}\n[core]\n\tbare = true\n"
            (scratch / "config").write_text(config, encoding="utf-8")
            extra = {**(env or {}), "GIT_DIR": str(scratch)}
            extra["GIT_OBJECT_DIRECTORY"] = str(self.common_dir / "objects")
            args = ["tag", "-s", "--cleanup=verbatim", "-F", "-", "--", name, commit]
            done = run_git(scratch, args, input=message.encode("utf-8"), env=extra, check=False)
            words = done.stderr.decode("utf-8", "replace")
            if done.returncode != 0:
                raise GitError(
                    f"git could not sign the tag: {first_line(words)}",
                    "check user.signingkey and gpg.format (openpgp or ssh) in your git settings",
                )
            oid = run_git(scratch, ["rev-parse", f"refs/tags/{name}"], env=extra).stdout
            return oid.decode().strip(), words
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def verify_tag_signature(self, oid: str) -> tuple[bool, str]:
        """`git verify-tag` on a signed tag object: (good?, git's own words).

        The repository's own configuration is never read here: a `gpg.program` or
        `gpg.ssh.allowedSignersFile` planted in .git/config could run a program or declare any
        key trusted. git runs in an empty scratch repository (outside this one, so a read-only
        repository works) that reads this object store, so only the user's global and system
        settings choose the programs and the trusted keys.
        """
        import shutil
        import tempfile

        scratch = Path(tempfile.mkdtemp(prefix="draftctl-verify-"))
        try:
            fmt = self.git("rev-parse", "--show-object-format").strip() or "sha1"
            run_git(scratch, ["init", "--quiet", "--bare", f"--object-format={fmt}", "."])
            objects = str(self.common_dir / "objects")
            extra = {"GIT_DIR": str(scratch), "GIT_OBJECT_DIRECTORY": objects}
            done = run_git(scratch, ["verify-tag", oid], env=extra, check=False)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        words = (done.stderr + done.stdout).decode("utf-8", "replace").strip()
        return done.returncode == 0, words

    # -- remotes -----------------------------------------------------------------------

    def remotes(self) -> list[str]:
        return self.git("remote").split()

    def config_value(self, key: str) -> str | None:
        done = run_git(self.top, ["config", "--get", key], check=False)
        return done.stdout.decode("utf-8", "replace").strip() or None

    def remote_refs(self, remote: str) -> dict[str, str]:
        """Every ref the remote advertises (peeled `^{}` lines left out): name → id."""
        out = self.git("ls-remote", "--", remote)
        pairs = (line.split("\t", 1) for line in out.splitlines() if "\t" in line)
        return {ref: oid for oid, ref in pairs if not ref.endswith("^{}")}

    def fetch_objects(self, remote: str, refs: list[str]) -> None:
        """Fetch the objects of `refs` without creating or moving any local ref."""
        if refs:
            args = ["fetch", "--quiet", "--no-tags", "--refmap=", "--no-write-fetch-head"]
            self.git(*args, "--", remote, *refs)

    def has_object(self, oid: str) -> bool:
        return self.git_ok("cat-file", "-e", oid)

    def push(self, remote: str, refspecs: list[str]) -> str:
        """Push `refspecs` atomically, never forced, running the repository's hooks (the
        pre-push check among them); git's report on failure."""
        done = run_git(
            self.top,
            ["push", "--atomic", "--porcelain", "--", remote, *refspecs],
            check=False,
            hooks=True,
        )
        return (
            "" if done.returncode == 0 else (done.stdout + done.stderr).decode("utf-8", "replace")
        )
