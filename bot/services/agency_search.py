"""Finding an agency in the registry the way people type its name.

Names are folded like lesson search (case, diacritics, Cyrillic or Latin spelling), quotes and
legal-form words are dropped ("ООО", "LLC", "ҶДММ"...), and small typos are forgiven. An index
of trigrams keeps a look-up fast with tens of thousands of entries; names are compared with
rapidfuzz's Indel similarity (the ratio difflib's SequenceMatcher approximates, computed in C++
and with a score cut-off that stops hopeless comparisons early).
"""

import heapq
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from rapidfuzz import process
from rapidfuzz.distance import Indel

from bot.content.agencies import Agency, Registry
from bot.understanding.transliteration import normalize

LEGAL_FORMS = frozenset(
    normalize(
        "ооо оао зао пао ао ип тоо llc ltd inc co company компания фирма агентство agency ҷдмм ҷсп mchj "
        "xk ooo ojsc cjsc jsc гуп муп чп"
    )
)
"""Words that name a company's legal form or kind, which people add or leave out at will."""
MIN_SIMILARITY = 0.72
"""How alike (0..1) a typed name and a registered one must be to count as the same agency."""
MAX_CANDIDATES = 200
"""Names compared letter by letter per look-up, at most."""
MAX_WORD_CANDIDATES = 20
MIN_WORD_SIMILARITY = 0.75
PARTIAL_WEIGHT = 0.9


@dataclass(frozen=True)
class AgencyMatch:
    agency: Agency
    name: str
    """The registered name that matched."""
    similarity: float

    def is_valid_on(self, day: date) -> bool:
        return self.agency.valid_until is None or self.agency.valid_until >= day


def agency_key(name: str) -> str:
    """A name reduced to what identifies the agency: the same for 'ООО «Сафар-Плюс»' and 'safar plus'."""
    return " ".join(word for word in normalize(name) if word not in LEGAL_FORMS)


def licence_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", "".join(normalize(text)))


def _trigrams(key: str) -> set[str]:
    padded = f"  {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class AgencyIndex:
    """Names indexed by word; typed words are matched to registered words exactly or, for a
    typo, through a small trigram index of the vocabulary. Only the few names that share words
    with the query are compared letter by letter."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._by_licence: dict[str, Agency] = {}
        self._names: list[tuple[str, str, Agency]] = []  # (key, name as registered, agency)
        self._word_ids: dict[str, int] = {}
        self._words: list[str] = []
        self._postings: list[list[int]] = []  # word id → positions in _names
        self._word_trigrams: defaultdict[str, list[int]] = defaultdict(list)
        for agency in registry.agencies:
            self._by_licence[licence_key(agency.licence)] = agency
            for name in agency.names:
                key = agency_key(name)
                if key:
                    self._add_name(key, name, agency)

    def _add_name(self, key: str, name: str, agency: Agency) -> None:
        position = len(self._names)
        self._names.append((key, name, agency))
        for word in set(key.split()):
            word_id = self._word_ids.get(word)
            if word_id is None:
                word_id = self._word_ids[word] = len(self._words)
                self._words.append(word)
                self._postings.append([])
                if _is_fuzzy(word):
                    for trigram in _trigrams(word):
                        self._word_trigrams[trigram].append(word_id)
            self._postings[word_id].append(position)

    def __len__(self) -> int:
        return len(self.registry.agencies)

    def _registered_words(self, word: str) -> list[int]:
        """Registered words that `word` may mean: itself, or near spellings of it."""
        exact = self._word_ids.get(word)
        if exact is not None:
            return [exact]
        if not _is_fuzzy(word):
            return []
        shared: Counter[int] = Counter()
        for trigram in _trigrams(word):
            shared.update(self._word_trigrams.get(trigram, ()))
        return [
            word_id
            for word_id, _ in shared.most_common(MAX_WORD_CANDIDATES)
            if Indel.normalized_similarity(word, self._words[word_id], score_cutoff=MIN_WORD_SIMILARITY)
        ]

    def _candidates(self, key: str) -> list[int]:
        groups = []
        for word in key.split():
            positions: set[int] = set()
            for word_id in self._registered_words(word):
                positions.update(self._postings[word_id])
            if positions:
                groups.append(positions)
        if not groups:
            return []
        groups.sort(key=len)
        candidates = groups[0]
        for group in groups[1:]:
            narrowed = candidates & group
            if narrowed:  # a word no candidate shares (an extra or misspelt word) does not empty the set
                candidates = narrowed
        return heapq.nsmallest(MAX_CANDIDATES, candidates, key=lambda p: abs(len(self._names[p][0]) - len(key)))

    def find(self, typed: str, limit: int = 3) -> list[AgencyMatch]:
        """The registered agencies `typed` most likely means, best first."""
        by_licence = self._by_licence.get(licence_key(typed))
        if by_licence is not None:
            return [AgencyMatch(by_licence, by_licence.names[0], 1.0)]
        key = agency_key(typed)
        if len(key) < 2:
            return []
        best: dict[str, AgencyMatch] = {}
        for position in self._candidates(key):
            name_key, name, agency = self._names[position]
            similarity = name_similarity(key, name_key)
            if similarity >= MIN_SIMILARITY and similarity > best.get(agency.licence, _NONE).similarity:
                best[agency.licence] = AgencyMatch(agency, name, similarity)
        return sorted(best.values(), key=lambda m: -m.similarity)[:limit]


def _is_fuzzy(word: str) -> bool:
    """Words long enough, and not numbers, are matched with typos forgiven."""
    return len(word) >= 4 and not word.isdigit()


def name_similarity(typed: str, registered: str) -> float:
    """How alike two name keys are; a typed beginning of the name ('safar' for 'safar plyus')
    counts a little less than the whole name, so full matches stay first."""
    whole = Indel.normalized_similarity(typed, registered)
    if len(typed) >= 4 and len(registered) > len(typed):
        beginning = Indel.normalized_similarity(typed, registered[: len(typed)]) * PARTIAL_WEIGHT
        return max(whole, beginning)
    return whole


_NONE = AgencyMatch(Agency(licence="-", names=["--"]), "", 0.0)


def report_group_key(typed: str, index: AgencyIndex, known_keys: list[str]) -> str:
    """The key a report about `typed` is grouped under, so spellings of one agency meet.

    A registered agency's own name wins; else an already reported name that search would
    consider the same; else the typed name's own key.
    """
    registered = index.find(typed, limit=1)
    if registered:
        return agency_key(registered[0].agency.names[0])
    key = agency_key(typed) or typed.casefold().strip()
    return most_similar(key, known_keys) or key


def most_similar(key: str, known_keys: list[str]) -> str | None:
    """The known key most like `key` by `name_similarity`, if any reaches MIN_SIMILARITY.

    Thousands of keys are compared in C++ (a report used to wait ~1.85 s for 5,000 names, on the
    event loop, in difflib): first whole names, then beginnings of longer names at their weight.
    """
    best: tuple[float, str] | None = None
    whole = process.extractOne(key, known_keys, scorer=Indel.normalized_similarity, score_cutoff=MIN_SIMILARITY)
    if whole is not None:
        best = (whole[1], whole[0])
    floor = max(MIN_SIMILARITY, best[0] if best else 0.0) / PARTIAL_WEIGHT
    if len(key) >= 4 and floor <= 1.0:  # a beginning can still beat the best whole name
        longer = [known for known in known_keys if len(known) > len(key)]
        beginnings = [known[: len(key)] for known in longer]
        partial = process.extractOne(key, beginnings, scorer=Indel.normalized_similarity, score_cutoff=floor)
        if partial is not None and partial[1] * PARTIAL_WEIGHT > (best[0] if best else 0.0):
            best = (partial[1] * PARTIAL_WEIGHT, longer[partial[2]])
    return best[1] if best else None
