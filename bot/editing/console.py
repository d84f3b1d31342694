"""`safar console`: walk the dialogues in a terminal, as the bot shows them, without Telegram."""

import html
import re
from typing import TextIO

from aiogram.utils.i18n import I18n

from bot.common.navigation import NavAction
from bot.content import Curriculum
from bot.i18n.console import CONSOLE_BYE, CONSOLE_NO_BUTTON, CONSOLE_OPENS_LINK, CONSOLE_PROMPT, CONSOLE_QUIT
from bot.i18n.messages import DANGER_FIRST, DANGER_QUESTION, NAV_LABELS, SEARCH_FOUND, SEARCH_NOTHING_FOUND
from bot.services.danger_view import danger_view
from bot.services.deep_links import parse_payload
from bot.services.lesson_engine import Conversation, DialogueEngine, Screen
from bot.understanding.search import NodeSearch, screen_title

_START_LINK = re.compile(r"^(?:/start\s+|https://t\.me/\w+\?start=)(\S*)$")
"""What follows a deep link: `/start <payload>` as Telegram sends it, or the whole t.me address."""
_BOLD = re.compile(r"</?(b|strong)>")
_TAG = re.compile(r"<[^>]+>")
NAV_KEYS = {NavAction.BACK: "b", NavAction.HOME: "m", NavAction.HELP: "h"}


def plain(text: str, bold: bool) -> str:
    """Telegram HTML as terminal text: bold with ANSI codes on a terminal, tags removed."""
    if bold:
        text = _BOLD.sub(lambda m: "\033[0m" if m.group(0).startswith("</") else "\033[1m", text)
    return html.unescape(_TAG.sub("", text))


class ConsoleWalk:
    """The bot's dialogue engine behind a numbered menu on standard input and output."""

    def __init__(self, curriculum: Curriculum, i18n: I18n, language: str, out: TextIO, bold: bool = False) -> None:
        self.engine = DialogueEngine(curriculum)
        self.search = NodeSearch(curriculum)
        self.curriculum = curriculum
        self.i18n = i18n
        self.language = language
        self.out = out
        self.bold = bold
        self.conversation = Conversation()

    def say(self, msgid: str, **values: str) -> str:
        """One of the console's own sentences, in the language being walked."""
        return self.i18n.gettext(msgid, locale=self.language).format(**values)

    def run(self, lines: TextIO, start: str | None = None) -> int:
        """Walk from the menu, or from where the deep link `start` (a payload or a t.me address) leads."""
        screen = self.follow(start) if start else self.engine.home(self.conversation, self.language)
        self.show(screen)
        for raw in lines:
            choice = raw.strip()
            if choice.lower() in ("q", "quit", "exit", self.say(CONSOLE_QUIT).lower()):
                break
            screen = self.step(screen, choice)
            self.show(screen)
        print("\n" + self.say(CONSOLE_BYE), file=self.out)
        return 0

    def follow(self, link: str) -> Screen:
        """Open what a deep link opens in the bot; a link the bot does not know leads to the menu."""
        matched = _START_LINK.match(link.strip())
        parsed = parse_payload(matched.group(1) if matched else link.strip())
        target = self.curriculum.entry(parsed.entry) if parsed else None
        if target is None:
            print(f"(the bot does not know the link '{link.strip()}': it shows the menu)", file=self.out)
            return self.engine.home(self.conversation, self.language)
        campaign = f", campaign '{parsed.campaign}'" if parsed and parsed.campaign else ""
        print(f"(deep link to '{parsed.entry if parsed else ''}'{campaign})", file=self.out)
        return self.engine.open(self.conversation, target, self.language)

    def step(self, screen: Screen, choice: str) -> Screen:
        buttons = [button for row in screen.rows for button in row]
        if not choice:
            return screen
        if _START_LINK.match(choice):
            return self.follow(choice)
        if choice.isdigit() and not 1 <= int(choice) <= len(buttons):
            print(self.say(CONSOLE_NO_BUTTON, number=choice), file=self.out)
            return screen
        if choice.isdigit():
            button = buttons[int(choice) - 1]
            if button.kind == "answer":
                question = self.curriculum.by_answers_ref(button.target)
                assert question is not None
                return self.engine.answer(self.conversation, question, button.index, self.language)
            if button.kind == "url":
                print(self.say(CONSOLE_OPENS_LINK, url=button.target), file=self.out)
                return screen
            target = self.curriculum.by_ref(button.target)
            assert target is not None
            return self.engine.open(self.conversation, target, self.language)
        for action, key in NAV_KEYS.items():
            if choice.lower() == key and action in screen.nav:
                return self.engine.navigate(self.conversation, action, self.language)
        return self.free_text(screen, choice)

    def free_text(self, screen: Screen, text: str) -> Screen:
        answer = self.search.find(text, self.language)
        if answer.asks:  # the bot asks "in danger now?"; the console shows the question and the answer
            print("\n" + self.i18n.gettext(DANGER_QUESTION, locale=self.language), file=self.out)
        if answer.is_danger:
            print("\n" + self.i18n.gettext(DANGER_FIRST, locale=self.language), file=self.out)
            view = danger_view(self.curriculum, answer.country, answer.kind_screens)
            return self.engine.open(self.conversation, view.screen, self.language)
        if not answer.nodes:
            print("\n" + self.i18n.gettext(SEARCH_NOTHING_FOUND, locale=self.language), file=self.out)
            return self.engine.home(self.conversation, self.language)
        print("\n" + self.i18n.gettext(SEARCH_FOUND, locale=self.language), file=self.out)
        for node_id in answer.nodes:
            print(f"  · {screen_title(self.curriculum, node_id, self.language)}", file=self.out)
        return self.engine.open(self.conversation, answer.nodes[0], self.language)

    def show(self, screen: Screen) -> None:
        print(f"\n──── {screen.node} ────", file=self.out)
        print(plain(screen.text, self.bold), file=self.out)
        number = 0
        for row in screen.rows:
            for button in row:
                number += 1
                print(f"  [{number}] {button.label}", file=self.out)
        labels = [f"[{NAV_KEYS[a]}] {self.i18n.gettext(NAV_LABELS[a.value], locale=self.language)}" for a in screen.nav]
        labels.append(f"[q] {self.say(CONSOLE_QUIT)}")
        print("  " + "  ".join(labels), file=self.out)
        print(self.say(CONSOLE_PROMPT), end="", file=self.out, flush=True)
