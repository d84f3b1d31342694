"""The screens a typed message found, as a list to choose from, and the way back to it: "◀️ Back"
on a screen chosen there returns to the list, not to the screen before the question. The list
travels in the buttons and the way back (screen refs only); the words typed are kept nowhere."""

import html

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.navigation import NavAction
from bot.content import Curriculum
from bot.content.curriculum import NodeId, node_ref
from bot.content.rendering import Citizenship
from bot.handlers.callback_data import MAX_LISTED_SCREENS, DeskStep, FoundScreen, OpenNode
from bot.handlers.conversation import load_conversation, move, save_conversation
from bot.handlers.listening import show_lesson_screen
from bot.handlers.screens import WHO_CAN_HELP_LABEL, add_nav_row, replace_screen
from bot.i18n.messages import SEARCH_FOUND
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk, desk_open
from bot.storage.stores.user_settings import UserSettingsStore
from bot.transport.media_uploads import MediaSender
from bot.understanding.search import screen_title


def found_answer(
    curriculum: Curriculum, nodes: list[NodeId], language: str, *, talk: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """The line "Lessons that may help:" and a button per screen found, then the menu and the hotlines."""
    builder = InlineKeyboardBuilder()
    add_found_screens(builder, curriculum, nodes, language, talk=talk)
    builder.adjust(1)
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    return html.escape(_(SEARCH_FOUND)), builder.as_markup()


def add_found_screens(
    builder: InlineKeyboardBuilder, curriculum: Curriculum, nodes: list[NodeId], language: str, *, talk: bool
) -> None:
    """A button a screen found. A screen that only offers a person is that offer itself with the desk
    open (`talk`), and the hotlines by kind of help without it (once, and not twice beside itself)."""
    nodes = nodes[:MAX_LISTED_SCREENS]
    listed = ".".join(node_ref(node) for node in nodes)
    instead = None if talk else curriculum.help_by_kind
    for node_id in nodes:
        title = screen_title(curriculum, node_id, language)
        data = FoundScreen(ref=node_ref(node_id), listed=listed).pack()
        if curriculum.offers_only_a_person(node_id):
            if talk:
                data = DeskStep(step="offer").pack()
            elif instead is None or instead in nodes:
                continue
            else:
                title, data, instead = _(WHO_CAN_HELP_LABEL), OpenNode(ref=node_ref(instead)).pack(), None
        builder.button(text=title, callback_data=data)


def reachable(curriculum: Curriculum, node: NodeId, desk: CounsellorDesk | None) -> NodeId:
    """The screen a button opens, or, for one that only offers a person while the counsellors' desk
    is closed (an old button, a desk gone), help by kind of need."""
    if curriculum.offers_only_a_person(node) and not desk_open(desk):
        return curriculum.help_by_kind or curriculum.hotlines
    return node


async def open_found(
    query: CallbackQuery,
    callback_data: FoundScreen,
    node: NodeId,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
    *,
    users: UserSettingsStore,
    user_key: str,
    media_sender: MediaSender | None = None,
) -> None:
    loaded = content.current
    node = reachable(loaded.curriculum, node, desk)
    screen = await move(
        state, lambda c: loaded.engine.open_from_list(c, node, callback_data.listed, language, passport_country)
    )
    await show_lesson_screen(query, screen, desk, users, user_key, media_sender)


async def back_to_found(
    query: CallbackQuery, state: FSMContext, content: ContentHolder, language: str, desk: CounsellorDesk | None
) -> bool:
    """Take "◀️ Back" to the list a screen was chosen from, when that is the way back; False otherwise."""
    loaded = content.current
    conversation = await load_conversation(state)
    listed = loaded.engine.back_to_list(conversation)
    if listed is None:
        return False
    await state.set_state(None)
    await save_conversation(state, conversation)
    text, markup = found_answer(loaded.curriculum, listed, language, talk=desk_open(desk))
    await replace_screen(query, text, markup)
    return True
