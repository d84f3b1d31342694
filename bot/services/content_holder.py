"""The content in use, swapped as one piece so no update ever sees half of a reload."""

from dataclasses import dataclass

from bot.content import Curriculum
from bot.services.dialogue import DialogueEngine
from bot.services.search import LessonSearch


@dataclass(frozen=True)
class LoadedContent:
    curriculum: Curriculum
    search: LessonSearch
    engine: DialogueEngine

    @classmethod
    def of(cls, curriculum: Curriculum) -> "LoadedContent":
        return cls(curriculum, LessonSearch(curriculum), DialogueEngine(curriculum))


class ContentHolder:
    def __init__(self, curriculum: Curriculum) -> None:
        self.current = LoadedContent.of(curriculum)

    def replace(self, curriculum: Curriculum) -> None:
        self.current = LoadedContent.of(curriculum)
