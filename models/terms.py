"""Tokenisation for matching roles to past candidates: the same rules index a rejection and query a role.

Titles differ in ways that say nothing about the work ("Senior", "II", "Remote"), skills are spelled several ways
("Node.js", "nodejs"; "front-end", "frontend"), and plurals vary, so every text goes through one normaliser.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

TITLE = 3  # a word of the past role's title
TAG = 2  # a word of the candidate's skills
NOTE = 1  # a word of the recruiter's note
PHRASE = 4  # the whole normalised title: the same job again
PHRASE_PREFIX = "="  # the tokeniser never produces "=", so phrase terms cannot collide with words
TERM_MAX = 40
TERMS_MAX = 64  # per document: a long note must not flood the index

# Words that grade or frame a title rather than name the work, and English glue words.
STOP_WORDS = frozenset(
    """
    senior sr snr junior jr mid level lead principal staff chief head associate intern trainee graduate entry
    i ii iii iv v vi 1 2 3 4 5 the a an of and or for to in at on with by from as is are was be it this that
    remote hybrid onsite office contract contractor permanent full part time fulltime parttime temporary freelance
    m f d w x new very good great strong weak really
    """.split()  # noqa: SIM905 - a word list reads best as text
)
SYNONYMS = {
    "eng": "engineer",
    "engineering": "engineer",
    "engr": "engineer",
    "dev": "developer",
    "mgr": "manager",
    "js": "javascript",
    "ts": "typescript",
    "k8s": "kubernetes",
    "golang": "go",
    "postgres": "postgresql",
    "pm": "product manager",
    "swe": "software engineer",
    "sre": "site reliability engineer",
    "ml": "machine learning",
    "ai": "artificial intelligence",
    "ux": "user experience",
    "ui": "user interface",
    "qa": "quality assurance",
}
_JOINED = re.compile(r"(?<=\w)[-.](?=\w)")  # front-end -> frontend, node.js -> nodejs
_QUALIFIER = re.compile(r"[(\[,|]|\s[-\u2013\u2014]\s")
_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")  # keeps c++ and c#


def words(text: str) -> list[str]:
    """Normalised words of a text, in order, stop words dropped, synonyms expanded, plurals folded."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    result: list[str] = []
    for raw in _WORD.findall(_JOINED.sub("", folded)):
        for word in SYNONYMS.get(raw, raw).split():
            word = _singular(word)
            if word not in STOP_WORDS and len(word) <= TERM_MAX:
                result.append(word)
    return result


def _singular(word: str) -> str:
    """Fold a plain English plural (engineers, designers) without touching words like 'sales' or 'kubernetes'."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is", "es", "js", "ops")):
        return word[:-1]
    return word


def title_phrase(title: str) -> str | None:
    """One term for the title proper, so the same job under a different grade matches best of all.

    What follows a bracket, comma, bar or spaced dash qualifies the job ("(Python)", "- Berlin") and is left out.
    """
    found = words(_QUALIFIER.split(title, maxsplit=1)[0])
    phrase = PHRASE_PREFIX + " ".join(found)
    return phrase if found and len(phrase) <= TERM_MAX else None


def document_terms(*, title: str, tags: Iterable[str], note: str | None) -> dict[str, int]:
    """Each term of a past rejection with the weight of the strongest field it appears in."""
    weights: dict[str, int] = {}
    fields = ((TITLE, words(title)), (TAG, [w for tag in tags for w in words(tag)]), (NOTE, words(note or "")))
    for weight, found in fields:
        for word in found:
            weights[word] = max(weights.get(word, 0), weight)
    phrase = title_phrase(title)
    if phrase is not None:
        weights[phrase] = PHRASE
    return _capped(weights)


def query_terms(*, title: str, tags: Iterable[str]) -> dict[str, int]:
    """The terms a new role looks for: its title's words and phrase, and its tags' words."""
    return document_terms(title=title, tags=tags, note=None)


def _capped(weights: Mapping[str, int]) -> dict[str, int]:
    """The strongest TERMS_MAX terms, strongest field first, then in order of appearance."""
    ranked = sorted(weights.items(), key=lambda item: -item[1])
    return dict(ranked[:TERMS_MAX])
