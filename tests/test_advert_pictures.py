"""A photo is not assumed to be a job advert: a chat, a receipt or a passport's page gets an honest
answer (this is no job advert; what Safar does with photos; a person or who can help), is neither
counted nor fingerprinted, and a passport's page is never relayed to anyone. Pictures are rendered
and read back with Tesseract, as a screenshot sent from a phone."""

import html
import os
import tempfile
from pathlib import Path

import pytest

from bot.common.navigation import NavAction
from bot.config import Settings
from bot.content.loader import PACKAGED_CONTENT, load_advert_flags
from bot.handlers.adverts import KEEP_DOCUMENTS
from bot.handlers.counsellors import TALK_LABEL
from bot.i18n.adverts import ADVERT_IDENTITY_DOCUMENT, ADVERT_NO_FLAGS, ADVERT_NOT_AN_ADVERT
from bot.i18n.messages import NAV_LABELS
from bot.understanding.advert_reading import AdvertReader
from bot.understanding.search import screen_title
from scripts.advert_screenshots import screenshot
from scripts.eval_adverts import TUNING_SETS, load_adverts
from tests.support.desk import GROUP, label, set_up_desk
from tests.support.fake_telegram import FakeTelegram
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot
from tests.support.stored import stored
from tests.test_advert_reading import needs_tesseract
from tests.test_adverts import files_under, started

FAMILY_CHAT = (
    "Модар, салом! Ман ба Маскав расидам.\nҲама чиз хуб, хавотир нашавед.\nБа падарам салом гӯед, пагоҳ занг мезанам."
)
"""A chat screenshot: no job in it."""
RECEIPT = (
    "ООО «Пример-Маркет» ИНН 7700000000\n"
    "КАССОВЫЙ ЧЕК / ПРИХОД\n"
    "Хлеб 1 x 45.00\n"
    "Молоко 1 x 89.00\n"
    "ИТОГ =134.00 ₽\n"
    "Кассир: Смена 12"
)
"""A shop's receipt: a firm, an amount and "смена", a word of adverts, but no job."""
PASSPORT = (
    "ҶУМҲУРИИ ТОҶИКИСТОН / REPUBLIC OF TAJIKISTAN\n"
    "ШИНОСНОМА / PASSPORT\n"
    "Насаб / Surname: NAMUNA\n"
    "Ном / Given names: ALI\n"
    "Санаи таваллуд / Date of birth: 01.01.1995\n"
    "Санаи додан / Date of issue: 01.01.2020\n"
    "P<TJKNAMUNA<<ALI<<<<<<<<<<<<<<<<<<<<<<<<<<<<"
)
"""A passport's data page (an invented name)."""


@pytest.fixture(scope="module")
def reader() -> AdvertReader:
    return AdvertReader(load_advert_flags(PACKAGED_CONTENT))


def kind(reader: AdvertReader, text: str) -> str:
    return reader.picture_kind(text, reader.read(text))


def test_a_chat_a_receipt_and_a_passport_page_are_not_adverts(reader: AdvertReader) -> None:
    assert kind(reader, FAMILY_CHAT) == "other"
    assert kind(reader, RECEIPT) == "other"
    assert kind(reader, PASSPORT) == "identity_document"
    assert kind(reader, "P<TJKNAMUNA<<ALI<<<<<<<<<<<<<<<<") == "identity_document", "its machine-readable line alone"
    chat_with_a_threat = "Паспортҳоятонро бригадир нигоҳ медорад, то қарзро надиҳед"
    assert kind(reader, chat_with_a_threat) == "advert", "a serious flag is told, whatever the picture"


def test_an_advert_asking_for_passport_details_is_an_advert_not_a_passport_page(reader: AdvertReader) -> None:
    """A passport's field names ("date of birth") also stand in adverts and their application forms:
    beside a job's words or a contact they are not a passport photographed."""
    scam = (
        "Работа в Дубае! Официант, зарплата 3000$. Для оформления пришлите фото паспорта, "
        "дату рождения и место рождения: @dubai_jobs_example"
    )
    assert kind(reader, scam) == "advert"
    form = "Вакансия: грузчик на склад, Подольск. Анкета: ФИО, дата рождения, гражданство. Звоните +7 900 000-00-77"
    assert kind(reader, form) == "advert"


@pytest.mark.parametrize("path", TUNING_SETS, ids=lambda path: path.stem)
def test_every_advert_of_the_sets_reads_as_an_advert_from_its_words(reader: AdvertReader, path: Path) -> None:
    """Short or long, with a trade named or a contract offered: an advert's own words make it one."""
    not_read = [advert["id"] for advert in load_adverts(path) if kind(reader, str(advert["text"])) != "advert"]
    assert not not_read, f"adverts that would be told they are none: {not_read}"


@needs_tesseract
async def test_a_chat_or_a_receipt_photographed_is_told_it_is_no_advert_and_is_not_counted(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = await started(bot, telegram, 621, "tg")
    for picture in (FAMILY_CHAT, RECEIPT):
        await user.send_photo(screenshot(picture))
        answer = await user.reply(within=120)  # Tesseract on a loaded machine
        assert html.escape(label(bot, ADVERT_NOT_AN_ADVERT, "tg")) in answer.text
        assert html.escape(label(bot, ADVERT_NO_FLAGS, "tg")) not in answer.text, "never 'no red flags in this advert'"
        assert answer.labels() == [label(bot, NAV_LABELS[NavAction.HELP.value], "tg")], "no desk: who can help"
    await bot.app.unlinked.flush()
    assert await stored(bot.settings, "SELECT week FROM advert_checks") == [], "no advert was checked or counted"


@needs_tesseract
async def test_a_passport_page_points_to_keeping_documents_and_goes_to_no_one(
    settings: Settings, telegram: FakeTelegram
) -> None:
    set_up_desk(settings, telegram)
    running = RunningBot(settings)
    await running.start()
    try:
        user = await started(running, telegram, 622, "en")
        temporary = set(os.listdir(tempfile.gettempdir()))
        picture = screenshot(PASSPORT)
        await user.send_photo(picture)
        answer = await user.reply(within=120)
        assert html.escape(label(running, ADVERT_IDENTITY_DOCUMENT, "en")) in answer.text
        documents = screen_title(real_curriculum(), KEEP_DOCUMENTS, "en")
        assert answer.labels()[:2] == [documents, label(running, TALK_LABEL, "en")]
        to_documents = str(answer.button(documents)["callback_data"])
        await user.press(answer, label(running, TALK_LABEL, "en"))
        consent = await user.reply()
        await user.press(consent, label(running, "Start", "en"))
        await user.reply()
        await user.send("Can you help me?")  # relayed after anything the offer would have relayed
        assert (await user.reply()).text.startswith("📨")
        await telegram.until(lambda: any(copy.get("text") == "Can you help me?" for copy in telegram.copies))
        relayed = [copy for copy in telegram.copies if copy["chat_id"] == GROUP]
        assert [copy.get("text") for copy in relayed] == ["Can you help me?"], "the passport is never relayed"
        await user.press_data(answer, to_documents)
        assert "Always keep the original passport yourself." in (await user.reply()).text
        await running.app.unlinked.flush()
        assert await stored(running.settings, "SELECT week FROM advert_checks") == []
        assert not any(
            picture in content for content in files_under(set(os.listdir(tempfile.gettempdir())) - temporary)
        )
    finally:
        await running.stop()
