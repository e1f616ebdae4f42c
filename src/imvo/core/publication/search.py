"""Finding a facility by name in any spelling: transliterated and folded, legal forms left
out, then every word of the query found, or else trigrams close enough for a misspelling."""

from __future__ import annotations

from collections.abc import Iterable

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


def name_score(query: str, names: Iterable[str]) -> float:
    """How well `query` names one of `names` (0..1): 1 when every word of the query starts a
    word of the name, otherwise the best trigram similarity of the name keys.

    >>> name_score("dhaka knit", ["M/s. Dhaka Knitwear Ltd."])
    1.0
    >>> name_score("Dhaka Knitwaer", ["Dhaka Knitwear Ltd."]) > 0.5
    True
    """
    query_keys = {key for key in (name_key(query), fold(query)) if key}
    if not query_keys:
        return 0.0
    best = 0.0
    for name in names:
        for candidate in {name_key(name), fold(name)} - {""}:
            words = candidate.split()
            for key in query_keys:
                if all(any(word.startswith(part) for word in words) for part in key.split()):
                    return 1.0
                best = max(best, similarity(key, candidate))
    return best
