"""Interface strings of `safar console`, in the language the editor walks the lessons in."""

from bot.i18n import N_

CONSOLE_PROMPT = N_("Type a number, a letter, or words to search: ")
CONSOLE_QUIT = N_("quit")
CONSOLE_BYE = N_("Bye.")
CONSOLE_NO_BUTTON = N_("There is no button {number} here.")
CONSOLE_OPENS_LINK = N_("(opens {url})")
