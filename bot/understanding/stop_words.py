"""Words too common to tell one screen from another, left out before matching."""

from bot.understanding.transliteration import words

_STOP_WORDS = """
the and you your what how for are with can this that have does from was were they them
when where who why will should before about any there here some my me our out into
как что это мне меня мой моя мои для или так есть если там вас ваш вам они его она чтобы
когда где почему можно нужно надо все всё уже ещё еще только очень
ман шумо чӣ чи дар барои бо аз ки ва ин он агар мо онҳо ҳам
men siz nima uchun bilan va bu agar qanday biz ular ham
hello hi thanks thank please привет здравствуйте спасибо пожалуйста салом салям раҳмат лутфан
salom assalomu alaykum rahmat iltimos
do to is am be of in on at it an or if so many сколько ли на по из за до бы же чанд ба то
qancha necha
"""
STOP_WORDS = frozenset(word for line in _STOP_WORDS.split() for word in words(line))
"""Words too common to tell one screen from another, and greetings, in every language, folded."""


def meaningful_words(text: str) -> list[str]:
    """The folded words of `text` worth matching: no stop words, no single letters."""
    return [word for word in words(text) if len(word) >= 2 and word not in STOP_WORDS]
