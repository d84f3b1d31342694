"""What the advert check finds in an advert's words, how editors are told when a flag stops finding
its own examples, and the two measuring scripts run end to end (the figures are in the README)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import ContentError, load_curriculum
from bot.content.loader import PACKAGED_CONTENT, load_advert_flags
from bot.services.advert_watch import MIN_PEOPLE, week_figures
from bot.storage.stores.advert_checks import AdvertCheck
from bot.understanding.advert_reading import AdvertReader, amounts, distance
from scripts.eval_adverts import TUNING_SETS, evaluate, heldout_sets, load_adverts
from scripts.eval_adverts import main as eval_adverts
from tests.support.content_fixtures import CONTENT_DAY, copy_of_real_content, edit

ROOT = Path(__file__).resolve().parents[1]
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
"""Skipped where Tesseract is missing; CI installs it (.ci/run), and a skip fails the run there."""


@pytest.fixture(scope="module")
def reader() -> AdvertReader:
    return AdvertReader(load_advert_flags(PACKAGED_CONTENT))


def flags(reader: AdvertReader, text: str) -> set[str]:
    return set(reader.read(text).flags)


def test_pay_is_compared_per_month_and_bonuses_and_fees_are_not_pay(reader: AdvertReader) -> None:
    assert "pay_too_high" in flags(reader, "Курьер, Москва\nhaftasiga 150 000 rubl\n@kuryer_example")
    assert "pay_too_high" not in flags(reader, "Курьер, Москва\n3000₽ смена, оплата каждый день\n+7 900 000-00-07")
    signing = "Единовременная выплата до 1 900 000 ₽, денежное довольствие от 210 000 ₽/мес"
    assert "pay_too_high" not in flags(reader, signing), "a one-time payment is not a month's pay"
    assert "pay_too_high" not in flags(reader, "Jami xarajat 8000$ (3 bosqichda toʻlanadi)"), "a fee, not pay"
    assert [round(a.monthly) for a in amounts("Доход 90–130 тыс ₽ в мес., выплаты еженедельно")] == [110_000]


def test_an_honest_advert_saying_it_takes_no_fee_is_not_flagged_for_one(reader: AdvertReader) -> None:
    assert "fee" in flags(reader, "LMIA processing fee $3500 (50% now, 50% on arrival)")
    assert "fee" not in flags(reader, "Apply on our website only. We never charge workers a recruitment fee.")
    assert "documents_kept" not in flags(reader, "Passport copy only: you keep your passport.")


def test_an_employer_named_in_quotes_or_by_its_legal_form_is_not_missing(reader: AdvertReader) -> None:
    assert "no_employer" in flags(reader, "Грузчики на овощебазу, 3000₽ смена\n+7 900 000-00-07")
    assert "no_employer" not in flags(reader, "ООО «Склад-Сервис», Химки, 4000₽ за смену\n+7 900 000-00-07")
    assert "no_employer" not in flags(reader, "Al Waha Farms (Saudi Arabia)\nContact: +998 90 000 00 68")
    assert "no_employer" not in flags(reader, "Clean work in Moscow, salary 60 000 rubles"), "no contact at all"


def test_free_or_not_deducted_cancels_a_cost_only_in_its_own_clause(reader: AdvertReader) -> None:
    assert "fee" not in flags(reader, "Обучение бесплатное и оплачивается компанией\n+7 900 000-00-01")
    assert "fee" in flags(reader, "Медкомиссия 3 000 ₽ платите сами, остальное бесплатно\n+7 900 000-00-01")
    assert "fee" not in flags(reader, "Pul oldindan toʻlanmaydi, oylik 8 mln soʻm"), "a fee said not to be asked"
    assert "travel_deducted" not in flags(reader, "Bilet kompaniya hisobidan, ish haqidan ushlanmaydi")
    assert "travel_deducted" in flags(reader, "Bilet bizdan, keyin oylikdan ushlab qolinadi")
    assert "travel_deducted" in flags(reader, "Билет покупаем, потом вычитаем из зарплаты. Питание не удерживаем")
    assert "travel_deducted" not in flags(reader, "Питание вычитается из зарплаты, 200 ₽ в день"), "not the journey"
    assert "confinement" not in flags(reader, "Общежитие рядом, выход за территорию свободный")


def test_a_wage_is_never_read_as_a_fee_nor_a_fee_as_a_wage(reader: AdvertReader) -> None:
    honest = "Оформление и зарплата 65 000 ₽ в месяц\nАнкета: jobs@example.ru"
    assert "fee" not in flags(reader, honest), "an amount of pay is not a fee for employment"
    package = "Work permit in Europe\nPackage price $3,900, pay in installments\nWhatsApp +971 50 000 0000"
    assert {"fee", "pay_too_high"} & flags(reader, package) == {"fee"}
    assert "fee" in flags(reader, "Ҳуҷҷатҳо ва виза – 4 000 $, ҳамааш аз мо")


def test_the_pay_ceiling_depends_on_the_country_named(reader: AdvertReader) -> None:
    assert "pay_too_high" in flags(reader, "Warehouse work, $4,000/month, no experience")
    assert "pay_too_high" not in flags(reader, "Warehouse work in Canada, $4,000/month")
    assert "pay_too_high" in flags(reader, "Chat support in Cambodia, $2,800/month, free flight")
    assert "pay_too_high" not in flags(reader, "Chat support in Cambodia, $900/month, free flight")


def test_an_employer_is_named_by_a_label_or_an_inflected_name_not_by_any_quotes(reader: AdvertReader) -> None:
    assert "no_employer" not in flags(reader, "Запись через службу занятости, вахта 1 месяц\nЗвони +7 900 000-00-03")
    assert "no_employer" not in flags(reader, "Crew for a fishing vessel\nAgent: Blue Wave Crewing, +62 000 0000 000")
    assert "no_employer" in flags(reader, "Laosga “online support” xodimlari kerak\nYozing @support_example")
    assert "no_employer" in flags(reader, "Qozon, non zavodi\nErkaklar kerak\n+998 90 000 00 00"), "a line apart"


def test_a_pay_ceiling_alone_is_a_warning_in_an_advert_naming_its_employer_and_a_contract(
    reader: AdvertReader,
) -> None:
    named = reader.read(
        "ООО «Чистый Город», Москва: уборщицы\nЗП 450 000 ₽ в месяц, трудовой договор\n+7 900 000-00-00"
    )
    assert named.flags == ("pay_too_high",) and not named.serious, "the ceiling is a judgement, not evidence"
    unnamed = reader.read("Уборщицы, Москва\nЗП 450 000 ₽ в месяц, трудовой договор\n+7 900 000-00-00")
    assert unnamed.serious, "with nobody named, the same pay is a reason not to go"
    fee = reader.read("ООО «Чистый Город»: ЗП 450 000 ₽ в месяц, трудовой договор\nОформление 15 000 ₽ предоплата")
    assert fee.serious, "a fee asked is evidence whoever is named"


def test_a_sentence_wrapped_onto_the_next_line_is_read_as_one(reader: AdvertReader) -> None:
    """A phone or a screenshot read back with OCR wraps long lines; phrases are found within a line."""
    wrapped = "Билеты покупаем мы, стоимость удерживается\nиз первых двух зарплат\nТел. +7 900 000-00-01"
    assert "travel_deducted" in flags(reader, wrapped)
    assert "travel_deducted" not in flags(reader, "Билеты покупаем мы\nУдерживается налог\nИз первых дней работы")


def test_copies_of_one_advert_are_grouped_by_fingerprint_alone(reader: AdvertReader) -> None:
    advert = "ЗП 450 000 руб/мес!!! опыт не нужен, язык не нужен\nВыход СЕГОДНЯ, осталось 2 места\nуборщица"
    copy = advert.replace("2 места", "3 места") + "\nпиши в WhatsApp +7 900 000-00-99"
    other = "Швейная фабрика «ТекстильМастер» набирает швей и закройщиков, договор, общежитие бесплатно"
    assert distance(reader.read(advert).fingerprint, reader.read(copy).fingerprint) <= 10
    assert distance(reader.read(advert).fingerprint, reader.read(other).fingerprint) > 10
    rows = [AdvertCheck("2027-W08", r.flags, "jobs", True, r.fingerprint) for r in map(reader.read, (advert, copy))]
    rows.append(AdvertCheck("2027-W08", (), "other", True, reader.read(other).fingerprint))
    figures = week_figures("2027-W08", rows)
    assert [s.copies for s in figures.spreading] == [2]
    assert figures.channels == [], f"fewer than {MIN_PEOPLE} people: no channel named"


def test_a_word_with_its_negation_is_not_read_as_a_typo_of_the_word(reader: AdvertReader) -> None:
    """ "неофициально" is two letters from "официально": an honest advert must not read as its opposite."""
    assert "no_contract" not in flags(reader, "Грузчики, официально по трудовому договору\nТел. +7 900 000-00-01")
    assert "no_contract" in flags(reader, "Грузчики, работа неофициально, расчёт в пятницу\nТел. +7 900 000-00-01")


def test_only_the_one_time_payment_beside_a_monthly_wage_is_left_out(reader: AdvertReader) -> None:
    assert "pay_too_high" not in flags(reader, "Охрана. При подписании 1 500 000 ₽, ежемесячно от 190 000 ₽")
    assert "pay_too_high" not in flags(reader, "Guards. Sign-on bonus 900,000 RUB, monthly 180,000 RUB")
    assert "pay_too_high" in flags(reader, "Охрана. При подписании 50 000 ₽, ежемесячно от 480 000 ₽"), (
        "the wage counts"
    )
    assert "pay_too_high" not in flags(reader, "Oylik 5 mln soʻm, 2 smenali ish\nТел +998 00 000 00 12")
    assert "pay_too_high" not in flags(reader, "Ойлик 5 млн сўм, 2 сменали иш"), "two shifts is not pay per shift"


def test_a_firms_own_web_or_mail_address_or_legal_form_names_it(reader: AdvertReader) -> None:
    assert "no_employer" not in flags(reader, "Welders for Aktau, 6G\nCV: hr@caspian-welding-example.kz")
    assert "no_employer" not in flags(reader, "Seasonal work, official programme\nforms: www.seasonal-example.gov")
    assert "no_employer" in flags(reader, "Welders for Aktau, 6G\nCV: caspian.welding.example@gmail.com")
    assert "no_employer" in flags(reader, "Ish bor.Oylik 500$\nTel +998 90 000 00 00"), "no space after a full stop"
    assert "no_employer" not in flags(reader, "Baltic Forest Oy hires planters\n+358 00 000 0000")
    assert "no_employer" not in flags(reader, "Steel Pro Academy, Samarqand\n+998 00 000 00 18")
    assert "no_employer" in flags(reader, "Farm / warehouse / driver\nWhatsApp +1 000 000 0000"), "a kind of work"


def test_the_employer_paying_or_a_fixed_term_contract_is_no_fee_and_no_rush(reader: AdvertReader) -> None:
    assert "fee" not in flags(reader, "Бақайдгирӣ ва патентро корфармо пардохт мекунад\n+992 00 000 0000")
    assert "fee" not in flags(reader, "Medical check and visa paid by the company\n+998 00 000 00 00")
    assert "fee" in flags(reader, "Бақайдгирӣ 2000 сомонӣ, пардохти пешакӣ\n+992 00 000 0000")
    assert "urgency" not in flags(reader, "Срочный трудовой договор на 6 месяцев\n+7 900 000-00-08")
    assert "urgency" in flags(reader, "Срочно! Осталось 2 места\n+7 900 000-00-08")


def test_weak_flags_alone_never_make_an_advert_dangerous(reader: AdvertReader) -> None:
    """Only a phone number and a hurry are warning signs: the answer lists them, it does not say "do not go"."""
    weak = reader.read("Грузчики на склад, срочно!\nОплата каждый день\n+7 900 000-00-00")
    assert set(weak.flags) == {"no_employer", "urgency"} and not weak.serious
    assert reader.read("Грузчики на склад, срочно!\nБез договора\n+7 900 000-00-00").serious


def test_a_kept_passport_is_found_with_other_words_between_in_one_clause(reader: AdvertReader) -> None:
    """Soft wording puts a reason between the passport and its keeping ("for your own safety")."""
    assert "documents_kept" in flags(reader, "Паспорта рабочих на время сезона будут храниться у нас")
    assert "documents_kept" in flags(reader, "Pasport va boshqa hujjatlaringiz ish tugaguncha bizning ofisda saqlanadi")
    assert "documents_kept" in flags(reader, "Your passport will be stored by our manager for your own protection")
    assert "documents_kept" not in flags(reader, "Паспорт нужен для оформления, жильё хранить вещи позволяет"), (
        "the passport and a keeping word in different clauses"
    )
    assert "documents_kept" not in flags(reader, "For your own safety, keep your own passport with you")
    assert "documents_kept" not in flags(reader, "Паспорт и миграционную карту храните при себе"), "the worker keeps it"


def test_a_refusal_or_a_negation_in_the_clause_cancels_the_flag(reader: AdvertReader) -> None:
    assert "fee" not in flags(reader, "Vizaga hech qanday toʻlov yoʻq, hammasi kompaniyadan\nTel +998 90 000 00 00")
    assert "fee" not in flags(reader, "By law it is illegal for any agency to charge you a placement fee")
    assert "no_contract" not in flags(reader, "Without a work permit we do not hire\nHR: +44 0000 000000")
    assert "no_contract" not in flags(reader, "Без патента не принимаем, помогаем оформить\n+7 900 000-00-00")
    assert "no_contract" in flags(reader, "Без патента тоже берём\n+7 900 000-00-00")
    assert "no_contract" not in flags(reader, "It is illegal for us to take money from workers"), "the law, not the job"


def test_tajik_be_written_apart_still_means_without(reader: AdvertReader) -> None:
    assert "no_contract" in flags(reader, "Дар анбор кор, бе шартнома, пул ҳар ҳафта\n+7 900 000-00-00")
    assert "no_contract" in flags(reader, "Бе патент ҳам кор ҳаст\n+7 900 000-00-00")
    assert "no_contract" not in flags(reader, "Бо патент ва шартномаи меҳнатӣ\n+7 900 000-00-00")


def test_an_amount_is_read_with_its_own_words_not_the_next_clauses(reader: AdvertReader) -> None:
    assert [round(a.monthly) for a in amounts("Pay: €2,000 – €3,000 per month")] == [2500], "a range, both signs"
    assert "pay_too_high" not in flags(reader, "Маош 200 000 рубл + 900 000 рубл як бор, шартнома 1 сол")
    assert "pay_too_high" not in flags(reader, "Salary 150,000 RUB + 1,500,000 RUB one-time payment")
    assert "pay_too_high" not in flags(reader, "Qurilish, 120 000 rubl, tez, shu haftada ketamiz\n@ish_example")
    assert "pay_too_high" in flags(reader, "Sales, Phnom Penh: USD 3,200 base, free flight\n@sales_example")
    assert "fee" in flags(reader, "salary 900$ monthly\nyou pay 400$ for the work visa and ticket")
    assert "fee" in flags(reader, "Регистрационный взнос за место 5 000 ₽"), "«место» is no word of pay"


def test_a_short_line_typed_without_capitals_is_a_line_of_its_own(reader: AdvertReader) -> None:
    """Only a line as long as the longest may have been wrapped: "free" on a short line is not the
    next line's."""
    text = "Cleaners for a hotel in Doha, salary 1200$ monthly\nfood free\npay 300$ for the visa\n+974 0000 0000"
    assert "fee" in flags(reader, text)


def test_an_employer_word_is_found_in_either_uzbek_script(reader: AdvertReader) -> None:
    assert "no_employer" not in flags(reader, "Меҳнат агентлиги Кореяга ишчилар танлайди\nТел +998 71 000 00 00")
    assert "no_employer" not in flags(reader, "Mehnat agentligi Koreyaga ishchilar tanlaydi\nTel +998 71 000 00 00")


@pytest.mark.parametrize(
    ("flag", "line"),
    [
        ("travel_deducted", "Авиабилет за счёт фирмы, затем удержание из заработной платы частями"),
        ("travel_deducted", "We advance the airfare; the cost is recovered from wages in 4 months"),
        ("travel_deducted", "Yoʻl chiptasi bizdan, keyin maoshdan chegiriladi"),
        ("urgency", "Только 5 vacancies left — набор закрывается"),
        ("urgency", "Ishga qabul faqat shu hafta!"),
        ("urgency", "Only 2 slots left for March"),
        ("confinement", "Ётоқхона ферма ичида, шаҳарга чиқиш керак эмас"),
        ("wrong_visa", "Германияга mehmon vizasi bilan, ishni joyida topamiz"),
        ("no_contract", "Работаем без контракта, расчёт каждую неделю"),
        ("fee", "Hech qanday yashirin shartlar yoʻq. Oformleniya 700$ oldindan"),
        ("fee", "Welding course: tuition 1 800 $, a job in Poland guaranteed after it"),
        ("fee", "Омӯзиши ронандагӣ — 2000 сомонӣ, пеш аз сафар"),
        ("documents_kept", "Паспорт сдаёшь бригадиру, отдадим в конце сезона"),
        ("documents_kept", "Документы сдаются на хранение в офис"),
        ("documents_kept", "Ҳуҷҷатҳо дар назди корфармо мемонанд"),
        ("confinement", "Хобгоҳ дар худи завод, ба шаҳр рафтан мумкин нест"),
        ("confinement", "Yotoqxona ichida, shaharga chiqilmaydi"),
        ("confinement", "Staff housing on site, no need to go out"),
        ("no_contract", "Cash job, papers not needed"),
        ("no_contract", "Патент набошад ҳам мешавад"),
        ("third_country", "Avval Turkiyaga uchasiz, keyin chegaradan oʻtkazamiz"),
        ("online_scam_asia", "Бангкок: менеджеры по работе с клиентами, быстрая печать"),
        ("military", "Муҳофизати объектҳо, шаҳрвандии Русия пас аз шартнома"),
        ("urgency", "Departure tomorrow, decide today"),
        ("fee", "Pay $500 deposit to hold your seat"),
        ("fee", "Место в группе на выезд — 6 000 ₽ наличными"),
        ("travel_deducted", "We cover the flight, you pay us back from your wages"),
        ("travel_deducted", "Авиабилет бизден, айлыктан кармап калабыз"),
        ("documents_kept", "Паспорта собираем при заселении, вернём в конце сезона"),
        ("documents_kept", "Ҳуҷҷатҳоятон то охир дар идора назди мо мемонанд"),
        ("no_contract", "Патент не спрашиваем, платим каждый день"),
        ("no_contract", "Ishlash uchun ruxsatnoma kerak emas"),
        ("no_contract", "We dont ask for papers, cash daily"),
        ("wrong_visa", "Едете по туристической, работу найдём"),
        ("wrong_visa", "Entry with visa on arrival, start work the next day"),
        ("wrong_visa", "Yaponiyaga til kursi vizasi bilan, darsga bormasangiz ham boʻladi"),
        ("wrong_visa", "Vizasiz 90 kun turasiz, zavodda ishlaysiz"),
        ("third_country", "Прилёт в Вильнюс, дальше наш водитель довезёт до Германии"),
        ("third_country", "Аз фурудгоҳи Бангкок мошин шуморо ба Камбоҷа мебарад"),
        ("confinement", "Выходить в город — только вместе с бригадиром"),
        ("confinement", "Yotoqxonadan shaharga faqat ruxsat bilan chiqiladi"),
        ("online_scam_asia", "Operators needed in Laos, free ticket"),
        ("urgency", "Hujjat qabuli ertaga yopiladi, joylar oz qoldi"),
        ("urgency", "Ҷойҳои кори фаврӣ, қабул то охири ҳафта"),
        ("travel_deducted", "Дорогу оплатим, первый месяц отрабатываете"),
        ("travel_deducted", "Чиптаро ширкат мехарад, пас аз маоши шумо кам карда мешавад"),
        ("travel_deducted", "Aviachipta puli keyin oyliklaringizdan qoplanadi"),
        ("documents_kept", "Pasportlarni menga topshirasiz, shartnoma tugaguncha o'zimda turadi"),
        ("documents_kept", "Ҳужжатларингизни ишлаган пайтингизда ушлаб турамиз"),
        ("documents_kept", "Паспорта у нас хранятся до окончания сезона"),
        ("no_contract", "Трудовой договор пока не заключаем, работаем так"),
        ("no_contract", "Разрешение на работу: не требуется"),
        ("no_contract", "Qog'ozsiz ishlaysiz, pul qo'lga naqd"),
        ("military", "Хизмат дар қувваҳои мусаллаҳи Русия, шартнома 1 сол"),
        ("military", "Rossiya armiyasiga kontrakt, oyligi yuqori"),
        ("urgency", "Hujjatlar qabuli faqat 10-martgacha, ulguring!"),
        ("urgency", "Applications close on Friday"),
        ("confinement", "Hostelda yashaysiz, telefonlar faqat yakshanba kuni beriladi"),
        ("confinement", "Crew stays on board for the whole season"),
        ("fee", "Ҳуҷҷатҳоро мо тайёр мекунем, пулро пешакӣ медиҳед"),
        ("fee", "Barcha xarajatlar, hammasi bo'lib 3 000 $"),
        ("fee", "Only $400 for file opening, the rest after the visa"),
    ],
)
def test_a_flag_is_found_in_other_words_and_languages(reader: AdvertReader, flag: str, line: str) -> None:
    assert flag in flags(reader, line)


@pytest.mark.parametrize(
    ("flag", "line"),
    [
        ("third_country", "Встречаем в аэропорту и довозим до общежития"),
        ("travel_deducted", "Роҳкиро ширкат медиҳад, аз маош нигоҳ дошта намешавад"),
        ("documents_kept", "Телефонҳо ҳангоми кор назди бригадир мемонанд"),
        ("documents_kept", "Шиноснома ҳамеша дар дасти худатон мемонад"),
        ("urgency", "Нужны двое грузчиков на сегодня, оплата вечером"),
        ("urgency", "Painter needed, work today, cash at 6 pm"),
        ("military", "You can change shifts with a colleague"),
        ("third_country", "Truck drivers for Poland and Germany, Lithuanian firm"),
        ("wrong_visa", "Сначала летим в Белград (безвиз), там ждём рабочую визу"),
        ("fee", "Общежитие: место в комнате на четверых 5 000 ₽ в месяц"),
        ("fee", "Recruitment fee: 0, the employer pays the visa"),
        ("no_contract", "Для граждан ЕАЭС патент не нужен, остальным — патент обязателен"),
        ("no_contract", "Без патента не звоните"),
        ("documents_kept", "Hujjatlaringizni agentlikning viloyat bo'limiga topshiring"),
    ],
)
def test_words_beside_a_flags_words_that_say_something_else_do_not_show_it(
    reader: AdvertReader, flag: str, line: str
) -> None:
    assert flag not in flags(reader, line)


def test_a_cost_named_after_its_amount_or_a_place_is_not_pay(reader: AdvertReader) -> None:
    assert "fee" in flags(reader, "Salary $900/month. Pay $300 deposit today")
    assert amounts("Pay $300 deposit today") == [], "a deposit is a price, not pay"
    assert amounts("За место в бригаде 7 000 ₽ один раз") == [], "'место' (a place) is no month"


def test_a_deduction_is_of_travel_only_beside_the_journey(reader: AdvertReader) -> None:
    meal = "Обед 150 ₽ удерживается из зарплаты\nГрафик 5/2, жильё рядом\nБилет до Москвы оплачивает работодатель"
    assert "travel_deducted" not in flags(reader, meal), "a meal taken from wages, a ticket named far below"
    ticket = "Билет покупаем мы\nСтоимость удерживается из первых двух зарплат\nГрафик 5/2"
    assert "travel_deducted" in flags(reader, ticket), "the ticket on the line before the deduction"


def test_a_place_after_a_kind_of_firm_is_not_its_name(reader: AdvertReader) -> None:
    assert "no_employer" in flags(reader, "Zavodga ishchilar, kompaniya Seulga olib boradi\nTel +998 90 000 00 00")
    assert "no_employer" not in flags(reader, "Zavodga ishchilar, kompaniya Samsung\nTel +998 90 000 00 00")
    assert "no_employer" not in flags(reader, "Agency: Al-Noor Manpower, +966 00 000 0000")
    assert "no_employer" not in flags(reader, "Drivers for Keliu Transportas UAB\n+370 600 00000")


def test_a_ministry_named_beside_only_a_telegram_name_names_no_employer_a_reader_can_check(
    reader: AdvertReader,
) -> None:
    ministry = "Контракт с Министерством обороны, 1 год\nВыплаты от 210 000 ₽\nПиши @kontrakt_example"
    assert {"military", "no_employer"} <= flags(reader, ministry)
    programme = "Mavsumiy ish, Koreya. Hujjatlar tuman hokimligi orqali\nIshonch telefoni: +998 00 000 00 03"
    assert "no_employer" not in flags(reader, programme), "a public office the reader can walk into"


@pytest.mark.parametrize(
    "line",
    [
        "Аввал ба Истанбул, баъд мошин шуморо ба Полша мебарад",
        "Malayziyaga ish — keyin Kambodjadagi filialga oʻtkazamiz",
        "Первым рейсом до Еревана, дальше на машине в Грузию",
        "Work in Italy, you travel via Serbia",
        "Олмон тавассути Беларус, ҳуҷҷатҳо дар роҳ",
    ],
)
def test_two_countries_on_a_line_with_the_journey_going_on_are_a_route_through_another(
    reader: AdvertReader, line: str
) -> None:
    assert "third_country" in flags(reader, line)


@pytest.mark.parametrize(
    "line",
    [
        "Полёт в Москву, потом поездом до Казани, билеты оплачивает работодатель",
        "Truck drivers C+E, routes Poland – Germany – France, then back to base",
        "Work in Poland and Czech Republic at the same company, then return home",
        "Аввал шартнома, баъд виза, баъд чипта. Корфармо дар Полша",
    ],
)
def test_one_country_or_a_drivers_route_is_no_route_through_another(reader: AdvertReader, line: str) -> None:
    assert "third_country" not in flags(reader, line)


def test_what_cancels_a_flag_is_read_word_for_word(reader: AdvertReader) -> None:
    honest = "Flight paid by the company and never deducted. You will keep your passport."
    assert not reader.read(honest).serious, "the worker keeping the passport is not the employer keeping it"
    assert "documents_kept" in flags(reader, "The employer retains passports during employment")
    assert "documents_kept" in flags(reader, "The agency will keep your passport, for safety"), "not you"
    assert "travel_deducted" not in flags(reader, "Yoʻl chiptasi ish beruvchi hisobidan, oylikdan qaytarib olinmaydi")


def test_pounds_are_too_high_only_far_above_a_long_week_at_the_uk_minimum(reader: AdvertReader) -> None:
    assert "pay_too_high" not in flags(reader, "Ферма в Англии, £150 a day, жильё рядом\n@uk_farm_example")
    assert "pay_too_high" in flags(reader, "Ферма в Англии, £300 a day, опыт не нужен\n@uk_farm_example")


def test_money_in_more_currencies_and_tajik_verbs_is_read_as_a_price(reader: AdvertReader) -> None:
    assert "fee" in flags(reader, "Ба фирма 1000 доллар месупоред, баъд виза"), "'месупоред' is no month"
    assert "fee" in flags(reader, "Оформление 60 000 иен, виза за неделю")
    assert "fee" in flags(reader, "Vizani biz qilamiz, faqat kichik badal — 1 500 $")
    assert "no_contract" in flags(reader, "Ба стройка коргар лозим, патент шарт не, пул нақд")


@pytest.mark.parametrize(
    "line",
    [
        "брат виза две тысячи долларов, половину сейчас кидаешь",
        "салом бародар, виза ду ҳазор доллар, нисфашро ҳозир",
        "Alo aka, viza ikki ming dollar, yarmini oldindan",
        "hey bro the visa is two thousand dollars, half now",
        "Для начала нужен взнос 5 тыс на оформление",
    ],
)
def test_an_amount_said_in_words_or_without_its_currency_is_still_money(reader: AdvertReader, line: str) -> None:
    assert "fee" in flags(reader, line), "a transcribed voice note says the number in words"


def test_an_amount_in_words_is_read_at_its_value() -> None:
    assert [round(a.monthly) for a in amounts("Oylik bir yarim million soʻm")] == [1_500_000]
    assert [round(a.monthly) for a in amounts("зарплата сто двадцать тысяч рублей в месяц")] == [120_000]
    assert [round(a.monthly) for a in amounts("Kuniga uch ming rubl")] == [78_000]


def test_a_phrase_that_needs_its_common_words_is_read_word_for_word(reader: AdvertReader) -> None:
    assert "urgency" in flags(reader, "Departure this Friday, 3 places left")
    assert "urgency" not in flags(reader, "Hilton Hotel, Fridays off, salary 900$")
    assert "military" not in flags(reader, "Reception staff for the front desk, Hilton Hotel Dubai")
    assert "military" in flags(reader, "Набираем на фронт, контракт на год")
    confined = "Хобгоҳ дар худи корхона, берун баромадан манъ аст"
    assert "confinement" in flags(reader, confined), "Tajik манъ (forbidden) is no common 'ман' (I)"
    assert "confinement" not in flags(reader, "Хобгоҳ дар худи корхона, берун баромадан мумкин аст")


def test_a_word_ending_in_r_before_a_number_is_no_price_in_roubles(reader: AdvertReader) -> None:
    assert amounts("Маош дар 1 моҳ 3000 сомонӣ") == amounts("Маош 3000 сомонӣ дар як моҳ")
    assert "fee" not in flags(reader, "Ҳуҷҷатҳо дар 5 рӯз тайёр, шартнома бо корфармо\n+992 900 00 00 00")
    assert [round(a.monthly) for a in amounts("Маош 500р/смена")] == [13_000]


def test_thousands_said_in_tajik_are_money(reader: AdvertReader) -> None:
    assert [a.monthly for a in amounts("Маош моҳе 95 ҳазор рубл")] == [95_000]
    assert "pay_too_high" in flags(reader, "Кор дар Маскав, моҳе 500 хазор рубл медиҳанд\n+7 900 000-00-01")


def test_a_list_in_brackets_stays_in_its_clause(reader: AdvertReader) -> None:
    line = "Documents (passport, permit) are kept in our office for safety"
    assert "documents_kept" in flags(reader, line)
    assert "documents_kept" in flags(reader, "Ҳуҷҷатҳо (шиноснома, патент) дар идора нигоҳ дошта мешаванд")


@pytest.mark.parametrize(
    "line",
    [
        "Брат, есть склад в Казани, 80 тыс в месяц, пишите мне в телегу",
        "Ака, дар Қазон кор ҳаст, 80 ҳазор рубл, ба ман нависед",
        "Qozonda omborda ish bor, oyiga 900 dollar, kim borsa menga yozsin",
        "Warehouse in Kazan, 900 dollars a month, message me if you want it",
        "Housemaid in Kuwait, 120 KWD, contact agency WhatsApp +965 0000 0000",
    ],
)
def test_a_person_to_write_to_or_a_messenger_after_agency_names_no_employer(reader: AdvertReader, line: str) -> None:
    assert "no_employer" in flags(reader, line)


def test_work_that_needs_no_trade_has_a_lower_pay_ceiling(reader: AdvertReader) -> None:
    assert "pay_too_high" in flags(reader, "Посудомойщица в кафе, зарплата 240 000 ₽ в месяц\n+7 900 000-00-01")
    assert "pay_too_high" in flags(reader, "Farrosh kerak, oyiga 230 000 rubl\n+7 900 000-00-01")
    assert "pay_too_high" not in flags(reader, "Сварщики на вахту, зарплата 240 000 ₽ в месяц\n+7 900 000-00-01")
    assert "pay_too_high" not in flags(reader, "Уборщица в офис, зарплата 60 000 ₽ в месяц\n+7 900 000-00-01")


def test_a_bare_amount_beside_work_that_needs_no_trade_is_its_pay_against_half_the_ceiling(
    reader: AdvertReader,
) -> None:
    assert "pay_too_high" in flags(reader, "Уборщица в отель, Дубай — 2 200 $\n+971 00 000 0001")
    assert "pay_too_high" not in flags(reader, "Cleaner in an office, Toronto, Canada — $2,200\n+1 000 000 0001")
    assert "pay_too_high" not in flags(reader, "Уборщица в отель, Дубай — 900 $\n+971 00 000 0001")
    assert "pay_too_high" in flags(reader, "Сварщик в Дубай\n💰 3 500 $ + бонус")


def test_a_period_in_another_clause_before_an_amount_is_not_its_own() -> None:
    assert amounts("Live-in, 6 days a week, salary 1,500 SAR")[0].monthly == 1500
    assert amounts("Salary 400 USD a week")[0].monthly == 400 * 4.33


def test_tenge_written_tg_is_money_not_telegram(reader: AdvertReader) -> None:
    line = "Кассиры в супермаркет, Астана\nЗарплата 250 000 тг в месяц, соцпакет, трудовой договор"
    assert "no_employer" not in flags(reader, line)
    assert amounts(line)[0].currency == "KZT"


@pytest.mark.parametrize(
    "line",
    [
        "Салом, ман Фаррух. Дар Қазон дар склад кор ҳаст, моҳе 90 ҳазор",
        "Братцы, это Анвар, бригадир. На стройку в Твери нужны 5 человек, 3000 смена",
        "Hi all, I'm Daniel, need 3 helpers for a warehouse in Dubai, 1,200 AED",
    ],
)
def test_a_person_introducing_himself_is_the_contact_and_names_no_employer(reader: AdvertReader, line: str) -> None:
    assert "no_employer" in flags(reader, line)
    assert "no_employer" not in flags(reader, f"{line}\nООО «Складские решения», трудовой договор")


def test_a_kind_of_firm_in_the_plural_before_towns_names_no_employer(reader: AdvertReader) -> None:
    assert "no_employer" in flags(reader, "Работа на заводах Самары и Тольятти, пишите @zavod_example")
    assert "no_employer" not in flags(reader, "Работа на заводе Самарасталь, пишите @zavod_example")


def test_free_processing_cancels_a_fee_only_in_its_own_clause(reader: AdvertReader) -> None:
    assert "fee" in flags(reader, "Оформление бесплатное*\n*кроме медкомиссии и обучения — 12 000 ₽")
    assert "fee" not in flags(reader, "Оформление бесплатное, медкомиссия за счёт компании")


def test_travel_taken_from_wages_in_a_named_employers_contract_is_a_warning(reader: AdvertReader) -> None:
    named = "ООО «Северстрой», вахта в Мурманске, трудовой договор\nБилет за счёт компании, потом вычтем из зарплаты"
    assert reader.read(named).flags == ("travel_deducted",)
    assert not reader.read(named).serious, "a term the reader can read and dispute in a written contract"
    unnamed = "Вахта в Мурманске\nБилет купим, потом вычтем из зарплаты\n+7 900 000-00-01"
    assert reader.read(unnamed).serious
    no_contract = "ООО «Северстрой», вахта в Мурманске\nБилет за счёт компании, потом вычтем из зарплаты"
    assert reader.read(no_contract).serious
    lent = "ООО «Северстрой», вахта в Мурманске\nБилет купим в счёт аванса, потом вычтем из зарплаты"
    assert reader.read(lent).flags == ("travel_deducted",)
    assert not reader.read(lent).serious, "a named employer lending the ticket as an advance on wages"
    assert reader.read(lent.replace("ООО «Северстрой», в", "В") + "\n+7 900 000-00-01").serious


def test_a_payment_on_signing_is_no_fee_but_a_payment_asked_is(reader: AdvertReader) -> None:
    assert "fee" not in flags(reader, "Пардохти якдафъаина 500 000 рубл ҳангоми имзо")
    assert "fee" in flags(reader, "Кор дар Лаҳистон, пардохт 1500$ барои ҳуҷҷатҳо")


def test_an_example_its_flag_does_not_find_is_an_error_for_editors(tmp_path: Path) -> None:
    content = copy_of_real_content(tmp_path)
    edit(content / "advert_flags.yaml", '"Паспорта храним у администратора в сейфе"', '"Паспорта нужны для оформления"')
    with pytest.raises(ContentError) as error:
        load_curriculum(content, today=CONTENT_DAY)
    (problem,) = [p for p in error.value.errors if p.file == "advert_flags.yaml"]
    assert "'Паспорта нужны для оформления' does not show the flag 'documents_kept'" in problem.message
    line = (content / "advert_flags.yaml").read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert "Паспорта нужны для оформления" in line


def test_a_judgement_flag_that_is_not_a_flag_is_an_error(tmp_path: Path) -> None:
    content = copy_of_real_content(tmp_path)
    edit(content / "advert_flags.yaml", "judgement_flags: [pay_too_high,", "judgement_flags: [pay_to_high,")
    with pytest.raises(ContentError) as error:
        load_curriculum(content, today=CONTENT_DAY)
    (problem,) = [p for p in error.value.errors if p.file == "advert_flags.yaml"]
    assert "'judgement_flags' names 'pay_to_high', which is not a flag" in problem.message
    assert (
        "judgement_flags" in (content / "advert_flags.yaml").read_text(encoding="utf-8").splitlines()[problem.line - 1]
    )


def test_the_route_rule_without_its_countries_is_an_error(tmp_path: Path) -> None:
    content = copy_of_real_content(tmp_path)
    edit(content / "advert_flags.yaml", "    rule: no_employer_named\n", "    rule: two_countries_onward\n")
    with pytest.raises(ContentError) as error:
        load_curriculum(content, today=CONTENT_DAY)
    assert any("needs 'countries' and 'onward_words'" in p.message for p in error.value.errors), error.value


def test_a_flag_without_its_sentence_in_one_language_is_an_error(tmp_path: Path) -> None:
    content = copy_of_real_content(tmp_path)
    edit(content / "advert_flags.yaml", '      en: "You are being rushed', '      xx: "You are being rushed')
    with pytest.raises(ContentError) as error:
        load_curriculum(content, today=CONTENT_DAY)
    assert any(p.file == "advert_flags.yaml" for p in error.value.errors)


def test_a_flight_to_one_country_and_work_named_in_another_is_a_third_country(reader: AdvertReader) -> None:
    flown = "Работа на складе, Куала-Лумпур (Малайзия)\nЗарплата 900 $\nБилет до Бангкока за наш счёт\n@job_example"
    assert "third_country" in flags(reader, flown)
    home = "Работа на складе, Куала-Лумпур (Малайзия)\nЗарплата 900 $\nБилет до Куала-Лумпура за наш счёт"
    assert "third_country" not in flags(reader, home), "a flight to the country of the work is no detour"
    driver = "Водители CE, маршрут Польша – Германия, трансфер на базу\nРабота в Польше, ООО «Транс-Пример»"
    assert "third_country" not in flags(reader, driver), "a driver's route is the job's"
    assert "third_country" in flags(reader, "Avval Braziliyaga uchasiz, keyin Meksikaga olib o'tamiz")


def test_a_word_to_send_or_a_quoted_phrase_names_no_employer(reader: AdvertReader) -> None:
    assert "no_employer" in flags(reader, 'Склад в Казани, 80 тыс\nОтправь "ДА" на @sklad_example')
    assert "no_employer" in flags(reader, 'Ombor ishi, "Oldindan toʻlov yoʻq deb aytamiz" — @ombor_example')
    assert "no_employer" not in flags(reader, "Склад в Казани, ООО «Зелёная долина», +7 900 000-00-01")
    assert "no_employer" not in flags(reader, "Kompaniya: KQ Delta Logistika, tel +998 90 000 00 01")
    assert "no_employer" not in flags(reader, "Care assistants, write to hr@care-home-north.example")


def test_service_done_or_citizenship_required_is_no_military_offer(reader: AdvertReader) -> None:
    assert "military" not in flags(reader, "Охранники в ТЦ, отслужившие военную службу приветствуются")
    assert "military" not in flags(reader, "Qoʻriqchilar kerak, harbiy xizmatni oʻtaganlar ustun")
    assert "military" not in flags(reader, "ЧОП, смены 2/2 (двойное гражданство РФ подходит)")
    assert "military" in flags(reader, "Служба по контракту, через год гражданство РФ")


@pytest.mark.parametrize(
    ("line", "flag"),
    [
        ("Оформление официальное не делаем, платим наличными", "no_contract"),
        ("Документы у нас никто не проверяет, выходи завтра", "no_contract"),
        ("Хизматрасонӣ 1 800 $, баъд виза", "fee"),
        ("Ҳужжатлар учун тўлов 400 $", "fee"),
        ("Pasportingizni omonatga olamiz", "documents_kept"),
        ("Живёте в общежитии при заводе, выходить никуда не нужно, всё внутри", "confinement"),
        ("Выезд в город — только с сопровождающим", "confinement"),
        ("Going out only with the manager", "confinement"),
        ("Faqat 8 ta joy bor", "urgency"),
        ("Boarding tomorrow only", "urgency"),
        ("Уволишься раньше срока — стоимость билета удерживаем", "travel_deducted"),
        ("Уйдёте до конца контракта — стоимость перелёта удержим", "travel_deducted"),
        ("Translators needed in Cambodia, 1 500 $", "online_scam_asia"),
    ],
)
def test_the_ways_of_set_i_to_say_a_flag_are_read(reader: AdvertReader, line: str, flag: str) -> None:
    assert flag in flags(reader, line)


def test_a_ticket_the_employer_reimburses_is_not_taken_from_wages(reader: AdvertReader) -> None:
    assert "travel_deducted" not in flags(reader, "Стоимость билета возмещаем после 3 месяцев работы")
    assert "travel_deducted" not in flags(reader, "Airfare reimbursed after 3 months of work")


SOUTH_EAST_ASIA_PAY_LEFT = {"k005", "k021", "k028", "k042", "k049", "k061", "k086", "k091", "k111"}
"""Set K's misses left, all `pay_too_high` for "online operator" work in South-East Asia at $2,000 a
month or a range around it ($1,200-2,500 to $1,800-3,000): K's writer calls that a lure, while F,
G, H, I and J's writers label the same pay in the same adverts ordinary (f009 and f067 at $1,500-3,000,
f040, f085, g042, g063, g098, h026, i051, j029 at $2,000). No ceiling serves both; South-East Asia's
stays at $2,500, with no source to lower it by. (K's ten false `no_employer` flags, a ministry of
defence named beside only a phone or a Telegram name, are the decision of F's round written in
advert_flags.yaml, which C, E, F, I and J's writers share and A, B, G, H and K's do not.)"""
SET_N_LEFT = {(name, "pay_too_high") for name in ("n016", "n052", "n090", "n106", "n113")} | {("n011", "no_contract")}
"""Set N's misses left (adverts14): the same South-East Asian "online" pay as K's ($1,800 to $2,000,
or $1,500-3,000), under its $2,500 ceiling for the reason above; and "можно без патента" (n011),
whose "можно" is a common word the phrase matcher leaves out, so the phrase would be "без патента"
alone, which honest adverts also say ("без патента не звоните", "Беларуси — без патента")."""
LEFT_MISSES = {
    "adverts_K": {(name, "pay_too_high") for name in SOUTH_EAST_ASIA_PAY_LEFT},
    "adverts_N": SET_N_LEFT,
}


@pytest.mark.parametrize(
    ("line", "flag"),
    [
        ("Помощь с визой 700 € 💶", "fee"),
        ("Total cost €2,500, pay half before departure", "fee"),
        ("No visa? Route via Serbia and Bosnia, we arrange everything", "third_country"),
        ("Thailand online job, free ticket", "online_scam_asia"),
        ("Ба фабрикаи ширинӣ бастабандҳо лозим, маош 250 000 ₽ дар як моҳ", "pay_too_high"),
        ("Продавец на рынок, зарплата 300 000 ₽ в месяц", "pay_too_high"),
    ],
)
def test_the_ways_of_set_n_to_say_a_flag_are_read(reader: AdvertReader, line: str, flag: str) -> None:
    assert flag in flags(reader, line)


def test_a_sum_paid_at_once_or_a_refusal_to_call_is_no_wage_and_no_flag(reader: AdvertReader) -> None:
    """Set N's ways to say a thing that is not the flag (adverts14)."""
    assert "pay_too_high" not in flags(reader, "💰 2 000 000 ₽ сразу / якбора"), "paid once, not each month"
    assert "pay_too_high" in flags(reader, "Грузчики, 250 000 ₽ в месяц, оплата сразу после смены")
    assert "no_contract" not in flags(reader, "Патент обязательно!! без патента не звоните")
    assert "fee" not in flags(reader, "Помощь с визой бесплатно, зарплата 2 000 € в месяц")


@pytest.mark.parametrize("path", TUNING_SETS, ids=lambda path: path.stem)
def test_the_tuning_sets_are_still_read_as_they_were(reader: AdvertReader, path: Path) -> None:
    """The goals' figures, each set read once per run in this process (the script only prints them);
    a set with misses left for a stated reason may miss those and no other."""
    adverts = load_adverts(path)
    total = evaluate(adverts, reader, show_misses=False)["all"]
    assert total.adverts >= 80, "a set too small to measure on"
    if path.stem in LEFT_MISSES:
        missed = {
            (str(advert["id"]), flag)
            for advert in adverts
            for flag in set(advert.get("flags") or []) - flags(reader, str(advert["text"]))  # type: ignore[call-overload]
        }
        assert missed <= LEFT_MISSES[path.stem], f"missed beyond those left: {sorted(missed - LEFT_MISSES[path.stem])}"
    else:
        assert total.recall >= 0.97, f"a tuning set is no longer read as it was: {total.line('all')}"
    assert total.false_share <= 0.10, f"more adverts get a flag they do not have: {total.line('all')}"
    assert total.ordinary_called_dangerous == 0, f"an ordinary advert is called dangerous: {total.line('all')}"


def test_the_evaluation_script_reports_the_goals_figures(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The script's job, on the first adverts of each set: every set named, its figures printed, a
    held-out set's misses never (the figures themselves are asserted above). Between rounds no
    held-out set may be in the repository (N was retired into tuning; the lead adds the next one),
    so a sealed run is also made on a copy of a tuning set."""
    done = subprocess.run(
        [sys.executable, "scripts/eval_adverts.py", "--limit", "3"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    assert "== tuning (studied): tests/data/adverts_A.yaml" in done.stdout
    assert "== tuning (studied): tests/data/adverts_I.yaml" in done.stdout, "set I was studied: tuning data now"
    assert "== tuning (studied): tests/data/adverts_J.yaml" in done.stdout, "set J was studied: tuning data now"
    assert "== tuning (studied): tests/data/adverts_K.yaml" in done.stdout, "set K was studied: tuning data now"
    assert "== tuning (studied): tests/data/adverts_L.yaml" in done.stdout, "set L was studied: tuning data now"
    assert "== tuning (studied): tests/data/adverts_M.yaml" in done.stdout, "set M was studied: tuning data now"
    assert "== tuning (studied): tests/data/adverts_N.yaml" in done.stdout, "set N was studied: tuning data now"
    tuning = [f"== tuning (studied): {path.relative_to(ROOT)}" for path in TUNING_SETS]
    assert [line for line in done.stdout.splitlines() if line.startswith("== tuning")] == tuning
    held_out = done.stdout.split("== held out (never studied)")[1:]
    assert len(held_out) == len(heldout_sets()), "every held-out set nobody has looked into is reported"
    assert not any("missed" in part or "false by flag" in part for part in held_out), "its misses are never printed"
    totals = [line for line in done.stdout.splitlines() if line.startswith("all ")]
    assert len(totals) == len(TUNING_SETS) + len(held_out), done.stdout
    assert all(re.match(r"all +adverts +3 +recall +[\d.]+% \(\d+/\d+\)", total) for total in totals), totals
    sealed = tmp_path / "adverts_sealed.yaml"
    shutil.copy(TUNING_SETS[-1], sealed)
    assert eval_adverts(["--sealed", str(sealed), "--limit", "3"]) == 0
    printed = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("== ")]
    assert printed and all(" recall " in line for line in printed), "a sealed set prints figures, never an advert"


@needs_tesseract
def test_the_screenshot_script_reads_rendered_adverts_back() -> None:
    done = subprocess.run(
        [sys.executable, "scripts/advert_screenshots.py", "tests/data/adverts_A.yaml", "--limit", "2"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    assert "same flags from the screenshot as from the text: 2/2" in done.stdout, done.stdout


@pytest.mark.parametrize(
    ("line", "flag"),
    [
        ("Документы держим у себя до конца сезона", "documents_kept"),
        ("Паспорт сдается в кадры на весь сезон", "documents_kept"),
        ("Ҳуҷҷатҳоятонро дар офис мегирем", "documents_kept"),
        ("Pasportni rahbar oladi, ketsangiz qaytaradi", "documents_kept"),
        ("Билет берём на себя, потом вычтем", "travel_deducted"),
        ("Проезд оплачиваем с вычетом", "travel_deducted"),
        ("Роҳхароҷро мо медиҳем, баъд аз маош мегирем", "travel_deducted"),
        ("Flight is on us, you repay it monthly", "travel_deducted"),
        ("Telefonni smena paytida boshliq saqlaydi", "confinement"),
        ("Аз хобгоҳ берун наравед", "confinement"),
        ("Kontrakt 6 oy, ketish mumkin emas", "confinement"),
        ("Phones are kept by the supervisor during the shift", "confinement"),
        ("Фардо ҳаракат мекунем", "urgency"),
        ("Ertaga olib ketamiz", "urgency"),
        ("Departure in 5 days", "urgency"),
        ("Отправка через 2 дня", "urgency"),
        ("Call now, the group is forming", "urgency"),
        ("Kontraktsiz ishlaymiz, pul qoʻlga", "no_contract"),
        ("Без патента пойдёт, платим наличными", "no_contract"),
        ("Охрана складов в новых регионах", "military"),
        ("Citizenship after 12 months of service", "military"),
        ("Turist boʻlib borasiz, ishni oʻzimiz topamiz", "wrong_visa"),
        ("Оформление визы под ключ — всего 700$", "fee"),
        ("Нархи 500$, виза дар 2 ҳафта", "fee"),
        ("Zarplata 1500$, бронь места 150$", "fee"),
        ("Visa 300 OMR, paid to the agent", "fee"),
        ("Sotuv menejeri, Kambodja, 3500$", "pay_too_high"),
        ("Администратор в салон, Дубай. 4500$ + жильё", "pay_too_high"),
        ("Грузчики-комплектовщики, Москва, 190 000 ₽/мес", "pay_too_high"),
        ("Рабочие на стройку, 180 000 руб в месяц", "pay_too_high"),
    ],
)
def test_the_ways_of_set_j_to_say_a_flag_are_read(reader: AdvertReader, line: str, flag: str) -> None:
    """Each a class of set J's misses, in words of its own: documents held or taken, travel deducted
    with no word of wages, the phone kept or going out forbidden, tomorrow and departure in days,
    Uzbek "-siz" (without), citizenship for service, prices named by a price, a booking or a
    currency of the Gulf, pay standing alone after the job, and work with no trade named."""
    assert flag in flags(reader, line)


@pytest.mark.parametrize(
    ("line", "flag"),
    [
        ("Ҳужжатсиз ҳам оламиз, бригада керак", "documents_kept"),  # "оламиз": we hire
        ("Rasmiy mehnat shartnomasi, oylik 8 mln soʻm", "no_contract"),  # one letter from "shartnomasiz"
        ("2-year contract, 30 days paid leave", "urgency"),
        ("We pay your flight and visa upfront, no fees", "fee"),
        ("Сварщик НАКС, вахта, 250 000 ₽/мес", "pay_too_high"),  # a trade: the general ceiling
        ("Yotoqxona bor, bilet 300$ oʻzingizdan", "pay_too_high"),  # a cost, not pay
        ("Sponsorship guaranteed for £5000, salary £2200", "pay_too_high"),  # a price, not pay
    ],
)
def test_words_near_set_js_ways_that_say_something_else_do_not_show_them(
    reader: AdvertReader, line: str, flag: str
) -> None:
    assert flag not in flags(reader, line)


def test_the_channel_an_advert_came_from_is_no_employer_and_a_bare_write_is_a_contact(reader: AdvertReader) -> None:
    forwarded = "Пересылка из канала «Работа Москва»\nНужен разнорабочий, 3000 в смену\nТел +7 900 000-00-40"
    assert "no_employer" in flags(reader, forwarded)
    assert "no_employer" not in flags(reader, "Кафе «Самарканд» нужен повар, 3000 в смену\nТел +7 900 000-00-40")
    assert "no_employer" in flags(reader, "Работа в Польше, 1200 евро, оформление бесплатно. Пишите!")
    state = "Агентии давлатии шуғли меҳнатии муҳоҷирон коргарон интихоб мекунад. Тел +992 00 000 0001"
    assert "no_employer" not in flags(reader, state)
    assert "no_employer" not in flags(reader, "Korzinka Market kassir kerak, anketa: @korzinka_hr_example")


@pytest.mark.parametrize(
    ("line", "flag"),
    [
        ("Ishga rasmiylashtirishsiz olamiz, oylik naqd", "no_contract"),
        ("Биринчи ой расмийлаштиришсиз ишлайсиз", "no_contract"),
        ("Avval rasmiylashtirmasdan ishlab turasiz", "no_contract"),
        ("Перед выходом оплатите униформу и пропуск — 2 500 ₽, зарплата 70 000 ₽", "fee"),
        ("Workwear and tools: €150, deducted later; salary €1,600", "fee"),
        ("Processing service €900, paid before the visa", "fee"),
        ("Maxsus kiyim va forma: 60 $", "fee"),
        ("Сборщики заказов в гипермаркет, 230 000 ₽ в месяц", "pay_too_high"),
        ("Order pickers for a warehouse in Lyon, €3,400 per month", "pay_too_high"),
        ("Polshada qadoqlash ishi, oylik 3 600 €", "pay_too_high"),
        ('"Data entry" — Malaysia, free ticket\nDM @asia_data_example', "no_employer"),
        ('"EPS" sertifikati 250 $, keyin ish\nTelegram: @korea_ish_example', "no_employer"),
    ],
)
def test_the_ways_of_set_k_to_say_a_flag_are_read(reader: AdvertReader, line: str, flag: str) -> None:
    """Each a class of set K's misses, in words of its own: Uzbek "-siz" and "-masdan" on
    formalising (no contract); workwear, a pass or a "service" the reader pays for, even beside the
    wage; order pickers and packing as work with no trade; a job title or a certificate in quotes
    names no firm."""
    assert flag in flags(reader, line)


@pytest.mark.parametrize(
    ("line", "flag"),
    [
        ("Бўш иш ўринлари — фақат расмий агентликлар орқали", "urgency"),  # jobs, not places left
        ("Yashash joyi bepul, faqat ovqat oʻzingizdan", "urgency"),  # a place to live
        ("Turar joy bor faqat erkaklar uchun", "urgency"),  # housing, for men only
        ("Faqat 6 ta oʻrin bor!", "no_contract"),  # still a rush, nothing else
        ("Прилетаете в Алматы, документы для въезда не нужны", "no_contract"),  # papers for the border
        ("Customer service €1,800", "fee"),
        ("Спецодежда и пропуск бесплатно, зарплата 90 000 ₽", "fee"),
        ("Премия без пропусков 5 000 ₽ в месяц", "fee"),  # a bonus for no absences, not a pass
        ("Сборщик мебели, 150 000 ₽ в месяц", "pay_too_high"),  # a trade
        ('"Sever Trans Logistics" LLC: drivers, +7 900 000-00-70', "no_employer"),
    ],
)
def test_words_near_set_ks_ways_that_say_something_else_do_not_show_them(
    reader: AdvertReader, line: str, flag: str
) -> None:
    assert flag not in flags(reader, line)


def test_a_rush_in_uzbek_is_still_a_count_of_places_left(reader: AdvertReader) -> None:
    assert "urgency" in flags(reader, "Faqat 6 ta oʻrin bor!")
    assert "urgency" in flags(reader, "Faqat 3 joy qoldi")
    assert "no_contract" in flags(reader, "Работа без оформления, документы не нужны")


def test_days_off_a_week_are_not_part_time_days(reader: AdvertReader) -> None:
    """ "2 days off a week" is a full-time job: its hourly rate is a full month's pay."""
    full_time = (
        "Требуются официанты в Москву, 2500 руб/час, смена 10 часов. Выходные 2 дня в неделю. Звоните +7 900 000-00-78"
    )
    assert "pay_too_high" in flags(reader, full_time)
    part_time = "Требуется уборщица в Москву, 2 дня в неделю, 500 руб/час. Звоните +7 900 000-00-79"
    assert "pay_too_high" not in flags(reader, part_time)


@pytest.mark.parametrize(
    ("ordinary", "flagged", "flag"),
    [
        (  # a public agency attached to the ministry takes documents: "назди" is not "назди мо", with us
            "Агентии муҳоҷирати меҳнатӣ (назди Вазорати меҳнат, муҳоҷират ва шуғли аҳолӣ) эълон мекунад: "
            "қабули ҳуҷҷатҳо барои кори мавсимӣ оғоз шуд.",
            "Ҳуҷҷатҳои шумо дар давоми мавсим назди мо",
            "documents_kept",
        ),
        (  # documents paid by the employer are not documents held by the employer
            "Til kurslari bepul, hujjatlar ish beruvchi hisobidan",
            "Pasportlar ish beruvchida turadi",
            "documents_kept",
        ),
        (  # a law that does not allow a charge is not a worker not allowed out
            "We never charge for sponsorship: charging workers for a Certificate of Sponsorship is not allowed in the UK.",
            "Workers are not allowed out of the hostel after the shift",
            "confinement",
        ),
        (  # a household's cleaner a few times a week: an hourly rate, not a full-time month
            "Need a cleaner for a flat in Dubai Marina, 3 times a week, AED 40/hour. Message @flat_cleaning_example",
            "Need a cleaner for a hotel in Dubai Marina, full-time, AED 40/hour. Message @flat_cleaning_example",
            "pay_too_high",
        ),
    ],
)
def test_set_ls_ordinary_adverts_called_dangerous_are_read_for_what_they_say(
    reader: AdvertReader, ordinary: str, flagged: str, flag: str
) -> None:
    """Set L's four ordinary adverts that a serious flag called dangerous, each beside the advert
    that does show the flag, so that the cause is fixed and not the flag."""
    assert flag not in flags(reader, ordinary)
    assert flag in flags(reader, flagged)


@pytest.mark.parametrize(
    "advert",
    [
        "Бизда хизмат мутлақо БЕПУЛ!\nФақат тиббий кўрик ва ҳужжат тайёрлаш — 900 £\n@britaniya_ish_example",
        "Склад, упаковщики\nЗапись в группу — 1500₽ за место\n+7 900 000-00-14",
        "Работа в Канаде\nСопровождение — 4500 $.\nПишите @canada_way_example",
        "Дубайда юк ташувчи\nРўйхатдан ўтиш 300$\n+7 900 000-00-79",
        "Europe via Belarus\n$6,000 all-inclusive\n@euro_route_example",
    ],
)
def test_the_ways_of_set_l_to_ask_a_fee_are_read(reader: AdvertReader, advert: str) -> None:
    """A free "service" in one line does not cancel a fee asked in another; a place in a group,
    an escort, a registration and an all-inclusive price are fees."""
    assert "fee" in flags(reader, advert)


@pytest.mark.parametrize(
    "line",
    [
        "Qoʻriqlash xizmatiga xodimlar kerak, armiyada xizmat qilganlar afzal koʻriladi",
        "Ҳарбий хизматда бўлганларга устунлик берилади",
        "Warehouse guards wanted, military service a plus",
        "Security officers: armed forces experience is an advantage",
        "Водители категории Е, опыт службы в ВС РФ будет преимуществом",
        "Охранник в бизнес-центр, в приоритете бывшие военнослужащие вооружённых сил",
        "Гражданство: РФ, Армения, Казахстан или Киргизия",
        "Шаҳрвандии Русия, Қазоқистон ё Беларус лозим",
        "Qozogʻiston, Belarus yoki Rossiya fuqaroligi boʻlishi shart",
    ],
)
def test_service_or_citizenship_asked_of_the_worker_is_no_military_offer(reader: AdvertReader, line: str) -> None:
    """Set M's three ordinary adverts called dangerous (adverts13): past service preferred or several
    citizenships accepted say who may apply, not what the job is. The clause is read for its role
    (a preference, a list of states), in words of my own, not M's; I's round had fixed the same
    class by the verbs of service done, which M's writer did not use."""
    assert "military" not in flags(reader, line)
    assert not reader.read(line).serious


@pytest.mark.parametrize(
    "line",
    [
        "Гражданство РФ через год службы по контракту",
        "Гражданам Таджикистана — гражданство РФ после года службы",
        "Служба по контракту. Приоритет — опыт боевых действий, выплата 2 000 000 ₽",
        "КОНТРАКТНАЯ СЛУЖБА, выплаты от 200 000 ₽",
        "Russian citizenship after 6 months, armed forces contract",
    ],
)
def test_one_states_citizenship_offered_or_service_beside_a_preference_is_still_military(
    reader: AdvertReader, line: str
) -> None:
    """The other side: citizenship of one state offered, or service offered in a clause of its own
    beside a preference, is recruitment; "гражданам Таджикистана" (to citizens of Tajikistan) no longer
    cancels "гражданство РФ" after it, as "гражданам РФ" did (set M's m003)."""
    assert "military" in flags(reader, line)
    assert reader.read(line).serious


@pytest.mark.parametrize(
    ("line", "flag"),
    [
        ("Паспорт на время работы отдаёте хозяину квартиры", "documents_kept"),
        ("Телефоном пользоваться только по выходным", "confinement"),
        ("Phone allowed only after 9 pm", "confinement"),
        ("Telefon smena paytida brigadirda turadi", "confinement"),
        ("Uydan chiqish faqat shartnoma oxirida", "confinement"),
        ("Ошпаз лозим, таъҷилан!", "urgency"),
        ("Tez yozinglar, joylar oz", "urgency"),
        ("Faqat shu oy qabul qilamiz", "urgency"),
        ("Бо раводиди сайёҳӣ меравед, дар сехи дӯзандагӣ кор мекунед", "wrong_visa"),
        ("Visa and flight advanced by the agency, deducted 200 $ monthly", "travel_deducted"),
        ("Pasportingizni birinchi kuni xoʻjayinga topshirasiz", "documents_kept"),
        ("Chet davlat armiyasiga haydovchilar kerak", "military"),
        ("Армияга кўнгиллилар олинади", "military"),
    ],
)
def test_the_ways_of_set_m_to_say_a_flag_are_read(reader: AdvertReader, line: str, flag: str) -> None:
    """A passport handed to the household or the boss, a phone allowed only at set times or held by
    the boss, leaving only at the season's end, rushes in Tajik and Uzbek, a tourist visa in Tajik's
    own word for visa, a ticket lent and deducted monthly, volunteers for a foreign army (set M's
    misses, by class, in words of my own)."""
    assert flag in flags(reader, line)


def test_typing_fast_is_a_skill_not_a_rush(reader: AdvertReader) -> None:
    assert "urgency" not in flags(reader, "Ёши 18–35, тез ёзишни билса бас")


@pytest.mark.parametrize(
    "line",
    [
        "По закону работодатель не вправе удерживать ваш паспорт",
        "Никто не имеет права забирать у вас паспорт",
        "Работодатель не имеет права отбирать телефон и паспорт",
        "Ҳеҷ кас ҳақ надорад ҳуҷҷатҳои шуморо нигоҳ дорад",
        "Ish beruvchi pasportingizni olishga haqli emas",
        "Pasportingizni saqlab turishga hech kim haqli emas",
        "Employers have no right to keep your passport or phone",
    ],
)
def test_a_clause_stating_the_law_or_a_right_nobody_has_shows_no_flag(reader: AdvertReader, line: str) -> None:
    """An honest advert that tells the reader their rights asks nothing of them: the clause states
    the law (what an employer, or nobody, may do), whatever act it names."""
    assert not flags(reader, line)
    assert not reader.read(line).serious


@pytest.mark.parametrize(
    ("line", "flag"),
    [
        ("Вы не вправе покидать территорию объекта до конца контракта", "confinement"),
        ("Паспорт сдаёте бригадиру, телефоны отбираем на смену", "confinement"),
        ("Паспорт сдаёте бригадиру, телефоны отбираем на смену", "documents_kept"),
    ],
)
def test_a_right_denied_to_the_worker_is_no_statement_of_the_law(reader: AdvertReader, line: str, flag: str) -> None:
    """Only the employer's or nobody's lack of a right states the law: the worker's is a demand."""
    assert flag in flags(reader, line)


def test_phones_not_taken_or_nothing_deducted_is_no_flag(reader: AdvertReader) -> None:
    assert "confinement" not in flags(reader, "Паспорта не забираем, телефоны не отбираем")
    assert "confinement" not in flags(reader, "Phones are not collected, you keep your phone")
    deducted = "The employer pays the visa, medical and flight; nothing is deducted from wages"
    assert "travel_deducted" not in flags(reader, deducted)
