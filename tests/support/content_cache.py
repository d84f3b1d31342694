"""The real content, read and checked once per pytest worker instead of once per test.

Reading and checking every lesson (each template rendered in every language), building the search
index and the agency index costs about a CPU-second, and most tests start a bot over the same
packaged files: that was the largest share of the suite's time. A bot started in a test gets the
`LoadedContent` the real loader made from the same files on the same day, shared, not a copy; it
is immutable (frozen models, indexes built once). The interface catalogues every started bot
compiles are likewise compiled once per state of the `.po` files and copied. Any change to a file the loader reads (a test's
own content folder, an edited lesson before `/reload`) is a different key and is read afresh;
content that fails to load is never kept. `python -m bot` processes load for themselves.
"""

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Container, Hashable, Iterable
from pathlib import Path

import bot.content.loader
import bot.i18n
from bot.content.findings import Findings
from bot.content.loader import PACKAGED_CONTENT
from bot.i18n import LOCALES_DIR
from bot.services.content_holder import ContentSources, LoadedContent
from bot.understanding.advert_flags import ADVERT_FLAGS_FILE, AdvertFlags

KEPT = 6
"""Content states kept at once: the packaged content on the few dates tests set, and some spare."""


def _files(root: Path | None) -> tuple[tuple[str, bytes], ...]:
    """Each file's path and digest: an edit is seen even within one tick of the file system's clock."""
    if root is None or not root.exists():
        return ()
    paths = sorted(root.rglob("*")) if root.is_dir() else [root]
    return tuple(
        (str(path), hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
        for path in paths
        if path.is_file() and path.suffix not in (".py", ".pyc")
    )


def _key(sources: ContentSources) -> Hashable:
    """Everything `ContentSources.load` reads: the files, the day, and which kind of translation."""
    return (
        sources.content_dir,
        sources.registry_path,
        getattr(sources.translate, "__qualname__", repr(sources.translate)),
        sources.clock.now().date(),
        _files(PACKAGED_CONTENT),
        _files(sources.content_dir),
        _files(sources.registry_path),
        _files(LOCALES_DIR),
    )


def install() -> Callable[[], None]:
    """Make `ContentSources.load` remember its results in this process; returns the undo."""
    real_load = ContentSources.load
    kept: OrderedDict[Hashable, LoadedContent] = OrderedDict()

    def load(self: ContentSources) -> LoadedContent:
        if type(self) is not ContentSources:  # a test's own sources decide for themselves
            return real_load(self)
        key = _key(self)
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
        loaded = real_load(self)  # ContentError passes through, and nothing is kept
        kept[key] = loaded
        while len(kept) > KEPT:
            kept.popitem(last=False)
        return loaded

    ContentSources.load = load  # type: ignore[method-assign]
    real_compile = bot.i18n.compile_catalogues
    compiled: dict[Hashable, dict[Path, bytes]] = {}

    def compile_catalogues(source: Path, target: Path) -> None:
        """The `.mo` files of these `.po` files, compiled the first time and written again after."""
        key = (source, _files(source))
        if key not in compiled:
            real_compile(source, target)
            compiled[key] = {path.relative_to(target): path.read_bytes() for path in target.rglob("*.mo")}
            return
        for relative, data in compiled[key].items():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).write_bytes(data)

    bot.i18n.compile_catalogues = compile_catalogues
    real_advert_flags = bot.content.loader._load_advert_flags
    sound: dict[Hashable, AdvertFlags] = {}

    def load_advert_flags(root: Path, report: Findings, facts: Container[str] | None = None) -> AdvertFlags:
        """The advert flags checked once per state of their file: reading every flag's examples
        through the advert check is most of the time a test's own content folder takes to load,
        and most such folders leave advert_flags.yaml as it was. Only flags without a problem are
        kept (a problem's line depends on how the file was read: bot/content/yaml_source.py)."""
        path = root / ADVERT_FLAGS_FILE
        if not path.is_file() or not (facts is None or isinstance(facts, Iterable)):
            return real_advert_flags(root, report, facts)
        key = (path.read_bytes(), None if facts is None else frozenset(facts))  # the facts it may cite
        if key in sound:
            return sound[key]
        before = len(report.problems)
        flags = real_advert_flags(root, report, facts)
        if len(report.problems) == before:
            sound[key] = flags
        return flags

    bot.content.loader._load_advert_flags = load_advert_flags

    def undo() -> None:
        ContentSources.load = real_load  # type: ignore[method-assign]
        bot.i18n.compile_catalogues = real_compile
        bot.content.loader._load_advert_flags = real_advert_flags

    return undo
