"""A lesson's node graph as an inline SVG: layers by distance from the start, no scripts, no CDN."""

import html
from dataclasses import dataclass

from bot.content.models import Lesson

BOX_WIDTH, BOX_HEIGHT = 170, 40
COLUMN_GAP, ROW_GAP, MARGIN = 60, 22, 20


@dataclass(frozen=True)
class Box:
    name: str
    column: int
    row: int
    external: bool
    """A box for another lesson that a button opens."""

    @property
    def x(self) -> int:
        return MARGIN + self.column * (BOX_WIDTH + COLUMN_GAP)

    @property
    def y(self) -> int:
        return MARGIN + self.row * (BOX_HEIGHT + ROW_GAP)


def edges_of(lesson: Lesson) -> list[tuple[str, str, bool]]:
    """(from node, to node or lesson, to another lesson) for every button and answer."""
    edges: list[tuple[str, str, bool]] = []
    for name, node in lesson.nodes.items():
        targets = [(b.goto, False) for b in node.buttons if b.goto] + [
            (b.lesson, True) for b in node.buttons if b.lesson
        ]
        targets += [(a.goto, False) for a in node.answers]
        for target, external in dict.fromkeys((t, e) for t, e in targets if t):
            edges.append((name, str(target), external))
    return edges


def layout(lesson: Lesson) -> dict[str, Box]:
    depth = {lesson.start: 0}
    queue = [lesson.start]
    edges = edges_of(lesson)
    while queue:
        current = queue.pop(0)
        for source, target, external in edges:
            if source == current and not external and target not in depth:
                depth[target] = depth[current] + 1
                queue.append(target)
    for name in lesson.nodes:
        depth.setdefault(name, max(depth.values(), default=0) + 1)
    rows: dict[int, int] = {}
    boxes: dict[str, Box] = {}
    for name in sorted(lesson.nodes, key=lambda n: depth[n]):
        column = depth[name]
        boxes[name] = Box(name, column, rows.get(column, 0), external=False)
        rows[column] = rows.get(column, 0) + 1
    for source, target, external in edges:
        key = f"lesson:{target}"
        if external and key not in boxes:
            column = boxes[source].column + 1
            boxes[key] = Box(target, column, rows.get(column, 0), external=True)
            rows[column] = rows.get(column, 0) + 1
    return boxes


def flowchart_svg(lesson: Lesson, lesson_href: str = "{}.html") -> str:
    boxes = layout(lesson)
    width = max(b.x for b in boxes.values()) + BOX_WIDTH + MARGIN
    height = max(b.y for b in boxes.values()) + BOX_HEIGHT + MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="flow chart">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#667"/></marker></defs>',
    ]
    for source, target, external in edges_of(lesson):
        start, end = boxes[source], boxes[f"lesson:{target}" if external else target]
        parts.append(_edge(start, end))
    for key, box in boxes.items():
        href = lesson_href.format(box.name) if box.external else f"#node-{box.name}"
        label = ("→ " if box.external else "") + (box.name if len(box.name) <= 22 else box.name[:21] + "…")
        css = "box external" if box.external else ("box start" if key == lesson.start else "box")
        parts.append(
            f'<a href="{html.escape(href)}"><rect class="{css}" x="{box.x}" y="{box.y}" width="{BOX_WIDTH}" '
            f'height="{BOX_HEIGHT}" rx="8"/><text x="{box.x + BOX_WIDTH / 2}" y="{box.y + BOX_HEIGHT / 2 + 5}" '
            f'text-anchor="middle">{html.escape(label)}</text></a>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _edge(start: Box, end: Box) -> str:
    x1: float
    y1: float
    x2: float
    y2: float
    if end.column > start.column:
        x1, y1 = start.x + BOX_WIDTH, start.y + BOX_HEIGHT / 2
        x2, y2 = end.x, end.y + BOX_HEIGHT / 2
        middle = (x1 + x2) / 2
        path = f"M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}"
    elif end.column == start.column and end.row > start.row:  # further down the same column
        x1, y1 = start.x + BOX_WIDTH / 2, start.y + BOX_HEIGHT
        x2, y2 = end.x + BOX_WIDTH / 2, end.y
        path = f"M{x1},{y1} L{x2},{y2}"
    else:  # back to an earlier step: loop above the boxes
        x1, y1 = start.x + BOX_WIDTH / 2, start.y
        x2, y2 = end.x + BOX_WIDTH / 2, end.y
        top = min(y1, y2) - ROW_GAP + 4
        path = f"M{x1},{y1} C{x1},{top} {x2},{top} {x2},{y2}"
    return f'<path class="edge" d="{path}" marker-end="url(#arrow)"/>'
