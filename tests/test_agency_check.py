"""A migrant checks an agency before paying anyone."""

from bot.content.curriculum import NodeId
from bot.handlers.adverts import OFFER_CHECK
from bot.understanding.search import screen_title
from tests.support.fake_telegram import FakeTelegram, FakeUser
from tests.support.journeys import expected_text, open_topic, start_in
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot


async def checking_agencies(telegram: FakeTelegram, language: str, label: str) -> FakeUser:
    """A user who chose a language and opened the agency check with /agency."""
    user = telegram.user(language_code=language)
    await start_in(user, label)
    await user.send("/agency")
    await user.reply()
    return user


async def test_a_licensed_agency_typed_in_latin_letters(telegram: FakeTelegram, bot_with_registry: RunningBot) -> None:
    user = telegram.user(language_code="ru")
    await start_in(user, "Русский")
    await user.send("/agency")
    prompt = await user.reply()
    assert prompt.text.startswith("🔎 <b>Проверка агентства</b>")
    await user.send('ooo "safar plus"')
    answer = await user.reply()
    assert answer.text.startswith(
        "✅ <b>Safar Plus LLC</b> есть в списке лицензированных агентств: лицензия № 0001234, действует до 31.12.2099."
    )
    assert "<i>Список лицензированных агентств на 01.10.2026.</i>" in answer.text
    assert "Прежде чем платить" not in answer.text
    assert "📝 Сообщить о подозрительном предложении" in answer.labels()
    await user.send("Барака транс сервис")
    expired = await user.reply()
    assert expired.text.startswith("⚠️ Лицензия <b>Барака Транс Сервис</b> (№ AB-77) закончилась 30.06.2024.")
    assert "<b>Прежде чем платить или подписывать:</b>" in expired.text


async def test_not_found_is_not_an_accusation_and_says_how_to_confirm(
    telegram: FakeTelegram, bot_with_registry: RunningBot
) -> None:
    user = await checking_agencies(telegram, "en", "English")
    await user.send("Golden <Road> Recruitment")
    answer = await user.reply()
    assert answer.text.startswith(
        "I did not find “Golden &lt;Road&gt; Recruitment” in the list of licensed agencies. "
        "That alone does not mean the agency is bad"
    )
    assert "confirm it with the Ministry of Labour, Migration and Employment" in answer.text
    assert "Warning signs: they ask you to pay for the job" in answer.text


async def test_a_close_name_is_shown_with_a_warning_about_look_alikes(
    telegram: FakeTelegram, bot_with_registry: RunningBot
) -> None:
    user = await checking_agencies(telegram, "en", "English")
    await user.send("Safar")
    answer = await user.reply()
    assert "is on the list of licensed agencies: licence № 0001234" in answer.text
    assert "fraudsters copy the names of real agencies" in answer.text


async def test_the_lesson_button_opens_the_check_and_leaving_it_restores_search(
    telegram: FakeTelegram, bot_with_registry: RunningBot
) -> None:
    user = telegram.user(language_code="tg")
    menu = await start_in(user, "Тоҷикӣ")
    await open_topic(user, menu, "Агентии кор")
    await user.press(await user.reply(), "Ҳа, пул талаб мекунанд")
    fees = await user.reply()
    await user.press(fees, "🔎 Агентиро санҷед")
    prompt = await user.reply()
    assert prompt.message_id == fees.message_id and prompt.text.startswith("🔎 <b>Санҷидани агентӣ</b>")
    await user.send("Меҳнати Хуб")
    answer = await user.reply()
    assert answer.text.startswith(
        "✅ <b>ҶДММ «Меҳнати Хуб»</b> дар рӯйхати агентиҳои иҷозатномадор ҳаст: иҷозатнома № 315."
    )
    await user.press(answer, "🏠 Меню")
    assert (await user.reply()).text == expected_text("main", "menu", "tg")
    await user.send("шиноснома")
    assert (await user.reply()).text == "Дарсҳое, ки метавонанд кӯмак кунанд:", "typed text is a search again"


async def test_without_a_loaded_list_the_bot_says_so_before_asking_and_offers_the_checks(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code="uz")
    await start_in(user, "Oʻzbekcha")
    await user.send("/agency")
    screen = await user.reply()
    assert "Litsenziyali agentliklar roʻyxati hali Safarga yuklanmagan" in screen.text, "said up front"
    assert "yozing" not in screen.text and "Type" not in screen.text, "no invitation to type a name"
    assert "Tojikiston Respublikasi Mehnat, migratsiya va aholi bandligi vazirligida" in screen.text
    curriculum = real_curriculum()
    offer_check, red_flags = (
        screen_title(curriculum, node, "uz") for node in (OFFER_CHECK, NodeId("red_flags", "intro"))
    )
    assert screen.labels()[:2] == [offer_check, red_flags]
    await user.press(screen, red_flags)
    assert (await user.reply()).text == expected_text("red_flags", "intro", "uz")
    await user.send("Safar Plus")
    assert "yuklanmagan" not in (await user.reply()).text, "typed text is a search again, not a look-up"


async def test_an_overlong_name_or_a_photo_gets_a_clear_answer(
    telegram: FakeTelegram, bot_with_registry: RunningBot
) -> None:
    user = await checking_agencies(telegram, "en", "English")
    await user.send("x" * 500)
    assert (await user.reply()).text == "That is too long for a name. Type only the agency's name or licence number."
    await user.send_sticker()
    assert (await user.reply()).text == "Please type it as text."
    await user.send("/sos")
    assert (await user.reply()).text == expected_text("hotlines", "start", "en"), "/sos works inside the tool"
