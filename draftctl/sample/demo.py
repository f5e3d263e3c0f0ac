"""The sample consultation: replay the packaged texts and history.toml into a real repository."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from draftctl.consultation import registry
from draftctl.consultation.config import Stakeholder
from draftctl.consultation.recording import commit_changes
from draftctl.consultation.setup import init_repository
from draftctl.consultation.workspace import Workspace, atomic_write
from draftctl.errors import AlreadyExists, DraftctlError
from draftctl.git.commits import plain_git_commit
from draftctl.git.process import Identity
from draftctl.git.trailers import Attribution

if TYPE_CHECKING:
    from draftctl.review.result import AnnotatedDiff

Step = dict[str, Any]


def sample_dir() -> Path:
    """Where the sample lives: inside the installed package, or `drafts/` in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "_sample"
    if (packaged / "history.toml").is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "drafts"


def load_sample() -> dict[str, Any]:
    folder = sample_dir()
    try:
        return tomllib.loads((folder / "history.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DraftctlError(
            "the sample consultation is missing from this installation",
            "reinstall draftctl (`pip install --force-reinstall draftctl`)",
        ) from None


class Replay:
    """Replays the sample's steps through draftctl's own core functions."""

    def __init__(self, sample: dict[str, Any], target: Path) -> None:
        self.sample = sample
        self.target = target
        self.people = {p["id"]: p for p in sample["people"]}
        self.rounds = {r["id"]: r for r in sample["rounds"]}
        self.feedback = {f["id"]: f for f in sample.get("feedback", [])}
        self.draft = sample["sample"]["draft"]
        self.ws: Workspace | None = None

    def identity(self, step: Step) -> Identity:
        person = self.people[step["author"]]
        return Identity(person["name"], person["email"], step["date"])

    @property
    def workspace(self) -> Workspace:
        assert self.ws is not None, "the first step must be init"
        return self.ws

    def run(self, step: Step) -> None:
        handler: Callable[[Step], None] = getattr(self, "do_" + step["action"].replace("-", "_"))
        handler(step)

    def do_init(self, step: Step) -> None:
        who = self.identity(step)
        self.ws = init_repository(self.target, self.sample["sample"]["name"], who)
        people = [
            Stakeholder(item["id"], item["name"], item.get("kind"))
            for item in self.sample["stakeholders"]
        ]
        subject = f"Register {len(people)} stakeholders"
        registry.add_stakeholders(self.ws, people, subject, who)

    def do_round_add(self, step: Step) -> None:
        item = self.rounds[step["round"]]
        registry.add_round(
            self.workspace,
            item["id"],
            item["title"],
            str(item.get("opens") or "") or None,
            str(item.get("closes") or "") or None,
            list(item.get("stakeholders", [])),
            self.identity(step),
            item.get("method"),
        )

    def do_round_open(self, step: Step) -> None:
        registry.set_round_state(
            self.workspace, step["round"], "open", step["date"][:10], self.identity(step)
        )

    def do_round_close(self, step: Step) -> None:
        registry.set_round_state(
            self.workspace, step["round"], "closed", step["date"][:10], self.identity(step)
        )

    def do_commit(self, step: Step) -> None:
        ws = self.workspace
        path = ws.draft_path(self.draft)
        atomic_write(ws.top / path, (sample_dir() / step["state"]).read_bytes())
        attribution = Attribution(
            step["round"], list(step.get("by", [])), step.get("why"), list(step.get("feedback", []))
        )
        if step.get("plain_git"):
            plain_git_commit(
                ws.repo, [path], step["message"], attribution.pairs(), self.identity(step)
            )
            return
        commit_changes(ws, [self.draft], attribution, step["message"], identity=self.identity(step))

    def do_feedback_add(self, step: Step) -> None:
        from draftctl.consultation import feedback

        item = self.feedback[step["feedback"]]
        feedback.add_feedback(
            self.workspace,
            item["round"],
            item["from"],
            item["summary"],
            item.get("ref"),
            identity=self.identity(step),
            expected_id=item["id"],
        )

    def do_feedback_respond(self, step: Step) -> None:
        from draftctl.consultation import feedback

        item = self.feedback[step["feedback"]]
        feedback.respond_feedback(
            self.workspace,
            item["id"],
            item["status"],
            item["response"],
            identity=self.identity(step),
        )

    def do_import_word(self, step: Step) -> None:
        """A national office's returned Word file, written here from the draft as circulated."""
        from draftctl.release.word_import import ImportOptions, import_review

        file = write_returned_file(self.workspace, self.draft, step)
        opts = ImportOptions(
            step["round"],
            list(step["from"]),
            why=step.get("why"),
            feedback=list(step.get("feedback", [])),
            message=step.get("message"),
        )
        result = import_review(self.workspace, file, opts, identity=self.identity(step))
        recorded = [item.id for item in result.feedback]
        if recorded != list(step.get("comments_as", [])):
            raise DraftctlError(
                f"the Word file's comments were recorded as {recorded}, "
                f"not {step.get('comments_as')}",
                "check the feedback ids in history.toml: they are given in order",
            )

    def do_tag(self, step: Step) -> None:
        from draftctl.release import tags as release

        release.cut_version(
            self.workspace,
            step["name"],
            status=step["status"],
            meeting=step.get("meeting"),
            message=step.get("message"),
            identity=self.identity(step),
        )

    def do_outcome(self, step: Step) -> None:
        from draftctl.release import tags as release

        release.record_outcome(
            self.workspace,
            step["name"],
            status=step["status"],
            date=step["date"][:10],
            meeting=step.get("meeting"),
            note=step.get("note"),
            identity=self.identity(step),
        )


def write_returned_file(ws: Workspace, draft: str, step: Step) -> Path:
    """Export the draft as it is, edit it as the office's reviewer did in Word, save it
    under `.git/draftctl/returns/` (outside the work tree) and return its path."""
    from draftctl.release.export import build_clean_copy
    from draftctl.release.word_props import stamped_clean_copy
    from draftctl.render.docx import render_clean_docx
    from draftctl.sample.word_review import WordEditor

    copy = build_clean_copy(ws, "HEAD", draft)
    editor = WordEditor(stamped_clean_copy(copy, render_clean_docx(copy)))
    author = step["word_author"]
    for edit in step["edits"]:
        if edit["kind"] == "replace":
            editor.replace(edit["paragraph"], edit["old"], edit["new"], author)
        else:
            editor.comment(edit["paragraph"], edit["on"], edit["text"], author)
    target = ws.repo.git_dir / "draftctl" / "returns" / step["file"]
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, editor.save())
    return target


def build_demo(target: Path, progress: Callable[[int, int], None] | None = None) -> Workspace:
    """Replay the sample consultation into a new repository at `target`."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise AlreadyExists(
            f"{target} exists and is not empty: the demo never writes over files",
            "give another folder, e.g. `draftctl demo demo2`",
        )
    sample = load_sample()
    replay = Replay(sample, target)
    steps = sample["steps"]
    for index, step in enumerate(steps, 1):
        replay.run(step)
        if progress:
            progress(index, len(steps))
    ws = replay.workspace
    ws.repo.git("update-index", "--refresh")
    return Workspace(ws.repo, ws.config)  # a fresh lineage cache


NEXT_STEPS = """Next, inside {path}:
  draftctl log --round stakeholder-consultation   the changes one round prompted
  draftctl diff v0.1-internal icm-2015            every change since the first version, annotated
  draftctl diff v0.1-internal icm-2015 --format html -o redline.html
  draftctl blame                                  which round last shaped each paragraph
  draftctl report --format html -o report.html    "you said, we did"
  draftctl versions && draftctl verify icm-2015   prove what the ICM voted on"""


def demo_diff(ws: Workspace) -> AnnotatedDiff:
    """The annotated diff of the last stretch before the ICM vote, for the demo to show."""
    from draftctl.review.annotate import annotated_diff
    from draftctl.review.filters import Filters

    return annotated_diff(ws, None, "v0.3-consultation", "icm-2015", Filters(None, None, None))
