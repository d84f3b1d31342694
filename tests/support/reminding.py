"""Steps of the reminder tests, in a person's words."""

from bot.i18n import load_i18n
from tests.support.fake_telegram import FakeUser, Sent

I18N = load_i18n()


def say(message: str, language: str) -> str:
    """An interface string as the person reads it in `language`."""
    return I18N.gettext(message, locale=language)


async def open_reminders(user: FakeUser) -> Sent:
    """Send /reminders and return the menu it answers with."""
    await user.send("/reminders")
    return await user.reply()


async def arrived_today(user: FakeUser) -> None:
    """After choosing where one arrived: "Today", the first button of the arrival calendar."""
    calendar = await user.reply()
    await user.press_data(calendar, str(calendar.buttons[0][0]["callback_data"]))
