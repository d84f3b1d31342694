"""The content that ships: complete in four languages, sourced, and within Telegram's limits."""

from bot.content import load_curriculum
from bot.content.curriculum import HOTLINES_LESSON, NodeId
from bot.content.telegram_html import message_problems
from bot.i18n import load_i18n, translator
from bot.limits import LANGUAGES, MAX_CALLBACK_BYTES
from bot.services.dialogue import Conversation, DialogueEngine, NavAction

CURRICULUM = load_curriculum(None, translator(load_i18n()))


def test_the_shipped_content_has_no_warnings() -> None:
    assert [str(w) for w in CURRICULUM.warnings] == []


def test_it_has_a_menu_a_branching_lesson_a_scored_check_and_hotlines() -> None:
    nodes = [CURRICULUM.node(n) for n in CURRICULUM.node_ids()]
    assert any(len(n.buttons) >= 2 and all(b.goto for b in n.buttons) for n in nodes), "a branch"
    assert any(any(a.points for a in n.answers) for n in nodes), "a scored check"
    assert any(len(n.results) >= 3 for n in nodes), "results by score band"
    assert HOTLINES_LESSON in CURRICULUM.lessons


def test_every_contact_and_fact_is_sourced_and_dated() -> None:
    for contact in CURRICULUM.contacts.values():
        assert len(contact.source) > 10 and contact.checked.year >= 2026
    for lesson in CURRICULUM.lessons.values():
        for fact in lesson.facts.values():
            assert len(fact.source) > 10 and fact.checked.year >= 2026


def test_every_screen_in_every_language_fits_telegram_and_reaches_help_in_one_tap() -> None:
    engine = DialogueEngine(CURRICULUM)
    for node_id in CURRICULUM.node_ids():
        for language in LANGUAGES:
            conversation = Conversation(position=node_id)
            screen = engine.screen(conversation, language)
            assert message_problems(screen.text) == [], (node_id, language)
            if node_id.lesson != HOTLINES_LESSON:
                assert NavAction.HELP in screen.nav, node_id
            for row in screen.rows:
                for button in row:
                    assert len(f"a:{button.target}:{button.index}".encode()) <= MAX_CALLBACK_BYTES


def test_node_references_are_short_whatever_the_node_ids() -> None:
    from bot.content.curriculum import node_ref

    long_id = NodeId("a_lesson_with_a_very_long_name_indeed_xx", "and_a_node_with_an_even_longer_name_here")
    assert len(f"g:{node_ref(long_id)}".encode()) == 10
