"""Walking lessons: branches, back and home, the scored check, /sos, restarts, stale buttons."""

import shutil
from pathlib import Path

from bot.config import Settings
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import expected_text, open_topic, start_in
from tests.support.running import RunningBot


async def test_a_lesson_walked_to_the_end_and_back(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="ru")
    menu = await start_in(user, "Русский")
    await open_topic(user, menu, "Агентства")
    offer = await user.reply()
    assert offer.text == expected_text("recruitment", "offer", "ru")
    await user.press(offer, "Да, просят деньги")
    fees = await user.reply()
    assert "Конвенция МОТ № 181" in fees.text
    await user.press(fees, "Что ещё проверить?")
    contract = await user.reply()
    await user.press(contract, "Хотят забрать мой паспорт")
    passport = await user.reply()
    assert passport.text == expected_text("recruitment", "passport", "ru")
    assert {"◀️ Назад", "🏠 Меню", "🆘 Помощь"} <= set(passport.labels())

    await user.press(passport, "Назад")
    assert (await user.reply()).text == expected_text("recruitment", "contract", "ru")
    await user.press(passport, "Назад")
    assert (await user.reply()).text == expected_text("recruitment", "fees", "ru")
    await user.press(passport, "Меню")
    home = await user.reply()
    assert home.text == expected_text("main", "menu", "ru")
    assert "◀️ Назад" not in home.labels()
    assert all(m.message_id == menu.message_id for m in (offer, fees, passport, home)), "menus edit in place"


async def test_the_red_flag_check_scores_answers_and_points_to_help(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="en")
    menu = await start_in(user, "English")
    await open_topic(user, menu, "Red flags")
    intro = await user.reply()
    await user.press(intro, "Start")
    for answer in ("Yes", "Yes") + ("No",) * 9:
        question = await user.reply()
        await user.press(question, answer)
    result = await user.reply()
    assert "<b>Several signs of forced labour.</b>" in result.text
    assert "🆘 Hotlines" in result.labels()

    await user.press(result, "Start again")
    intro = await user.reply()
    await user.press(intro, "Start")
    for answer in ("No",) * 11:
        question = await user.reply()
        await user.press(question, answer)
    assert "<b>No sign from this list.</b>" in (await user.reply()).text


async def test_changing_an_answer_after_going_back_is_not_counted_twice(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code="en")
    menu = await start_in(user, "English")
    await open_topic(user, menu, "Red flags")
    await user.press(await user.reply(), "Start")
    await user.press(await user.reply(), "Yes")  # documents kept
    wages = await user.reply()
    await user.press(wages, "Back")
    documents = await user.reply()
    await user.press(documents, "Yes")  # the same answer again
    for answer in ("No",) * 10:
        await user.press(await user.reply(), answer)
    assert "<b>One warning sign.</b>" in (await user.reply()).text


async def test_sos_reaches_the_hotlines_from_inside_a_lesson(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="tg")
    menu = await start_in(user, "Тоҷикӣ")
    await open_topic(user, menu, "Агентии кор")
    await user.reply()
    await user.send("/sos")
    hotlines = await user.reply()
    assert hotlines.message_id != menu.message_id, "/sos answers with a new message"
    assert hotlines.text == expected_text("hotlines", "start", "tg")
    await user.press(hotlines, "Дар Русия")
    russia = await user.reply()
    assert "☎️ 112" in russia.text and "санҷида шуд 22.11.2026" in russia.text
    await user.press(russia, "Бозгашт")
    await user.reply()
    await user.press(russia, "Бозгашт")
    assert (await user.reply()).text == expected_text("recruitment", "offer", "tg")


async def test_the_help_button_on_a_lesson_screen_opens_the_hotlines(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="uz")
    menu = await start_in(user, "Oʻzbekcha")
    await open_topic(user, menu, "Xavf belgilari")
    intro = await user.reply()
    await user.press(intro, "🆘 Yordam")
    assert (await user.reply()).text == expected_text("hotlines", "start", "uz")


async def test_a_restart_in_the_middle_of_a_lesson_keeps_the_users_place(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code="en")
    menu = await start_in(user, "English")
    await open_topic(user, menu, "Recruiters")
    await user.press(await user.reply(), "No")
    contract = await user.reply()
    await bot.restart()
    await user.press(contract, "They want to keep my passport")
    passport = await user.reply()
    assert passport.text == expected_text("recruitment", "passport", "en")
    await user.press(passport, "Back")
    assert (await user.reply()).text == expected_text("recruitment", "contract", "en")


async def test_a_button_that_was_never_issued_gets_the_current_menu(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="ru")
    menu = await start_in(user, "Русский")
    for data in ("g:AAAAAAAA", "a:AAAAAAAA:0", "n:sideways", "something-old"):
        answer = await user.press_data(menu, data)
        assert answer["text"] == "Это меню изменилось. Вот актуальное."
        fresh = await user.reply()  # each press: the menu anew below, not a silent non-edit of the old one
        assert fresh.method == "sendMessage" and fresh.text.endswith(menu.text)


async def test_a_button_whose_node_was_removed_says_the_menu_changed(
    telegram: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(Path("bot/content"), content, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    settings.content_dir = content
    bot = RunningBot(settings)
    await bot.start()
    try:
        user = telegram.user(language_code="en")
        menu = await start_in(user, "English")
        await open_topic(user, menu, "Recruiters")
        offer = await user.reply()
        await bot.stop()
        lesson = content / "lessons" / "recruitment.yaml"
        lesson.write_text(lesson.read_text(encoding="utf-8").replace("goto: fees", "goto: contract"), encoding="utf-8")
        text = lesson.read_text(encoding="utf-8")
        start, end = text.index("  fees:\n"), text.index("  contract:\n")
        lesson.write_text(text[:start] + text[end:], encoding="utf-8")
        await bot.start()
        answer = await user.press(offer, "Yes, they want a fee")
        assert answer["text"] == "This menu has changed. Here is the current one."
        fresh = await user.reply()
        assert fresh.text == f"{answer['text']}\n\n{expected_text('main', 'menu', 'en')}"
    finally:
        await bot.stop()
