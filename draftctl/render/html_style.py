"""The redline page's style sheet and script: screen, 400 px phones and A4 print."""

from __future__ import annotations

SCRIPT = """
(function () {
  var hidden = {};
  function refresh() {
    document.querySelectorAll('[data-rounds]').forEach(function (el) {
      var rounds = el.getAttribute('data-rounds').split(' ');
      var off = rounds.every(function (r) { return hidden[r]; });
      el.classList.toggle('off', off);
    });
  }
  document.querySelectorAll('input[data-round]').forEach(function (box) {
    box.addEventListener('change', function () {
      hidden[box.getAttribute('data-round')] = !box.checked;
      refresh();
    });
  });
  document.querySelectorAll('.mk a').forEach(function (mark) {
    var note = document.querySelector(mark.getAttribute('href'));
    if (!note) { return; }
    ['mouseenter', 'focus'].forEach(function (on) {
      mark.addEventListener(on, function () { note.classList.add('lit'); });
    });
    ['mouseleave', 'blur'].forEach(function (on) {
      mark.addEventListener(on, function () { note.classList.remove('lit'); });
    });
  });
})();
"""


def tint(colour: str, amount: float) -> str:
    """`colour` mixed with white, keeping `amount` of the colour."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 - (255 - c) * amount) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def round_css(colours: dict[str, tuple[str, str]]) -> str:
    """One rule per round: its colour and a light tint for inserted text."""
    rules = [
        f".{cls}{{--c:{colour};--bg:{tint(colour, 0.08)}}}" for cls, colour in colours.values()
    ]
    return "\n" + "\n".join(rules) + "\n"


def css_string(text: str) -> str:
    """`text` as a CSS string literal that can never end the string or the style element."""
    out = []
    for char in text:
        if char.isalnum() or char in " .,:;()-_/→—›·":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return '"' + "".join(out) + '"'


CSS = """
:root {
  --ink: #1d1d1f; --muted: #5e5a54; --rule: #d9d4ca; --paper: #fdfcf9; --panel: #f6f3ec;
  --move: #5b3f91;
  --serif: "Charter", "Bitstream Charter", "Sitka Text", Cambria, "Iowan Old Style",
           "Palatino Linotype", Georgia, "DejaVu Serif", serif;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
          "Noto Sans", "DejaVu Sans", sans-serif;
  --mono: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { background: #efece5; }
body { margin: 0; color: var(--ink); font-family: var(--serif); font-size: 17px;
       line-height: 1.6; -webkit-print-color-adjust: exact; print-color-adjust: exact;
       overflow-wrap: break-word; }
a { color: #1a4f8f; }
.page { max-width: 70rem; margin: 2.5rem auto; background: var(--paper);
        padding: 3.5rem 4.5rem 4rem; box-shadow: 0 1px 3px rgba(0,0,0,.08),
        0 8px 30px rgba(0,0,0,.06); border-radius: 3px; }
.titleblock { font-family: var(--sans); border-bottom: 2px solid var(--ink);
              padding-bottom: 1.2rem; margin-bottom: 1.5rem; }
.eyebrow { text-transform: uppercase; letter-spacing: .12em; font-size: .75rem;
           color: var(--muted); margin: 0 0 .4rem; }
.titleblock h1 { font-family: var(--serif); font-weight: 600; font-size: 1.9rem;
                 line-height: 1.25; margin: 0 0 1rem; }
.meta { display: flex; flex-wrap: wrap; gap: .5rem 2.2rem; margin: 0; font-size: .875rem; }
.meta dt { color: var(--muted); font-size: .72rem; text-transform: uppercase;
           letter-spacing: .08em; }
.meta dd { margin: 0; }
.when { color: var(--muted); white-space: nowrap; }
code { font-family: var(--mono); font-size: .85em; color: #3f3b35; }
.approx { background: #fff6db; border: 1px solid #e0c46c; padding: .5rem .8rem;
          border-radius: 3px; font-size: .85rem; margin: 1rem 0 0; }
.plus { color: #23703f; } .minus { color: #a1293a; } .zero { color: var(--muted); }
.legend { font-family: var(--sans); background: var(--panel); border: 1px solid var(--rule);
          border-radius: 4px; padding: .9rem 1.1rem; margin-bottom: 2.2rem; font-size: .875rem; }
.legend h2, .summary h2 { font-family: var(--sans); font-size: .75rem; font-weight: 600;
                          text-transform: uppercase; letter-spacing: .12em;
                          color: var(--muted); margin: 0 0 .6rem; }
.rounds { list-style: none; margin: 0; padding: 0; display: grid; gap: .25rem; }
.round { display: grid; grid-template-columns: 1fr auto; gap: .1rem 1rem;
         align-items: baseline; padding: .3rem .4rem; border-radius: 3px; }
.round label { display: flex; align-items: baseline; gap: .55rem; cursor: pointer; }
.round input { accent-color: var(--c); margin: 0; width: 1rem; height: 1rem;
               align-self: center; flex: none; }
.swatch { flex: none; width: 1.6rem; height: .6rem; border-radius: 2px; align-self: center;
          background: var(--bg); border-bottom: 3px solid var(--c); }
.rname { font-weight: 600; color: var(--c); }
.rwho { grid-column: 1 / -1; grid-row: 2; padding-left: 2.15rem; color: var(--muted);
        font-size: .8rem; }
.rcount { font-variant-numeric: tabular-nums; font-size: .8rem; white-space: nowrap; }
.round:has(input:not(:checked)) .rname { text-decoration: line-through; }
.key { display: flex; flex-wrap: wrap; gap: .3rem 1.6rem; margin: .7rem 0 0; font-size: .8rem; }
.key ins, .key del { --c: var(--ink); --bg: #ecebe6; }
.movesample { border-left: 3px solid var(--move); padding-left: .35rem; color: var(--move);
              font-weight: 600; }
.hint { color: var(--muted); font-size: .8rem; margin: .6rem 0 0; }
.doc { margin-right: 17.5rem; }
.doc::after { content: ""; display: block; clear: both; }
.blk::after { content: ""; display: table; clear: none; }
.notes { float: right; clear: right; width: 15.5rem; margin-right: -17.5rem;
         font-family: var(--sans); font-size: .78rem; line-height: 1.4; padding-top: .3rem;
         font-style: normal; font-weight: normal; text-transform: none; letter-spacing: 0; }
.doc h1, .doc h2, .doc h3, .doc h4, .doc h5, .doc h6 { font-weight: 600; line-height: 1.3;
         margin: 1.6em 0 .5em; }
.doc h2 { font-size: 1.35rem; } .doc h3 { font-size: 1.15rem; }
.doc h4, .doc h5, .doc h6 { font-size: 1rem; }
.doc p { margin: 0 0 .9em; hyphens: auto; }
.doc ul, .doc ol { margin: 0 0 .9em; padding-left: 1.8em; }
.doc li { margin-bottom: .45em; padding-left: .2em; }
.doc li > p { margin: 0 0 .45em; }
.doc blockquote { margin: 0 0 .9em; padding-left: 1em; border-left: 3px solid var(--rule);
                  color: #3d3a35; }
.tablewrap { overflow-x: auto; margin: 0 0 1.2em; }
.doc table { border-collapse: collapse; width: 100%; font-family: var(--sans);
             font-size: .85rem; line-height: 1.45; }
.doc th, .doc td { border: 1px solid var(--rule); padding: .35rem .55rem; text-align: left;
                   vertical-align: top; }
.doc thead th { background: var(--panel); font-weight: 600; }
.doc pre { font-family: var(--mono); font-size: .8rem; background: var(--panel);
           padding: .6rem .8rem; border-radius: 3px; white-space: pre-wrap; }
.doc .link { text-decoration: underline dotted #6b665e; text-underline-offset: 3px; }
.doc hr { border: 0; border-top: 1px solid var(--rule); margin: 1.5em 0; }
ins, del { color: var(--c); text-decoration-thickness: 1.5px; text-underline-offset: 2px;
           border-radius: 2px; }
ins { background: var(--bg); text-decoration-line: underline; text-decoration-color: var(--c); }
del { text-decoration-line: line-through; text-decoration-color: var(--c); }
ins.off { color: inherit; background: none; text-decoration: none; }
del.off, .mk.off, .note.off, .move-from.off { display: none; }
.move.off { border-left-color: transparent; }
.move.off .movelabel { display: none; }
.mk { font-family: var(--sans); font-size: .68rem; font-weight: 700; line-height: 0;
      margin-left: 1px; }
.mk a { color: var(--c, var(--ink)); text-decoration: none; padding: 0 .12em;
        border-bottom: 1px solid currentColor; }
.mk a:focus-visible, .note a:focus-visible { outline: 2px solid #1a4f8f; outline-offset: 1px; }
.note { border-left: 3px solid var(--c); padding: .15rem 0 .2rem .55rem; margin-bottom: .7rem;
        transition: background .15s; }
.note:target, .note.lit { background: #f8efcf; }
.note p { margin: 0; }
.nhead { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 .4rem; }
.note .num { font-weight: 700; color: var(--ink); }
.rtag { color: var(--c); font-weight: 700; }
.note .kind { color: var(--muted); text-transform: uppercase; font-size: .68rem;
              letter-spacing: .08em; }
.credit { margin-top: .2rem; }
.credit + .credit { border-top: 1px dotted var(--rule); padding-top: .2rem; }
.who { color: #3d3a35; }
.why { margin: .15rem 0; font-family: var(--serif); font-style: italic; font-size: .84rem;
       color: #3d3a35; }
.why-ref { color: #3d3a35; font-style: italic; }
.note .meta { color: var(--muted); display: block; font-size: .72rem; }
.blk.move { border-left: 3px solid var(--move); padding-left: .8rem; margin-left: -1.1rem; }
del.moved { color: var(--move); text-decoration-color: var(--move); }
.movelabel { display: block; font-family: var(--sans); font-size: .72rem; color: var(--move);
             letter-spacing: .04em; font-weight: 700; font-style: normal; }
li > .movelabel { display: inline; margin-right: .4rem; }
.summary { margin-top: 3rem; border-top: 1px solid var(--rule); padding-top: 1.5rem;
           font-family: var(--sans); font-size: .84rem; }
.summary table { border-collapse: collapse; width: 100%; }
.summary caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
.summary th { text-align: left; font-weight: 600; color: var(--muted); font-size: .75rem;
              text-transform: uppercase; letter-spacing: .06em;
              border-bottom: 1px solid var(--ink); padding: .3rem .5rem; }
.summary td { border-bottom: 1px solid var(--rule); padding: .3rem .5rem; }
.summary .n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.dot { display: inline-block; width: .6rem; height: .6rem; border-radius: 50%;
       background: var(--c); margin-right: .5rem; }
@media screen and (max-width: 56rem) {
  body { font-size: 16px; }
  .page { padding: 1.2rem 1rem; margin: 0; border-radius: 0; box-shadow: none; }
  .doc { margin-right: 0; }
  .notes { float: none; width: auto; margin: .2rem 0 .8rem; padding: .4rem .6rem;
           background: var(--panel); border-radius: 3px; }
  .blk.move { margin-left: 0; }
  .summary th { letter-spacing: 0; text-transform: none; font-size: .8rem; }
  .summary th, .summary td { padding: .3rem .3rem; }
  .doc th, .doc td { padding: .3rem .35rem; }
}
@media print {
  html, .page { background: none; }
  body { font-size: 10pt; }
  .page { box-shadow: none; margin: 0; padding: 0; max-width: none; }
  .legend input, .hint { display: none; }
  .doc { margin-right: 13.5rem; }
  .notes { width: 12.5rem; margin-right: -13.5rem; font-size: 7.5pt; }
  .why { font-size: 8pt; }
  .doc h1, .doc h2, .doc h3, .doc h4, .doc h5, .doc h6 { break-after: avoid; break-inside: avoid; }
  .blk.heading { break-after: avoid; break-inside: avoid; }
  .doc p, .doc li { orphans: 3; widows: 3; }
  .note, tr, .round { break-inside: avoid; }
  .legend { break-inside: avoid; }
  .summary { break-before: page; }
  .tablewrap { overflow: visible; }
  .mk a { border-bottom: 0; }
}
"""
