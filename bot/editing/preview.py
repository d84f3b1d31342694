"""`safar preview`: the whole curriculum as static HTML pages that open without a server.

One page per lesson shows every node as the phone would, in every language side by side, with
missing translations marked, each button with where it leads, and a flow chart of the lesson.
"""

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from bot.common.languages import FALLBACK_CHAIN, LANGUAGE_NAMES, LANGUAGES
from bot.content import Curriculum, NodeId
from bot.content.loader import CONTACT_RECHECK_AFTER
from bot.content.media import Freshness
from bot.content.media import Screen as MediaScreen
from bot.content.models import Localized, Node
from bot.content.rendering import pick
from bot.editing.flowchart import flowchart_svg
from bot.editing.report import facts_cited

MEDIA_DIR = "media"
"""Where the preview keeps copies of the recordings and pictures, beside its pages."""


@dataclass
class Bubble:
    """One language's view of a text: the HTML the phone shows, and whether it is a fallback."""

    language: str
    html: Markup
    shown_from: str | None = None
    """The language actually shown when this one is missing."""


@dataclass
class ButtonView:
    labels: list[Bubble]
    target: str
    href: str
    detail: str = ""


@dataclass
class RecordingView:
    """A recording beside its language's text: where the page finds it, and whether users get it."""

    src: str
    name: str
    seconds: float
    state: str
    offered: bool


@dataclass
class PictureView:
    src: str
    name: str
    captions: list[Bubble]
    source: str
    checked: date


@dataclass
class NodeView:
    name: str
    is_start: bool
    texts: list[Bubble]
    results: list[tuple[str, list[Bubble]]] = field(default_factory=list)
    buttons: list[ButtonView] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    recordings: dict[str, RecordingView] = field(default_factory=dict)
    picture: PictureView | None = None


def _fallback(text: Localized | None, language: str) -> str | None:
    if text is None or language in text:
        return None
    return next((c for c in FALLBACK_CHAIN[language] if c in text), None)


def _labels(text: Localized, languages: list[str]) -> list[Bubble]:
    return [Bubble(lang, Markup.escape(pick(text, lang)), _fallback(text, lang)) for lang in languages]


class PreviewBuilder:
    def __init__(self, curriculum: Curriculum, languages: list[str], today: date) -> None:
        self.curriculum = curriculum
        self.today = today
        """The date contacts' last checks are measured from."""
        self.languages = languages
        self.heading_language = "en" if "en" in languages else languages[0]
        """Editors share English; headings use it unless one other language was asked for."""
        # Jinja's default autoescape list knows `.html` but not `.html.j2`: without naming it, a
        # translated title with `<script>` would run in the editor's browser.
        self.environment = Environment(
            loader=PackageLoader("bot", "templates/preview"),
            autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
            trim_blocks=True,
        )

    def build(self, out: Path) -> list[Path]:
        (out / "lessons").mkdir(parents=True, exist_ok=True)
        self._copy_media(out / MEDIA_DIR)
        written = [self._write(out / "index.html", "index.html.j2", **self._index())]
        for lesson_id in self.curriculum.lessons:
            written.append(
                self._write(out / "lessons" / f"{lesson_id}.html", "lesson.html.j2", **self._lesson(lesson_id))
            )
        return written

    def _copy_media(self, media: Path) -> None:
        """Recordings and pictures beside the pages, so the preview plays and shows them from disk."""
        library = self.curriculum.media
        found = [(r.name, r.path) for r in library.recordings.values()] + [
            (p.name, p.path) for p in library.pictures.values()
        ]
        for name, path in found:
            target = media / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)

    def _media_of(self, node_id: NodeId, view: NodeView) -> None:
        media, screen = self.curriculum.media, MediaScreen(*node_id)
        for language in self.languages:
            found = media.recordings.get((screen, language))
            if found is not None:
                offered = found.freshness is Freshness.CURRENT
                src = f"../{MEDIA_DIR}/{found.name}"
                view.recordings[language] = RecordingView(
                    src, found.name, round(found.seconds, 1), found.freshness, offered
                )
        picture = media.picture(screen)
        if picture is not None:
            captions = _labels(picture.caption, self.languages)
            view.picture = PictureView(
                f"../{MEDIA_DIR}/{picture.name}", picture.name, captions, picture.source.cited(), picture.checked
            )

    def _write(self, path: Path, template: str, **context: object) -> Path:
        page = self.environment.get_template(template).render(languages=self.languages, names=LANGUAGE_NAMES, **context)
        path.write_text(page, encoding="utf-8")
        return path

    def _index(self) -> dict[str, object]:
        lessons = []
        for lesson_id, lesson in self.curriculum.lessons.items():
            fields = list(_localized(lesson.title, lesson.nodes.values()))
            coverage = {
                lang: round(100 * sum(lang in f for f in fields) / len(fields)) if fields else 100 for lang in LANGUAGES
            }
            lessons.append(
                {
                    "id": lesson_id,
                    "title": pick(lesson.title, self.heading_language),
                    "nodes": len(lesson.nodes),
                    "coverage": coverage,
                }
            )
        today = self.today
        contacts = [
            {"id": cid, "name": pick(c.name, self.heading_language), "phone": c.phone or "", "url": c.url or "",
             "source": c.source, "checked": c.checked, "due": today - c.checked > CONTACT_RECHECK_AFTER}
            for cid, c in self.curriculum.contacts.items()
        ]  # fmt: skip
        return {
            "lessons": lessons,
            "contacts": contacts,
            "due": [c for c in contacts if c["due"]],
            "warnings": [str(w) for w in self.curriculum.warnings],
            "today": today,
        }

    def _lesson(self, lesson_id: str) -> dict[str, object]:
        lesson = self.curriculum.lessons[lesson_id]
        order = [lesson.start, *(n for n in lesson.nodes if n != lesson.start)]
        return {
            "lesson_id": lesson_id,
            "title": pick(lesson.title, self.heading_language),
            "flowchart": Markup(flowchart_svg(lesson)),
            "nodes": [self._node(NodeId(lesson_id, name), lesson.nodes[name], name == lesson.start) for name in order],
            "facts": self._facts(lesson_id),
        }

    def _facts(self, lesson_id: str) -> dict[str, dict[str, object]]:
        """The facts a lesson cites, from the registry (or the lesson's own), as the table shows them."""
        lesson = self.curriculum.lessons[lesson_id]
        shown: dict[str, dict[str, object]] = {}
        for fact_id in facts_cited(lesson):
            registered = self.curriculum.facts.get(fact_id)
            if registered is not None:
                source = "; ".join(s.cited() for s in registered.sources)
                shown[fact_id] = {"claim": registered.claim, "source": source, "checked": registered.checked}
            elif fact_id in lesson.facts:
                own = lesson.facts[fact_id]
                shown[fact_id] = {"claim": own.claim, "source": own.source, "checked": own.checked}
        return shown

    def _node(self, node_id: NodeId, node: Node, is_start: bool) -> NodeView:
        curriculum = self.curriculum
        # Rendered text is Telegram HTML that the loader has checked: a subset of HTML.
        texts = [
            Bubble(lang, Markup(curriculum.render_text(node_id, lang)), _fallback(node.text, lang))
            for lang in self.languages
        ] if node.text is not None else []  # fmt: skip
        view = NodeView(node_id.node, is_start, texts, facts=list(node.facts))
        self._media_of(node_id, view)
        for index, case in enumerate(node.results):
            bubbles = [
                Bubble(lang, Markup(curriculum.render_result(node_id, index, lang)), _fallback(case.text, lang))
                for lang in self.languages
            ]
            view.results.append((_condition(case.min_score, case.max_score, case.category, case.name), bubbles))
        for button in node.buttons:
            if button.goto:
                view.buttons.append(
                    ButtonView(_labels(button.label, self.languages), button.goto, f"#node-{button.goto}")
                )
            elif button.lesson:
                view.buttons.append(
                    ButtonView(
                        _labels(button.label, self.languages), f"lesson {button.lesson}", f"{button.lesson}.html"
                    )
                )
            else:
                view.buttons.append(ButtonView(_labels(button.label, self.languages), str(button.url), str(button.url)))
        for answer in node.answers:
            detail = f"+{answer.points}" + (f" · {answer.category}" if answer.category else "")
            view.buttons.append(
                ButtonView(_labels(answer.label, self.languages), answer.goto, f"#node-{answer.goto}", detail)
            )
        return view


def _condition(min_score: int | None, max_score: int | None, category: str | None, name: str) -> str:
    parts = []
    if min_score is not None:
        parts.append(f"score ≥ {min_score}")
    if max_score is not None:
        parts.append(f"score ≤ {max_score}")
    if category:
        parts.append(f"chose '{category}'")
    return f"{name}: " + (" and ".join(parts) if parts else "otherwise")


def _localized(title: Localized, nodes: Iterable[Node]) -> list[Localized]:
    fields = [title]
    for node in nodes:
        if node.text is not None:
            fields.append(node.text)
        fields += [b.label for b in node.buttons] + [a.label for a in node.answers] + [r.text for r in node.results]
    return fields


def build_preview(curriculum: Curriculum, out: Path, today: date, language: str | None = None) -> list[Path]:
    languages = [language] if language else list(LANGUAGES)
    return PreviewBuilder(curriculum, languages, today).build(out)
