"""The content in use, swapped as one piece so no update ever sees half of a reload."""

import asyncio
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.common.clock import Clock, SystemClock
from bot.content import ContentError, Curriculum, load_curriculum
from bot.content.agencies import PACKAGED_REGISTRY, load_registry
from bot.content.loader import PACKAGED_CONTENT
from bot.content.reminder_plans import ReminderPlans, load_reminder_plans
from bot.content.rendering import Translate, english
from bot.content.yaml_source import forget_parsed_files
from bot.services.agency_search import AgencyIndex
from bot.services.content_diff import ContentChanges, compare
from bot.services.lesson_engine import DialogueEngine
from bot.understanding.advert_reading import AdvertReader
from bot.understanding.search import NodeSearch, forget_indexed_texts


@dataclass(frozen=True)
class LoadedContent:
    curriculum: Curriculum
    search: NodeSearch
    engine: DialogueEngine
    agencies: AgencyIndex
    plans: ReminderPlans

    @cached_property
    def adverts(self) -> AdvertReader:
        """The advert check's reader of red flags, built on first use (an advert or a typed text,
        after loading ended): the content words' keys cached while its phrases were indexed are
        let go again, as at the end of a load (0.2 MiB for as long as the bot ran otherwise)."""
        reader = AdvertReader(self.curriculum.advert_flags)
        forget_indexed_texts()
        return reader

    @classmethod
    def of(cls, curriculum: Curriculum, agencies: AgencyIndex, plans: ReminderPlans) -> "LoadedContent":
        return cls(curriculum, NodeSearch(curriculum), DialogueEngine(curriculum), agencies, plans)


@dataclass(frozen=True)
class ContentSources:
    """Where content is read from, so it can be read again by `/reload`."""

    content_dir: Path | None = None
    registry_path: Path | None = None
    translate: Translate = english
    clock: Clock = field(default_factory=SystemClock)
    """Whose date contacts' last checks are measured from."""

    def load(self) -> LoadedContent:
        """Everything, checked; ContentError with the problems of every file otherwise. What only
        loading needed (parsed YAML, the index's word lists) is let go, loaded or not."""
        try:
            return self._load()
        finally:
            forget_parsed_files()
            forget_indexed_texts()

    def _load(self) -> LoadedContent:
        problems = []
        curriculum = registry = plans = None
        try:
            curriculum = load_curriculum(self.content_dir, self.translate, today=self.clock.now().date())
            plans = load_reminder_plans(self.content_dir or PACKAGED_CONTENT, set(curriculum.lessons))
        except ContentError as error:
            problems += error.problems
        try:
            registry = load_registry(self.registry_path or PACKAGED_REGISTRY)
        except ContentError as error:
            problems += error.problems
        if curriculum is None or registry is None or plans is None:
            raise ContentError(problems)
        # Every file is read and checked: its parsed tree is let go before the indexes are built,
        # so they reuse the memory it leaves instead of growing the process (3.4 MB, scripts/README.md).
        forget_parsed_files()
        return LoadedContent.of(curriculum, AgencyIndex(registry), plans)


class ContentHolder:
    def __init__(self, sources: ContentSources, loaded: LoadedContent | None = None) -> None:
        self.sources = sources
        self.current = loaded or sources.load()
        self._reloading = asyncio.Lock()

    async def reload(self) -> ContentChanges:
        """Read everything again; on any problem keep what runs now and raise ContentError.

        Reading and checking all content takes about half a second: it runs in a worker thread so
        users' updates keep being answered meanwhile. Reloads run one at a time, and the new
        content replaces the old in one assignment on the event loop.
        """
        async with self._reloading:
            running = self.current
            fresh, changes = await asyncio.to_thread(self._read_and_compare, running)
            self.current = fresh
            return changes

    def _read_and_compare(self, running: LoadedContent) -> tuple[LoadedContent, ContentChanges]:
        fresh = self.sources.load()
        return fresh, compare(running, fresh)
