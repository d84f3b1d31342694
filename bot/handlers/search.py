"""Free text: danger first (hotlines and what to do), then the screens that fit, or a hint
and the menu. When the danger is unclear, one question first: "Are you or someone close to you in
danger now?" (yes: the hotlines; no: the screens). With the counsellors' desk open, the danger view
and "nothing found" also offer a person. Nothing typed is kept or logged: the question's buttons
carry the country and the screens found, not the words."""

import html

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.navigation import NavAction
from bot.common.telegram_limits import MAX_MESSAGE_CHARS
from bot.content import Curriculum
from bot.content.curriculum import NodeId, node_ref
from bot.content.rendering import Citizenship
from bot.handlers.callback_data import MAX_FOUND_SCREENS, MAX_LEAD_SCREENS, DangerAnswer, DeskStep, Navigate, OpenNode
from bot.handlers.conversation import move
from bot.handlers.filters import PrivateChat, TypedText
from bot.handlers.found_list import found_answer
from bot.handlers.screens import TALK_LABEL, nav_label, screen_markup
from bot.i18n.messages import (
    DANGER_FIRST,
    DANGER_NO,
    DANGER_QUESTION,
    DANGER_YES,
    GREETING_REPLY,
    NOT_COVERED,
    NOT_COVERED_ASK_PERSON,
    SEARCH_NOTHING_FOUND,
    THANKS_REPLY,
)
from bot.observability.metrics import DANGER_QUESTION as DANGER_QUESTION_COUNT
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk, desk_open
from bot.services.danger_view import DangerView, danger_view, offer_label
from bot.services.engagement import track
from bot.understanding.alarm import Alarm
from bot.understanding.courtesy import Courtesy, courtesy
from bot.understanding.search import SearchAnswer

MAX_QUERY_CHARS = 500
"""Longer texts are not searched: nobody asks a question that long, and it costs time."""


async def answer_courtesy(
    message: Message, state: FSMContext, content: ContentHolder, language: str, kind: Courtesy
) -> None:
    """A kind word back, and the menu: the person loses nothing and sees where to go next."""
    word = _(THANKS_REPLY) if kind is Courtesy.THANKS else _(GREETING_REPLY)
    home = await move(state, lambda c: content.current.engine.home(c, language))
    await message.answer(f"{html.escape(word)}\n\n{home.text}", reply_markup=screen_markup(home))


async def free_text(
    message: Message,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
) -> None:
    loaded = content.current
    answer = loaded.search.find((message.text or "")[:MAX_QUERY_CHARS], language, home=_home(passport_country))
    track("search", "found" if answer.nodes or answer.is_danger else "none")
    curriculum = loaded.curriculum
    if answer.is_danger:
        await show_danger(message, curriculum, answer, language, desk, passport_country)
        return
    if answer.asks:
        DANGER_QUESTION_COUNT.labels("asked").inc()
        await message.answer(html.escape(_(DANGER_QUESTION)), reply_markup=_question_markup(answer))
        return
    if (kind := courtesy(message.text or "")) is not None:  # every word a greeting or thanks: screens found are chance
        await answer_courtesy(message, state, content, language, kind)
        return
    text, markup = await _answer(state, content, answer.nodes, language, desk, not_covered=answer.not_covered)
    await message.answer(text, reply_markup=markup)


async def danger_answered(
    query: CallbackQuery,
    callback_data: DangerAnswer,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
) -> None:
    """Yes: the hotlines, as for clear danger. No: the screens the message matched. A button whose
    screens are gone since (a /reload) leaves them out; the question's message becomes the answer."""
    DANGER_QUESTION_COUNT.labels("yes" if callback_data.yes == "y" else "no").inc()
    curriculum = content.current.curriculum
    found = _screens_of(curriculum, callback_data.found)
    if callback_data.yes == "y":
        answer = SearchAnswer(
            nodes=found,
            country=callback_data.country or None,
            alarm=Alarm.CLEAR,
            kind_screens=_screens_of(curriculum, callback_data.lead),
        )
        view = danger_view(curriculum, answer.country, answer.kind_screens)
        text = danger_text(curriculum, view, language, passport_country)
        markup = danger_markup(curriculum, view, language, talk=desk_open(desk))
    else:  # the kind's screen (a relative who does not answer) is an answer too
        lead = _screens_of(curriculum, callback_data.lead)
        text, markup = await _answer(state, content, list(dict.fromkeys(lead + found)), language, desk)
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=markup)
    elif query.bot is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def _answer(
    state: FSMContext,
    content: ContentHolder,
    nodes: list[NodeId],
    language: str,
    desk: CounsellorDesk | None,
    *,
    not_covered: bool = False,
) -> tuple[str, InlineKeyboardMarkup]:
    """The screens found, or (none) the hint, the menu and a person to talk to. A question the
    lessons do not cover is told so plainly, rather than asked to try other words."""
    loaded = content.current
    if not nodes:
        home = await move(state, lambda c: loaded.engine.home(c, language))
        if not_covered:
            hint = _(NOT_COVERED_ASK_PERSON) if desk_open(desk) else _(NOT_COVERED)
        else:
            hint = _(SEARCH_NOTHING_FOUND)
        markup = screen_markup(home)
        if desk_open(desk):  # the lessons do not cover it: a person may
            talk = InlineKeyboardButton(text=_(TALK_LABEL), callback_data=DeskStep(step="offer").pack())
            markup = InlineKeyboardMarkup(inline_keyboard=[[talk], *markup.inline_keyboard])
        return f"{html.escape(hint)}\n\n{home.text}", markup
    return found_answer(loaded.curriculum, nodes, language, talk=desk_open(desk))


def _home(passport_country: Citizenship) -> str | None:
    """The reader's own country as a country code, when they told Safar one."""
    return passport_country if passport_country not in (None, "other") else None


def _question_markup(answer: SearchAnswer) -> InlineKeyboardMarkup:
    def refs(nodes: list[NodeId], limit: int) -> str:
        return ".".join(node_ref(node) for node in nodes[:limit])

    data = {
        "country": answer.country or "",
        "lead": refs(answer.kind_screens, MAX_LEAD_SCREENS),
        "found": refs(answer.nodes, MAX_FOUND_SCREENS),
    }
    builder = InlineKeyboardBuilder()
    builder.button(text=_(DANGER_YES), callback_data=DangerAnswer(yes="y", **data))
    builder.button(text=_(DANGER_NO), callback_data=DangerAnswer(yes="n", **data))
    builder.adjust(1)
    return builder.as_markup()


def _screens_of(curriculum: Curriculum, refs: str) -> list[NodeId]:
    return [node for ref in refs.split(".") if ref and (node := curriculum.by_ref(ref)) is not None]


async def show_danger(
    message: Message,
    curriculum: Curriculum,
    answer: SearchAnswer,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
    *,
    lead: str = "",
) -> None:
    """Hotlines (the country's, or every country's emergency numbers) and the red-flag check; and a
    person to talk to, with the desk open. `lead`: a line above it all (plain text), such as "this went
    to the counsellor too" in an open case."""
    view = danger_view(curriculum, answer.country, answer.kind_screens, answer.danger)
    await message.answer(
        danger_text(curriculum, view, language, passport_country, lead=lead),
        reply_markup=danger_markup(curriculum, view, language, talk=desk_open(desk)),
    )


def danger_text(
    curriculum: Curriculum, view: DangerView, language: str, citizen_of: Citizenship = None, *, lead: str = ""
) -> str:
    """The alarm: a kind word (after `lead`, if any), then the hotlines (the country's, or every
    country's emergency numbers), with the contacts for the reader's passport country."""
    hotlines = curriculum.render_text(view.screen, language, citizen_of)
    # Each screen fits on its own (the content check sees to that); with the sentences it may not.
    for heads in ((lead, _(DANGER_FIRST)), (lead,), ()):
        text = "\n\n".join([*(html.escape(head) for head in heads if head), hotlines])
        if len(text.encode("utf-16-le")) // 2 <= MAX_MESSAGE_CHARS:
            return text
    return hotlines


COUNTRIES_PER_ROW = 2
"""Country buttons side by side: "🇰🇿 In Kazakhstan" still fits twice across a small phone."""


def danger_markup(
    curriculum: Curriculum, view: DangerView, language: str, *, talk: bool = False
) -> InlineKeyboardMarkup:
    """A short keyboard for a person in danger: one tap per country (when none was named), the
    screens of their situation, the red-flag check where it fits, a person (with `talk`), the menu.
    The other screens a message happened to match are left out: they crowded the hotlines."""
    rows: list[list[InlineKeyboardButton]] = []
    countries = {choice.node for choice in view.choices}
    flags = [_open_button(curriculum, node, language) for node in view.offers() if node in countries]
    rows += [flags[i : i + COUNTRIES_PER_ROW] for i in range(0, len(flags), COUNTRIES_PER_ROW)]
    rows += [[_open_button(curriculum, node, language)] for node in view.offers() if node not in countries]
    if talk:
        rows.append([InlineKeyboardButton(text=_(TALK_LABEL), callback_data=DeskStep(step="offer").pack())])
    # a country's hotlines shown: 🆘 leads to the other countries' and every kind of help
    nav = [NavAction.HOME] if view.screen == curriculum.hotlines else [NavAction.HOME, NavAction.HELP]
    rows.append(
        [InlineKeyboardButton(text=nav_label(action), callback_data=Navigate(to=action).pack()) for action in nav]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _open_button(curriculum: Curriculum, node_id: NodeId, language: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=offer_label(curriculum, node_id, language), callback_data=OpenNode(ref=node_ref(node_id)).pack()
    )


def build_router() -> Router:
    router = Router(name="search")
    router.message.filter(PrivateChat())
    router.message.register(free_text, TypedText())
    router.callback_query.register(danger_answered, DangerAnswer.filter())
    return router
