"""One router per user-facing feature. Handlers are thin: parse, ask a service, reply."""

from aiogram import Router

from bot.handlers import (
    admin,
    agencies,
    dialogue,
    fallback,
    language,
    privacy,
    reminders,
    reports,
    search,
    tools,
)


def build_router() -> Router:
    """All routers in the order updates should try them; the fallback goes last."""
    root = Router(name="safar")
    modules = (admin, language, privacy, dialogue, reminders, tools, agencies, reports, search, fallback)
    root.include_routers(*(module.build_router() for module in modules))
    return root
