"""Walks through the shipped curriculum, planned from the content itself (not hand-listed).

The planner explores the dialogue the way the bot's engine does — buttons, lesson links and check
answers with their running score — and returns, for every node, every named result and every tool
button, the shortest sequence of taps from the main menu. A tap is the index of a content button on
the screen, so one plan serves all four languages.
"""

from collections import deque

from bot.content.curriculum import TALK_TOOL, Curriculum
from bot.services.lesson_engine import Conversation, DialogueEngine

Target = tuple[str, ...]


def _state_key(conversation: Conversation) -> tuple[object, ...]:
    return (conversation.position, tuple(sorted(conversation.answers.items())))


_PLANNED: dict[int, tuple[Curriculum, dict[Target, tuple[int, ...]]]] = {}
"""Plans by curriculum: three test modules plan the same shared one (tests/support/real_content.py)
at collection, in every worker, and a plan takes about a CPU-second."""


def plan_walks(curriculum: Curriculum) -> dict[Target, tuple[int, ...]]:
    """Shortest taps to every node ("node", id), result ("result", id, name) and tool ("tool", id, i).
    The curriculum is immutable (frozen models), so its plan is made once; callers get a copy."""
    planned = _PLANNED.get(id(curriculum))
    if planned is None or planned[0] is not curriculum:
        planned = _PLANNED[id(curriculum)] = (curriculum, _plan(curriculum))
    return dict(planned[1])


def _plan(curriculum: Curriculum) -> dict[Target, tuple[int, ...]]:
    engine = DialogueEngine(curriculum)
    start = Conversation()
    engine.home(start, "en")
    queue: deque[tuple[Conversation, tuple[int, ...]]] = deque([(start, ())])
    seen = {_state_key(start)}
    found: dict[Target, tuple[int, ...]] = {}
    while queue:
        conversation, taps = queue.popleft()
        screen = engine.screen(conversation, "en")
        node_id = screen.node
        found.setdefault(("node", str(node_id)), taps)
        if screen.result is not None:
            found.setdefault(("result", str(node_id), screen.result), taps)
        buttons = [button for row in screen.rows for button in row if button.target != TALK_TOOL]  # no desk here
        for index, button in enumerate(buttons):
            if button.kind in ("tool", "url"):
                found.setdefault(("tool", str(node_id), str(index)), (*taps, index))
                continue
            following = Conversation.from_data(conversation.to_data())
            if button.kind == "answer":
                engine.answer(following, node_id, index, "en")
            else:
                target = curriculum.by_ref(button.target)
                assert target is not None, (node_id, button)
                engine.open(following, target, "en")
            key = _state_key(following)
            if key not in seen:
                seen.add(key)
                queue.append((following, (*taps, index)))
    return found


def every_target(curriculum: Curriculum) -> set[Target]:
    """What a complete walk must reach: every node, every named result, every tool button."""
    targets: set[Target] = set()
    for node_id in curriculum.node_ids():
        if curriculum.offers_only_a_person(node_id):
            continue  # the offer of a person: without the desk it is nowhere (test_person_without_desk.py)
        node = curriculum.node(node_id)
        targets.add(("node", str(node_id)))
        targets.update(("result", str(node_id), case.name) for case in node.results)
        shown = [b for b in node.buttons if b.tool != TALK_TOOL]  # the walks run without the counsellors' desk
        targets.update(("tool", str(node_id), str(i)) for i, b in enumerate(shown) if b.tool or b.url)
    return targets


def covering_walks(plans: dict[Target, tuple[int, ...]]) -> list[tuple[int, ...]]:
    """The fewest walks to replay: drop every walk that is the start of a longer one."""
    walks = sorted(set(plans.values()), key=len, reverse=True)
    kept: list[tuple[int, ...]] = []
    for walk in walks:
        if not any(longer[: len(walk)] == walk for longer in kept):
            kept.append(walk)
    return kept
