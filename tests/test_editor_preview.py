"""`safar preview`: static pages an editor opens from disk, checked in a real headless browser."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.content_fixtures import copy_of_real_content, edit

SCREENSHOT_DIR = Path(__file__).resolve().parents[1] / "build" / "screenshots"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0",
)  # fmt: skip


def test_every_lesson_gets_a_page_with_every_node_language_and_a_flow_chart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview", "--out", str(tmp_path / "site")]) == 0
    assert "11 pages written" in capsys.readouterr().out
    page = (tmp_path / "site" / "lessons" / "red_flags.html").read_text(encoding="utf-8")
    for node in ("intro", "documents", "wages", "debt", "movement", "threats", "deception", "result"):
        assert f'id="node-{node}"' in page
    for language in ("Тоҷикӣ", "Русский", "Oʻzbekcha", "English"):
        assert f"<h4>{language}</h4>" in page
    assert "<svg" in page and 'href="#node-documents"' in page
    assert "result several_signs: score ≥ 2" in page and "result no_signs: otherwise" in page
    assert "→ wages (+1 · documents_retained)" in page
    assert "missing in" not in page
    assert "<td>ilo_indicators</td>" in page and "https://respect.international/indicators-of-forced-labour" in page
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="lessons/recruitment.html"' in index
    assert "None: every contact was checked in the last 12 months." in index


def test_missing_translations_and_stale_contacts_are_highlighted(tmp_path: Path) -> None:
    content = copy_of_real_content(tmp_path)
    menu = content / "lessons" / "main.yaml"
    menu.write_text(re.sub(r"      uz: \|-\n(?:        .*\n)+", "", menu.read_text(encoding="utf-8"), count=1))
    edit(
        content / "contacts.yaml",
        "checked: 2026-12-01\n\nmolmep_ru_central_1",
        "checked: 2023-05-01\n\nmolmep_ru_central_1",
    )
    assert main(["preview", "--content", str(content), "--out", str(tmp_path / "site")]) == 0
    page = (tmp_path / "site" / "lessons" / "main.html").read_text(encoding="utf-8")
    assert "missing in Oʻzbekcha: users see the Русский text" in page
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "<strong>ru_emergency</strong>" in index and "last checked 2023-05-01" in index
    assert re.search(r'<td class="low">\d+%</td>', index), "incomplete coverage is marked"


def test_one_language_only(tmp_path: Path) -> None:
    assert main(["preview", "--lang", "tg", "--out", str(tmp_path)]) == 0
    page = (tmp_path / "lessons" / "hotlines.html").read_text(encoding="utf-8")
    assert "<h4>Тоҷикӣ</h4>" in page and "<h4>English</h4>" not in page


def test_broken_content_is_not_previewed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_of_real_content(tmp_path)
    edit(content / "lessons" / "main.yaml", "lesson: hotlines", "lesson: hotline")
    assert main(["preview", "--content", str(content), "--out", str(tmp_path / "site")]) == 1
    assert "points to unknown lesson 'hotline'" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail(
            "CI=true but Chromium is missing: .ci/run installs Debian's 'chromium' and must not go on without it"
        )
    if found is None:
        pytest.skip("no Chromium here: .ci/run installs Debian's 'chromium' when it runs as root")
    return found


def open_in_browser(chromium: str, page: Path, profile: Path, *extra: str) -> tuple[str, list[str]]:
    """The DOM after load and every console message the page produced."""
    done = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.stdout, console


def test_the_browser_check_catches_a_page_with_a_script_error(chromium: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><p>x</p><script>notDefined();</script>", encoding="utf-8")
    _, console = open_in_browser(chromium, broken, tmp_path / "profile")
    assert any("notDefined is not defined" in line for line in console)


def test_the_preview_renders_in_chromium_without_console_errors(chromium: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["preview", "--out", str(site)]) == 0
    for page in [site / "index.html", *sorted((site / "lessons").glob("*.html"))]:
        dom, console = open_in_browser(chromium, page, tmp_path / "profile")
        assert console == [], page.name
        assert "</main>" in dom, page.name
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    screenshot = SCREENSHOT_DIR / "preview-recruitment.png"
    subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1800",
         f"--screenshot={screenshot}", (site / "lessons" / "recruitment.html").as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 50_000, "a blank page would be far smaller"


def test_a_translation_with_a_script_tag_is_shown_as_text_in_the_preview(tmp_path: Path) -> None:
    content = copy_of_real_content(tmp_path)
    sheet = tmp_path / "en.csv"
    assert main(["translations", "export", str(sheet), "--lang", "en", "--all", "--content", str(content)]) == 0
    rows = sheet.read_text(encoding="utf-8").replace(
        "lessons/hotlines.yaml#title,ok,Help and hotlines,Help and hotlines",
        "lessons/hotlines.yaml#title,ok,Help and hotlines,<script>alert('x')</script>",
    )
    assert "<script>" in rows, "the title's row is where the test expects it"
    sheet.write_text(rows, encoding="utf-8")
    assert main(["translations", "import", str(sheet), "--content", str(content)]) == 0
    assert main(["preview", "--content", str(content), "--out", str(tmp_path / "site")]) == 0
    for page in ("lessons/hotlines.html", "index.html"):
        written = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert "<script>alert" not in written, page
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in written, page
