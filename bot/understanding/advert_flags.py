"""Red flags of job adverts, as editors keep them in `advert_flags.yaml`: what each flag means for
the reader, the phrases that show it, and example lines that must show it.

The loader validates the file's shape; `advert_flag_problems` (bot/content/advert_flag_checks.py) tells editors, in
plain words and with the line to fix, what would make a flag useless: an example it no longer finds,
a language left out.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.common.languages import LanguageCode

ADVERT_FLAGS_FILE = "advert_flags.yaml"
MONEY = "{money}"
"""Written in a phrase for any amount of money ("оформление {money}")."""
APART = "..."
"""Written between a phrase's parts that may stand anywhere in one clause ("паспорт* ... сейф*")."""

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,40}$")]
"""A flag's name (as bot.content.models.Identifier, written here so this module needs nothing of content)."""
Phrase = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Sentence = Annotated[str, StringConstraints(min_length=10, max_length=600)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Rule = Literal["pay_above", "no_employer_named", "two_countries_onward"]
PhrasesByLanguage = dict[LanguageCode, list[Phrase]]


class CountryCeiling(BaseModel):
    """Monthly pay ceilings for work in one country or region, found by its places' names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Phrase
    places: list[Phrase]
    monthly_ceiling: dict[Currency, Annotated[int, Field(gt=0)]]


class WorkCeiling(BaseModel):
    """Lower monthly pay ceilings for work that needs no trade, found by the words that name it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Phrase
    work: PhrasesByLanguage
    monthly_ceiling: dict[Currency, Annotated[int, Field(gt=0)]] = {}
    share_of_ceiling: Annotated[float, Field(gt=0, le=1)] | None = None
    """For a currency with no ceiling of its own here: this share of the ceiling that applies
    otherwise (a country's or the general one), so that a cleaner's lure in Dubai and in Canada are
    each measured against their own country's pay."""


class AdvertFlag(BaseModel):
    """One red flag: found by phrases (with `with` also present and no `unless`), or by a rule."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    serious: bool
    why: dict[LanguageCode, Sentence]
    facts: list[Identifier] = []
    """The facts (facts.yaml) behind what `why` states."""
    rule: Rule | None = None
    phrases: PhrasesByLanguage = {}
    also: PhrasesByLanguage = Field(default_factory=dict, alias="with")
    with_nearby: bool = False
    """`with` phrases count only on the flag's own line or the line next to it (a meal taken from
    wages is no travel deduction because a ticket is named elsewhere in the advert)."""
    other_costs: PhrasesByLanguage = {}
    """For a `with_nearby` flag: other costs (a meal, housing) whose clause, naming one of them and
    none of `with`, is about that cost: "Хӯрок: арзишаш аз маош ... нигоҳ дошта мешавад" is a meal
    taken from wages, not the ticket named on the next line."""
    unless: PhrasesByLanguage = {}
    """Phrases that cancel the flag anywhere in the advert ("we never charge a fee")."""
    unless_near: PhrasesByLanguage = {}
    """Phrases that cancel the flag only in their own clause ("training is free", "not deducted")."""
    describes_worker: bool = False
    """Whether the flag's phrases can also describe the person who applies (military service done, a
    citizenship held): in a clause of `qualification_words` they then say who is wanted, not what
    the job is, and the flag is not found there."""
    examples: PhrasesByLanguage = {}
    monthly_ceiling: dict[Currency, Annotated[int, Field(gt=0)]] = {}
    """For `pay_above`: the monthly pay in each currency above which pay is "far above the usual"."""
    country_ceilings: list["CountryCeiling"] = []
    """For `pay_above`: ceilings where the advert names one of these countries."""
    work_ceilings: list["WorkCeiling"] = []
    """For `pay_above`: lower ceilings where the advert names work of this kind (a dishwasher, a cleaner)."""
    employer_words: list[Phrase] = []
    """For `no_employer_named`: words that name an employer (a legal form, "Hotel" after a name)."""
    employer_kinds: list[Phrase] = []
    """For `no_employer_named`: kinds of firm that, followed by a capitalised name, name an employer."""
    countries: dict[Identifier, list[Phrase]] = {}
    """For `two_countries_onward`: each country of transit or work and the names it is written by
    (its cities of transit too: "Бангкок" is Thailand)."""
    onward_words: PhrasesByLanguage = {}
    """For `two_countries_onward`: words of a journey going on ("first", "then", "from there")."""
    route_words: PhrasesByLanguage = {}
    """For `two_countries_onward`: words of a driver's route, whose countries are the job's, not a journey."""
    leg_words: PhrasesByLanguage = {}
    """For `two_countries_onward`: words of one leg of a journey ("перелёт до", "u yerdan"); a line
    with one of them and a country, in an advert that names another country, is a route too."""


class AdvertFlags(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    flags: dict[Identifier, AdvertFlag] = {}
    advert_words: PhrasesByLanguage = {}
    judgement_flags: list[Identifier] = []
    """Serious flags that rest on the editors' judgement (pay ceilings): alone, in an advert that
    names its employer and a written contract, they are a warning, not a reason not to go."""
    contract_words: PhrasesByLanguage = {}
    """Words of a written employment contract offered ("трудовой договор", "mehnat shartnomasi")."""
    advance_words: PhrasesByLanguage = {}
    """Words of a travel cost lent as an advance on wages ("аванс"): in an advert that names its
    employer, travel taken from wages alone is then a warning even with no written contract named."""
    qualification_words: PhrasesByLanguage = {}
    """Words that make a clause say who is wanted or preferred ("Приоритет —", "ustunlik beriladi",
    "preferred"): flags that can describe the worker (`describes_worker`) are not found in it."""
    law_words: PhrasesByLanguage = {}
    """Words that make a clause state the law or a right nobody has ("работодатель не вправе",
    "against the law"): no flag is found in such a clause; it asks nothing of the reader."""
    job_words: PhrasesByLanguage = {}
    """Words of a job offered that, with `advert_words`, make a photo's words a job advert."""
    identity_document_words: PhrasesByLanguage = {}
    """Words of an identity document's page ("date of birth"): such a photo is not an advert."""
    receipt_words: PhrasesByLanguage = {}
    """Words of a shop's receipt ("кассовый чек"): such a photo is not an advert."""

    def serious(self) -> frozenset[str]:
        return frozenset(name for name, flag in self.flags.items() if flag.serious)
