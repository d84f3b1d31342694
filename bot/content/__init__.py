"""The curriculum as data: YAML lessons and contacts, loaded into checked models.

Nothing here knows about Telegram: the bot, the console preview and the validator share it.
"""

from bot.content.curriculum import Curriculum, NodeId
from bot.content.errors import ContentError, Problem
from bot.content.loader import load_curriculum

__all__ = ["ContentError", "Curriculum", "NodeId", "Problem", "load_curriculum"]
