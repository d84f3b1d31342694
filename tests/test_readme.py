"""The README's first screen: exactly two set-up commands (run, test), a link to the operations
guide, and the placeholder token the bot refuses as not real; and its drawing of bot/ is the real tree."""

import re

from bot.cli import EXAMPLE_TOKEN
from tests.support.processes import PROJECT


def first_screen() -> str:
    return (PROJECT / "README.md").read_text(encoding="utf-8").split("\n---\n", 1)[0]


def test_the_first_screen_has_two_set_up_commands_and_links_the_operations_guide() -> None:
    commands = re.findall(r"```sh\n(.*?)```", first_screen(), re.DOTALL)
    assert len(commands) == 2 and all(len(block.strip().splitlines()) == 1 for block in commands)
    assert "](docs/operations.md)" in first_screen()
    assert (PROJECT / "docs" / "operations.md").exists()


def test_the_placeholder_token_is_the_one_start_up_refuses() -> None:
    assert f"BOT_TOKEN={EXAMPLE_TOKEN} " in first_screen()


def test_the_layout_names_every_room_of_bot_and_no_room_that_is_gone() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("```\nbot/ ") : readme.index("\ntests/ ")]
    drawn = set(re.findall(r"^  (\w+(?:/|\.py))", layout, re.MULTILINE))
    real = {f"{path.name}/" for path in (PROJECT / "bot").iterdir() if path.is_dir() and path.name != "__pycache__"}
    real |= {path.name for path in (PROJECT / "bot").glob("*.py") if path.name != "__init__.py"}
    assert drawn == real
