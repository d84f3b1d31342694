"""Inline mode: `@bot <country or need>` in any chat offers hotline cards to send there.

Cards are in the asker's language, so Telegram may cache them for that asker only
(`is_personal`). Nothing about the query or the person asking is stored or logged. Inline mode
must be switched on once with @BotFather's /setinline (see README).
"""

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
)
from aiogram.utils.i18n import gettext as _

from bot.common.telegram_limits import MAX_INLINE_RESULTS
from bot.i18n import N_
from bot.services.content_holder import ContentHolder
from bot.services.deep_links import DeepLink, deep_link
from bot.services.hotline_cards import HotlineCard, HotlineCards

INLINE_CACHE_SECONDS = 300
"""Telegram's default; contacts change rarely, and a reload is seen within five minutes."""
INLINE_CAMPAIGN = "inline"
"""The campaign tag of the link under a card sent into a chat: people reaching Safar from one."""
HOTLINES_ENTRY = "sos"
OPEN_SAFAR = N_("🆘 All hotlines in Safar")
NOTHING_FOUND = N_("Nothing found: open all hotlines")


async def _open_safar(bot: Bot | None) -> InlineKeyboardMarkup | None:
    """A button under the card that opens the bot's hotlines, for whoever reads it in the chat."""
    if bot is None:
        return None
    try:
        me = await bot.me()
    except TelegramAPIError:
        return None
    if not me.username:
        return None
    url = deep_link(me.username, DeepLink(HOTLINES_ENTRY, INLINE_CAMPAIGN))
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=_(OPEN_SAFAR), url=url)]])


def _result(card: HotlineCard, markup: InlineKeyboardMarkup | None) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=card.result_id,
        title=card.title,
        description=card.description,
        input_message_content=InputTextMessageContent(
            message_text=card.text, parse_mode="HTML", link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
        reply_markup=markup,
    )


async def inline_hotlines(query: InlineQuery, content: ContentHolder, language: str) -> None:
    cards = HotlineCards(content.current.curriculum).find(query.query, language)[:MAX_INLINE_RESULTS]
    markup = await _open_safar(query.bot)
    await query.answer(
        [_result(card, markup) for card in cards],
        cache_time=INLINE_CACHE_SECONDS,
        is_personal=True,
        button=InlineQueryResultsButton(text=_(NOTHING_FOUND if not cards else OPEN_SAFAR), start_parameter="sos"),
    )


def build_router() -> Router:
    router = Router(name="inline")
    router.inline_query.register(inline_hotlines)
    return router
