"""Behaviour with no aiogram in it: the dialogue engine, search, pseudonyms."""
