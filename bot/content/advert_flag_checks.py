"""What `safar check` says about the advert flags (`advert_flags.yaml`), in plain words with the line
to fix: an example its flag no longer finds, a missing sentence, a flag that can never be found."""

from collections.abc import Container

from bot.common.languages import LANGUAGES
from bot.content.errors import Problem
from bot.content.yaml_source import line_of
from bot.understanding.advert_flags import AdvertFlags
from bot.understanding.advert_reading import AdvertReader


def advert_flag_problems(
    flags: AdvertFlags, tree: object, file: str, facts: Container[str] | None = None
) -> list[Problem]:
    """Examples a flag does not find, missing 'why' sentences, phrases or rule settings, and facts
    cited that the registry does not hold (when `facts`, the registry's ids, is given)."""
    reader = AdvertReader(flags)
    problems: list[Problem] = []
    for index, name in enumerate(flags.judgement_flags):
        if name not in flags.flags:
            problems.append(
                Problem(file, line_of(tree, ("judgement_flags", index)), f"'judgement_flags' names '{name}', "
                        "which is not a flag: write a flag's name as under 'flags', or remove it")
            )  # fmt: skip
    for name, flag in flags.flags.items():
        where = line_of(tree, ("flags", name))
        for fact in flag.facts:
            if facts is not None and fact not in facts:
                problems.append(
                    Problem(file, line_of(tree, ("flags", name, "facts")), f"flag '{name}' cites the fact "
                            f"'{fact}', which facts.yaml does not have: add it there with its source, or remove it")
                )  # fmt: skip
        missing = [language for language in LANGUAGES if language not in flag.why]
        if missing:
            problems.append(
                Problem(file, where, f"flag '{name}' has no 'why' for {', '.join(missing)}: its readers would see none")
            )
        if flag.rule is None and not any(flag.phrases.values()):
            problems.append(Problem(file, where, f"flag '{name}' has no phrases and no rule: it can never be found"))
        if flag.rule == "pay_above" and not flag.monthly_ceiling:
            problems.append(Problem(file, where, f"flag '{name}' needs 'monthly_ceiling' for its rule"))
        if flag.rule == "two_countries_onward" and not (flag.countries and any(flag.onward_words.values())):
            problems.append(Problem(file, where, f"flag '{name}' needs 'countries' and 'onward_words' for its rule"))
        for language, examples in flag.examples.items():
            for index, example in enumerate(examples):
                if name not in reader.read(example).flags:
                    problems.append(
                        Problem(
                            file,
                            line_of(tree, ("flags", name, "examples", language, index)),
                            f"the example '{example}' does not show the flag '{name}': "
                            "add a phrase it contains, or change the example",
                        )
                    )
    return problems
