"""Editors print posters: `safar qr` and `safar poster` make a QR code that phones read as the
bot's deep link, and an A4 page around it in Tajik, Russian and Uzbek."""

import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pydantic import SecretStr

from bot.cli import main
from bot.config import Settings
from bot.editing.bot_identity import UnknownUsernameError, bot_username
from tests.support.content_fixtures import copy_of_real_content, edit
from tests.support.fake_telegram import TOKEN, FakeTelegram


def decoded(png: Path) -> list[str]:
    """What a phone's camera reads from the image, by a real QR decoder (zxing-cpp)."""
    with Image.open(png) as image:
        return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


@pytest.fixture
def username(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BOT_USERNAME", "@safar_help_bot")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    return "safar_help_bot"


def test_the_qr_code_reads_back_as_the_deep_link_with_its_campaign(
    tmp_path: Path, username: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "print" / "contract"
    assert main(["qr", "contract-check", "--campaign", "pdo-dushanbe-3", "--out", str(out)]) == 0
    link = "https://t.me/safar_help_bot?start=contract-check__pdo-dushanbe-3"
    assert decoded(out.with_suffix(".png")) == [link]
    svg = out.with_suffix(".svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "</svg>" in svg
    assert link in capsys.readouterr().out


def test_the_qr_code_without_a_campaign_opens_the_entry_only(
    tmp_path: Path, username: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["qr", "hotlines-ru"]) == 0
    assert decoded(tmp_path / "qr-hotlines-ru.png") == ["https://t.me/safar_help_bot?start=hotlines-ru"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["qr", "contract-chek"], "there is no entry point 'contract-chek'; the entries are: abroad,"),
        (["qr", "sos", "--campaign", "bus station"], "campaign tag 'bus station' is not valid"),
        (["poster", "sos", "--campaign", "x" * 25], "is not valid: use 1 to 24 letters"),
    ],
)
def test_a_wrong_entry_or_tag_is_explained_and_nothing_is_written(
    tmp_path: Path, username: str, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main([*arguments, "--out", str(tmp_path / "x")]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_without_username_or_token_the_editor_is_told_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BOT_USERNAME", raising=False)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["qr", "sos"]) == 2
    assert "set BOT_USERNAME" in capsys.readouterr().err


async def test_the_username_is_asked_of_telegram_when_not_set(telegram: FakeTelegram, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, bot_token=SecretStr(TOKEN), bot_api_base_url=telegram.base_url)  # type: ignore[call-arg]
    assert await bot_username(settings) == "safar_test_bot"
    with pytest.raises(UnknownUsernameError):
        await bot_username(Settings(_env_file=None))  # type: ignore[call-arg]


def test_the_poster_is_an_a4_page_with_the_code_the_name_and_three_languages(tmp_path: Path, username: str) -> None:
    out = tmp_path / "poster.html"
    assert main(["poster", "sos", "--campaign", "bus-1", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "size: A4" in page
    assert "@safar_help_bot" in page
    assert page.count("<svg") == 1
    assert "https://t.me/safar_help_bot?start=sos__bus-1" in page
    assert "Кӯмак ва хатҳои боварӣ" in page and "қадам ба қадам" in page
    assert "Помощь и горячие линии" in page and "Наведите камеру" in page
    assert "Yordam va ishonch telefonlari" in page and "Telefon kamerasini" in page


def test_an_editors_own_template_is_used_and_autoescaped(tmp_path: Path, username: str) -> None:
    content = copy_of_real_content(tmp_path)
    edit(content / "lessons" / "hotlines.yaml", "ru: Помощь и горячие линии", "ru: Помощь <script>x</script>")
    template = tmp_path / "mine.html.j2"
    template.write_text(
        "<h1>{{ bot_username }}</h1>{% for item in lines %}<p>{{ item.title }}</p>{% endfor %}{{ qr_svg }}",
        encoding="utf-8",
    )
    out = tmp_path / "mine.html"
    arguments = ["poster", "sos", "--template", str(template), "--out", str(out), "--content", str(content)]
    assert main(arguments) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<h1>safar_help_bot</h1>")
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>" not in page
    assert re.search(r"<svg[^>]*>.*</svg>", page, re.DOTALL), "the QR code is inserted as markup, not escaped"


def test_a_poster_template_cannot_reach_python_on_the_editors_machine(
    tmp_path: Path, username: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A template someone sent the editor by e-mail: outside jinja2's sandbox it wrote a file (it
    could as well have run a command); in it, the poster is refused with one line saying why."""
    written = tmp_path / "written-by-the-template"
    template = tmp_path / "from-an-email.html.j2"
    template.write_text(
        f"<h1>{{{{ bot_username }}}}</h1>{{{{ self.__init__.__globals__.__builtins__.open('{written}', 'w').write('x') }}}}",
        encoding="utf-8",
    )
    out = tmp_path / "poster.html"
    assert main(["poster", "sos", "--template", str(template), "--out", str(out)]) == 2
    assert not written.exists() and not out.exists()
    assert capsys.readouterr().err == (
        f"safar: {template}: the poster template cannot be used: "
        "access to attribute '__init__' of 'TemplateReference' object is unsafe.\n"
    )
