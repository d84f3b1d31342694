"""The counsellors' side of the desk: in a case's topic of the counsellors' group, a counsellor's
message goes to the person (copied, so it comes from Safar with no name); `/close` ends the case;
`/block [days]` ends it and keeps its sender from opening a new one for a while; `/note …` stays in
the topic. Anyone without the `counsellor` role is not relayed, and told so once.

What Safar writes here is in the group's language (COUNSELLORS_LANGUAGE)."""

from aiogram import Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.common.staff_roles import COUNSELLOR, StaffRoles
from bot.handlers.counsellor_feedback import ask_if_it_helped
from bot.handlers.counsellors import ended_markup
from bot.i18n import N_
from bot.services.counsellor_desk import MAX_BLOCK_DAYS, CounsellorDesk

NOT_A_COUNSELLOR = N_(
    "Only messages of staff with the counsellor role reach the person; yours here are not sent. "
    "Ask an administrator to add you to STAFF_ROLES as counsellor."
)


class InCaseTopic(Filter):
    """A message in a topic of the counsellors' group that Safar opened for a case."""

    async def __call__(self, message: Message, desk: CounsellorDesk | None = None) -> bool:
        if desk is None or message.chat.id != desk.settings.group_id or not message.is_topic_message:
            return False
        if message.message_thread_id is None or message.from_user is None or message.from_user.is_bot:
            return False
        return await desk.is_case_topic(message.message_thread_id)


async def tell_group(message: Message, desk: CounsellorDesk, text: str) -> None:
    """A reply in the topic, in the group's language (`text` is a msgid)."""
    await reply_in_topic(message, desk, _(text, locale=desk.settings.language))


async def reply_in_topic(message: Message, desk: CounsellorDesk, text: str) -> None:
    """Under the counsellor's message, within the group's budget like everything Safar writes there."""
    await desk.relays.tell_group(text, message.message_thread_id, message.message_id)


async def close_case(message: Message, desk: CounsellorDesk, staff: StaffRoles) -> None:
    assert message.from_user is not None and message.message_thread_id is not None
    if not staff.has(message.from_user.id, COUNSELLOR):
        await not_counsellor(message, desk)
        return
    case = await desk.case_of_topic(message.message_thread_id)
    if case is None or not await desk.close(case, staff_id=message.from_user.id):
        await tell_group(message, desk, N_("This case is closed already."))
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


async def block_sender(message: Message, command: CommandObject, desk: CounsellorDesk, staff: StaffRoles) -> None:
    """`/block [days]`: abuse. The case closes and its sender can open no new one until the block ends."""
    assert message.from_user is not None and message.message_thread_id is not None
    if not staff.has(message.from_user.id, COUNSELLOR):
        await not_counsellor(message, desk)
        return
    days = block_days(command.args, desk.settings.block_days)
    if days is None:
        await reply_in_topic(
            message,
            desk,
            _("Write /block, or /block and a number of days from 1 to {most}.", locale=desk.settings.language).format(
                most=MAX_BLOCK_DAYS
            ),
        )
        return
    case = await desk.case_of_topic(message.message_thread_id)
    if case is None:
        await tell_group(message, desk, N_("Not blocked: this case's time for late answers has passed."))
        return
    was_open = not case.closed
    until = await desk.block(case, days, message.from_user.id)
    await reply_in_topic(
        message,
        desk,
        _(
            "Blocked until {day}: this case is closed, and its sender cannot open a new one before then.",
            locale=desk.settings.language,
        ).format(day=f"{until:%d.%m.%Y %H:00} UTC"),
    )
    if was_open:
        await message.bot.send_message(  # type: ignore[union-attr]
            case.chat_id,
            _(
                "The counsellors have ended this conversation, and cannot take a new one from you before {day}. "
                "If you are in danger now, the hotlines can help at once: /sos",
                locale=case.language,
            ).format(day=f"{until:%d.%m.%Y}"),
            reply_markup=ended_markup(case.language),
        )


def block_days(args: str | None, default: int) -> int | None:
    """The days a `/block` asks for: none given is `default`; a number outside 1…MAX_BLOCK_DAYS is None."""
    if not args or not args.strip():
        return default
    text = args.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_BLOCK_DAYS:
        return None
    return int(text)


async def note(message: Message) -> None:
    """An internal note: it stays in the topic, for the other counsellors."""


async def answer(message: Message, desk: CounsellorDesk, staff: StaffRoles) -> None:
    assert message.from_user is not None and message.message_thread_id is not None
    if not staff.has(message.from_user.id, COUNSELLOR):
        await not_counsellor(message, desk)
        return
    if message.forum_topic_created or message.forum_topic_closed or message.forum_topic_reopened:
        return
    case = await desk.from_counsellor(message.message_thread_id, message.message_id, message.from_user.id)  # queued
    if case is None:
        await tell_group(message, desk, N_("Not delivered: this case's time for late answers has passed."))


async def not_counsellor(message: Message, desk: CounsellorDesk) -> None:
    assert message.from_user is not None and message.message_thread_id is not None
    told = (message.message_thread_id, message.from_user.id)
    if told not in desk.told_not_counsellor:
        desk.told_not_counsellor.add(told)
        await tell_group(message, desk, NOT_A_COUNSELLOR)


def build_router() -> Router:
    router = Router(name="counsellor_topics")
    router.message.filter(InCaseTopic())
    router.message.register(close_case, Command("close"))
    router.message.register(block_sender, Command("block"))
    router.message.register(note, Command("note"))
    router.message.register(answer)
    return router
