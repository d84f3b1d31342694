"""Feedback on a screen, right on its message (no later message, which would need a stored chat
id): "I called" → did they answer?, and "wrong or out of date?" → why. Each swaps the message's
keyboard and then puts the screen's own keyboard back; the text never changes."""

from functools import lru_cache

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.common.serialized_keyboards import KEYBOARDS, keyboard_button
from bot.common.telegram_limits import MAX_BUTTON_LABEL_CHARS
from bot.content import NodeId
from bot.content.rendering import Citizenship, pick
from bot.handlers.callback_data import CalledContact, ContactAnswer, FeedbackBack, FlagScreen
from bot.handlers.conversation import load_conversation
from bot.handlers.filters import CalledContactFromButton, NodeFromButton
from bot.handlers.screens import screen_markup, share_button
from bot.i18n import N_
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk, desk_open
from bot.services.hotline_answers import HotlineAnswers
from bot.services.lesson_engine import Conversation

WHICH_NUMBER = N_("Which number did you call?")
DID_THEY_ANSWER = N_("Did they answer?")
ANSWERED = N_("✅ Yes, they answered")
NO_ANSWER = N_("❌ No answer")
WRONG_NUMBER = N_("🚫 Wrong number")
BACK = N_("↩️ Back")
THANKS_CALL = N_("Thank you: this tells others which numbers work.")
ALREADY_CALL = N_("You already told us about this number this week. Thank you!")
WHAT_IS_WRONG = N_("What is wrong on this screen?")
REASON_LABELS = {
    "number": N_("☎️ A phone number is wrong"),
    "outdated": N_("📅 It is out of date"),
    "other": N_("✏️ Something else is wrong"),
}
THANKS_FLAG = N_("Thank you: an editor will check this screen.")
ALREADY_FLAG = N_("You already flagged this screen this week. Thank you!")


async def _set_keyboard(query: CallbackQuery, markup: InlineKeyboardMarkup) -> None:
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise


async def _restore(
    query: CallbackQuery,
    state: FSMContext,
    content: ContentHolder,
    node: NodeId,
    language: str,
    desk: CounsellorDesk | None,
    passport_country: Citizenship = None,
) -> None:
    """Put the screen's own keyboard back, without moving the user anywhere."""
    conversation = await load_conversation(state)
    if conversation.position != node:
        conversation = Conversation(position=node)
    screen = content.current.engine.screen(conversation, language, passport_country)
    share = await share_button(query.bot, screen)
    await _set_keyboard(query, screen_markup(screen, share, talk=desk_open(desk)))


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return _remembered(tuple(tuple(row) for row in rows))


@lru_cache(maxsize=1024)
def _remembered(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup:
    """A feedback keyboard, built once per screen and language with its JSON, as screens' are
    (screens._markup): building and dumping the models was most of a feedback press's own cost."""
    keyboard = [[keyboard_button(label, data) for label, data in row] for row in rows]
    return KEYBOARDS.remember(InlineKeyboardMarkup(inline_keyboard=keyboard))


async def called_contact(
    query: CallbackQuery,
    callback_data: CalledContact,
    contacts: tuple[str, ...],
    content: ContentHolder,
    language: str,
    callback_answer: CallbackAnswer,
    desk: CounsellorDesk | None = None,
) -> None:
    loaded = content.current
    back = (_(BACK), FeedbackBack(ref=callback_data.ref).pack())
    if callback_data.index == -1 and len(contacts) > 1:
        callback_answer.text = _(WHICH_NUMBER)
        # The number first: names of one ministry's offices differ only at their end.
        labels = [
            f"☎️ {contact.phone} · {pick(contact.name, language)}"[:MAX_BUTTON_LABEL_CHARS]
            for contact in (loaded.curriculum.contacts[cid] for cid in contacts)
        ]
        rows = [
            [(label, CalledContact(ref=callback_data.ref, index=index).pack())] for index, label in enumerate(labels)
        ]
        await _set_keyboard(query, _keyboard([*rows, [back]]))
        return
    index = max(callback_data.index, 0)
    callback_answer.text = _(DID_THEY_ANSWER)
    outcomes = (("answered", ANSWERED), ("no_answer", NO_ANSWER), ("wrong_number", WRONG_NUMBER))
    answers = [
        [(_(label), ContactAnswer(ref=callback_data.ref, index=index, outcome=outcome).pack())]
        for outcome, label in outcomes
    ]
    await _set_keyboard(query, _keyboard([*answers, [back]]))


async def contact_answer(
    query: CallbackQuery,
    callback_data: ContactAnswer,
    node: NodeId,
    contacts: tuple[str, ...],
    state: FSMContext,
    content: ContentHolder,
    hotline_answers: HotlineAnswers,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
) -> None:
    counted = await hotline_answers.answer(user_key, contacts[callback_data.index], callback_data.outcome)
    callback_answer.text = _(THANKS_CALL if counted else ALREADY_CALL)
    await _restore(query, state, content, node, language, desk, passport_country)


async def flag_screen(
    query: CallbackQuery,
    callback_data: FlagScreen,
    node: NodeId,
    state: FSMContext,
    content: ContentHolder,
    hotline_answers: HotlineAnswers,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
) -> None:
    if callback_data.reason == "ask":
        callback_answer.text = _(WHAT_IS_WRONG)
        rows = [
            [(_(label), FlagScreen(ref=callback_data.ref, reason=reason).pack())]
            for reason, label in REASON_LABELS.items()
        ]
        await _set_keyboard(query, _keyboard([*rows, [(_(BACK), FeedbackBack(ref=callback_data.ref).pack())]]))
        return
    counted = await hotline_answers.flag(user_key, str(node), callback_data.reason)
    callback_answer.text = _(THANKS_FLAG if counted else ALREADY_FLAG)
    await _restore(query, state, content, node, language, desk, passport_country)


async def feedback_back(
    query: CallbackQuery,
    node: NodeId,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
) -> None:
    await _restore(query, state, content, node, language, desk, passport_country)


def build_router() -> Router:
    router = Router(name="feedback")
    router.callback_query.register(called_contact, CalledContact.filter(), CalledContactFromButton())
    router.callback_query.register(contact_answer, ContactAnswer.filter(), CalledContactFromButton())
    router.callback_query.register(flag_screen, FlagScreen.filter(), NodeFromButton())
    router.callback_query.register(feedback_back, FeedbackBack.filter(), NodeFromButton())
    return router
