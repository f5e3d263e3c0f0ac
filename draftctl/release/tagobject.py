"""A tag object as git stores it: read, split into headers, message and signature, and loaded."""

from __future__ import annotations

import re
from dataclasses import dataclass

from draftctl.consultation.workspace import Workspace
from draftctl.release.versions import message_trailers

SIGNATURE_START = re.compile(
    rb"^-----BEGIN (PGP SIGNATURE|PGP MESSAGE|SSH SIGNATURE|SIGNED MESSAGE)-----$", re.MULTILINE
)


@dataclass
class TagObject:
    """A tag object as git stores it: headers, message and the optional signature."""

    object: str
    type: str
    tag: str
    tagger: str
    message: str
    signature: str

    @property
    def trailers(self) -> dict[str, list[str]]:
        subject, _, body = self.message.partition("\n")
        return message_trailers(subject, body)

    def first(self, key: str) -> str | None:
        values = self.trailers.get(key.lower())
        return values[0] if values else None


def parse_tag_object(raw: bytes) -> TagObject:
    """Split a raw tag object into its headers, message and signature."""
    head, _, rest = raw.partition(b"\n\n")
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        headers.setdefault(key, value)
    match = SIGNATURE_START.search(rest)
    message, signature = (rest[: match.start()], rest[match.start() :]) if match else (rest, b"")
    return TagObject(
        headers.get("object", ""),
        headers.get("type", ""),
        headers.get("tag", ""),
        headers.get("tagger", ""),
        message.decode("utf-8", "replace"),
        signature.decode("utf-8", "replace"),
    )


def load_tag(ws: Workspace, name: str) -> tuple[str, TagObject] | str:
    """(id, parsed tag) when refs/tags/NAME is a tag object named NAME on a commit, else why not."""
    ref = f"refs/tags/{name}"
    oid = ws.repo.ref_target(ref)
    if oid is None:
        return f"{ref} does not exist"
    kind = ws.repo.object_type(oid)
    if kind != "tag":
        return f"{ref} points at a {kind}, not at an annotated tag object: it was re-pointed"
    tag = parse_tag_object(ws.repo.read_object(oid) or b"")
    if tag.tag != name:
        return f"{ref} points at a tag object named {tag.tag!r}, not {name!r}"
    if tag.type != "commit" or ws.repo.object_type(tag.object) != "commit":
        return f"the tag object names a {tag.type}, not a commit"
    return oid, tag
