"""What nothing else handled: unknown commands, stickers and photos, buttons never issued; and a
greeting or a thank-you that no lesson answers, which gets a kind word and the menu instead of
"no lesson found"."""

import html
import re
from enum import Enum
from typing import Final

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.navigation import NavAction
from bot.handlers.conversation import move
from bot.handlers.counsellors import offer_for_media
from bot.handlers.filters import PrivateChat
from bot.handlers.screens import add_nav_row, screen_markup
from bot.handlers.stale import answer_stale
from bot.i18n import N_
from bot.i18n.messages import GREETING_REPLY, THANKS_REPLY
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk, desk_open

MEDIA_WITHOUT_DESK = N_(
    "Safar cannot listen to voice messages or open videos and files, and there is no one here to do it "
    "instead. Type your question in words, or forward a message that has the text in it. If you are "
    "in danger now, the hotlines help at once: press 🆘."
)


class Courtesy(Enum):
    GREETING = "greeting"
    THANKS = "thanks"


_GREETINGS: Final = (
    "салом",
    "ассалом",
    "ассалому алайкум",
    "ассалому алейкум",
    "ассаламу алейкум",
    "салом алейкум",
    "салам",
    "салам алейкум",
    "салом алайкум",
    "assalomu alaykum",
    "assalomu aleykum",
    "assalom",
    "assalamu alaikum",
    "assalamu alaykum",
    "salom",
    "salam",
    "salom aleykum",
    "привет",
    "здравствуйте",
    "здравствуй",
    "здрасте",
    "приветствую",
    "добрый день",
    "доброе утро",
    "добрый вечер",
    "privet",
    "zdravstvuyte",
    "hello",
    "hi",
    "hey",
    "good morning",
    "good afternoon",
    "good evening",
    "xayrli kun",
    "xayrli tong",
    "хайрли кун",
    "хайрли тонг",
    "субҳ ба хайр",
    "рӯз ба хайр",
    "шом ба хайр",
)
_THANKS: Final = (
    "рахмат",
    "раҳмат",
    "катта рахмат",
    "катта раҳмат",
    "ташаккур",
    "ташаккури зиёд",
    "ташаккур калон",
    "спасибо",
    "спасибо большое",
    "большое спасибо",
    "благодарю",
    "спс",
    "rahmat",
    "raxmat",
    "katta rahmat",
    "katta raxmat",
    "tashakkur",
    "spasibo",
    "spasibo bolshoe",
    "thanks",
    "thank you",
    "thank you very much",
    "thanks a lot",
    "many thanks",
    "thx",
)
_KINDLY: Final = frozenset({
    "ака", "акаҷон", "брат", "бро", "aka", "akajon", "uka", "опа", "opa", "дорогой", "дорогие", "вам", "сизга",
    "sizga", "ва", "va", "и", "and",
})  # fmt: skip
"""Words that may come with a greeting or thanks ("рахмат ака", "привет и спасибо") without asking anything."""
_WORD: Final = re.compile(r"[^\W\d_]+(?:['ʻ’][^\W\d_]+)*")
MAX_COURTESY_WORDS: Final = 8


def _folded(text: str) -> str:
    """Lower case, ё as е: as people type it either way."""
    return text.lower().replace("ё", "е")


def _phrases(phrases: tuple[str, ...]) -> set[tuple[str, ...]]:
    return {tuple(_folded(phrase).split()) for phrase in phrases}


_PHRASES: Final = {Courtesy.GREETING: _phrases(_GREETINGS), Courtesy.THANKS: _phrases(_THANKS)}
_LONGEST: Final = max(len(phrase) for phrases in _PHRASES.values() for phrase in phrases)


def courtesy(text: str) -> Courtesy | None:
    """Whether `text` is only a greeting or a thank-you (thanks wins when it has both), else None.
    Every word must belong to one: "salom, pasportim yoʻq" is a question, not a greeting."""
    words = _WORD.findall(_folded(text))
    if not words or len(words) > MAX_COURTESY_WORDS:
        return None
    found: set[Courtesy] = set()
    at = 0
    while at < len(words):
        for size in range(min(_LONGEST, len(words) - at), 0, -1):
            chunk = tuple(words[at : at + size])
            kind = next((kind for kind, phrases in _PHRASES.items() if chunk in phrases), None)
            if kind is not None:
                found.add(kind)
                at += size
                break
        else:
            if words[at] not in _KINDLY:
                return None
            at += 1
    if Courtesy.THANKS in found:
        return Courtesy.THANKS
    return Courtesy.GREETING if found else None


async def answer_courtesy(
    message: Message, state: FSMContext, content: ContentHolder, language: str, kind: Courtesy
) -> None:
    """A kind word back, and the menu: the person loses nothing and sees where to go next."""
    word = _(THANKS_REPLY) if kind is Courtesy.THANKS else _(GREETING_REPLY)
    home = await move(state, lambda c: content.current.engine.home(c, language))
    await message.answer(f"{html.escape(word)}\n\n{home.text}", reply_markup=screen_markup(home))


async def not_understood(
    message: Message, state: FSMContext, content: ContentHolder, language: str, desk: CounsellorDesk | None = None
) -> None:
    media = message.voice or message.photo or message.video or message.video_note or message.document or message.audio
    if media and desk_open(desk):
        await offer_for_media(message)  # Safar cannot read it; a counsellor can
        return
    if media:  # no counsellors here: what Safar can do instead, and the hotlines a tap away
        builder = InlineKeyboardBuilder()
        add_nav_row(builder, [NavAction.HELP, NavAction.HOME])
        await message.answer(html.escape(_(MEDIA_WITHOUT_DESK)), reply_markup=builder.as_markup())
        return
    if message.text:
        hint = _("I do not know that command. Here is the menu; /sos shows the hotlines.")
    else:
        hint = _("I can read only text. Choose a topic from the menu, or type your question.")
    home = await move(state, lambda c: content.current.engine.home(c, language))
    await message.answer(f"{html.escape(hint)}\n\n{home.text}", reply_markup=screen_markup(home))


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.filter(PrivateChat())
    router.message.register(not_understood)
    router.callback_query.register(answer_stale)  # a button no other router knows
    return router
