"""Cross-cutting concerns: who the user is (pseudonymously) and which language they read."""

from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.common.languages import DEFAULT_LANGUAGE, LANGUAGES
from bot.content.rendering import as_citizenship
from bot.privacy.pseudonyms import Pseudonymizer
from bot.services.engagement import EventRecorder, Tracker, current_tracker
from bot.storage.stores.user_settings import UserSettingsStore


def language_from_client(user: User | None) -> str:
    """The user's Telegram app language when Safar speaks it (e.g. 'ru-RU' → 'ru')."""
    code = (user.language_code or "").lower().split("-")[0] if user else ""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


class UserLocaleMiddleware(I18nMiddleware):
    """Sets the locale to the language the user chose, or their app's language until they do.

    Puts `user_key` (keyed hash of the Telegram id), `stored_language` (None before the user
    chose), `language` (the locale in use) and `passport_country` (None before the user said; the
    contacts lesson texts show depend on it) into the handler data, and makes `track()` record
    events for this user while the update is handled.
    """

    def __init__(
        self, i18n: I18n, users: UserSettingsStore, pseudonyms: Pseudonymizer, recorder: EventRecorder
    ) -> None:
        super().__init__(i18n)
        self._users = users
        self._pseudonyms = pseudonyms
        self._recorder = recorder

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: User | None = data.get("event_from_user")
        stored = country = None
        if user is not None:
            data["user_key"] = self._pseudonyms.user_key(user.id)
            stored, country = await self._users.settings(data["user_key"])
        data["stored_language"] = stored
        data["passport_country"] = as_citizenship(country)
        data["language"] = stored or language_from_client(user)
        if "user_key" in data:
            current_tracker.set(Tracker(self._recorder, data["user_key"]))
        return str(data["language"])
