"""'did you mean …?' for a mistyped id, so an editor sees the fix and not only the mistake."""

from collections.abc import Iterable
from difflib import get_close_matches


def closest(typed: object, known: Iterable[object], closeness: float = 0.6) -> str | None:
    """The known id most like `typed`, if one is alike enough; None when `typed` is itself known.

    `closeness` (0 to 1) is how alike they must be: higher where a wrong guess would mislead.
    """
    word = str(typed)
    by_folded = {str(candidate).casefold(): str(candidate) for candidate in known}
    close = get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=closeness)
    if not close or by_folded[close[0]] == word:
        return None
    return by_folded[close[0]]


def did_you_mean(typed: object, known: Iterable[object], closeness: float = 0.6) -> str:
    """` (did you mean 'hotlines'?)` when one known id is close to `typed`, else an empty string."""
    match = closest(typed, known, closeness)
    return f" (did you mean '{match}'?)" if match else ""
