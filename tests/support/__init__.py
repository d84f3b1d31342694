"""Helpers the tests share: the running bot, waiting for events, subprocess environments, and
scenarios more than one test module drives. Test modules import from here, never from each other
or from conftest."""
