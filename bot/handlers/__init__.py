"""One router per user-facing feature. Handlers are thin: parse, ask a service, reply."""

from aiogram import Router

from bot.handlers import dialogue, fallback, language, privacy, search


def build_router() -> Router:
    """All routers in the order updates should try them; the fallback goes last."""
    root = Router(name="safar")
    root.include_routers(*(module.build_router() for module in (language, privacy, dialogue, search, fallback)))
    return root
