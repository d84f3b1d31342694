"""The order routers are tried in is part of the cost of every update: each router an update
passes costs aiogram a round of filters. With the counsellors' desk off (COUNSELLORS_CHAT_ID unset)
the desk costs a lesson tap nothing, and its stale buttons are still answered."""

from aiogram import Router

from bot.handlers import build_router
from bot.handlers.callback_data import DeskStep
from bot.handlers.counsellors import UNAVAILABLE
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.running import RunningBot


def names(router: Router) -> list[str]:
    return [sub_router.name for sub_router in router.sub_routers]


def test_with_the_desk_off_a_lesson_tap_meets_the_lessons_first_and_no_counsellor_router() -> None:
    off = names(build_router(desk=False))
    assert off[0] == "dialogue"  # the lesson router
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
