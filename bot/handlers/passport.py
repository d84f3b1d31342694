"""The country of the reader's passport: asked once, when their embassy first matters, and the
screen of their own country's embassy and contacts that depends on it (`/country` changes it)."""

from typing import get_args

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.navigation import NavAction
from bot.content.curriculum import Curriculum
from bot.content.models import PassportCountry
from bot.handlers.callback_data import ChoosePassport, StartTool
from bot.handlers.filters import PrivateChat
from bot.handlers.screens import add_nav_row, replace_screen
from bot.i18n import passport as text
from bot.services.content_holder import ContentHolder
from bot.storage.stores.user_settings import UserSettingsStore

PASSPORT_COUNTRIES: tuple[PassportCountry, ...] = get_args(PassportCountry)
KG_FACT = "kg_eaeu_work_no_patent"


def question() -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    for country in PASSPORT_COUNTRIES:
        builder.button(text=_(text.COUNTRY_NAMES[country]), callback_data=ChoosePassport(country=country))
    builder.adjust(2)
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    return _(text.QUESTION), builder.as_markup()


def country_screen(curriculum: Curriculum, country: str, language: str) -> tuple[str, InlineKeyboardMarkup]:
    """What this country's citizens need: the contacts marked for them, and an honest line where
    we found none."""
    renderer = curriculum.contact_renderer
    parts = [_(text.HEADER).format(country=_(text.COUNTRY_NAMES[country]))]
    if country == "TJ":
        parts.append(_(text.TJ_INTRO))
    elif country == "UZ":
        parts.append(_(text.UZ_INTRO))
    elif country == "KG":
        parts += [renderer.fact(KG_FACT, language), _(text.KG_NOT_FOUND)]
    else:
        parts.append(_(text.OTHER_INTRO))
    parts += [renderer.one(contact_id, language) for contact_id in renderer.for_citizens(country)]
    builder = InlineKeyboardBuilder()
    builder.button(text=_(text.CHANGE), callback_data=ChoosePassport(country="change"))
    add_nav_row(builder, [NavAction.BACK, NavAction.HOME, NavAction.HELP])
    return "\n\n".join(parts), builder.as_markup()


async def _answer(
    users: UserSettingsStore, content: ContentHolder, user_key: str, language: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The question until the person has answered it, then their country's screen."""
    country = await users.passport_country(user_key)
    if country not in PASSPORT_COUNTRIES:
        return question()
    return country_screen(content.current.curriculum, country, language)


async def opened_from_lesson(
    query: CallbackQuery, users: UserSettingsStore, content: ContentHolder, user_key: str, language: str
) -> None:
    await replace_screen(query, *await _answer(users, content, user_key, language))


async def country_command(
    message: Message, users: UserSettingsStore, content: ContentHolder, user_key: str, language: str
) -> None:
    body, markup = await _answer(users, content, user_key, language)
    await message.answer(body, reply_markup=markup)


async def passport_chosen(
    query: CallbackQuery,
    callback_data: ChoosePassport,
    users: UserSettingsStore,
    content: ContentHolder,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    if callback_data.country == "change":
        await replace_screen(query, *question())
        return
    await users.set_passport_country(user_key, callback_data.country, language)
    name = _(text.COUNTRY_NAMES[callback_data.country])
    callback_answer.text = _(text.CHOSEN).format(country=name)
    await replace_screen(query, *country_screen(content.current.curriculum, callback_data.country, language))


def build_router() -> Router:
    router = Router(name="passport")
    router.message.filter(PrivateChat())
    router.message.register(country_command, Command("country"))
    router.callback_query.register(opened_from_lesson, StartTool.filter(F.name == "passport_country"))
    router.callback_query.register(passport_chosen, ChoosePassport.filter())
    return router
