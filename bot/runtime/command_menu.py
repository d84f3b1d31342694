"""The command menu Telegram shows, per language, and the staff menu in staff chats only."""

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BotCommand, BotCommandScopeChat
from aiogram.utils.i18n import I18n

from bot.common.languages import LANGUAGES
from bot.handlers.admin import ADMIN_COMMANDS
from bot.i18n import N_

log = logging.getLogger(__name__)

COMMANDS = (
    ("start", N_("Start")),
    ("menu", N_("Main menu")),
    ("sos", N_("Hotlines: help now")),
    ("language", N_("Change language")),
    ("country", N_("My passport's country and embassy")),
    ("reminders", N_("Reminders of dates")),
    ("stop", N_("Stop all reminders")),
    ("agency", N_("Check a recruitment agency")),
    ("report", N_("Report a suspicious offer")),
    ("news", N_("Safar's news: yes or no")),
    ("privacy", N_("What Safar keeps")),
    ("forget", N_("Erase my data")),
)
"""Command names and English descriptions; descriptions are translated per language."""


async def register_commands(bot: Bot, i18n: I18n, staff_ids: frozenset[int]) -> None:
    """The command menu in each language (the default list is Russian), and for staff's own
    chats a menu that adds the staff commands: nobody else sees they exist."""
    for language in (None, *LANGUAGES):
        locale = language or "ru"
        commands = [
            BotCommand(command=name, description=i18n.gettext(description, locale=locale))
            for name, description in COMMANDS
        ]
        await bot.set_my_commands(commands, language_code=language)
    staff_menu = [
        BotCommand(command=name, description=description) for name, description in (*COMMANDS, *ADMIN_COMMANDS)
    ]
    for admin_id in sorted(staff_ids):
        try:
            await bot.set_my_commands(staff_menu, scope=BotCommandScopeChat(chat_id=admin_id))
        except TelegramBadRequest as error:  # the admin has not opened the bot yet
            log.warning("no staff command menu for one admin: %s", error.message)
