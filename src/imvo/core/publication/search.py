"""Finding a facility by name in any spelling: transliterated and folded, legal forms left
out, then every word of the query found, or else trigrams close enough for a misspelling."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from imvo.core.normalise import fold, name_key


def trigrams(text: str) -> frozenset[str]:
    """The three-letter pieces of each word, padded as PostgreSQL's pg_trgm pads them.

    >>> sorted(trigrams("ab"))
    ['  a', ' ab', 'ab ']
    """
    grams: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def similarity(first: str, second: str) -> float:
    """Shared trigrams over all trigrams of both texts (0..1)."""
    a, b = trigrams(first), trigrams(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class PreparedName:
    """One spelling of a facility's name, folded, with its words and trigrams worked out once."""

    words: tuple[str, ...]
    text: str
    grams: frozenset[str]


def names_prepared(names: Iterable[str]) -> tuple[PreparedName, ...]:
    """The name keys and folded forms of `names`, ready for `name_score_prepared`."""
    prepared: dict[str, PreparedName] = {}
    for name in names:
        for candidate in (name_key(name), fold(name)):
            if candidate and candidate not in prepared:
                prepared[candidate] = PreparedName(
                    tuple(candidate.split()), candidate, trigrams(candidate)
                )
    return tuple(prepared.values())


def name_score(query: str, names: Iterable[str]) -> float:
    """How well `query` names one of `names` (0..1): 1 when every word of the query starts a
    word of the name, otherwise the best trigram similarity of the name keys.

    >>> name_score("dhaka knit", ["M/s. Dhaka Knitwear Ltd."])
    1.0
    >>> name_score("Dhaka Knitwaer", ["Dhaka Knitwear Ltd."]) > 0.5
    True
    """
    return name_score_prepared(query_prepared(query), names_prepared(names))


def query_prepared(query: str) -> tuple[PreparedName, ...]:
    """The query's name key and folded form, prepared once for scoring many facilities."""
    return names_prepared([query])


def name_score_prepared(query: Sequence[PreparedName], names: Sequence[PreparedName]) -> float:
    """`name_score` on prepared names."""
    if not query:
        return 0.0
    best = 0.0
    for candidate in names:
        for key in query:
            if all(any(word.startswith(part) for word in candidate.words) for part in key.words):
                return 1.0
            if key.grams and candidate.grams:
                shared = len(key.grams & candidate.grams)
                best = max(best, shared / (len(key.grams) + len(candidate.grams) - shared))
    return best
