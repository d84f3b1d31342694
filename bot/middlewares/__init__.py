"""aiogram middlewares: cross-cutting concerns every update passes through (locale, guards)."""
