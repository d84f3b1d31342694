"""Safar: pre-departure orientation for labour migrants, in the messenger they already use."""

from bot.common.telegram_models_on_demand import build_telegram_models_on_demand

build_telegram_models_on_demand()
