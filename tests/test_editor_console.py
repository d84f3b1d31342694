"""`safar console`: the lessons walked in a terminal by the bot's own engine."""

import asyncio
import tempfile
from pathlib import Path

from tests.support.journeys import expected_text
from tests.support.processes import PROJECT, environment
from tests.support.zygote import start_bot

WITHIN = 300
"""A walk takes a second on an idle machine; a loaded CI machine may need many times that, and a
walk that hangs still fails, only later."""


async def walk(*typed: str, language: str = "en") -> str:
    """`python -m bot console` with these lines typed, forked from the zygote (the console reads no
    setting a cold start would read differently; tests/support/zygote.py)."""
    with tempfile.TemporaryDirectory() as folder:
        process = await start_bot(
            ["console", "--lang", language], cwd=PROJECT, env=environment(Path(folder)),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        stdout, stderr = await asyncio.wait_for(process.communicate("\n".join(typed).encode() + b"\n"), WITHIN)
    assert process.returncode == 0, (stderr or b"").decode()
    return (stdout or b"").decode()


async def test_a_newcomer_walks_the_red_flag_check_in_the_terminal() -> None:
    out = await walk("5", "4", "1", "1", "1", *["2"] * 9, "q")
    screens = out.split("──── ")
    assert screens[1].startswith("main/menu ────\nSafar helps you go to work abroad safely and come home safely.")
    assert "  [5] 📚 All topics" in screens[1]
    assert "  [4] 🚩 Red flags: check yourself" in screens[2]
    assert screens[3].startswith("red_flags/intro")
    assert screens[-1].startswith("red_flags/result ────\nSeveral signs of forced labour.")
    assert "[b] ◀️ Back  [m] 🏠 Menu  [h] 🆘 Help  [q] quit" in screens[-1]
    assert out.rstrip().endswith("Bye.")


async def test_back_menu_help_and_search_in_russian() -> None:
    out = await walk("5", "2", "b", "h", "m", "оплата патента", "", "99", "выход", "5", language="ru")
    screens = [screen.split(" ────")[0] for screen in out.split("──── ")[1:]]
    assert screens == [
        "main/menu", "main/topics", "recruitment/offer", "main/topics", "hotlines/start", "main/menu",
        "abroad/patent", "abroad/patent", "abroad/patent",
    ]  # fmt: skip
    assert "Уроки, которые могут помочь:\n  · 💳 Патент\n" in out, "the patent screen first"
    plain_menu = expected_text("main", "menu", "ru").replace("<b>", "").replace("</b>", "")
    assert plain_menu in out
    assert "Здесь нет кнопки 99." in out
    assert "[q] выход\nВведите номер, букву или слова для поиска: " in out
    assert out.rstrip().endswith("До свидания."), "the quit word of the language ends the walk; '5' is not read"


async def test_the_console_speaks_the_language_chosen() -> None:
    out = await walk("99", "q", language="tg")
    assert "[q] баромадан\nРақам, ҳарф ё калимаҳоро барои ҷустуҷӯ нависед: " in out
    assert "Дар ин ҷо тугмаи 99 нест." in out
    assert out.rstrip().endswith("Хайр.")
    assert "Type a number" not in out and "quit" not in out and "Bye." not in out


async def test_an_editor_sees_a_danger_message_answered_with_the_hotlines_first() -> None:
    out = await walk("pasport zabrali", "q", language="en")
    screens = [screen.split(" ────")[0] for screen in out.split("──── ")[1:]]
    assert screens == ["main/menu", "hotlines/start"]
    assert "⚠️ What you wrote may mean you are in danger." in out
