"""Free-text search: danger first, then the screens (nodes) that fit best.

People type in a hurry, in any of the four languages whatever their interface language, without
diacritics, in Latin letters, with typos (see the `transliteration`, `stemming` and `typos` modules
beside this one). A message that matches a danger signal of any language is flagged, with the
country it names if any, so the bot shows hotlines and the red-flag check before anything else.
Screens are ranked by the words they share with the message, rare words counting more (inverse
document frequency), words in a screen's keywords, heading and the buttons leading to it more than
words in its text.
The query is never stored or logged.
"""

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from bot.common.languages import LanguageCode
from bot.common.telegram_limits import MAX_BUTTON_LABEL_CHARS
from bot.content import Curriculum
from bot.content.curriculum import MAIN_LESSON, NodeId
from bot.content.models import Node
from bot.content.rendering import pick
from bot.understanding.alarm import Alarm, DangerReader, Reading
from bot.understanding.stemming import content_word_keys, russian_stem, tajik_uzbek_roots, typed_word_keys, word_keys
from bot.understanding.stop_words import price_words, topic_words
from bot.understanding.transliteration import words
from bot.understanding.typos import Vocabulary

KEYWORD_WEIGHT = 4.0
"""A word an editor listed for a screen: the surest sign it is the screen wanted."""
HEADING_WEIGHT = 3.0
"""A word of the screen's heading, of a button leading to it, or of its lesson's title (start screen)."""
LESSON_WEIGHT = 1.0
"""A word of the lesson's title or keywords, on its other screens."""
TEXT_WEIGHT = 1.0
MIN_RELEVANCE = 6.0
"""The score below which the best screen does not answer the message, unless it shares at least
half the message's words ("shinosnoma" alone finds its screen): about one rare word of a screen's
heading, or two of its text. Below it the message is not covered (the weather, a phone to buy), and
the answer says so and offers a person instead of a screen that does not fit. Measured on the
tuning sets (2026-12-07)."""
FEATURE_LESSON = "tools"
"""The lesson whose screens are what Safar does (reminders, the agency check, /forget, a person)."""
FEATURE_FACTOR = 2.0
"""How much more a feature's screen counts when the message names the feature by one of its own
one-word keywords ("напомни", "eslatma", "licence"): "напомни оплатить патент 10 числа" asks for the
reminders, not for the patent's screen, though "patent" and "pay" are rarer words. A word of a
keyword of several ("ish agentligi") is not enough: "ish" (work) is in every question. Measured on
the tuning sets (2026-12-07): top-1 up on every blind set A-H, 16 misses fixed, 1 made. Raised from
1.5 when a keyword's rarity came to count the screens it is a topic of (TOPIC_SHARE, 2026-12-08):
the patent's own keywords grew rarer, and a reminder asked for must still come first."""
LANGUAGE_HOMES = {"tg": "TJ", "uz": "UZ"}
"""The country of a reader who chose Tajik or Uzbek and has not told Safar their country: where harm
at home most likely happens ("my husband came back from Russia and beats me", typed in Tajik, is
violence in Tajikistan)."""
MENU_SHARE = 0.75
"""The share of what a lesson's menu alone finds that a screen under it takes when the message
finds that screen by a word of its own too. Measured on the tuning sets A-I (2026-12-07): 0.5 fixed
6 misses, 0.75 fixed 16 and made 1, 1.0 fixed 18 and made 5. A screen's own word counted as one
finding it more than the menu, not only one the menu lacks (2026-12-07, A-K): top-1 up on eight
of the twelve tuning sets, down one message on C and two on G."""
TOPIC_SHARE = 0.5
"""How much of a heading's or keyword's rarity is the rarity among the screens the word is a topic
of (a keyword, a heading), the rest being its rarity among every screen that mentions it. "Полиция"
is in the text of 37 screens but the topic of two (detained, and the doctor's "полис"): counted
only among all 37, the keyword of the detention screen weighed less than a word of another
screen's text ("санҷид", checked), and "police checked my documents" found the ban check.
Measured on the tuning sets (2026-12-08): top-1 up on every blind set A-K (0.4 to 3.7 points),
one of the project's own 150 questions lost (a hotline asked by country: second)."""
TYPO_FACTOR = 0.7
"""A misspelt word counts a little less than one spelt right."""
FORM_STEM_LENGTH = 5
"""The shortest Russian stem that ties a typed word to the lessons' words starting with it: a form
of theirs, not a typo of another word (shorter stems begin too many words)."""
CALM_FACTOR = 0.5
"""How much a screen of danger counts when the message reads as no danger (nor asks about one): a
kind's own screen, its screens by country (trafficking in Russia ...) and the red-flag self-check.
"How do I know a job offer is not trafficking" asks about an offer: the offer's screens, not the
self-check for someone already in forced labour. Measured on the tuning sets (2026-12-07): the
self-check and the screens by country added fixed 10 misses and made 3, top-1 up on E, F, G, K."""
OFFER_LESSONS = frozenset({"recruitment", "contract"})
"""The lessons on checking a job offer: a question about a kind of danger whose own words find one
of their screens first ("how do I recognise a fake offer? I don't want forced labour") asks how to
tell, and that screen stays first, the kind's own screen second; so does the red-flag self-check."""
HOTLINES_LESSON = "hotlines"
"""The lesson whose menu ("where to get help") answers a plea for help and nothing else."""
RED_FLAG_CHECK_LESSON = "red_flags"
"""The lesson of the red-flag self-check, shown with the hotlines when danger is read."""
PLACE_FACTOR = 0.5
"""How much a place's name counts: where someone is says less about what they ask than the rest
("how much is the patent in Moscow" is about the patent, not Moscow's Amina app), except on a
screen about that place's country ("registration in Kazakhstan")."""
PLACE_FOUND_SHARE = 0.2
"""How much of what the best screen gets the rest of a message must give a screen about a place's
country for the place to count in full there: a word the whole lesson shares ("патент" is a keyword
of every screen abroad) is not the rest of the message finding Moscow's Amina screen, and "how much
is the patent in Moscow" is the patent's. Measured on the tuning sets (2026-12-08): top-1 up on A,
E, F, G, H, down on none."""
OTHER_COUNTRY_FACTOR = 0.5
"""How much a screen about one country counts when the message names only another ("registration
in Kazakhstan" is not answered by Russia's registration deadlines)."""
KEYWORD_NEGATIONS = frozenset({"bez", "be", "no", "without"})
"""Words (folded: без, бе, no, without) that make a keyword a thing's absence: its words count as
the screen's text, not as its keywords ("не платят", not paid, is the unpaid screen's topic itself).
The Kyrgyz screen's "без патента" outranked the patent's own screen for "патент" alone."""
KEYWORD_NEGATION_ENDINGS = ("siz",)
"""The Uzbek "without" ending, folded ("patentsiz")."""
_TAG = re.compile(r"<[^>]*>|\{\{.*?\}\}|\{%.*?%\}")
_HEADING = re.compile(r"^\s*<b>(.*?)</b>", re.DOTALL)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass(frozen=True)
class SearchAnswer:
    """What a typed message asks for: whether it reports danger, the kinds it signals, the country
    the person in danger is in, and the screens that fit."""

    nodes: list[NodeId]
    danger: list[str] = field(default_factory=list)
    country: str | None = None
    alarm: Alarm = Alarm.NONE
    kind_screens: list[NodeId] = field(default_factory=list)
    """The screens of the kinds of danger signalled (your rights when detained), most specific first."""
    not_covered: bool = False
    """The message asks something, but no screen is about it (the weather, a phone to buy)."""

    @property
    def is_danger(self) -> bool:
        """Clear danger: hotlines first."""
        return self.alarm is Alarm.CLEAR

    @property
    def asks(self) -> bool:
        """Unclear: ask "Are you or someone close in danger now?" before answering."""
        return self.alarm is Alarm.UNSURE


def _plain(text: str) -> str:
    return _TAG.sub(" ", text)


@lru_cache(maxsize=16384)
def _content_words(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """A content text's words and the keys each is found by, worked out once per load (a text
    repeated across screens and languages is split once). Only content passes here, never what
    people type, which must not stay in memory."""
    return tuple((word, content_word_keys(word)) for word in topic_words(text))


def forget_indexed_texts() -> None:
    """Drop what building the index kept to build it faster: every content text's words and their
    keys, which the built index no longer reads (about 2 MB for as long as the bot ran)."""
    _content_words.cache_clear()
    content_word_keys.cache_clear()


class NodeSearch:
    """An index of every screen's words in all four languages, built once per loaded curriculum."""

    def __init__(self, curriculum: Curriculum) -> None:
        weights: dict[NodeId, dict[str, float]] = defaultdict(dict)
        vocabulary: set[str] = set()
        for node_id, text, weight in self._texts(curriculum):
            document = weights[node_id]
            for word, keys in _content_words(text):
                vocabulary.add(word)
                for key in keys:
                    document[key] = max(document.get(key, 0.0), weight)
        postings: dict[str, list[tuple[NodeId, float]]] = defaultdict(list)
        pairs: dict[tuple[NodeId, float], tuple[NodeId, float]] = {}
        for node_id, document in weights.items():
            for key, weight in document.items():
                pair = (node_id, weight)
                postings[key].append(pairs.setdefault(pair, pair))
        self._postings = {key: tuple(posting) for key, posting in postings.items()}
        """Each word key's (screen, weight) pairs, every pair made once: the index's 15,000 pairs
        are fewer than 200 different ones, and one tuple each was 1.2 MB (scripts/README.md)."""
        total = len(weights)
        self._idf = {key: math.log(1 + total / len(posting)) for key, posting in self._postings.items()}
        self._topic_idf = {
            key: TOPIC_SHARE * math.log(1 + total / topics) + (1 - TOPIC_SHARE) * self._idf[key]
            for key, posting in self._postings.items()
            if 0 < (topics := sum(weight >= HEADING_WEIGHT for _node, weight in posting)) < len(posting)
        }
        """A heading's or keyword's rarity, for the words that are some screens' topic and only
        mentioned on others (TOPIC_SHARE)."""
        self._vocabulary = Vocabulary(vocabulary)
        """Whole words as written in the content, for finding what a misspelt word meant."""
        # Every key of every word above is a key of the index: its keys are the lessons' words.
        self._reader = DangerReader(curriculum.danger_signals, protected=self._postings.keys())
        """The lessons' own words are words, not typos of a danger word (their keys' own set
        beside the index was 0.5 MiB)."""
        self._kind_screens = [
            (kind, node)
            for kind, screen in curriculum.danger_signals.screens.items()
            if curriculum.has(node := NodeId(*screen.split("/")))
        ]
        self._danger_screens = _danger_screens(curriculum, [node for _kind, node in self._kind_screens])
        self._screen_countries = {
            node_id: countries
            for node_id in curriculum.node_ids()
            if (countries := self._reader.countries_named(_plain(" ".join(_headings(curriculum.node(node_id))))))
        }
        """The countries a screen's heading names (Russia's deadlines, Kazakhstan's hotlines)."""
        # On a tie, a screen that says something comes before a menu that only leads to it.
        self._feature_keys = _feature_keys(curriculum)
        """Each feature's screen and the keys of its own one-word keywords."""
        self._order = {
            node_id: (bool(curriculum.node(node_id).buttons), index)
            for index, node_id in enumerate(curriculum.node_ids())
        }
        self._menus = _menus(curriculum)
        self._help_menu = curriculum.start_of(HOTLINES_LESSON) if HOTLINES_LESSON in curriculum.lessons else None
        """For each screen a lesson's menu leads to, that menu."""

    def find(self, query: str, language: str, limit: int = 3, home: str | None = None) -> SearchAnswer:
        """Danger signals, the country named and the best `limit` screens for `query`, best first.

        `language` is the interface language; the message may be in any language. `home` is the
        reader's own country, as they told Safar: where harm at home happens when no place is named."""
        reading = self._reader.read(query)
        answer = self._answer(reading, home or LANGUAGE_HOMES.get(language))
        nodes = self.screens(query, limit, calm=answer.alarm is Alarm.NONE and not reading.asked_about)
        # Asking about a kind of danger ("what is debt bondage", "an essay on trafficking"): its own
        # screen is what is asked, first, before the screens the other words find; second after an
        # offer's check or the red-flag self-check found first (how to tell, OFFER_LESSONS).
        asked = [screen for kind, screen in self._kind_screens if kind in reading.asked_about][:1]
        if nodes and asked:
            rest = [node for node in nodes if node != asked[0]]
            at = 1 if rest and (rest[0] in self._danger_screens or rest[0].lesson in OFFER_LESSONS) else 0
            nodes = [*rest[:at], *asked, *rest[at:]][:limit]
        if reading.plea and self._help_menu is not None:
            nodes = [self._help_menu, *(node for node in nodes if node != self._help_menu)][:limit]
        return SearchAnswer(
            nodes=[node for node in nodes if node not in answer.kind_screens],
            danger=answer.danger,
            country=answer.country,
            alarm=answer.alarm,
            kind_screens=answer.kind_screens,
            not_covered=not nodes and bool(topic_words(query)),
        )

    def danger_in(self, text: str, home: str | None = None) -> SearchAnswer:
        """Only the danger signals and the country in `text`: for words typed as the answer to a
        step (a report, an agency's name), which are not a search for screens."""
        return self._answer(self._reader.read(text), home)

    def _answer(self, reading: Reading, home: str | None) -> SearchAnswer:
        own = [screen for kind, screen in self._kind_screens if kind in reading.kinds]
        country = reading.country or (home if reading.at_home else None)
        return SearchAnswer(nodes=[], danger=reading.kinds, country=country, alarm=reading.alarm, kind_screens=own)

    def screens(self, query: str, limit: int = 3, calm: bool = False) -> list[NodeId]:
        """The best `limit` screens for `query`. With `calm` (no danger read in the message, nor
        asked about), the screens of the kinds of danger count less: "my husband calls every day" is about the
        family budget, not violence at home, though both screens speak of husbands."""
        scores: dict[NodeId, float] = defaultdict(float)
        shared: dict[NodeId, int] = defaultdict(int)
        place_scores: dict[NodeId, float] = defaultdict(float)
        # A number is no topic: "iPhone 13" is not the screen that mentions 13 of anything.
        typed = dict.fromkeys(word for word in topic_words(query) if not word.isdigit())
        places, named = self._reader.places(query)
        known = telling = 0
        prices = price_words(query)
        features: set[NodeId] = set()
        found_by: list[dict[NodeId, float]] = []
        for word in typed:
            found = word
            best = self._word_scores(word)
            if not best and (root := self._known_root(word)):
                found, best = root, self._word_scores(root)
            form = None if best else self._another_form(word)
            if form:
                found, best = form, self._word_scores(form, TYPO_FACTOR)
            if not best and not form and (near := self._vocabulary.closest(word)):
                found, best = near, self._word_scores(near, TYPO_FACTOR)
            keys = word_keys(found)
            features.update(node_id for node_id, own in self._feature_keys.items() if not own.isdisjoint(keys))
            known += bool(best) and word not in places
            telling += bool(best) and word not in places and word not in prices
            if word not in places:
                found_by.append(best)
            for node_id, score in best.items():
                if word in places:
                    place_scores[node_id] += score
                else:
                    scores[node_id] += score
                    shared[node_id] += 1
        for node_id in features & scores.keys():
            scores[node_id] *= FEATURE_FACTOR
        if calm:
            for node_id in self._danger_screens & scores.keys():
                scores[node_id] *= CALM_FACTOR
        if named:
            for node_id in scores.keys() & self._screen_countries.keys():
                if self._screen_countries[node_id].isdisjoint(named):
                    scores[node_id] *= OTHER_COUNTRY_FACTOR
        self._add_places(scores, place_scores, named)
        self._inherit_from_menus(scores, found_by)
        ranked = sorted(scores, key=lambda node_id: (-round(scores[node_id], 6), *self._order[node_id]))
        topics = len(typed.keys() - places)
        if not ranked or (scores[ranked[0]] < MIN_RELEVANCE and 2 * shared[ranked[0]] < topics):
            return []  # a weak match on a few of many words: not what the message is about
        if 3 * known < topics:
            return []  # mostly words no lesson uses (a football score, a train timetable): not covered
        if not telling:
            return []  # only the price of something the lessons do not name (PRICE_WORDS)
        return ranked[:limit]

    def _add_places(self, scores: dict[NodeId, float], place_scores: dict[NodeId, float], named: set[str]) -> None:
        """A place counts in full on a screen about its country that the rest of the message finds
        too ("registration in Kazakhstan"); elsewhere it adds half, and never more than the rest of
        the message finds there: "work in Moscow" is about work, not the Moscow region's own
        screen, which the words about work do not find. A place typed alone finds its own screen."""
        best = max(scores.values(), default=0.0)
        for node_id, score in place_scores.items():
            about_it = not named.isdisjoint(self._screen_countries.get(node_id, ()))
            if not best or (about_it and scores.get(node_id, 0.0) >= PLACE_FOUND_SHARE * best):
                scores[node_id] += score
            else:
                scores[node_id] += min(score * PLACE_FACTOR, scores.get(node_id, 0.0))

    def _inherit_from_menus(self, scores: dict[NodeId, float], found_by: list[dict[NodeId, float]]) -> None:
        """A screen of a lesson takes a share of what the lesson's menu alone finds, when the
        message finds it by a word of its own too: the menu's words set the scene ("before leaving")
        and the screen's own words name the topic, so "пеш аз рафтан қарзи бонкро пӯшонам?" is the
        screen on debts before leaving, not the before-you-go menu. A word of the screen's own is
        one that finds it more than the menu: "қарз" (debt) is a keyword of the whole lesson, so
        it finds the menu too, but less. A message with no word of a screen's own ("what to do
        before I leave") keeps the menu first."""
        for node_id, menu in self._menus.items():
            if node_id not in scores or menu not in scores:
                continue
            own = any(best.get(node_id, 0.0) > best.get(menu, 0.0) for best in found_by)
            if own:
                scores[node_id] += MENU_SHARE * sum(
                    best[menu] for best in found_by if menu in best and node_id not in best
                )

    def _known_root(self, word: str) -> str | None:
        """The longest form of `word`, its Tajik or Uzbek endings taken off, that the lessons use
        (as a word or a stem): "pulashro" (your money) is "pul", "kujoro" is "kujo". Only for a word
        none of whose own keys the lessons use, so a short root never outranks a whole word."""
        found = next((root for root in tajik_uzbek_roots(word) if root in self._idf), None)
        if found is None:
            # Endings the list above does not know (регистрасиямро): the longest word of the
            # lessons, of six letters or more, that the typed word starts with, three letters or
            # fewer left over.
            found = next(
                (word[:end] for end in range(len(word) - 1, max(len(word) - 4, 5), -1) if word[:end] in self._idf),
                None,
            )
        return found

    def _another_form(self, word: str) -> str | None:
        """The word of the lessons that `word`'s Russian stem starts: the typed word is a form of it,
        not a typo of another word that happens to be a few letters away ("помогите", help!, is a
        form of "помогает", helps, not a misspelt "помните", remember)."""
        stem = russian_stem(word)
        if len(stem) < FORM_STEM_LENGTH or stem == word:
            return None
        return self._vocabulary.word_starting(stem)

    def _word_scores(self, word: str, factor: float = 1.0) -> dict[NodeId, float]:
        best: dict[NodeId, float] = {}
        for key in typed_word_keys(word):
            idf = self._idf.get(key, 0.0)
            topic_idf = self._topic_idf.get(key, idf)
            for node_id, weight in self._postings.get(key, ()):
                rarity = topic_idf if weight >= HEADING_WEIGHT else idf
                best[node_id] = max(best.get(node_id, 0.0), weight * rarity * factor)
        return best

    @staticmethod
    def _texts(curriculum: Curriculum) -> list[tuple[NodeId, str, float]]:
        """(screen, text, weight) for every text that tells what a screen is about.

        A check's questions and results are not screens to open on their own (a check starts at
        its first screen); their words count for the screen that starts the check."""
        texts: list[tuple[NodeId, str, float]] = []

        def add(node_id: NodeId, strings: Iterable[str], weight: float) -> None:
            texts.extend((node_id, _plain(string), weight) for string in strings)

        for lesson_id, lesson in curriculum.lessons.items():
            if lesson_id == MAIN_LESSON:
                continue
            owner = _check_owners(curriculum, lesson_id)
            start = curriculum.start_of(lesson_id)
            for name, node in lesson.nodes.items():
                node_id = owner.get(name, NodeId(lesson_id, name))
                add(node_id, lesson.title.values(), HEADING_WEIGHT if node_id == start else LESSON_WEIGHT)
                add(node_id, _flat(lesson.keywords), LESSON_WEIGHT)
                keywords = _flat(node.keywords)
                add(node_id, [k for k in keywords if not _negated_keyword(k)], KEYWORD_WEIGHT)
                add(node_id, [k for k in keywords if _negated_keyword(k)], TEXT_WEIGHT)
                add(node_id, (node.text or {}).values(), TEXT_WEIGHT)
                add(node_id, _headings(node), HEADING_WEIGHT)
                for case in node.results:
                    add(node_id, case.text.values(), TEXT_WEIGHT)
                for answer in node.answers:
                    add(node_id, answer.label.values(), TEXT_WEIGHT)
                for button in node.buttons:
                    if button.goto is not None:
                        target = owner.get(button.goto, NodeId(lesson_id, button.goto))
                        add(target, button.label.values(), HEADING_WEIGHT)
        return texts


def _danger_screens(curriculum: Curriculum, kind_screens: list[NodeId]) -> set[NodeId]:
    """The kinds' own screens, the screens they lead to for each country ("trafficking" leads to
    "trafficking_ru", "trafficking_kz" ...), and the red-flag self-check."""
    screens = set(kind_screens)
    for node_id in kind_screens:
        for button in curriculum.node(node_id).buttons:
            if button.goto is not None and button.goto.startswith(f"{node_id.node}_"):
                screens.add(NodeId(node_id.lesson, button.goto))
    if RED_FLAG_CHECK_LESSON in curriculum.lessons:
        screens.add(curriculum.start_of(RED_FLAG_CHECK_LESSON))
    return screens


def _menus(curriculum: Curriculum) -> dict[NodeId, NodeId]:
    """For each screen a lesson's start screen has a button to, that start screen (its menu)."""
    menus: dict[NodeId, NodeId] = {}
    for lesson_id in curriculum.lessons:
        if lesson_id == MAIN_LESSON:
            continue
        start = curriculum.start_of(lesson_id)
        for button in curriculum.node(start).buttons:
            if button.goto is not None and button.goto != start.node:
                menus.setdefault(NodeId(lesson_id, button.goto), start)
    return menus


def _feature_keys(curriculum: Curriculum) -> dict[NodeId, frozenset[str]]:
    """The keys of each feature screen's one-word keywords (a word that names the feature)."""
    lesson = curriculum.lessons.get(FEATURE_LESSON)
    if lesson is None:
        return {}
    return {
        NodeId(FEATURE_LESSON, name): frozenset(
            key
            for keyword in _flat(node.keywords)
            if len(found := topic_words(keyword)) == 1
            for key in word_keys(found[0])
        )
        for name, node in lesson.nodes.items()
        if node.keywords
    }


def _negated_keyword(keyword: str) -> bool:
    """A keyword naming a thing someone does not need ("без патента", "patentsiz"): the screen is
    about its absence, and a bare question about the thing is for the thing's own screen."""
    folded = words(keyword)
    return any(word in KEYWORD_NEGATIONS for word in folded) or any(
        word.endswith(KEYWORD_NEGATION_ENDINGS) for word in folded
    )


def _headings(node: Node) -> list[str]:
    """A screen's heading in every language (its first bold line)."""
    return [heading.group(1) for text in (node.text or {}).values() if (heading := _HEADING.match(text))]


def _flat(keywords: Mapping[LanguageCode, list[str]]) -> list[str]:
    return [word for words in keywords.values() for word in words]


def screen_title(curriculum: Curriculum, node_id: NodeId, language: str) -> str:
    """A screen's name for a button: its lesson's title at the start; else its heading; else the
    label of a menu button leading to it (not an answer such as "Yes" under a question); else its
    first sentence; else its lesson's title."""
    lesson = curriculum.lessons[node_id.lesson]
    if node_id == curriculum.start_of(node_id.lesson):
        return pick(lesson.title, language)
    node = curriculum.node(node_id)
    body = pick(node.text, language) if node.text else ""
    heading = _HEADING.match(body)
    if heading:
        return _shortened(" ".join(_plain(heading.group(1)).split()))
    for other in lesson.nodes.values():
        asks = pick(other.text, language).rstrip().endswith("?") if other.text else False
        for button in other.buttons:
            if button.goto == node_id.node and not asks:
                return pick(button.label, language)
    sentence = _SENTENCE_END.split(" ".join(_plain(body).split()), maxsplit=1)[0]
    return _shortened(sentence) if sentence else pick(lesson.title, language)


def _shortened(text: str) -> str:
    if len(text) <= MAX_BUTTON_LABEL_CHARS:
        return text
    return text[: MAX_BUTTON_LABEL_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _check_owners(curriculum: Curriculum, lesson_id: str) -> dict[str, NodeId]:
    """For each question or result node of a check, the screen a button opens the check from."""
    lesson = curriculum.lessons[lesson_id]
    parents: dict[str, str] = {}
    for name, node in lesson.nodes.items():
        for target in [b.goto for b in node.buttons if b.goto] + [a.goto for a in node.answers]:
            parents.setdefault(target, name)
    owners: dict[str, NodeId] = {}
    for name in lesson.nodes:
        current, seen = name, set()
        while _in_check(lesson.nodes[current]) and current in parents and current not in seen:
            seen.add(current)
            current = parents[current]
        if current != name:
            owners[name] = NodeId(lesson_id, current)
    return owners


def _in_check(node: Node) -> bool:
    return bool(node.answers or node.results)
