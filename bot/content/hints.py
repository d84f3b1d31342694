"""How to fix each kind of content problem, in words for editors who are not programmers.

Kept apart from the checks so the advice can be read and improved in one place.
"""

import re

_HINTS: tuple[tuple[str, str], ...] = (
    (r"is not valid YAML",
     "Check the indentation (spaces only, no tabs, the same number as the lines around it). "
     "Put text that contains ':' '#' '?' or a comma inside a flow {…} in double quotes."),
    (r"appears twice", "Each name may appear only once at the same level: rename or delete one of them."),
    (r"points to unknown node",
     "Check the spelling of the node name after 'goto:', or add a node with that name under 'nodes:'."),
    (r"points to unknown lesson",
     "Use a lesson's file name without '.yaml' (see bot/content/lessons/), or create that lesson."),
    (r"cannot be reached",
     "Add a button with 'goto:' that leads to this node, or delete the node if it is no longer needed."),
    (r"is required but missing", "Restore this file: the bot needs it to start (main menu or hotlines)."),
    (r"unknown contact", "Use a contact id from contacts.yaml, or add the contact there with its source."),
    (r"cites unknown fact|is not a fact in facts.yaml",
     "Add the fact to facts.yaml with its 'sources:' (title, publisher, date, url) and 'checked:', or fix the id."),
    (r"source is a file on a development machine|source has no date",
     "Name the public page you read: its title, publisher, date and address (https://...), never a local file."),
    (r"is not a tag Telegram supports|cannot have the attribute|<a> needs|only allowed as|cannot be inside",
     "Telegram allows only <b>, <i>, <u>, <s>, <a href=\"…\">, <code>, <pre>, <blockquote> and "
     "<tg-spoiler>. Write a line break as a new line."),
    (r"is never closed|closes a tag that is not open",
     "Every <b> needs its </b> (and the same for other tags), closed in the reverse order they were opened."),
    (r"bare '&'|bare '<'|bare '>'|not an entity",
     "Write & as &amp;  < as &lt;  > as &gt; — or rephrase without the sign."),
    (r"characters long; Telegram allows", "Split the text over two nodes joined by a 'Next' button."),
    (r"text is empty", "Write some text for this node, or remove the empty language line."),
    (r"button label is", "Shorten the button text: phones cut off long labels."),
    (r"template error",
     "Check the {{ … }} and {% … %} parts: names are contact('id'), contacts(country='RU') and lang."),
    (r"no translation for", "Add a line for each missing language beside the others (tg, ru, uz, en)."),
    (r"last checked on",
     "Call the number or open the source again; then update 'checked:' with today's date (or remove the contact)."),
    (r"no button leads to lesson", "Add a button with 'lesson:' to it in the main menu or another lesson."),
    (r"'source' is missing|'checked' is missing",
     "Every contact and fact needs 'source:' (a seed document or a page you read) and 'checked:' (YYYY-MM-DD)."),
    (r"is missing", "Add this field; see docs/editing.md for what each kind of entry needs."),
    (r"is not a known field", "Check the spelling and the indentation of this line against docs/editing.md."),
    (r"is not a language", "Use tg (Tajik), ru (Russian), uz (Uzbek) or en (English)."),
    (r"does not look like a phone number", "Write the number with its country code, e.g. +992 37 000 00 00."),
    (r"looks like a phone number typed into the text",
     "Put the number in contacts.yaml with its source and checked date, and insert it with {{ contact('id') }}. "
     "If the number is there on purpose, write {# keep number #} right after it."),
    (r"would be empty",
     "contacts() takes country= (a two-letter code used in contacts.yaml) and need= (one of the needs listed); "
     "add a contact with that country and need, or change the choice."),
    (r"text lacks|text has \{\{",
     "Every language of a text must insert the same contacts and facts: copy the {{ … }} part exactly from the "
     "other languages."),
    (r"is not a date|is not a real date|has no month", "Write dates as year-month-day with a real day: 2026-11-22."),
    (r"a date in the future", "Write the day the contact or fact was actually checked (today or earlier)."),
    (r"put this text in quotes", "Write the text inside double quotes, e.g. en: \"Yes\"."),
    (r"needs a 'phone' or a 'url'", "Give the contact a phone number, a web address, or both."),
    (r"exactly one of 'goto', 'lesson', 'url' or 'tool'",
     "A button leads to one place: keep one of goto, lesson, url or tool (agency_check, report_offer, "
     "passport_country, talk_to_person, reminders)."),
    (r"must have no condition", "Add a last result with no min_score, max_score or category, for everyone else."),
    (r"'buttons' or 'answers'", "A check question has 'answers:'; other nodes have 'buttons:'."),
    (r"needs 'text' or 'results'", "Give the node a 'text:' (or 'results:' if it ends a check)."),
    (r"is not a kind of screen|' cannot have '",
     "A node is a page (text and buttons), a question (text and answers) or a result (results); 'kind:' may "
     "be left out, and then its fields say which."),
    (r"short id clashes", "Rename the node: two node names happen to give the same short code."),
)  # fmt: skip

_COMPILED = tuple((re.compile(pattern), hint) for pattern, hint in _HINTS)


def hint_for(message: str) -> str:
    """The advice for a problem message, or an empty string when there is none."""
    for pattern, hint in _COMPILED:
        if pattern.search(message):
            return hint
    return ""
