"""The counsellors' side of the desk: in a case's topic of the counsellors' group, a counsellor's
message goes to the person (copied, so it comes from Safar with no name); `/close` ends the case;
`/note …` stays in the topic. Anyone without the `counsellor` role is not relayed, and told so once.

Staff read English here, as in the other staff commands."""

from aiogram import Router
from aiogram.filters import Command, Filter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.common.staff_roles import COUNSELLOR, StaffRoles
from bot.handlers.counsellor_feedback import ask_if_it_helped
from bot.handlers.counsellors import ended_markup
from bot.services.counsellor_desk import CounsellorDesk, PersonUnreachable

NOT_A_COUNSELLOR = (
    "Only messages of staff with the counsellor role reach the person; yours here are not sent. "
    "Ask an administrator to add you to STAFF_ROLES as counsellor."
)
TOLD_NOT_COUNSELLOR: set[tuple[int, int]] = set()
"""(topic, staff id) already told they are not relayed: told once, not at every message."""


class InCaseTopic(Filter):
    """A message in a topic of the counsellors' group that Safar opened for a case."""

    async def __call__(self, message: Message, desk: CounsellorDesk | None = None) -> bool:
        if desk is None or message.chat.id != desk.settings.group_id or not message.is_topic_message:
            return False
        if message.message_thread_id is None or message.from_user is None or message.from_user.is_bot:
            return False
        return await desk.is_case_topic(message.message_thread_id)


async def close_case(message: Message, desk: CounsellorDesk, staff: StaffRoles) -> None:
    assert message.from_user is not None and message.message_thread_id is not None
    if not staff.has(message.from_user.id, COUNSELLOR):
        await not_counsellor(message)
        return
    case = await desk.case_of_topic(message.message_thread_id)
    if case is None or not await desk.close(case, staff_id=message.from_user.id):
        await message.reply("This case is closed already.", parse_mode=None)
        return
    await message.bot.send_message(  # type: ignore[union-attr]
        case.chat_id,
        _(
            "The counsellor has ended the conversation. To remove it from this phone, clear the chat. "
            "You can talk to a person again from /sos.",
            locale=case.language,
        ),
        reply_markup=ended_markup(case.language),
    )
    await ask_if_it_helped(message.bot, case.chat_id, case)


async def note(message: Message) -> None:
    """An internal note: it stays in the topic, for the other counsellors."""


async def answer(message: Message, desk: CounsellorDesk, staff: StaffRoles) -> None:
    assert message.from_user is not None and message.message_thread_id is not None
    if not staff.has(message.from_user.id, COUNSELLOR):
        await not_counsellor(message)
        return
    if message.forum_topic_created or message.forum_topic_closed or message.forum_topic_reopened:
        return
    try:
        case = await desk.from_counsellor(message.message_thread_id, message.message_id, message.from_user.id)
    except PersonUnreachable:
        await message.reply(
            "Not delivered: the person has blocked Safar, or Telegram refused this message (a file over 50 MB?).",
            parse_mode=None,
        )
        return
    if case is None:
        await message.reply("Not delivered: this case's time for late answers has passed.", parse_mode=None)


async def not_counsellor(message: Message) -> None:
    assert message.from_user is not None and message.message_thread_id is not None
    told = (message.message_thread_id, message.from_user.id)
    if told not in TOLD_NOT_COUNSELLOR:
        TOLD_NOT_COUNSELLOR.add(told)
        await message.reply(NOT_A_COUNSELLOR, parse_mode=None)


def build_router() -> Router:
    router = Router(name="counsellor_topics")
    router.message.filter(InCaseTopic())
    router.message.register(close_case, Command("close"))
    router.message.register(note, Command("note"))
    router.message.register(answer)
    return router
