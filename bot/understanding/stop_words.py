"""Words too common to tell one screen from another, left out before matching."""

import re
from itertools import pairwise

from bot.understanding.transliteration import words

_STOP_WORDS = """
the and you your what how for are with can this that have does from was were they them
when where who why will should before about any there here some my me our out into
как что это мне меня мой моя мои для или так есть если там вас ваш вам они его она чтобы
когда где почему можно нужно надо все всё уже ещё еще только очень я ты мы вы он
ман шумо чӣ чи дар барои бо аз ки ва ин он агар мо онҳо ҳам
men siz nima uchun bilan va bu agar qanday biz ular ham
hello hi thanks thank please привет здравствуйте спасибо пожалуйста салом салям раҳмат лутфан
salom assalomu alaykum rahmat iltimos
do to is am be of in on at it an or if so many сколько ли на по из за до бы же об обо про чанд ба то
qancha necha
"""
STOP_WORDS = frozenset(word for line in _STOP_WORDS.split() for word in words(line))
"""Words too common to tell one screen from another, and greetings, in every language, folded."""

_WRITTEN_STOP_WORDS = frozenset(_STOP_WORDS.lower().split())


def folds_into_stop_word(word: str) -> bool:
    """A word that is no stop word as written but folds into one (Tajik "манъ", forbidden, folds to
    "ман", I): a phrase that has it must be matched word for word, or it loses the word."""
    folded = words(word)
    return len(folded) == 1 and folded[0] in STOP_WORDS and word.lower() not in _WRITTEN_STOP_WORDS


_FREQUENT_WORDS = """
want need just make know get got did can could would now still tell help
хочу знать узнать сделать делать подскажите скажите какой какая какие куда сейчас просто тоже был была было будет
кунам кунем кунад кард карда мекунам шуд шудам мешавад мешаванд лозим мумкин аст ҳаст буд тавр акнун ҳозир хел
кадом куҷо бояд мехоҳам мегад мегуя мегуфт чист чиро чаро кай чиз чизе
nega nimaga qaysi qanaqa kimga зачем чем чего кому which whom whose
kerak boʻladi boʻlsa boʻladimi qilish qilsam qilay nimadan mumkin qayerda qayerga qachon edi deb hozir endi
кто кӣ kim дорам дорад доранд дорӣ дорем лекин ҳама ҳамааш ҳамаш бошам бошад бошанд
qilaman qilamiz qildim qilib qilsa qilsak qiladi qilishadi qilmoqchiman boʻlib boʻlgan boʻlmaydi boʻlyapti
boʻlar boʻlmasa kerakmi deydi dedi deyapti bormi yoʻqmi
soʻradi soʻrashdi aytdi aytishdi спросил спросили сказал сказали говорит asked said says told
hammasi joyida yaxshi нормально хорошо порядке normalno fine okay ok ҳамааш хуб
не нет ни нест not no
ҳеҷ касе баъд баъди ҳар фақат танҳо вале аммо боз дигар худ худам худаш дуруст ҳоло
hech har faqat ammo yana boshqa keyin oʻzim
ҳеч ҳар фақат аммо яна бошқа кейин ўзим только
"""
_TAJIK_VERBS = {
    # present stem, past stem: to do, to become, to have, to be, to say, to want, to be able, to get
    "кун": "кард", "шав": "шуд", "дор": "дошт", "бош": "буд", "гӯ": "гуфт", "хоҳ": "хост", "тавон": "тавонист",
    "гир": "гирифт",
}  # fmt: skip
_TAJIK_PERSONS = ("ам", "ӣ", "ад", "ем", "ед", "анд", "и", "ен", "ан", "ай", "ян", "яд", "янд")
_TAJIK_PAST_PERSONS = ("", "ам", "ӣ", "ем", "ед", "анд", "и", "ан", "ааст", "аанд", "а", "аам", "аем")
_TAJIK_FORMS = " ".join(
    f"{prefix}{stem}{ending}"
    for present, past in _TAJIK_VERBS.items()
    for prefix, stem, endings in (("ме", present, _TAJIK_PERSONS), ("наме", present, _TAJIK_PERSONS),
                                  ("", present, _TAJIK_PERSONS), ("", past, _TAJIK_PAST_PERSONS),
                                  ("на", past, _TAJIK_PAST_PERSONS))
    for ending in endings
)  # fmt: skip
"""Every person of the Tajik verbs that carry a question ("мекунанд", they do; "намешавад", it does
not become; "гуфтаанд", they said), typed with and without the Tajik letters: helpers, not topics."""
FREQUENT_WORDS = frozenset(word for line in (_FREQUENT_WORDS + _TAJIK_FORMS).split() for word in words(line))
"""The verbs and question words of every way of asking ("how can I", "чӣ кор кунам", "qanday
qilsam boʻladi", "who", Tajik "дорад", has), of what someone said or asked, of all being well
("hammasi joyida", "всё нормально"), and the negations (не, нет, Tajik нест, not): frequent in questions,
rare in the lessons, so a search would
take them for the rare, telling word of whichever screen uses one (a harmless message saying all is
well is not about the screen that says so). Search leaves them out; phrases keep them ("pul toʻlash
kerak" of a job advert needs its "kerak")."""
_PRICE_WORDS = """
price prices cost costs cheap cheaper cheapest expensive
цена цены цену стоит стоимость стоить дешево дешевле дешевый дорого дорогой скока
нарх нархи нархаш арзон арзонтар арзонаш қимат гарон
narx narxi narxlar narxlari arzon arzonroq qimmat
"""
PRICE_WORDS = frozenset(words(_PRICE_WORDS))
"""Words that ask what something costs, in every language: they say what is asked about a thing,
not which thing. A question whose only words the lessons know are these ("iphone 15 narxi
qancha", "автобус до Москвы сколько стоит") is about something the lessons do not cover, though
the patent's screen speaks of its price."""
_HOW_MUCH = frozenset(words("сколько скока чанд qancha necha how much"))
_MONEY = frozenset(words("пул пули деньги денег pul puli money"))


def price_words(text: str) -> set[str]:
    """The words of `text` that ask a price: PRICE_WORDS, and money right after "how much" ("чанд
    пул", "how much money": what it costs, not the money one has or sends)."""
    every = words(text)
    return {word for word in every if word in PRICE_WORDS} | {
        word for before, word in pairwise(every) if before in _HOW_MUCH and word in _MONEY
    }


_UNFOLDED_STOP_WORDS = re.compile(r"\b(?:much|such)\b", re.IGNORECASE)
"""English words that fold into a word of another language ("much" and Russian "муж", husband,
both fold to "muj"): left out of a search before folding."""


def meaningful_words(text: str) -> list[str]:
    """The folded words of `text` worth matching: no stop words, no single letters."""
    return [word for word in words(text) if len(word) >= 2 and word not in STOP_WORDS]


def topic_words(text: str) -> list[str]:
    """The words of `text` that can tell one screen from another: as `meaningful_words`, without
    the frequent words of asking."""
    return [word for word in meaningful_words(_UNFOLDED_STOP_WORDS.sub(" ", text)) if word not in FREQUENT_WORDS]
