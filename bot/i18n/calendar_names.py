"""Weekday and month names for the reminders' calendar, in each interface language.

They are CLDR's (Babel's `get_day_names("abbreviated")` and stand-alone `get_month_names("wide")`),
written out here because loading Babel's locale data for four languages costs the bot about 7 MB of
memory for 76 short strings (issue 34); tests/test_date_picker.py checks them against Babel, so a
new CLDR release that changes one is noticed.
"""

WEEKDAYS: dict[str, tuple[str, ...]] = {
    "tg": ("Дшб", "Сшб", "Чшб", "Пшб", "Ҷмъ", "Шнб", "Яшб"),
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
    "uz": ("Dush", "Sesh", "Chor", "Pay", "Jum", "Shan", "Yak"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
"""Monday to Sunday, abbreviated as each language writes them."""

MONTHS: dict[str, tuple[str, ...]] = {
    "tg": ("Январ", "Феврал", "Март", "Апрел", "Май", "Июн", "Июл", "Август", "Сентябр", "Октябр", "Ноябр", "Декабр"),
    "ru": (
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ),
    "uz": (
        "Yanvar",
        "Fevral",
        "Mart",
        "Aprel",
        "May",
        "Iyun",
        "Iyul",
        "Avgust",
        "Sentabr",
        "Oktabr",
        "Noyabr",
        "Dekabr",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
"""January to December, as a month stands alone (a calendar's heading)."""
