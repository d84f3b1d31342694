"""Reading a job advert for red flags: the phrases editors wrote (`advert_flags.yaml`), and two rules
that phrases cannot express: pay far above the usual (amounts with their currency and period) and
no employer named (a contact but no firm). Also whether a pasted text reads like an advert at all,
and a similarity fingerprint for grouping copies of one advert without keeping its text.

The text is read in memory and dropped: nothing here stores or logs it.
"""

import hashlib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.understanding.advert_flags import APART, MONEY, AdvertFlag, AdvertFlags
from bot.understanding.advert_numbers import SPOKEN_NUMBER, spoken_value
from bot.understanding.phrases import ALTERNATIVE, WILDCARD, PhraseMatcher, one_text
from bot.understanding.stop_words import STOP_WORDS, folds_into_stop_word
from bot.understanding.transliteration import fold, words

MONEY_WORD = "moneyamount"
"""What an amount of money that is not pay becomes before phrases are matched: what `{money}` stands for."""
PAY_WORD = "payamount"
"""What an amount of pay becomes: a wage is never a fee ("ЗП 60 000 ₽, оформление по договору")."""
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MULTIPLIER = (
    r"(?:\s?(?P<{name}>млн|mln|million|миллион\w*|тыс\w*\.?|тысяч\w*|т\.?\s?р\.?|ming|минг|ҳазор|хазор|hazor|к|k)"
    r"(?!\w))?"
)
CURRENCIES: dict[str, str] = {
    "RUB": r"₽|руб\w*|рубл\w*|rubl\w*|roubl\w*|rub\b|р\.|р(?!\w)",
    "USD": r"\$|usd|долл\w*|dollar\w*|бакс\w*|у\.\s?е\.",
    "EUR": r"€|eur\b|euros?\b|евро|yevro",
    "GBP": r"£|gbp|фунт\w*|funt\w*|pounds?\b",
    "KZT": r"тенге|tenge|₸|тг(?!\w)",
    "UZS": r"сўм|сум\b|so['ʻ’`]?m\b",
    "TJS": r"сомон\w*|somoni",
    "AED": r"aed|дирхам\w*|dirham\w*",
    "SAR": r"sar\b|riyal\w*",
    "QAR": r"qar\b",
    "OMR": r"omr\b|rial\b|rials\b",
    "KWD": r"kwd\b",
    "BHD": r"bhd\b",
    "PLN": r"zł|zl\b|pln|злот\w*|zlot\w*",
    "CAD": r"cad\b",
    "KRW": r"krw|₩|вон\b|won\b",
    "JPY": r"jpy|¥|иен\w*|йен\w*|yen\b|iyen\w*",
    "CNY": r"cny|юан\w*|yuan\w*",
    "TRY": r"₺|лир[аыу]?\b|lira\w*",
    "CZK": r"czk|kč|крон\w*|koruna\w*",
    "HUF": r"huf|форинт\w*|forint\w*",
    "ILS": r"₪|шекел\w*|shekel\w*",
    "MYR": r"ringgit\w*|ринггит\w*|myr\b",
    "THB": r"฿|baht\b|бат\b|thb\b",
    "SOM": r"сом\b|som\b",
}
_CURRENCY = "|".join(f"(?P<{code}_{{side}}>{pattern})" for code, pattern in CURRENCIES.items())
_AMOUNT = re.compile(
    rf"(?:(?<!\w)(?:{_CURRENCY.format(side='pre')})\s?)?(?P<low>{_NUMBER}|{SPOKEN_NUMBER}){_MULTIPLIER.format(name='low_mult')}"
    rf"(?:\s?(?:–|-|—|to|до)\s?(?:(?:{_CURRENCY.format(side='mid')})\s?)?(?P<high>{_NUMBER})"
    rf"{_MULTIPLIER.format(name='high_mult')})?"
    rf"(?:\s?(?:{_CURRENCY.format(side='post')}))?",
    re.IGNORECASE,
)
_MULTIPLIERS = {"млн": 1e6, "mln": 1e6, "million": 1e6, "миллион": 1e6}
UNKNOWN_CURRENCY = "XXX"
"""Thousands with no currency written ("взнос 5 тыс", "10 ming"): money for `{money}`, with no
pay ceiling (ISO 4217's code for no currency)."""
HOURS_A_MONTH, DAYS_A_MONTH = 168.0, 26.0
"""An hourly or a daily rate is a month's pay at these, a full-time week of 5 days' hours or 6 days."""
_PERIODS: tuple[tuple[float, re.Pattern[str]], ...] = (
    (HOURS_A_MONTH, re.compile(r"(?<!\w)(?:час(?:а|ов)?(?!\w)|hour|soat|соат)|/h\b|/ч\b", re.IGNORECASE)),
    (4.33, re.compile(r"(?<!\w)(?:недел|еженедел|week|hafta|ҳафта|хафта)", re.IGNORECASE)),
    (DAYS_A_MONTH, re.compile(r"(?<!\w)(?:день|за смену|в смену|смена(?!\w|\s*\d)|day|kun|кун|рӯз)|/день|/смен", re.I)),
    (1 / 12, re.compile(r"(?<!\w)(?:год|year|yil|йил|сол)(?!\w)", re.IGNORECASE)),
    (1.0, re.compile(r"(?<!\w)(?:мес(?:яц|\.|(?!\w))|month|oy|ой|моҳ|мох)", re.IGNORECASE)),
)
"""How many of a period make a month, and how each period is written."""
FULL_WEEK_DAYS = {HOURS_A_MONTH: 5, DAYS_A_MONTH: 6}
PART_TIME_DAYS = 4
"""Work on this many days a week or fewer is part-time: an hourly or daily rate counts for those days only."""
_DAYS_A_WEEK = re.compile(
    r"(?<![\w.,])(?P<n>[1-7])\s*(?:-?[xх]\s*)?(?:раз[а]?|дн(?:я|ей)|days?|times|kun|кун|рӯз|marta|марта|маротиба)"
    r"\s+(?:в|a|per|дар|ба)?\s*(?:як\s+)?(?:неделю|week|ҳафта|хафта|hafta)|"
    r"(?<!\w)(?:haftada|ҳафтада|haftasiga|ҳафтасига|ҳафтае|хафтае|ҳафтаи|дар\s+як\s+ҳафта)\s*(?P<m>[1-7])\s*"
    r"(?:kun|кун|marta|марта|рӯз|маротиба|бор)",
    re.IGNORECASE,
)
"""Days of work a week written with a number ("3 times a week", "2 раза в неделю", "haftada 3 kun")."""
_DAY_OFF = re.compile(
    r"(?<!\w)(?:выходн\w*|days?\s+off|off\s+days?|dam\s+olish\w*|дам\s+олиш\w*|истироҳат\w*|истирохат\w*|rest\s+days?)",
    re.IGNORECASE,
)
"""Words of days off, which a number of days a week beside them counts instead of the days worked."""
_PAY_LINE = re.compile(
    r"(?<!\w)(?:зп|з/п|зарплат|оплата|доход|довольств|оклад|ставк|заработ|маош|maosh|музд|oylik|ойлик|oylig|ойлиг|"
    r"ish haqi|иш ҳақи|медиҳанд|медихан|медиҳем|медихем|"
    r"salary|pay\b|wage|earn|month|мес(?:яц|\.|(?!\w))|ежемесячн|еженедельн|в день|income|даромад|daromad)"
    r"|💰|💵",
    re.IGNORECASE,
)
"""Words of pay, each at a word's start: "место", "доставка" and "prepay" hold none; and the
money-bag and banknote signs that stand for "pay:" in adverts ("💰 2 500 $ + % от продаж"; a
banknote with wings, 💸, is money going out: a fee as often as pay)."""
_ONE_TIME = re.compile(
    r"единовремен|разов|подъ[её]мн|при подписании|за подписание|якбора|якдафъа|ҳангоми имзо|"
    r"bir martalik|бир марталик|bir marta\b|бир марта\b|bir yo['ʻ’`]?la|бир йўла|imzola|имзола|birdaniga|бирданига|"
    r"як бор(?!\w)|як маротиба|як дафъа|"
    r"on signing|signing bonus|sign-?up|sign-?on|joining bonus|bonus on|one-?time|one time|once\b|lump sum",
    re.IGNORECASE,
)
"""Words of a one-time payment: an amount after one in its line (no word of a period between) is not a wage."""
_ONE_TIME_AFTER = re.compile(rf"сразу(?!\s+после)|{_ONE_TIME.pattern}", re.IGNORECASE)
"""Also a one-time payment right after its amount: "2 000 000 ₽ сразу" is paid at once, not each
month ("сразу после смены" is when a wage is paid)."""
_EVERY = re.compile(
    r"ежемесячн|ежедневн|еженедел|monthly|weekly|daily|har oy|ҳар моҳ|ҳар ой|per month|в месяц|/мес", re.I
)
"""Words of a regular payment that end a one-time one ("1 200 000 ₽ + ежемесячно 210 000 ₽")."""
_COST = re.compile(
    r"стоимост|цен[аыу]|взнос|оформлени|оформля|услуг|пакет|предоплат|залог|виз[аыуе]\b|документ|медкомисс|"
    r"медосмотр|обучени|курс|тренинг|билет|перел[её]т|долг|штраф|приглашени|разрешени|брон[ьи]|бронир|"
    r"fee|price|cost|package|deposit|charge|visa|document|medical|training|course|tuition|ticket|flight|debt|loan|"
    r"invitation|permit|booking|reservation|sponsorship|certificate|"
    r"xizmat|xarajat|narx|oformleni|hujjat|viza|tibbiy|trening|oʻqi|o'qi|bilet|chipta|qarz|taklifnoma|bron\b|"
    r"хизмат|харажат|хароҷот|нарх|ҳужжат|ҳуҷҷат|тиббий|тиббӣ|омӯзиш|тренинг|муоина|чипта|қарз|бақайдгир|даъватнома|"
    r"спецодежд|униформ|uniform|workwear|kiyim|кийим|либос|"
    r"(?:оплатить|оплатите|заплатить|заплатите)\b",
    re.IGNORECASE,
)
"""Words that make an amount a cost to the worker, not pay, when they come before it in its clause
(a place booked, "Бронь места 200$", and a sponsorship sold, "Certificate of Sponsorship for £8000",
are prices, whatever word of pay stands elsewhere on the line; so are workwear and what the reader
is told to pay for, "Нужно оплатить спецодежду и пропуск — 3 000 ₽ (вернём с первой ЗП)", though the
line speaks of wages; a pass alone is not: "премия без пропусков" is a bonus for no absences)."""
_PAID_FOR = re.compile(rf"\s*(?:for|за|барои)\s+(?:[\w-]+\s+)?(?:[\w-]+\s+)?(?:{_COST.pattern})", re.I)
"""An amount paid for a cost named right after it (two words may come between: "for the work visa"):
a price, not pay, whatever word of pay came before."""
_PAY_AFTER = re.compile(r"\s*(?:base|basic)\b", re.IGNORECASE)
"""A wage named after its amount ("USD 3,500 base + commission")."""
_COST_AFTER = re.compile(r"\s*(?:deposit|fee|взнос|залог|предоплат|депозит|закалат|garov|zalog)", re.IGNORECASE)
"""A cost named right after its amount ("Pay €800 deposit", "5 000 ₽ залог"): a price, not pay,
whatever word of pay came before."""
_PERIOD_STOP = re.compile(r"[,;!?]\s")
"""Where the words that say an amount's period end: a period in the next clause is another thing's."""
_CLAUSE = re.compile(r"[,;]\s+|[.!?]+\s+")
"""Where a line's clauses part: a cost and the wage beside it are told apart, and "free" cancels
only what stands in its own clause ("медкомиссия 3 000 ₽, остальное бесплатно")."""
_BRACKETED = re.compile(r"\([^()\n]*\)")
_LETTER = re.compile(r"[^\W\d_]")


_HEADING = re.compile(r"^[^:\n]{1,40}:")
"""A line's heading, before its colon ("Приоритет:", "Требования:"), that says what the line lists."""


def _heading(line: str) -> str:
    """What a line's heading says: a preference or a requirement heading ("Приоритет: отставные
    военные, ветераны боевых действий") makes every clause after it say who is wanted."""
    found = _HEADING.match(line)
    return found[0] if found else ""


def clauses(line: str) -> list[str]:
    """A line's clauses; a list in brackets stays in its clause ("Ҳуҷҷатҳои шуморо (шиноснома,
    патент) ... нигоҳ медорем": the documents and what is done with them are one clause)."""
    return _CLAUSE.split(_BRACKETED.sub(lambda match: re.sub(r"[,;]", " ", match[0]), line))


_CONTACT = re.compile(
    r"\+?\d[\d\s\-()]{8,}\d|(?<![\w.])@[A-Za-z0-9_]{4,}|[\w.+-]+@[\w-]+\.[\w.]+|whats\s?app|ватсап|вотсап|"
    r"вайбер|viber|телеграм|telegram|(?<!\d)(?<!\d\s)\b(?:тг|tg)\b|"  # "250 000 тг" is tenge
    r"в личку|\bdm\b|в лс\b|личкага|lichkaga|shaxsiyga|шахсийга|"
    r"ба шахсӣ|ба личка|pm me|dm me",
    re.IGNORECASE,
)
_PERSONAL_CONTACT = re.compile(
    r"(?<!\w)(?:(?:пиши|пишите|напиши|напишите|звони|звоните|позвони|позвоните)\s+(?:мне|сюда)|в\s+телег[уеи]|"
    r"номер\s+скину|скину\s+(?:номер|ссылку|контакт)|"
    r"ба\s+ман\s+(?:навис|занг)|рақам\w*\s+(?:ба\s+\w+\s+)?мефирист|"
    r"menga\s+(?:yoz|qo['ʻ’`]?ng['ʻ’`]?iroq)|менга\s+(?:ёз|қўнғироқ)|raqam\w*\s+(?:\w+\s+)?yubor|рақам\w*\s+(?:\w+\s+)?юбор|"
    r"yozib\s+yuboraman|ёзиб\s+юбораман|"
    r"(?:message|text|call|write\s+to|send)\s+me\b|i\s*(?:'ll|will)\s+send\s+you\s+(?:the|his|her|their)\s+(?:number|contact))",
    re.IGNORECASE,
)
"""A person to write to instead of a firm, as a voice note or a friend's message says it ("пишите мне
в телегу", "Рақамашро ба шумо мефиристам", I will send you his number; "menga yozsin", "send me")."""
_INTRODUCED = re.compile(
    r"(?<!\w)(?i:ман|men|мен|это|меня зовут|my name is|i am|i'm|mening ismim|номам)\s+"
    r"[A-ZА-ЯЁҲҶҚҒӮӢЎ][a-zа-яёҳҷқғӯӣў'ʻ]{2,}(?:\s+(?:ака|aka|акa|бригадир|brigadir))?\s*[,.!—-]",
)
"""A person who introduces himself by his first name ("Салом бачахо, ман Далер.", "это Рустам,
бригадир", "men Sherzod brigadir"): he is the contact, whoever he works for."""
_ASKED_TO_WRITE = re.compile(
    r"(?<!\w)(?:писать|пишите|звонить|звоните|yozing|yozinglar|ёзинг|ёзинглар|нависед|занг занед|"
    r"write to us|contact us|call us)(?!\w)",
    re.IGNORECASE,
)
"""Asked to write or call with no number or name given ("Писать срочно, осталось 4 места"): the
reader is to answer whoever posted it, a contact that names nobody."""

_MESSENGER = r"(?i:whats\s?app|telegram|viber|signal|imo|wechat|instagram)(?!\w)"
"""A messenger's name after a kind of firm ("Contact agency WhatsApp +965 ...") names no firm."""
_QUOTED_NAME = re.compile(r"«([^»\n]{2,60})»|“([^”\n]{2,60})”|\"([^\"\n]{2,60})\"")
_PRIVATIVE = re.compile(r"(?<![\w-])([Бб]е)\s+(?=[а-яёҳҷқғӯӣА-ЯЁҲҶҚҒӮӢ])")
TRAVEL_DEDUCTED = "travel_deducted"
"""The flag whose debt, lent openly as an advance on wages by a named employer, is a warning."""
FOLDED_EMPLOYER_LETTERS = 4
"""Employer words longer than this are also found in the other script ("агентлиги", "agentligi");
shorter ones (АО, ИП) would meet ordinary words once folded."""
WRAPPED_SHARE = 0.6
"""A line at least this share of the longest line's length may have been wrapped."""
MIN_ADVERT_CHARS = 120
"""A pasted text shorter than this is a question, not an advert."""
MAX_VARIANTS = 256
"""Phrases one phrase with alternatives may stand for (as the phrase matcher's own limit)."""
PARTICLE_LETTERS = 3
"""A common word this short that ends a phrase completes the word before it ("out", "off", "мо")."""
PRINT_BITS = 63
"""Fingerprints fit PostgreSQL's BIGINT."""


PictureKind = Literal["advert", "identity_document", "other"]
"""What a photo's words are (`AdvertReader.picture_kind`)."""
_MACHINE_READABLE_ZONE = re.compile(r"[A-Z0-9]{1,3}<{2,}|<{4,}")
"""A passport's or an ID card's machine-readable lines ("P<TJKRAHIMOV<<..."), as OCR reads them."""


@dataclass(frozen=True)
class AdvertReading:
    flags: tuple[str, ...]
    """The flags found, in the file's order."""
    serious: bool
    """Whether any flag found is serious (a reason not to go)."""
    names: tuple[str, ...]
    """Names of firms the advert gives (for the agency look-up); never stored."""
    fingerprint: int
    """A similarity hash of the advert's words: near copies differ in few bits."""


@dataclass(frozen=True)
class Amount:
    currency: str
    monthly: float


class AdvertReader:
    """Built once per loaded content, from the editors' flags."""

    def __init__(self, flags: AdvertFlags) -> None:
        self._flags = flags
        self._serious = flags.serious()

        def labelled(part: str) -> list[tuple[str, str]]:
            return [
                (name, phrase.replace(MONEY, MONEY_WORD))
                for name, flag in flags.flags.items()
                for phrases in getattr(flag, part).values()
                for phrase in phrases
            ]

        def matcher(part: str) -> _CommonWordsKept:
            return _CommonWordsKept([pair for pair in labelled(part) if APART not in pair[1]])

        def cancelling(part: str) -> PhraseMatcher:
            """Every word counts in what cancels a flag, common ones too ("you keep your passport" is
            not "keep your passport" with "you" left out as a common word), and no typos: "not
            deducted" is a letter from "deducted", "passport remains with you" from "retains"."""
            return PhraseMatcher(
                (pair for pair in labelled(part) if APART not in pair[1]), every_word=True, typos=False
            )

        self._phrases, self._also = matcher("phrases"), matcher("also")
        self._unless, self._unless_near = cancelling("unless"), cancelling("unless_near")
        self._nearby = frozenset(name for name, flag in flags.flags.items() if flag.with_nearby)
        self._apart = _ApartPhrases(labelled("phrases"))
        self._advert_words = PhraseMatcher(
            ("advert", phrase) for phrases in flags.advert_words.values() for phrase in phrases
        )
        self._rules = {name: _RULES[flag.rule](flag) for name, flag in flags.flags.items() if flag.rule}
        self._employer = next(
            (_NoEmployerNamed(flag) for flag in flags.flags.values() if flag.rule == "no_employer_named"), None
        )
        self._contract = PhraseMatcher(
            ("contract", phrase) for phrases in flags.contract_words.values() for phrase in phrases
        )
        self._advance = PhraseMatcher(
            ("advance", phrase) for phrases in flags.advance_words.values() for phrase in phrases
        )
        self._job_words = PhraseMatcher(
            (phrase, phrase)
            for words_by_language in (flags.advert_words, flags.job_words)
            for phrases in words_by_language.values()
            for phrase in phrases
        )
        self._identity = PhraseMatcher(
            (("identity", phrase) for phrases in flags.identity_document_words.values() for phrase in phrases),
            careful_typos=True,
        )
        self._receipt = PhraseMatcher(
            (("receipt", phrase) for phrases in flags.receipt_words.values() for phrase in phrases),
            careful_typos=True,
        )
        self._qualification = PhraseMatcher(
            ("qualification", phrase) for phrases in flags.qualification_words.values() for phrase in phrases
        )
        self._law = PhraseMatcher(
            (("law", phrase) for phrases in flags.law_words.values() for phrase in phrases),
            every_word=True,
            typos=False,
        )
        self._other_cost = matcher("other_costs")
        self._about_worker = frozenset(name for name, flag in flags.flags.items() if flag.describes_worker)
        self._employer_flag = next((name for name, flag in flags.flags.items() if flag.rule == "no_employer_named"), "")

    @one_text()
    def read(self, text: str) -> AdvertReading:
        found: set[str] = set()
        marked_lines = [marked_amounts(line) for line in lines(text)]
        for index, line in enumerate(marked_lines):
            in_line: set[str] = set()
            listed = _citizenships_listed(line)
            wanted_line = bool(self._qualification.labels_in(_heading(line)))
            for clause in clauses(_joined_privatives(_kept_together(line))):
                if self._law.labels_in(clause):  # the law told, nothing asked of the reader
                    continue
                in_clause = set(self._phrases.labels_in(clause)) | self._apart.labels_in(clause)
                if wanted_line or self._qualification.labels_in(clause) or any(part in clause for part in listed):
                    in_clause -= self._about_worker
                if in_clause & self._nearby and self._other_cost.labels_in(clause):
                    in_clause -= self._nearby - set(self._also.labels_in(clause))
                in_line |= in_clause - set(self._unless_near.labels_in(clause))
            nearby = "\n".join(marked_lines[max(0, index - 1) : index + 2])
            found |= in_line - {name for name in in_line & self._nearby if name not in self._also.labels_in(nearby)}
        marked = marked_amounts(text)
        found &= _wanted_also(self._flags, set(self._also.labels_in(marked)))
        found -= set(self._unless.labels_in(marked))
        found |= {name for name, rule in self._rules.items() if rule(text)}
        flags = tuple(name for name in self._flags.flags if name in found)
        return AdvertReading(
            flags=flags,
            serious=self._dangerous(text, found),
            names=employer_names(text),
            fingerprint=fingerprint(text),
        )

    def _dangerous(self, text: str, found: set[str]) -> bool:
        """A serious flag found, unless the only serious flags rest on the editors' judgement (pay
        ceilings) and the advert names its employer and a written contract, or travel taken from
        wages alone is lent as an advance by a named employer: then it is a warning."""
        serious = self._serious & found
        if not serious or not serious <= set(self._flags.judgement_flags):
            return bool(serious)
        named = self._employer is not None and self._employer.names_employer(text)
        lent = serious == {TRAVEL_DEDUCTED} and bool(self._advance.labels_in(text))
        return not (named and (self._contract.labels_in(text) or lent))

    def picture_kind(self, text: str, reading: AdvertReading) -> PictureKind:
        """What the words read from a photo are. A photo is not assumed to be an advert ("no red
        flags found in this advert" on a receipt would be false): a passport's machine-readable lines
        first, whatever else the picture says (never read as an advert, counted or relayed); a job
        advert with any serious flag (worth telling whatever the picture: a scam asking for one's
        date of birth and passport photo is still a scam); an identity document's page by its field
        names, when no word of a job and no contact stand beside them (an application form in an
        advert names the same fields); a job advert with two words of a job, or with one and an
        amount, a contact, a web address or a flag other than no employer named; else something else
        (a selfie's stray letters, a chat, a receipt)."""
        if _MACHINE_READABLE_ZONE.search(text):
            return "identity_document"
        if reading.serious:
            return "advert"
        job = self._job_words.labels_in(text)
        if self._identity.labels_in(text) and not job and _CONTACT.search(text) is None:
            return "identity_document"
        if self._receipt.labels_in(text):
            return "other"
        other_flags = set(reading.flags) - {self._employer_flag}
        found = (
            _CONTACT.search(text) is not None
            or _own_domain(text)
            or bool(other_flags)
            or any(_currency(match) for match in _AMOUNT.finditer(text))
        )
        if len(job) >= 2 or (job and found) or self.looks_like_advert(text):
            return "advert"
        return "other"

    def looks_like_advert(self, text: str) -> bool:
        """A pasted text that reads like a job advert: long, with words of adverts, and an amount or
        a way to reach someone; a story about one's own trouble (no contact, no lines) is not."""
        if len(text) < MIN_ADVERT_CHARS or not self._advert_words.labels_in(text):
            return False
        contact = _CONTACT.search(text) is not None
        money = any(_currency(m) for m in _AMOUNT.finditer(text))
        return contact or (money and text.count("\n") >= 2)


class _CommonWordsKept:
    """Phrases matched as a search matches them (common words left out), except two kinds, matched
    word for word: those that shrink to one word without their common words ("this friday" is not
    any "Friday", "на фронт" is not the English "front desk"), and those with a word that only folds
    into a common one (Tajik "манъ", forbidden, folds to "ман", I). A phrase that ends in a short
    common word is matched word for word with that word right after the one before it: the word
    completes it ("not allowed out" is not "charging workers is not allowed"; "ҳуҷҷатҳо ... назди
    мо", the documents with us, is not "назди Вазорат", attached to the ministry)."""

    def __init__(self, phrases: list[tuple[str, str]]) -> None:
        each = [(label, variant) for label, phrase in phrases for variant in _variants(phrase)]
        completed = [pair for pair in each if _ends_in_particle(pair[1])]
        each = [pair for pair in each if not _ends_in_particle(pair[1])]
        # "неофициально" is not a typo of "официально": a typo keeps the first letter
        self._plain = PhraseMatcher([pair for pair in each if not _word_for_word(pair[1])], careful_typos=True)
        self._exact = PhraseMatcher(
            [pair for pair in each if _word_for_word(pair[1])], careful_typos=True, every_word=True
        )
        self._completed_labels = [label for label, _phrase in completed]
        self._completed = PhraseMatcher(
            [(str(index), phrase) for index, (_label, phrase) in enumerate(completed)],
            careful_typos=True,
            every_word=True,
        )

    def labels_in(self, text: str) -> list[str]:
        completed = [
            self._completed_labels[int(index)]
            for index, chosen in self._completed.spans_in(text, every=True)
            if chosen[-1] == chosen[-2] + 1
        ]
        return list(dict.fromkeys([*self._plain.labels_in(text), *self._exact.labels_in(text), *completed]))


def _variants(phrase: str) -> list[str]:
    """Each phrase that a phrase with alternatives (`a|b c`) stands for: "в это воскресенье" needs its
    "это", "в эту пятницу" does not."""
    choices = [token.split(ALTERNATIVE) for token in phrase.split()]
    return [" ".join(chosen) for chosen in itertools.islice(itertools.product(*choices), MAX_VARIANTS)]


def _ends_in_particle(phrase: str) -> bool:
    """Whether a phrase of two words or more ends in a short common word ("go out", "назди мо",
    "қабул то"): the word that completes the one before it (see `_CommonWordsKept`)."""
    tokens = phrase.split()
    folded = [word for token in tokens for word in words(token.rstrip(WILDCARD))]
    last = folded[-1] if folded else ""
    return (
        len(folded) >= 2 and not tokens[-1].endswith(WILDCARD) and last in STOP_WORDS and len(last) <= PARTICLE_LETTERS
    )


def _word_for_word(phrase: str) -> bool:
    """Whether a phrase needs its common words to mean what it says (see `_CommonWordsKept`)."""
    tokens = phrase.replace(WILDCARD, " ").split()
    folded = [word for token in tokens for word in words(token)]
    kept = [word for word in folded if word not in STOP_WORDS and len(word) >= 2]
    shrinks = len(kept) < len(folded) and len(kept) <= 1
    return shrinks or any(folds_into_stop_word(token) for token in tokens)


class _ApartPhrases:
    """Phrases written `words ... words`: each part anywhere in one clause, however far apart
    ("Шиносномаҳоро мо барои бехатарии худатон дар идора нигоҳ медорем": the passport, kept)."""

    def __init__(self, phrases: list[tuple[str, str]]) -> None:
        parts = [(name, index, phrase.split(APART)) for index, (name, phrase) in enumerate(phrases) if APART in phrase]
        self._needed = {(name, index): len(split) for name, index, split in parts}
        self._parts = _CommonWordsKept(
            [(f"{name} {index} {number}", part) for name, index, split in parts for number, part in enumerate(split)]
        )

    def labels_in(self, clause: str) -> set[str]:
        seen: dict[tuple[str, int], int] = {}
        for label in self._parts.labels_in(clause):
            name, index, _number = label.split()
            seen[name, int(index)] = seen.get((name, int(index)), 0) + 1
        return {name for (name, index), count in seen.items() if count == self._needed[name, index]}


def _joined_privatives(text: str) -> str:
    """Tajik "бе" (without) written apart joined to its word, as it is also written: "бе патент" is
    "бепатент". Apart it folds to "be", a common word that phrases leave out, and "без патента"
    would read as "патент" alone."""
    return _PRIVATIVE.sub(r"\1", text)


_CAPITALISED = r"[A-ZА-ЯЁҲҶҚҒӮӢЎ][\w'ʻ’-]*"
_CITIZENSHIP = (
    r"(?i:гражданств\w*|граждан(?:ам|е)?|шаҳрвандии|шаҳрвандони|шаҳрвандӣ|fuqaroligi|fuqarolari|"
    r"фуқаролиги|фуқаролари|citizenship|citizens)"
)
_STATES = rf"{_CAPITALISED}(?:\s*(?:,|/|(?<!\w)(?i:и|или|ва|va|yoki|ё|ёки|and|or)(?!\w))\s*{_CAPITALISED}){{2,}}"
_CITIZENSHIPS = re.compile(
    rf"(?<!\w){_CITIZENSHIP}(?!\w)\s*:?\s*(?:(?i:of)\s+)?{_STATES}|(?<!\w){_STATES}\s+{_CITIZENSHIP}(?!\w)"
)
"""A citizenship with three states or more listed, before or after it ("Гражданство РФ, Беларуси,
Казахстана, Кыргызстана"; Uzbek "Rossiya, Qozogʻiston yoki Belarus fuqaroligi"): who may apply. A
citizenship offered as a lure is one state's ("гражданство РФ через год")."""


def _citizenships_listed(line: str) -> list[str]:
    """The citizenship lists of a line, as they stand in its clauses once kept together."""
    return [_list_kept(match) for match in _CITIZENSHIPS.finditer(line)]


def _list_kept(match: re.Match[str]) -> str:
    return re.sub(r"[,;]", " ", match[0])


def _kept_together(line: str) -> str:
    """A line with each citizenship list in one clause: its commas part states, not clauses."""
    return _CITIZENSHIPS.sub(_list_kept, line)


def _wanted_also(flags: AdvertFlags, also_found: set[str]) -> set[str]:
    """Flags whose `with` phrases are satisfied (or that have none)."""
    return {name for name, flag in flags.flags.items() if not any(flag.also.values()) or name in also_found}


def _currency(match: re.Match[str]) -> str | None:
    for key, value in match.groupdict().items():
        if value and key.endswith(("_pre", "_mid", "_post")):
            return key.rsplit("_", 1)[0]
    multiplier = (match["low_mult"] or match["high_mult"] or "").lower()
    if multiplier.startswith("т") and "р" in multiplier:
        return "RUB"  # "95 т.р.": thousand roubles
    return UNKNOWN_CURRENCY if multiplier.startswith(("тыс", "ming", "минг", "ҳазор", "хазор", "hazor")) else None


def _number(text: str, multiplier: str | None) -> float:
    if not text[:1].isdigit():
        return spoken_value(text) * (_number("1", multiplier) if multiplier else 1.0)
    digits = re.sub(r"[ \u00a0\u202f]", "", text)
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", digits):  # 1,500 or 1.500: thousands
        digits = re.sub(r"[.,]", "", digits)
    value = float(digits.replace(",", "."))
    if multiplier:
        word = multiplier.lower().rstrip(".")
        value *= next((factor for prefix, factor in _MULTIPLIERS.items() if word.startswith(prefix)), 1000.0)
    return value


def lines(text: str) -> list[str]:
    """The advert's lines as written: a line that starts with a small letter goes on the one before
    when that one is about as long as the longest (a sentence wrapped by the phone, or by a
    screenshot read back with OCR); after a short line it is a line of its own, typed without
    capitals ("transport free" / "pay 500$ for visa": the "free" is not the visa's)."""
    physical = text.splitlines()
    wrap_at = WRAPPED_SHARE * max((len(line) for line in physical), default=0)
    joined: list[str] = []
    for index, line in enumerate(physical):
        if joined and line[:1].islower() and len(physical[index - 1]) >= wrap_at:
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def marked_amounts(text: str) -> str:
    """`text` with each amount of money replaced by a word: PAY_WORD for pay, MONEY_WORD for any
    other amount (a fee, a price), so that `{money}` in a phrase never stands for a wage."""

    def marked(line: str) -> str:
        def word(match: re.Match[str]) -> str:
            if not _currency(match):
                return match.group(0)
            return f" {PAY_WORD if _is_pay(line, match) else MONEY_WORD} "

        return _AMOUNT.sub(word, line)

    return "\n".join(marked(line) for line in lines(text))


def _is_pay(line: str, match: re.Match[str], work_line: bool = False) -> bool:
    """An amount is pay unless a cost ("стоимость", "fee", "виза") comes before it in its clause,
    nearer than any word of pay ("оформление и зарплата 65 000 ₽" is pay), or it is paid for a cost
    named right after it ("pay 500$ for visa processing", "5 000 ₽ за оформление"); then pay when a
    period follows or precedes it, its line speaks of pay, or its line names the work (`work_line`:
    "Фаррош дар меҳмонхона — 2 500 $")."""
    before = _CLAUSE.split(line[: match.start()])[-1]
    cost = max((found.end() for found in _COST.finditer(before)), default=-1)
    pay = max((found.end() for found in _PAY_LINE.finditer(before)), default=-1)
    if cost > pay or _PAID_FOR.match(line, match.end()) or _COST_AFTER.match(line, match.end()):
        return False
    if _PAY_AFTER.match(line, match.end()) or _stands_alone(line, match):
        return True
    return pay >= 0 or work_line or _months_per(line, match) is not None or _PAY_LINE.search(line) is not None


def _stands_alone(line: str, match: re.Match[str]) -> bool:
    """An amount that is its clause alone, or before "+" and what comes with it, after the job is
    named ("Kripto investitsiya boʻyicha menejer, 3000$", "администратор дар салон. 4000$ + хона"):
    the pay offered, though no word of pay is written (a cost has been ruled out before)."""
    before = _CLAUSE.split(line[: match.start()])[-1]
    after = _CLAUSE.split(line[match.end() :])[0]
    return not _LETTER.search(before) and (not _LETTER.search(after) or after.lstrip().startswith("+"))


def _months_per(line: str, match: re.Match[str]) -> float | None:
    after, before = line[match.end() : match.end() + 25], line[max(0, match.start() - 20) : match.start()]
    after = _PERIOD_STOP.split(after, maxsplit=1)[0]  # "100 000 rubl, srochno, bu hafta ketadi": no weekly pay
    before = _PERIOD_STOP.split(before)[-1]  # "6 days a week, salary 1,500 SAR": no weekly pay either
    return _period(after, first=True) or _period(before, first=False)


def amounts(text: str, names_work: Callable[[str], bool] | None = None) -> list[Amount]:
    """Amounts of pay in `text`, per month: only on lines that speak of pay, give a period or (with
    `names_work`) name the work, not costs (a fee, a price) and not one-time payments (a signing
    bonus is not a wage)."""
    found: list[Amount] = []
    for line in lines(text):
        matches = [match for match in _AMOUNT.finditer(line) if _currency(match)]
        work_line = bool(matches) and names_work is not None and names_work(line)
        for match in matches:
            currency = _currency(match)
            if currency is None or not _is_pay(line, match, work_line) or _one_time(line, match):
                continue
            low = _number(match["low"], match["low_mult"] or match["high_mult"])
            high = _number(match["high"], match["high_mult"]) if match["high"] else low
            per_month = _months_per(line, match) or 1.0
            found.append(Amount(currency, (low + high) / 2 * per_month * _part_time_share(text, per_month)))
    return found


def _part_time_share(text: str, per_month: float) -> float:
    """The share of a full-time month an hourly or daily rate is paid for, where the advert gives
    part-time days ("3 times a week, AED 40/hour": a household's cleaner, not a full-time wage)."""
    full_week = FULL_WEEK_DAYS.get(per_month)
    written = next((found for found in _DAYS_A_WEEK.finditer(text) if not _days_off(text, found)), None)
    if full_week is None or written is None:
        return 1.0
    days = int(written["n"] or written["m"])
    return days / full_week if days <= PART_TIME_DAYS else 1.0


def _days_off(text: str, days: re.Match[str]) -> bool:
    """Days a week that are the days off ("Выходные 2 дня в неделю", "2 days off a week"), not the
    days worked."""
    around = text[max(0, days.start() - 25) : days.end() + 10]
    return _DAY_OFF.search(around) is not None


def _one_time(line: str, match: re.Match[str]) -> bool:
    """A one-time word before the amount with no word of a regular payment after it
    ("Выплата при подписании 1 200 000 ₽ + ежемесячно от 210 000 ₽": only the first), or one just after."""
    before = line[: match.start()]
    once = max((found.end() for found in _ONE_TIME.finditer(before)), default=-1)
    regular = max((found.end() for found in _EVERY.finditer(before)), default=-1)
    return once > regular or _ONE_TIME_AFTER.match(line[match.end() :].lstrip(" +)(")) is not None


def _period(text: str, *, first: bool) -> float | None:
    """Months per the period written nearest the amount: the first after it, or the last before it."""
    found = [(match.start(), factor) for factor, pattern in _PERIODS for match in pattern.finditer(text)]
    if not found:
        return None
    return (min(found) if first else max(found))[1]


class _PayAbove:
    """Pay at or above the ceiling of its currency: the ceiling of a country the advert names where
    the editors gave one (pay in dollars is another thing in Canada than in Cambodia), else the
    general one. With several such countries named, the highest ceiling counts. Work that needs no
    trade (washing dishes, cleaning, "no experience needed") has a lower ceiling where the editors
    gave one, or a share of the ceiling that applies otherwise: 300 000 roubles is a welder's pay on a
    far-north shift, and a lure for a dishwasher. A bare amount on a line naming such work
    ("Фаррош дар меҳмонхона — 2 500 $") is its pay."""

    def __init__(self, flag: AdvertFlag) -> None:
        self._general = flag.monthly_ceiling
        self._countries = [ceiling.monthly_ceiling for ceiling in flag.country_ceilings]
        self._places = PhraseMatcher(
            (str(index), place) for index, ceiling in enumerate(flag.country_ceilings) for place in ceiling.places
        )
        self._work_ceilings = [ceiling.monthly_ceiling for ceiling in flag.work_ceilings]
        self._work_shares = [ceiling.share_of_ceiling for ceiling in flag.work_ceilings]
        self._work = PhraseMatcher(
            (
                (str(index), phrase)
                for index, ceiling in enumerate(flag.work_ceilings)
                for phrases in ceiling.work.values()
                for phrase in phrases
            ),
            careful_typos=True,
        )

    def __call__(self, text: str) -> bool:
        named = [self._countries[int(index)] for index in self._places.labels_in(text)]
        work = [int(index) for index in self._work.labels_in(text)]
        for amount in amounts(text, names_work=lambda line: bool(self._work.labels_in(line))):
            ceilings = [country[amount.currency] for country in named if amount.currency in country]
            usual = max(ceilings) if ceilings else self._general.get(amount.currency)
            lower = [self._lower(index, amount.currency, usual) for index in work]
            ceiling = min([value for value in [*lower, usual] if value is not None], default=None)
            if ceiling is not None and amount.monthly >= ceiling:
                return True
        return False

    def _lower(self, index: int, currency: str, ceiling: float | None) -> float | None:
        """The lower ceiling of a kind of work: its own in the currency, else its share of `ceiling`."""
        own = self._work_ceilings[index].get(currency)
        if own is not None:
            return own
        share = self._work_shares[index]
        return share * ceiling if share is not None and ceiling is not None else None


def _title_case(word: str) -> bool:
    return word[:1].isupper() and word[1:].islower() and word.isascii()


def _employer_word(word: str) -> re.Pattern[str]:
    """Title-case Latin words ("Hotel", "Farms") count only when written so, after a capitalised name
    ("Al Waha Farms"; "Farm / meat factory" names no firm); others in any case, anywhere."""
    if _title_case(word):
        return re.compile(rf"(?<![\w.])[A-Z0-9][\w&'’-]*[ \t]+{re.escape(word)}(?!\w)")
    end = r"(?!\w)" if len(word) <= 4 else ""  # "вазорати мудофиа" is also "мудофиаи"
    return re.compile(rf"(?<!\w){re.escape(word)}{end}", re.IGNORECASE)


_TOP_DOMAINS = (
    "ru|su|by|kz|kg|uz|tj|tm|az|am|ge|md|ua|tr|ae|sa|qa|kw|om|bh|il|pl|lt|lv|ee|cz|sk|hu|ro|bg|rs|hr|si|de|at|ch|"
    "fi|se|no|dk|nl|be|fr|it|es|pt|ie|uk|eu|us|ca|au|nz|jp|kr|cn|tw|hk|sg|my|th|vn|ph|id|in|pk|"
    "com|org|net|gov|edu|info|biz|io|co|jobs|work|me|example"
)
"""Top-level domains of web addresses: "bor.Oylik", typed without a space after a full stop, is none
("example" is the reserved domain writers put for a firm's real one: "hr@klinikum-nord.example")."""
_DOMAIN = re.compile(
    rf"(?<![\w.-])(?:[\w.+-]+@)?((?:[a-z0-9-]+\.)+(?:{_TOP_DOMAINS}))(?![\w.-]*@)(?![\w-])", re.IGNORECASE
)
SHARED_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "mail.ru", "bk.ru", "inbox.ru", "list.ru", "internet.ru", "yandex.ru",
        "yandex.com", "ya.ru", "rambler.ru", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com",
        "proton.me", "protonmail.com", "t.me", "telegram.me", "wa.me", "whatsapp.com", "instagram.com",
        "facebook.com", "vk.com", "ok.ru", "tiktok.com", "youtube.com", "forms.gle", "docs.google.com",
        "google.com", "bit.ly", "linktr.ee", "hh.ru", "hh.uz", "hh.kz", "avito.ru", "superjob.ru", "rabota.ru",
        "zarplata.ru", "trudvsem.ru", "olx.uz", "olx.kz", "indeed.com", "linkedin.com",
    }
)  # fmt: skip
"""Addresses anyone can get in a minute (free mail, messengers, social networks, link shorteners,
job boards): they name nobody. A firm's own web address or e-mail domain does: it can be looked up."""


def _own_domain(text: str) -> bool:
    """A web address or an e-mail address at a firm's own domain ("hr@stroygrad.ru", "eps.go.kr")."""
    for match in _DOMAIN.finditer(text):
        domain = match[1].lower().removeprefix("www.")
        if not any(domain == shared or domain.endswith(f".{shared}") for shared in SHARED_DOMAINS):
            return True
    return False


_PLACE_ENDING = r"(?<!ga)(?<!gacha)(?<!dagi)(?<!гача)(?<!даги)"
"""Uzbek endings of a place a firm goes to or stands in ("kompaniya Kuala-Lumpurga olib o'tadi", the
company takes you to Kuala Lumpur): the word after a kind of firm is then a place, not its name."""


def _kind_then_name(kinds: list[str]) -> re.Pattern[str] | None:
    """A kind of firm, then a name with a capital on the same line: "кафе Самарканд", "Agent: Ocean Star",
    "Kompaniya: KK Star Technology" (letters in capitals, then a word);
    not a kind in the plural of a place ("на заводах Ансан, Хвасон": towns, not a firm)."""
    if not kinds:
        return None
    alternatives = "|".join(re.escape(kind) for kind in kinds)
    return re.compile(
        rf"(?<!\w)(?i:{alternatives})(?!(?i:ах|ях|ами|ями)(?!\w))\w*:?[ \t]+(?!{_MESSENGER})"
        rf"(?:[A-ZА-ЯЁҲҶҚҒӮӢЎ][a-zа-яёҳҷқғӯӣў'ʻ-]{{2}}[\w'ʻ-]*+{_PLACE_ENDING}"
        rf"|[A-ZА-ЯЁҲҶҚҒӮӢЎ]{{2,}}[ \t]+[A-ZА-ЯЁҲҶҚҒӮӢЎ][a-zа-яёҳҷқғӯӣў'ʻ-]{{2}})"
    )


class _NoEmployerNamed:
    """A way to reach someone (a phone, an @username, WhatsApp) but no employer: no capitalised name
    in quotes, no web or e-mail address of a firm's own, no kind of firm followed by a name, no legal
    form or word of the editors' list (words
    of several words are matched as phrases: "Министерством обороны" is "министерство обороны")."""

    def __init__(self, flag: AdvertFlag) -> None:
        self._kind_then_name = _kind_then_name(flag.employer_kinds)
        self._words = [_employer_word(word) for word in flag.employer_words if " " not in word]
        self._folded = [
            re.compile(rf"(?<!\w){re.escape(fold(word))}")
            for word in flag.employer_words
            if " " not in word and len(word) > FOLDED_EMPLOYER_LETTERS and not _title_case(word)
        ]
        self._phrases = PhraseMatcher(("employer", word) for word in flag.employer_words if " " in word)

    def __call__(self, text: str) -> bool:
        ways = (_CONTACT, _PERSONAL_CONTACT, _INTRODUCED, _ASKED_TO_WRITE)
        return any(way.search(text) for way in ways) and not self.names_employer(text)

    def names_employer(self, text: str) -> bool:
        if employer_names(text) or _own_domain(text):
            return True
        if self._kind_then_name is not None and self._kind_then_name.search(text):
            return True
        if any(word.search(text) for word in self._words) or self._phrases.labels_in(text):
            return True
        folded = " ".join(words(text))  # "агентлиги" in Uzbek Cyrillic is "agentligi"
        return any(word.search(folded) for word in self._folded)


class _TwoCountriesOnward:
    """One line naming two countries with a word of the journey going on: "Аввал ба Бангкок, баъд
    ... ба офис дар Мянма", "Malayziyaga ish — keyin Kambodjadagi filialga o'tkazamiz". The
    countries are those of transit and of work abroad, never the readers' own or Russia (where
    "сначала в Москву, потом в Тверь" is one country), so two of them on one line with the journey
    going on between them is a route; unless the line is a driver's route ("routes Poland – Germany
    – France"), the job's, not a journey."""

    def __init__(self, flag: AdvertFlag) -> None:
        self._countries = PhraseMatcher(
            ((code, name) for code, names in flag.countries.items() for name in names), careful_typos=True
        )
        self._onward = PhraseMatcher(
            (("onward", word) for words in flag.onward_words.values() for word in words), careful_typos=True
        )
        self._route = PhraseMatcher(
            (("route", word) for words in flag.route_words.values() for word in words), careful_typos=True
        )

        self._leg = PhraseMatcher(
            (("leg", word) for words in flag.leg_words.values() for word in words), careful_typos=True
        )

    def __call__(self, text: str) -> bool:
        advert_lines = lines(text)
        return any(self._route_on(line) for line in advert_lines) or self._leg_elsewhere(advert_lines)

    def _leg_elsewhere(self, advert_lines: list[str]) -> bool:
        """A leg of the journey to one country on one line ("перелёт до Бангкока оплачиваем", "Aviabilet
        Bangkokkacha bepul, u yerdan olib ketamiz") and another country named anywhere in the advert
        ("Место работы: Мьявади (Мьянма)"): the flight goes to one country, the work is in another."""
        countries_by_line = [set(self._countries.labels_in(line)) for line in advert_lines]
        if len(set().union(*countries_by_line)) < 2:
            return False
        return any(
            countries and self._leg.labels_in(line) and not self._route.labels_in(line)
            for line, countries in zip(advert_lines, countries_by_line, strict=True)
        )

    def _route_on(self, line: str) -> bool:
        """Two countries, and a word of the journey going on before the last of them or right after
        it (Uzbek "Belarus orqali", via Belarus): "Work in Poland and Czechia, then home" is no route."""
        first_seen: dict[str, int] = {}
        for country, position in self._countries.found_in(line):
            first_seen[country] = min(position, first_seen.get(country, position))
        if len(first_seen) < 2 or self._route.labels_in(line):
            return False
        last = max(first_seen.values())
        return any(position <= last + 1 for _label, position in self._onward.found_in(line))


_RULES: dict[str, Callable[[AdvertFlag], Callable[[str], bool]]] = {
    "pay_above": _PayAbove,
    "no_employer_named": _NoEmployerNamed,
    "two_countries_onward": _TwoCountriesOnward,
}
"""The flags found by a rule instead of phrases (`rule:` in advert_flags.yaml)."""


_WRITE_TO = re.compile(
    r"(?i)(?:напиш\w*|пиши\w*|отправ\w*|нависед|нависи\w*|yoz\w*|ёз\w*|joʻnat\w*|write|send|type|text)\W*$"
)
"""A word to send comes after these ("Напиши \"ХОЧУ\"", "Yozing \"+\""): it names no firm."""
_CHANNEL = re.compile(r"(?i)(?:канал\w*|kanal\w*|channel|chat|чат\w*|группа|группы|guruh\w*|гурӯҳ\w*)\W*$")
"""A channel or chat named before a quoted name ("Пересылка из канала «Работа для своих»", "Репост аз
канали «Муҳоҷир Инфо»"): the name is where the advert was forwarded from, not who hires."""
PHRASE_WORDS = 4
"""A quoted text of this many words or more, all but the first in small letters, is a phrase quoted
("\"Kichik ro'yxatdan o'tish to'lovi\"", a small registration fee), not a firm's name. In Latin
letters two words are enough: firms written so capitalise each word ("Al Waha Farms"), while a job
title does not ("\"Customer support\"", "\"IT support\""); Cyrillic firm names do not either
(«Хлебный двор»)."""
LATIN_PHRASE_WORDS = 2
_THING_NAMED = re.compile(
    r"(?i)[ \t]*(?:сертификат\w*|sertifikat\w*|certificate|виз[аыуе]\w*|viza\w*|visa|программ\w*|dastur\w*|"
    r"дастур\w*|programme|program|зон[аыуе]\w*|zona\w*|zone)(?!\w)"
)
"""What a quoted name is, said right after it: a certificate, a visa, a programme or a zone
("\"CoS\" sertifikati", "\"Gold\" visa") is no firm that hires."""
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def employer_names(text: str) -> tuple[str, ...]:
    """Firm names given in quotes, for the agency look-up: those that start with a capital or a
    digit (a quoted “customer support” or «оформление» names no firm), unless they are a word to
    send, a quoted phrase, the channel the advert was forwarded from, or a document, a programme or
    a zone."""
    names = []
    for match in _QUOTED_NAME.finditer(text):
        name = next(group for group in match.groups() if group).strip()
        if not (name[:1].isupper() or name[:1].isdigit()) or _WRITE_TO.search(text, 0, match.start()):
            continue
        if _CHANNEL.search(text, 0, match.start()):
            continue
        name_words = name.split()
        enough = PHRASE_WORDS if _CYRILLIC.search(name) else LATIN_PHRASE_WORDS
        if len(name_words) >= enough and all(word[:1].islower() for word in name_words[1:]):
            continue
        if _THING_NAMED.match(text, match.end()):
            continue
        names.append(name)
    return tuple(names)


def fingerprint(text: str) -> int:
    """A 63-bit SimHash of the advert's two-word shingles (numbers left out, so a copy with another
    phone number or price stays close): copies of one advert differ in a few bits, different adverts
    in about half (on the tuning set: a copy with a line changed ~7-10, two different adverts ≥ 14)."""
    tokens = [word for word in words(text) if not word.isdigit()]
    shingles = [" ".join(tokens[i : i + 2]) for i in range(max(1, len(tokens) - 1))]
    weights = [0] * PRINT_BITS
    for shingle in shingles:
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(PRINT_BITS):
            weights[bit] += 1 if value >> bit & 1 else -1
    return sum(1 << bit for bit, weight in enumerate(weights) if weight > 0)


def distance(first: int, second: int) -> int:
    """Bits that differ between two fingerprints."""
    return (first ^ second).bit_count()
