"""The order routers are tried in is part of the cost of every update: each router an update
passes costs aiogram a round of filters. With the counsellors' desk off (COUNSELLORS_CHAT_ID unset)
the desk costs a lesson tap nothing, and its stale buttons are still answered."""

from typing import Any

import pytest
from aiogram import Router
from aiogram.filters.callback_data import CallbackData

from bot.handlers import build_router
from bot.handlers.callback_data import DeskStep
from bot.handlers.counsellors import UNAVAILABLE
from tests.support.fake_telegram import FakeTelegram
from tests.support.hotlines import open_russian_hotlines
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.running import RunningBot


def names(router: Router) -> list[str]:
    return [sub_router.name for sub_router in router.sub_routers]


def test_with_the_desk_off_a_lesson_tap_meets_the_lessons_first_and_no_counsellor_router() -> None:
    off = names(build_router(desk=False))
    assert off[0] == "dialogue"  # the lesson router
    assert off.index("feedback") < off.index("admin")  # its row is under every lesson screen
    assert "counsellor_topics" not in off
    assert off.index("counsellors") < off.index("fallback")
    on = names(build_router(desk=True))
    assert on[:4] == [
        "counsellors",
        "counsellor_topics",
        "counsellor_answers",
        "dialogue",
    ]  # an open case's message goes first


async def test_a_stale_talk_button_is_answered_when_the_desk_is_off(bot: RunningBot, telegram: FakeTelegram) -> None:
    """A "Talk to a person" button sent while the desk was on, pressed after the operator turned it off."""
    user = telegram.user(user_id=4848, language_code="ru")
    menu = await start_in(user, LANGUAGE_LABELS["ru"])
    await user.press_data(menu, DeskStep(step="offer").pack())
    answer = await user.reply()
    assert bot.app.i18n.gettext(UNAVAILABLE, locale="ru") in answer.text


async def test_a_button_press_is_read_only_by_the_class_of_its_own_router(
    bot: RunningBot, telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flag on a hotline screen is handled by the feedback router, near the end of the list: on
    the way there its data used to be unpacked by every button class of every router before it."""
    user = telegram.user(user_id=4849, language_code="ru")
    screen = await open_russian_hotlines(user)
    unpacked: list[str] = []
    unpack = CallbackData.unpack.__func__  # type: ignore[attr-defined]

    def counted(cls: type[CallbackData], value: str) -> Any:
        unpacked.append(cls.__name__)
        return unpack(cls, value)

    monkeypatch.setattr(CallbackData, "unpack", classmethod(counted))
    assert (await user.press(screen, "✏️ Ошибка или устарело?"))["text"] == "Что не так на этом экране?"
    assert "FlagScreen" in unpacked
    assert set(unpacked) <= {"CalledContact", "ContactAnswer", "FlagScreen", "FeedbackBack"}  # the feedback router's
    unpacked.clear()
    await user.press_data(screen, "zz:forged")  # a prefix no router knows: the fallback answers it
    assert unpacked == []
    await user.reply()
