"""The seven corrections that could send someone the wrong way, walked in every language.

Each test drives the bot the way Telegram does (updates through the fake Bot API), taps to the
screen that was wrong, and asserts the corrected fact is shown and the wrong one is gone.
"""

import pytest

from bot.common.languages import LANGUAGES
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot

CURRICULUM = real_curriculum()
ENTRY_BAN_SERVICE = "Проверка наличия оснований для неразрешения въезда"
COMING_HOME = {
    "tg": "Ба ватан бармегардам",
    "ru": "Возвращаюсь домой",
    "uz": "Vatanga qaytyapman",
    "en": "I am coming home",
}
GOSUSLUGI = ("Госуслуг", "Gosuslug")
"""Where the register of controlled persons is checked: the wrong place to learn about an entry ban."""


def contact_name(contact_id: str, language: str) -> str:
    return CURRICULUM.contacts[contact_id].name[language]  # type: ignore[literal-required]


async def russia_deadlines(user: FakeUser, language: str) -> Sent:
    """Main menu → I am abroad now → Arriving in Russia or Kazakhstan → Russia."""
    menu = await start_in(user, LANGUAGE_LABELS[language])
    await user.press(menu, "🌍")
    await user.press(await user.reply(), "🛂")
    await user.press(await user.reply(), "🇷🇺")
    return await user.reply()


async def hotlines(user: FakeUser, language: str) -> Sent:
    await start_in(user, LANGUAGE_LABELS[language])
    await user.send("/sos")
    return await user.reply()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_1_an_entry_ban_is_checked_with_the_interior_ministry_service_not_the_register(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    await user.press(await russia_deadlines(user, language), "⛔")
    bans = await user.reply()
    assert ENTRY_BAN_SERVICE in bans.text and "сервисы.гувм.мвд.рф" in bans.text and "RuID" in bans.text
    lag = {
        "tg": "дер нав шавад",
        "ru": "обновляется не сразу",
        "uz": "darhol yangilanmaydi",
        "en": "not updated at once",
    }
    assert lag[language] in bans.text, "the online answer can lag: check again before buying a ticket"
    assert not any(place in bans.text for place in GOSUSLUGI), "the register check is not the entry-ban check"
    wrong = {
        "tg": "зиёда аз се моҳ бе патент",
        "ru": "больше трёх месяцев без патента",
        "uz": "uch oydan ortiq patentsiz",
        "en": "more than three months without a patent",
    }
    assert wrong[language] not in bans.text

    await user.send("/menu")
    await user.press(await user.reply(), COMING_HOME[language])
    await user.press(await user.reply(), "⛔")
    before_the_trip = await user.reply()
    assert ENTRY_BAN_SERVICE in before_the_trip.text
    assert not any(place in before_the_trip.text for place in GOSUSLUGI)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_2_the_trafficking_path_says_honestly_there_is_no_confirmed_free_line_and_gives_numbers(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    await user.press(await hotlines(user, language), "⛓")
    trafficking = await user.reply()
    honest = {
        "tg": "тасдиқ карда натавонистем",
        "ru": "подтвердить не смогли",
        "uz": "tasdiqlay olmadik",
        "en": "could not confirm a free trafficking hotline",
    }
    assert honest[language] in trafficking.text and "01.12.2026" in trafficking.text
    assert {"🇷🇺", "🇰🇿", "🇺🇿", "🇹🇯"} <= {label[:2] for label in trafficking.labels()}, "one tap per country"
    await user.press(trafficking, "🇹🇯")
    in_tajikistan = await user.reply()
    assert "☎️ 102" in in_tajikistan.text and "tajikistan.iom.int" in in_tajikistan.text
    assert "112" not in in_tajikistan.text, "Russia's 112 is not given to someone in Tajikistan"
    await user.press(in_tajikistan, "◀️")
    await user.press(await user.reply(), "🇰🇿")
    in_kazakhstan = await user.reply()
    assert "☎️ 102" in in_kazakhstan.text
    assert contact_name("ru_emergency", language) not in in_kazakhstan.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_3_tajikistan_112_is_the_emergencies_committee_and_the_police_is_102(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    start = await hotlines(user, language)
    single = {
        "tg": "рақами ягонаи ёрии таъҷилӣ",
        "ru": "единый номер экстренных служб",
        "uz": "favqulodda xizmatlarning yagona raqami",
        "en": "single emergency number",
    }
    police = {"tg": "милиса 102", "ru": "милиция 102", "uz": "militsiya 102", "en": "police 102"}
    tajik_line = next(line for line in start.text.splitlines() if line.startswith("🇹🇯"))
    assert police[language] in tajik_line and "112" in tajik_line
    assert single[language] not in start.text
    await user.press(start, "🇹🇯")
    tajikistan = await user.reply()
    assert contact_name("tj_emergency", language) in tajikistan.text and "93 880 28 19" in tajikistan.text
    assert contact_name("tj_police", language) in tajikistan.text
    assert single[language] not in tajikistan.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_4_the_patent_is_applied_for_within_30_days_and_paid_3_to_4_days_early(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    russia = await russia_deadlines(user, language)
    apply = {
        "tg": "барои патент ариза супоред",
        "ru": "подать документы на патент",
        "uz": "patentga hujjat topshiring",
        "en": "apply for a patent",
    }
    assert apply[language] in russia.text
    await user.press(russia, "💳")
    patent = await user.reply()
    early = {"tg": "3–4 рӯз пеш аз", "ru": "за 3–4 дня до", "uz": "3–4 kun oldin", "en": "3–4 days before"}
    assert early[language] in patent.text and "30" in patent.text
    on_the_day = {
        "tg": "Пардохти навбатиро <b>пеш аз</b> анҷоми моҳи пардохтшуда кунед.",
        "ru": "Следующий платёж вносите <b>до</b> конца оплаченного месяца.",
        "uz": "Keyingi toʻlovni toʻlangan oy tugashidan <b>oldin</b> qiling.",
        "en": "Make the next payment <b>before</b> the paid month ends.",
    }
    assert on_the_day[language] not in patent.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_5_the_register_of_controlled_persons_says_what_entry_means_and_what_to_do(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    await user.press(await russia_deadlines(user, language), "⛔")
    await user.press(await user.reply(), "📋")
    register = await user.reply()
    cash = "30,000" if language == "en" else "30 000"
    marriage = {"tg": "никоҳ", "ru": "брак", "uz": "nikoh", "en": "marry"}
    mistake = {"tg": "хато дохил", "ru": "по ошибке", "uz": "xato kiritishgan", "en": "by mistake"}
    assert cash in register.text and marriage[language] in register.text and mistake[language] in register.text
    assert any(place in register.text for place in GOSUSLUGI), "how to check: the ministry's site or Gosuslugi"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_6_ministry_representatives_are_not_listed_as_consular_help(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    await user.press(await hotlines(user, language), "🧭")
    await user.press(await user.reply(), "🪪")
    consular = await user.reply()
    assert "+7 966 031-22-22" not in consular.text, "a ministry representative's mobile is not a consulate"
    assert "mfa.tj" in consular.text and "tajgenconsspb.ru" in consular.text
    await user.send("/sos")
    await user.press(await user.reply(), "🪪")
    passport = await user.reply()
    certificate = {
        "tg": "шаҳодатномаи бозгашт",
        "ru": "свидетельство на возвращение",
        "uz": "qaytish guvohnomasini",
        "en": "certificate of return",
    }
    assert certificate[language] in passport.text and "30" in passport.text and "01.12.2026" in passport.text
    await user.send("/sos")
    await user.press(await user.reply(), "🇷🇺")
    russia = await user.reply()
    not_consulate = {"tg": "консулгарӣ нест", "ru": "не консульство", "uz": "konsullik emas", "en": "not a consulate"}
    representative = russia.text.split(contact_name("molmep_ru_central_1", language), 1)[1].split("\n\n", 1)[0]
    assert not_consulate[language] in representative


@pytest.mark.parametrize("language", LANGUAGES)
async def test_7_each_country_has_its_own_numbers_one_tap_away(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    start = await hotlines(user, language)
    assert {"🇷🇺", "🇰🇿", "🇺🇿", "🇹🇯"} <= {label[:2] for label in start.labels()}
    for flag, own, foreign in (
        ("🇰🇿", ["kz_emergency", "kz_police", "tj_consulate_almaty"], "ru_emergency"),
        ("🇺🇿", ["uz_emergency", "uz_police"], "ru_emergency"),
        ("🇷🇺", ["ru_emergency"], "kz_emergency"),
    ):
        await user.send("/sos")
        await user.press(await user.reply(), flag)
        country = await user.reply()
        assert all(contact_name(contact_id, language) in country.text for contact_id in own), flag
        assert contact_name(foreign, language) not in country.text, flag
    tajik_speaker = {
        "tg": "Шояд корманди тоҷикзабон набошад",
        "ru": "говорящего по-таджикски, может не быть",
        "uz": "operator boʻlmasligi mumkin",
        "en": "There may be no operator who speaks Tajik",
    }
    assert tajik_speaker[language] in country.text, "112 in Russia does not promise a Tajik interpreter"
    interpreters = {
        "tg": "тарҷумон ҳаст",
        "ru": "есть переводчики",
        "uz": "tarjimonlar bor",
        "en": "Interpreters for foreigners",
    }
    assert interpreters[language] not in country.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_gaps_a_migrant_hits_first_are_filled_with_sourced_facts(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    russia = await russia_deadlines(user, language)
    assert "90" in russia.text, "90 days in a calendar year since 2025"
    await user.press(russia, "🚓")
    detained = await user.reply()
    assert "48" in detained.text and "3" in detained.text and "24.2" in detained.text
    await user.press(detained, "◀️")
    await user.press(await user.reply(), "💳")
    patent = await user.reply()
    assert ("10,000" if language == "en" else "10 000") in patent.text and "2026" in patent.text
    await user.press(patent, "📄")
    await user.press(await user.reply(), "💸")
    unpaid = await user.reply()
    assert "онлайнинспекция.рф" in unpaid.text
    await user.send("/menu")
    await user.press(await user.reply(), "🌍")
    await user.press(await user.reply(), "🛂")
    await user.press(await user.reply(), "🇰🇿")
    kazakhstan = await user.reply()
    assert "eGov.kz" in kazakhstan.text and ("2.9%" if language == "en" else "2,9%") in kazakhstan.text
    no_source = {
        "tg": "манбаи боэътимод наёфтем",
        "ru": "не нашли надёжного источника",
        "uz": "ishonchli manba topmadik",
        "en": "found no reliable source on work permits",
    }
    assert no_source[language] not in kazakhstan.text


# --- Issue 29: Russia's 2025–26 rules and other wrong or missing facts -------------------------


async def tap(user: FakeUser, message: Sent, label: str) -> Sent:
    await user.press(message, label)
    return await user.reply()


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_register_says_status_can_no_longer_be_put_in_order_and_what_follows(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    register = await tap(user, await tap(user, await russia_deadlines(user, language), "⛔"), "📋")
    no_longer = {
        "tg": "вазъи худро ба тартиб овардан дигар мумкин нест",
        "ru": "урегулировать своё положение уже нельзя",
        "uz": "holatni tartibga solish endi mumkin emas",
        "en": "you can no longer put your status in order",
    }
    ban = {"tg": "на камтар аз 5 сол", "ru": "минимум на 5 лет", "uz": "kamida 5 yilga", "en": "at least 5 years"}
    company = {"tg": "соҳибкори инфиродӣ", "ru": "как ИП", "uz": "yakka tartibdagi tadbirkor", "en": "sole trader"}
    assert "11" in register.text and no_longer[language] in register.text
    assert ban[language] in register.text and company[language] in register.text
    old = {
        "tg": "то аз Русия раванд ё ҳуҷҷатҳоро ба тартиб оранд",
        "ru": "пока они не уедут или не урегулируют",
        "uz": "ketguncha yoki holatini tartibga solguncha",
        "en": "until they leave or put their status in order",
    }
    assert old[language] not in register.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_registration_is_filed_by_the_host_and_in_moscow_only_through_amina(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    russia = await russia_deadlines(user, language)
    assert "Amina" in russia.text or "Амина" in russia.text, "Moscow's registration rule on the deadlines screen"
    registration = await tap(user, russia, "📮")
    host = {"tg": "тарафи қабулкунанда", "ru": "принимающая сторона", "uz": "qabul qiluvchi tomon", "en": "host"}
    slip = {
        "tg": "қисми ҷудошавандаи огоҳинома",
        "ru": "отрывную часть уведомления",
        "uz": "ajratib olinadigan qismini",
        "en": "tear-off slip",
    }
    assert host[language] in registration.text and slip[language] in registration.text
    amina = await tap(user, registration, "📱")
    every_day = {"tg": "ҳар рӯз", "ru": "каждый день", "uz": "har kuni", "en": "every day"}
    working_days = {"tg": "3 рӯзи корӣ", "ru": "3 рабочих дней", "uz": "3 ish kunidan", "en": "3 working days"}
    assert "2025" in amina.text and "RuStore" in amina.text
    assert every_day[language] in amina.text and working_days[language] in amina.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_patent_screen_has_the_contract_copy_the_late_fine_and_whose_advice_3_to_4_days_is(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    patent = await tap(user, await russia_deadlines(user, language), "💳")
    fine = "10,000–15,000" if language == "en" else "10 000–15 000"
    assert fine in patent.text and "18.20" in patent.text
    annulled = {"tg": "бекор карда мешавад", "ru": "аннулируют", "uz": "bekor qilinadi", "en": "annulled"}
    assert "13.3" in patent.text and "2" in patent.text and annulled[language] in patent.text
    tula = {"tg": "Тула", "ru": "Тульской", "uz": "Tula", "en": "Tula"}
    assert tula[language] in patent.text
    unattributed = {
        "tg": "— ВКД ҳамин тавр маслиҳат медиҳад",
        "ru": "— так советует МВД.",
        "uz": "— IIV shunday maslahat beradi",
        "en": "— the Interior Ministry advises this.",
    }
    assert unattributed[language] not in patent.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_90_days_a_year_and_the_patent_kazakhstan_90_in_180_and_ruid_in_force_or_proposed(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    russia = await russia_deadlines(user, language)
    only_patent = {
        "tg": "танҳо бо <b>патент</b>",
        "ru": "только <b>по патенту</b>",
        "uz": "faqat <b>patent</b> bilan",
        "en": "only <b>with a patent</b>",
    }
    assert only_patent[language] in russia.text
    wrong = {
        "tg": "патент ё шартномаи меҳнатӣ доранд",
        "ru": "есть патент или трудовой договор",
        "uz": "patenti yoki mehnat shartnomasi borlarga",
        "en": "a patent or an employment contract",
    }
    assert wrong[language] not in russia.text
    kazakhstan = await tap(user, await tap(user, russia, "◀️"), "🇰🇿")
    assert "90" in kazakhstan.text and "180" in kazakhstan.text
    await user.send("/menu")
    menu = await user.reply()
    await open_before_you_go(user, menu)
    destination = await tap(user, await user.reply(), "🗺")
    assert "RuID" in destination.text and "30" in destination.text and "2026" in destination.text
    unknown_now = {
        "tg": "гуфта наметавонем, ки ҳоло ихтиёрӣ аст",
        "ru": "не можем сказать, что сейчас это добровольно",
        "uz": "hozir ixtiyoriy deb ayta olmaymiz",
        "en": "cannot tell you it is voluntary now",
    }
    assert unknown_now[language] in destination.text, "past 1 July 2026, the reader learns what is known today"
    safest = {"tg": "Бехатартар", "ru": "Надёжнее всего", "uz": "Eng ishonchlisi", "en": "Safest"}
    assert safest[language] in destination.text
    future = {"tg": "ҳатмӣ мекунад", "ru": "станет", "uz": "boʻladi", "en": "would make"}
    assert future[language] not in destination.text, "a date already past is not announced as coming"
    state_help = await tap(user, destination, "🏛")
    khujand = {"tg": "Хуҷанд", "ru": "Худжанде", "uz": "Xoʻjand", "en": "Khujand"}
    assert khujand[language] in state_help.text and "migration.tj" in state_help.text


async def open_before_you_go(user: FakeUser, menu: Sent) -> None:
    """Main menu → Planning to go → Before you go (the lesson with the destination screen)."""
    await user.press(menu, "🧳")
    await user.press(await user.reply(), "🎒")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_new_contacts_and_the_honest_dates_of_uzbekistans_112(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code=language)
    start = await hotlines(user, language)
    tajikistan = await tap(user, start, "🇹🇯")
    assert "+992 37 221-21-21" in tajikistan.text and contact_name("tj_mvd_helpline", language) in tajikistan.text
    await user.send("/sos")
    russia = await tap(user, await user.reply(), "🇷🇺")
    hotline = russia.text.split("☎️ +7 495 967-98-44", 1)[1].split("\n\n", 1)[0]
    unanswered = {"tg": "ҷавоб надод", "ru": "не ответил", "uz": "javob bermadi", "en": "did not answer"}
    assert unanswered[language] in hotline, "the 2021 hotline did not answer in Asia-Plus's 2024 test"
    await user.send("/sos")
    uzbekistan = await tap(user, await user.reply(), "🇺🇿")
    partly = {"tg": "танҳо қисман", "ru": "лишь частично", "uz": "faqat qisman", "en": "only partly"}
    assert partly[language] in uzbekistan.text and "102" in uzbekistan.text and "103" in uzbekistan.text
    since_2024 = {
        "tg": "аз соли 2024 дар ҳамаи вилоятҳо",
        "ru": "с 2024 года во всех регионах",
        "uz": "2024-yildan barcha hududlarda",
        "en": "in all regions since 2024",
    }
    assert since_2024[language] not in uzbekistan.text
