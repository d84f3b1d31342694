"""Misspelt words matched to the words Safar knows, within a few wrong letters (none in short words)."""

from bisect import bisect_left

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne


def max_typos(word: str) -> int:
    """How many letters may be wrong for a word to still count: none in short words."""
    if len(word) < 5:
        return 0
    return 1 if len(word) < 8 else 2


class Vocabulary:
    """Known words, grouped by length so a misspelling is compared only with words it could be."""

    def __init__(self, known: set[str]) -> None:
        self._by_length: dict[int, list[str]] = {}
        self._sorted = sorted(known)
        for word in self._sorted:
            self._by_length.setdefault(len(word), []).append(word)

    def closest(self, word: str) -> str | None:
        """The known word `word` is most likely a misspelling of, within `max_typos` edits."""
        allowed = max_typos(word)
        if not allowed:
            return None
        best: tuple[int, str] | None = None
        for length in range(len(word) - allowed, len(word) + allowed + 1):
            candidates = self._by_length.get(length)
            if not candidates:
                continue
            found = extractOne(word, candidates, scorer=Levenshtein.distance, score_cutoff=allowed)
            if found is not None and (best is None or found[1] < best[0]):
                best = (int(found[1]), str(found[0]))
        return None if best is None else best[1]

    def word_starting(self, start: str) -> str | None:
        """The first known word (alphabetically) that starts with `start`: a typed word whose stem
        starts one is another form of that word ("помогите", help!, of "помогает", helps), not a
        misspelling of a different one ("помните", remember)."""
        at = bisect_left(self._sorted, start)
        return self._sorted[at] if at < len(self._sorted) and self._sorted[at].startswith(start) else None
