"""Tools for content editors: check, preview, console walk-through, translation exchange.

Each is a sub-command of `safar` and works on the same loader and engine as the bot.
"""
