"""One router per user-facing feature. Handlers are thin: parse, ask a service, reply."""

from aiogram import Router

from bot.handlers import (
    admin,
    agencies,
    counsellor_answers,
    counsellor_topics,
    counsellors,
    fallback,
    feedback,
    inline,
    language,
    lessons,
    listening,
    passport,
    privacy,
    reminders,
    reports,
    search,
    tools,
)
from bot.handlers.button_prefixes import gate_buttons
from bot.handlers.typed_input import DangerFirst


def build_router(*, desk: bool) -> Router:
    """All routers in the order updates should try them; the fallback goes last.

    Lesson taps are most of the traffic, so the lesson router is tried first: each router an
    update passes costs aiogram a round of filters and middleware wrapping. Its handlers match
    only its own buttons and commands, so no other router's update can land there.

    `desk`: the counsellors' desk is on (COUNSELLORS_CHAT_ID). Then its routers come first, as a
    message of an open case goes to the counsellors whatever else it looks like. Off, no case can
    be open and no topic exists: the group's router is left out, and the person's router, which
    still answers a stale "Talk to a person" button, goes after the lessons, so that a lesson tap
    no longer pays for its four button filters (scripts/bench_load.py).

    A button press enters only the routers that know its data's prefix (button_prefixes.py).
    The feedback row ("I called", "wrong or out of date?") is under every lesson screen, so its
    router comes next: it takes button presses only, with prefixes no other router has.
    """
    root = Router(name="safar")
    first = (counsellors, counsellor_topics, counsellor_answers, lessons) if desk else (lessons, counsellors)
    modules = (
        *first,
        feedback,
        listening,
        admin,
        language,
        privacy,
        reminders,
        passport,
        tools,
        agencies,
        reports,
        search,
        inline,
        fallback,
    )
    root.include_routers(*(gate_buttons(module.build_router()) for module in modules))
    root.message.middleware(DangerFirst())  # for every router's steps that take typed words
    return root
