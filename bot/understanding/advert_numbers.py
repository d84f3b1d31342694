"""Amounts written in words, as a voice note is transcribed or a person types what they heard: "две
тысячи долларов", "ikki ming dollar", "ду ҳазор доллар", "two thousand dollars". The advert check
reads them as it reads "2 000 $", so that a fee said aloud is still a fee."""

import re

_UNITS: dict[float, tuple[str, ...]] = {
    0.5: ("ним", "yarim", "ярим", "half"),
    1: ("один", "одна", "одну", "bir", "бир", "як", "one"),
    1.5: ("полтора", "полторы", "bir yarim", "бир ярим", "якуним", "one and a half"),
    2: ("два", "две", "ikki", "икки", "ду", "two"),
    3: ("три", "uch", "уч", "се", "three"),
    4: ("четыре", "toʻrt", "to'rt", "tort", "тўрт", "чор", "four"),
    5: ("пять", "besh", "беш", "панҷ", "панч", "five"),
    6: ("шесть", "olti", "олти", "шаш", "six"),
    7: ("семь", "yetti", "етти", "ҳафт", "хафт", "seven"),
    8: ("восемь", "sakkiz", "саккиз", "ҳашт", "хашт", "eight"),
    9: ("девять", "toʻqqiz", "to'qqiz", "тўққиз", "нӯҳ", "нух", "nine"),
    10: ("десять", "oʻn", "o'n", "ўн", "даҳ", "дах", "ten"),
    15: ("пятнадцать", "fifteen"),
    20: ("двадцать", "yigirma", "йигирма", "бист", "twenty"),
    30: ("тридцать", "oʻttiz", "o'ttiz", "ўттиз", "сӣ", "thirty"),
    40: ("сорок", "qirq", "қирқ", "чил", "forty"),
    50: ("пятьдесят", "ellik", "эллик", "панҷоҳ", "панчох", "fifty"),
    60: ("шестьдесят", "oltmish", "олтмиш", "шаст", "sixty"),
    70: ("семьдесят", "yetmish", "етмиш", "ҳафтод", "seventy"),
    80: ("восемьдесят", "sakson", "саксон", "ҳаштод", "eighty"),
    90: ("девяносто", "toʻqson", "to'qson", "тўқсон", "навад", "ninety"),
    100: ("сто", "yuz", "юз", "сад", "hundred"),
    200: ("двести", "дусад"),
    300: ("триста", "сесад"),
    400: ("четыреста", "чорсад"),
    500: ("пятьсот", "панҷсад", "пансад"),
}
_THOUSANDS: dict[float, tuple[str, ...]] = {
    1000: ("тысяч", "тысяча", "тысячи", "тыщ", "тыщи", "ming", "минг", "ҳазор", "хазор", "hazor", "thousand"),
    1_000_000: ("миллион", "миллиона", "миллионов", "million", "millions", "mln", "млн", "milliyon"),
}
_VALUE = {word: value for value, spelled in _UNITS.items() for word in spelled}
_SCALE = {word: value for value, spelled in _THOUSANDS.items() for word in spelled}
_WORD = "|".join(sorted(map(re.escape, [*_VALUE, *_SCALE]), key=len, reverse=True))
SPOKEN_NUMBER = rf"(?<!\w)(?:{_WORD})(?:[\s-]+(?:and[\s-]+)?(?:{_WORD}))*(?!\w)"
"""Number words in a row ("две тысячи", "bir yarim ming", "two hundred and fifty")."""


def spoken_value(text: str) -> float:
    """The value of number words in a row: units add up, "hundred" multiplies what came before it,
    a thousand or a million closes a group ("ikki yuz ellik ming" is 250 000)."""
    total = current = 0.0
    phrase = re.sub(r"[\s-]+(?:and[\s-]+)?", " ", text.lower()).strip()
    for multi in sorted((word for word in _VALUE if " " in word), key=len, reverse=True):
        phrase = phrase.replace(multi, multi.replace(" ", "_"))
    for word in phrase.split():
        word = word.replace("_", " ")
        if word in _SCALE:
            total += (current or 1) * _SCALE[word]
            current = 0.0
        elif _VALUE.get(word) == 100 and current:
            current *= 100
        else:
            current += _VALUE.get(word, 0.0)
    return total + current
