"""Plain British English for reports: dates, counts with their nouns, lists in a sentence."""

from __future__ import annotations

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SMALL = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_IRREGULAR = {
    "UN agency": "UN agencies",
    "body": "bodies",
    "country": "countries",
    "person": "people",
    "was": "were",
    "is": "are",
    "has": "have",
}

# Stakeholder kinds (`kind` in draftctl.toml) as a reader would name them: singular, plural.
KINDS = {
    "un-agency": ("UN agency", "UN agencies"),
    "civil-society": ("civil-society organisation", "civil-society organisations"),
    "research": ("research team", "research teams"),
    "government": ("government body", "government bodies"),
    "national-office": ("national office", "national offices"),
    "internal": ("internal adviser", "internal advisers"),
    "governance": ("governing body", "governing bodies"),
    "academic": ("academic", "academics"),
    "individual": ("individual", "individuals"),
}


def long_date(iso: str | None) -> str:
    """`2 September 2013` from `2013-09-02…`; the text unchanged when it is not a date."""
    if not iso or len(iso) < 10 or iso[4] != "-" or iso[7] != "-":
        return iso or ""
    try:
        year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
        return f"{day} {MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return iso


def date_range(start: str | None, end: str | None) -> str:
    """`2 September 2013 to 28 February 2014`, or what is known of it."""
    if start and end:
        return f"{long_date(start)} to {long_date(end)}"
    if start:
        return f"from {long_date(start)}"
    return f"until {long_date(end)}" if end else "dates not recorded"


def span(start: str | None, end: str | None) -> str:
    """`from 2 September 2013 to 28 February 2014`, `from 2 September 2013`, or ``."""
    if start and end:
        return f"from {long_date(start)} to {long_date(end)}"
    return date_range(start, end) if start or end else ""


def plural_of(noun: str) -> str:
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    for singular, plural in KINDS.values():
        if noun == singular:
            return plural
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def count(number: int, noun: str, *, words: bool = False) -> str:
    """`1 change`, `37 changes`; with `words`, numbers under ten are spelt out."""
    amount = _SMALL[number] if words and 0 <= number < 10 else f"{number:,}"
    return f"{amount} {noun if number == 1 else plural_of(noun)}"


def spelt(number: int) -> str:
    """A number as a sentence would give it: `three`, `12`."""
    return _SMALL[number] if 0 < number < 10 else f"{number:,}"


def listing(items: list[str], conjunction: str = "and") -> str:
    """`A`, `A and B`, `A, B and C`."""
    items = [i for i in items if i]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def kind_name(kind: str | None, number: int) -> str:
    """A stakeholder kind as a reader would name it, in the singular or the plural."""
    if kind in KINDS:
        singular, plural = KINDS[kind]
    else:
        singular = (kind or "other stakeholder").replace("-", " ")
        plural = plural_of(singular)
    return singular if number == 1 else plural


def sentence(text: str) -> str:
    """The text with a capital first letter and a full stop at the end."""
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
