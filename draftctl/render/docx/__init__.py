"""Word documents: the clean copy for delegates and the tracked-changes redline.

Both are built with python-docx on its default template, A4 with 25 mm margins, so Word's
own styles do the work: `Title`/`Subtitle` on the title page, `Heading 1`–`Heading 3` (and
deeper) for sections, `List Bullet`/`List Number` (and their `2`/`3` levels) for lists, each
numbered list restarting at its own first number, `Quote`, and a real `TOC` field whose
cached entries are filled in (Word refreshes page numbers on open).

The redline (`render_docx`) shows the FROM → TO diff as genuine tracked changes: `w:ins` and
`w:del` (with `w:delText`) for words, `w:moveFrom`/`w:moveTo` ranges for moved blocks, and an
inserted or deleted paragraph mark when a whole block comes or goes. Every change's
`w:author` is the consultation round's short title ("Evidence review") and `w:date` the
commit's date in UTC, so Word's Review › Show Markup › People filters by round; the
stakeholders, rationale and commit go in a Word comment anchored on the change. Both documents
carry the repository's language (`w:lang`) and ask Word to update fields on open.

Modules, by what they write: `document` (the package, settings, XML pieces), `styles`,
`clean` (the clean copy), `paragraphs` (blocks cut into paragraphs and cells), `tracked`
(tracked changes), `comments`, `redline` (the redline's entry point and cover).
"""

from draftctl.render.docx.clean import render_clean_docx
from draftctl.render.docx.comments import word_date
from draftctl.render.docx.document import add_hyperlink, new_document, to_bytes
from draftctl.render.docx.paragraphs import split_paragraphs
from draftctl.render.docx.redline import render_docx

__all__ = [
    "add_hyperlink",
    "new_document",
    "render_clean_docx",
    "render_docx",
    "split_paragraphs",
    "to_bytes",
    "word_date",
]
