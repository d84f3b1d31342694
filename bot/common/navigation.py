"""The three moves every screen offers besides its own buttons, shared by the engine and the buttons."""

from enum import StrEnum


class NavAction(StrEnum):
    """Back one step, to the main menu, or to the hotlines; the value is what a button carries."""

    BACK = "back"
    HOME = "home"
    HELP = "help"
