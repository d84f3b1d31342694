"""The content that ships: complete in four languages, sourced, and within Telegram's limits."""

import re

from aiogram.filters.callback_data import CallbackData

from bot.common.languages import LANGUAGES
from bot.common.navigation import NavAction
from bot.common.telegram_limits import MAX_CALLBACK_BYTES
from bot.content.curriculum import HOTLINES_LESSON, NodeId
from bot.content.loader import PACKAGED_CONTENT
from bot.content.models import Localized, NodeKind
from bot.content.reminder_plans import load_reminder_plans
from bot.content.rendering import READER_COUNTRIES, PlainText, render, template_environment
from bot.content.telegram_html import message_problems
from bot.editing.report import facts_cited
from bot.handlers.callback_data import CALLBACK_DATA_CLASSES
from bot.handlers.screens import screen_markup
from bot.i18n import load_i18n
from bot.services.lesson_engine import Conversation, DialogueEngine
from bot.services.screen_kinds import KEYBOARDS
from tests.support.journeys import TAJIK_LETTERS, cyrillic_in_uzbek
from tests.support.real_content import real_curriculum

I18N = load_i18n()
CURRICULUM = real_curriculum()


def test_the_shipped_content_has_no_warnings() -> None:
    assert [str(w) for w in CURRICULUM.warnings] == []


def test_it_has_a_menu_a_branching_lesson_a_scored_check_and_hotlines() -> None:
    nodes = [CURRICULUM.node(n) for n in CURRICULUM.node_ids()]
    assert any(len(n.buttons) >= 2 and all(b.goto for b in n.buttons) for n in nodes), "a branch"
    assert any(any(a.points for a in n.answers) for n in nodes), "a scored check"
    assert any(len(n.results) >= 3 for n in nodes), "results by score band"
    assert HOTLINES_LESSON in CURRICULUM.lessons


def test_every_kind_of_screen_is_shipped_and_has_its_rendering_step() -> None:
    """A kind without a step in screen_kinds.KEYBOARDS would fail on the first user who opened one."""
    assert set(KEYBOARDS) == set(NodeKind)
    assert {CURRICULUM.node(n).kind for n in CURRICULUM.node_ids()} == set(NodeKind)


def test_every_contact_and_fact_is_sourced_and_dated() -> None:
    for contact in CURRICULUM.contacts.values():
        assert len(contact.source) > 10 and contact.checked.year >= 2026
    for lesson in CURRICULUM.lessons.values():
        for fact in lesson.facts.values():
            assert len(fact.source) > 10 and fact.checked.year >= 2026
    assert len(CURRICULUM.facts) > 30
    for fact in CURRICULUM.facts.values():
        assert fact.sources and fact.checked.year >= 2026
        for source in fact.sources:
            assert source.url.startswith("http") and source.title and source.publisher and source.date


def test_every_screen_in_every_language_fits_telegram_and_reaches_help_in_one_tap() -> None:
    engine = DialogueEngine(CURRICULUM)
    for node_id in CURRICULUM.node_ids():
        for language in LANGUAGES:
            conversation = Conversation(position=node_id)
            screen = engine.screen(conversation, language)
            assert message_problems(screen.text) == [], (node_id, language)
            if node_id.lesson != HOTLINES_LESSON:
                assert NavAction.HELP in screen.nav, node_id
            with I18N.context(), I18N.use_locale(language):
                markup = screen_markup(screen)  # the keyboard the bot sends
            for row in markup.inline_keyboard:
                for button in row:
                    data = button.callback_data
                    if data is None:
                        assert button.url, (node_id, button.text)
                        continue
                    assert len(data.encode()) <= MAX_CALLBACK_BYTES, (node_id, data)
                    assert any(unpacks(kind, data) for kind in CALLBACK_DATA_CLASSES), (node_id, data)


def unpacks(kind: type[CallbackData], data: str) -> bool:
    """Whether a handler of `kind` would take this button (the same check aiogram's filter makes)."""
    try:
        kind.unpack(data)
    except (TypeError, ValueError):
        return False
    return True


def test_node_references_are_short_whatever_the_node_ids() -> None:
    from bot.content.curriculum import node_ref

    long_id = NodeId("a_lesson_with_a_very_long_name_indeed_xx", "and_a_node_with_an_even_longer_name_here")
    assert len(f"g:{node_ref(long_id)}".encode()) == 10


def every_text() -> list[tuple[str, Localized]]:
    """Every text users read, with where it is: lesson titles, screens, results, buttons, contacts."""
    texts: list[tuple[str, Localized]] = []
    for lesson_id, lesson in CURRICULUM.lessons.items():
        texts.append((f"{lesson_id}/title", lesson.title))
        for node_id, node in lesson.nodes.items():
            where = f"{lesson_id}/{node_id}"
            texts += [(where, node.text)] if node.text else []
            texts += [(f"{where}/{case.name}", case.text) for case in node.results]
            texts += [(f"{where}/button", button.label) for button in node.buttons]
            texts += [(f"{where}/answer", answer.label) for answer in node.answers]
    for contact_id, contact in CURRICULUM.contacts.items():
        texts += [(f"contact {contact_id}", t) for t in (contact.name, contact.hours, contact.note) if t]
    texts += [(f"fact {fact_id}", fact.text) for fact_id, fact in CURRICULUM.facts.items() if fact.text]
    return texts


def test_every_text_is_in_all_four_languages() -> None:
    missing = [
        (where, sorted(set(LANGUAGES) - set(text))) for where, text in every_text() if set(text) != set(LANGUAGES)
    ]
    assert missing == []


def test_tajik_is_written_in_tajik_and_uzbek_in_latin_letters() -> None:
    for where, text in every_text():
        tajik = re.sub(r"\{\{.*?\}\}|<[^>]+>", "", text["tg"])
        if len(re.findall(r"\w", tajik)) > 30:
            assert TAJIK_LETTERS.search(tajik), f"{where}: Tajik text without ғ ӣ қ ӯ ҳ ҷ — Russian pasted in?"
        assert tajik != text["ru"], f"{where}: the Tajik text is the Russian one"
        assert not cyrillic_in_uzbek(text["uz"]), f"{where}: Uzbek must be in Latin script"


def test_the_tajik_check_catches_russian_pasted_in() -> None:
    russian = "Если вас заставляют работать или забрали документы, вы не виноваты"
    assert not TAJIK_LETTERS.search(russian)


def test_every_registered_fact_is_cited_by_a_lesson_a_reminder_or_an_advert_flag() -> None:
    """One fact, one place: the registry holds only facts the bot states, each cited by id."""
    plans = load_reminder_plans(PACKAGED_CONTENT, set(CURRICULUM.lessons))
    cited = {fact for lesson in CURRICULUM.lessons.values() for fact in facts_cited(lesson)}
    cited |= {plans.monthly_fact, plans.monthly_early_fact, plans.contract_copy_fact}
    cited |= {step.fact for place in plans.destinations.values() for step in place.arrival}
    cited |= {step.fact for place in plans.destinations.values() for step in place.regular}
    cited |= {fact for flag in CURRICULUM.advert_flags.flags.values() for fact in flag.facts}
    assert set(CURRICULUM.facts) - cited == set()
    assert cited - set(CURRICULUM.facts) == set()


def test_texts_with_nothing_to_fill_in_read_as_jinja2_would_render_them() -> None:
    """Such texts are not compiled (a compiled template is a module of its own in memory,
    scripts/README.md): each must still read, in every language and for every reader, exactly
    as jinja2 renders it."""
    environment = template_environment()
    plain = [(key, t) for key, t in CURRICULUM.templates.items() if isinstance(t, PlainText)]
    assert len(plain) > 100, "most shipped texts have nothing to fill in"
    for (_node, _part, language), text in plain:
        compiled = environment.from_string(text.text)
        for reader in READER_COUNTRIES:
            shown = render(text, language, CURRICULUM.contact_renderer, reader)
            assert shown == render(compiled, language, CURRICULUM.contact_renderer, reader)
