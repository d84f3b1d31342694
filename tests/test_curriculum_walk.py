"""Every lesson walked to every node, every named result and every tool, in every language.

The walks are planned from the content (tests/support/content_walks.py), then replayed through the bot the
way Telegram delivers taps. Each screen must fit Telegram's limits, be valid HTML, offer a way on
and a way home; a Tajik screen must be written in Tajik.
"""

import re

import pytest

from bot.common.languages import LANGUAGES
from bot.common.telegram_limits import MAX_CALLBACK_BYTES, MAX_MESSAGE_CHARS
from bot.content.telegram_html import message_problems
from tests.support.content_walks import covering_walks, every_target, plan_walks
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, TAJIK_LETTERS, cyrillic_in_uzbek, expected_text, start_in
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot

CURRICULUM = real_curriculum()
PLANS = plan_walks(CURRICULUM)
WALKS = covering_walks(PLANS)
NAV_PREFIX = "n:"


def test_the_planned_walks_reach_every_node_result_and_tool() -> None:
    missing = every_target(CURRICULUM) - set(PLANS)
    assert not missing, f"unreachable from the main menu: {sorted(missing)}"
    results = [t for t in PLANS if t[0] == "result"]
    assert {"looks_safe", "ask_first", "do_not_go"} <= {t[2] for t in results}, "the offer check's results"


def check_screen(screen: Sent, language: str, home_text: str) -> None:
    where = f"{language}: {screen.text[:60]!r}"
    assert len(screen.text) <= MAX_MESSAGE_CHARS, where
    assert message_problems(screen.text) == [], where
    buttons = [b for row in screen.buttons for b in row]
    assert buttons, f"dead end at {where}"
    for button in buttons:
        assert len(str(button.get("callback_data", "")).encode()) <= MAX_CALLBACK_BYTES, where
    is_home = screen.text == home_text
    assert is_home or any(b.get("callback_data") == "n:home" for b in buttons), f"no way home at {where}"
    if language == "tg" and len(screen.text) > 40:
        assert TAJIK_LETTERS.search(screen.text), f"Tajik screen without Tajik letters: {where}"
    if language == "uz":
        assert not cyrillic_in_uzbek(screen.text), f"Cyrillic on an Uzbek screen: {where}"


async def replay(user: FakeUser, taps: tuple[int, ...], language: str, home_text: str) -> Sent:
    """Tap the way from the main menu; the last screen reached (or the one with the link tapped)."""
    await user.send("/menu")
    screen = await user.reply()
    check_screen(screen, language, home_text)
    for tap in taps:
        content = [
            b for row in screen.buttons for b in row if not str(b.get("callback_data", "")).startswith(NAV_PREFIX)
        ]
        button = content[tap]
        if "url" in button:
            assert button["url"].startswith("https://")
            return screen
        await user.press_data(screen, button["callback_data"])
        screen = await user.reply()
        check_screen(screen, language, home_text)
    return screen


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_lesson_is_walked_to_every_end_in(language: str, telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    home_text = expected_text("main", "menu", language)
    for taps in WALKS:
        await replay(user, taps, language, home_text)


ASKER = {"tg": r"\bман\b", "ru": r"\b(я|мне|меня)\b", "uz": r"\b(men|menga|meni)\b", "en": r"\bI\b"}
"""The asker in the first person: «ман», «я/мне», «men», "I"."""


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_questions_to_put_to_a_recruiter_speak_for_the_person_asking(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    """The "ask first" result lists questions the user puts to the recruiter, so the contract must come in a
    language *I* (the asker) understand; the Tajik text once asked for one the recruiter reads."""
    user = telegram.user(language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    home_text = expected_text("main", "menu", language)
    result = await replay(user, PLANS[("result", "contract/result", "ask_first")], language, home_text)
    questions = [line for line in result.text.splitlines() if line.startswith("•")]
    assert len(questions) == 3, result.text
    assert re.search(ASKER[language], questions[0], re.IGNORECASE), questions[0]
