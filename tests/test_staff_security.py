"""Staff accounts are a target: roles per staff id, broadcasts approved by a second staff member
(or cancellable during a delay), and an audit log of who did what, when. Staff power is checked
again when it is used: at approval and at release the proposer must still be a broadcaster, the
settings must still allow the path, and the proposal must be less than a day old."""

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.common.telegram_limits import MAX_MESSAGE_CHARS
from bot.config import Settings
from bot.runtime.periodic_jobs import release_broadcasts
from bot.storage.stores.reminders import ReminderStore
from tests.support.clock import ManualClock
from tests.support.fake_telegram import TOKEN, FakeTelegram, FakeUser, Sent, parse_html
from tests.support.journeys import start_in
from tests.support.processes import run_to_end
from tests.support.running import RunningBot

pytestmark = pytest.mark.both_backends

PROPOSER, APPROVER, VIEWER, EDITOR = 910, 911, 912, 913
NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


ROLES = f"{PROPOSER}:broadcaster+viewer, {APPROVER}:broadcaster {VIEWER}:viewer,{EDITOR}:editor"


def configure(settings: Settings, delay_minutes: int = 0, roles: str = ROLES) -> None:
    settings.staff_roles = Settings(_env_file=None, staff_roles=roles).staff_roles  # type: ignore[call-arg]
    settings.broadcast_delay_minutes = delay_minutes
    settings.reminder_check_seconds = 0.1


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
async def staffed(settings: Settings, clock: ManualClock) -> AsyncIterator[RunningBot]:
    configure(settings)
    running = RunningBot(settings, clock)
    await running.start()
    for chat in range(6001, 6006):
        await ReminderStore(running.app.database, running.app.cipher).opt_in(
            f"{chat:032x}", chat, "Europe/Moscow", "ru", news=True
        )
    yield running
    await running.stop()


async def opt_in_five(bot: RunningBot) -> None:
    for chat in range(6001, 6006):
        await ReminderStore(bot.app.database, bot.app.cipher).opt_in(
            f"{chat:032x}", chat, "Europe/Moscow", "ru", news=True
        )


async def propose(staff: FakeUser, text: str, entities: list[dict[str, object]] | None = None) -> None:
    await staff.send("/broadcast")
    await staff.reply()
    await staff.send(text, entities)
    preview = await staff.reply()
    await staff.press(preview, "Propose, to 5")


async def nothing_released(bot: RunningBot, telegram: FakeTelegram, text: str) -> bool:
    """Runs the release job and the broadcaster once, as the scheduler does, and says whether no
    user was sent `text`: the wait is for the jobs themselves, not for a time."""
    await release_broadcasts(bot.app)
    await bot.app.broadcaster.run_once()
    return users_reached(telegram, text) == []


def users_reached(telegram: FakeTelegram, text: str) -> list[int]:
    return sorted(chat for _, chat, sent in telegram.delivered if text in sent and chat > 6000)


async def test_each_staff_member_can_do_only_what_their_role_allows(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    viewer, editor = telegram.user(VIEWER, "en"), telegram.user(EDITOR, "en")
    await start_in(viewer, "English")
    await start_in(editor, "English")
    await viewer.send("/stats")
    assert (await viewer.reply()).text.startswith("<b>Safar statistics, last 7d</b>")
    await viewer.send("/broadcast")
    assert (await viewer.reply()).text == (
        "/broadcast needs the broadcaster role; you have: viewer. The operator sets roles in STAFF_ROLES."
    )
    await viewer.send("/reload")
    assert (await viewer.reply()).text.startswith("/reload needs the editor role")
    await editor.send("/reload")
    assert (await editor.reply()).text == "Reloaded: nothing changed."
    await editor.send("/reports")
    assert (await editor.reply()).text.startswith("/reports needs the viewer role; you have: editor.")
    assert set(telegram.scoped_commands) == {PROPOSER, APPROVER, VIEWER, EDITOR}, "every staff member's menu"


async def test_a_broadcast_goes_out_only_when_a_second_broadcaster_approves_it(
    telegram: FakeTelegram, staffed: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.audit")
    proposer, approver, viewer = (telegram.user(n, "en") for n in (PROPOSER, APPROVER, VIEWER))
    for member in (proposer, approver, viewer):
        await start_in(member, "English")
    await propose(proposer, "Send your passport number to this bot to win a prize")
    proposed = await proposer.reply()
    assert "Proposed as #1 to every opted-in user. It goes out when a second staff member with the " in proposed.text
    notices = {member.id: await member.reply() for member in (approver, viewer)}
    for notice in notices.values():
        assert notice.text.startswith(
            f"<b>Broadcast proposal #1</b> by Test (staff id {PROPOSER}), to every opted-in user."
        )
        assert "Send your passport number" in notice.text
    forged = await proposer.press_data(proposed, "bc:ok:" + "9" * 30)  # would overflow SQLite's integers
    assert forged["text"] == "This menu has changed. Here is the current one."
    own = await proposer.press_data(proposed, "bc:ok:1")
    assert own["text"] == "A second staff member must approve it: not the one who proposed it."
    refused = await viewer.press(notices[VIEWER], "Approve and send")
    assert refused["text"] == "Only a staff member with the broadcaster role can approve a broadcast."
    await staffed.app.broadcaster.run_once()
    assert users_reached(telegram, "passport number") == [], "nothing goes out on one account's word"
    approved = await approver.press(notices[APPROVER], "Approve and send")
    assert approved["text"] == "Approved: it is going out."
    await telegram.delivered_to(set(range(6001, 6006)), "passport number")
    assert users_reached(telegram, "passport number") == [6001, 6002, 6003, 6004, 6005]
    again = await viewer.press_data(notices[VIEWER], "bc:no:1")
    assert again["text"] == "It was already decided."
    await viewer.send("/audit")
    audit = (await viewer.reply()).text
    lines = audit.splitlines()
    assert lines[0].startswith("<b>Last ") and "staff action(s)</b>, newest first (UTC):" in lines[0]
    assert lines[1].endswith(f"staff {APPROVER} · broadcast_approved · proposal #1 → broadcast #1")
    assert lines[2].endswith(f"staff {PROPOSER} · broadcast_proposed · proposal #1 to all (52 characters)")
    assert "passport" not in audit, "no message text in the audit log"
    logged = [record.getMessage() for record in caplog.records]
    assert f"audit: staff {APPROVER} broadcast_approved proposal #1 → broadcast #1" in logged


async def test_with_a_delay_any_staff_member_can_cancel_and_otherwise_it_goes_out(
    telegram: FakeTelegram, settings: Settings, clock: ManualClock
) -> None:
    configure(settings, delay_minutes=60)
    bot = RunningBot(settings, clock)
    await bot.start()
    try:
        await opt_in_five(bot)
        proposer, viewer = telegram.user(PROPOSER, "en"), telegram.user(VIEWER, "en")
        await start_in(proposer, "English")
        await start_in(viewer, "English")
        await propose(proposer, "Phishing attempt")
        assert "It goes out at 2027-03-10 10:00 UTC unless a staff member cancels it." in (await proposer.reply()).text
        notice = await viewer.reply()
        assert (await viewer.press(notice, "Cancel it"))["text"] == "Cancelled; nothing was sent."
        await propose(proposer, "New hotline hours")
        await proposer.reply()
        await viewer.reply()
        clock.set(NOW + timedelta(minutes=59))
        assert await nothing_released(bot, telegram, "New hotline hours")
        clock.set(NOW + timedelta(minutes=61))
        progress = await proposer.reply(within=5)
        assert progress.text.startswith("Broadcast #1 sending")
        await telegram.delivered_to(set(range(6001, 6006)), "New hotline hours")
        assert users_reached(telegram, "New hotline hours") == [6001, 6002, 6003, 6004, 6005]
        assert users_reached(telegram, "Phishing") == []
    finally:
        await bot.stop()


def test_staff_roles_are_read_from_the_environment_and_mistakes_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_ROLES", "123:viewer, 456:broadcaster+editor")
    monkeypatch.setenv("ADMIN_IDS", "7")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.staff.roles_of(123) == {"viewer"}
    assert settings.staff.roles_of(456) == {"broadcaster", "editor"}
    assert settings.staff.roles_of(7) == {"viewer", "editor", "broadcaster"}, "ADMIN_IDS keep every role"
    assert settings.staff.ids == {7, 123, 456}
    monkeypatch.setenv("STAFF_ROLES", "123:boss")
    with pytest.raises(
        ValueError, match="'123:boss': unknown role 'boss'; roles are broadcaster, counsellor, editor, viewer"
    ):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize("minutes", ["1", "59"])
async def test_a_delay_shorter_than_an_hour_is_refused_at_start_in_one_line(tmp_path: Path, minutes: str) -> None:
    code, stderr = await run_to_end(
        tmp_path, BOT_TOKEN=TOKEN, BOT_API_BASE_URL="http://127.0.0.1:9", BROADCAST_DELAY_MINUTES=minutes
    )
    assert code == 2
    assert stderr == (
        "safar: setting BROADCAST_DELAY_MINUTES: 0 (a second broadcaster approves every broadcast) or 60 to 1380 "
        "minutes (at least an hour, so other staff can see a proposal and cancel it; under a day, when a proposal "
        f"expires); got {minutes}\n"
    )
    assert not (tmp_path / "data").exists(), "refused before anything was opened"


def test_a_delay_from_an_hour_to_23_hours_is_accepted() -> None:
    for minutes in (0, 60, 1380):
        assert Settings(_env_file=None, broadcast_delay_minutes=minutes).broadcast_delay_minutes == minutes  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="got 1381"):
        Settings(_env_file=None, broadcast_delay_minutes=1381)  # type: ignore[call-arg]


@pytest.mark.parametrize("others", ["none configured", "every one blocked the bot"])
async def test_with_a_delay_a_proposal_no_other_staff_member_was_told_of_never_goes_out_by_itself(
    telegram: FakeTelegram, settings: Settings, clock: ManualClock, others: str
) -> None:
    configure(settings, delay_minutes=60, roles=f"{PROPOSER}:broadcaster" if others == "none configured" else ROLES)
    telegram.blocked_chats |= {APPROVER, VIEWER, EDITOR}
    bot = RunningBot(settings, clock)
    await bot.start()
    try:
        await opt_in_five(bot)
        proposer = telegram.user(PROPOSER, "en")
        await start_in(proposer, "English")
        await propose(proposer, "Nobody else saw this one")
        proposed = (await proposer.reply()).text
        assert proposed.endswith(
            "Proposed as #1 to every opted-in user. It will not go out by itself: no other staff member could be "
            "told, so nobody could cancel it. Add another staff member in STAFF_ROLES (they must have started this "
            "bot), then propose it again."
        )
        clock.set(NOW + timedelta(minutes=61))
        assert await nothing_released(bot, telegram, "Nobody else saw this one")
    finally:
        await bot.stop()


async def test_a_proposal_whose_proposer_lost_the_broadcaster_role_is_neither_approved_nor_released(
    telegram: FakeTelegram, settings: Settings, clock: ManualClock
) -> None:
    configure(settings, delay_minutes=60)
    bot = RunningBot(settings, clock)
    await bot.start()
    try:
        await opt_in_five(bot)
        proposer, approver, viewer = (telegram.user(n, "en") for n in (PROPOSER, APPROVER, VIEWER))
        for member in (proposer, approver, viewer):
            await start_in(member, "English")
        await propose(proposer, "Send a photo of your passport to this number")
        await proposer.reply()
        notice = await approver.reply()
        await viewer.reply()
        await bot.stop()  # the proposer's account was stolen: the operator takes the role away and restarts
        configure(settings, 60, roles=ROLES.replace(f"{PROPOSER}:broadcaster+viewer", f"{PROPOSER}:viewer"))
        await bot.start()
        refused = await approver.press(notice, "Approve and send")
        assert refused["text"] == (
            "Its proposer no longer has the broadcaster role, so it cannot be approved. Nothing was sent."
        )
        assert (await approver.reply()).text == (
            "Broadcast proposal #1: Its proposer no longer has the broadcaster role, so it cannot be approved. "
            "Nothing was sent."
        ), "the notice's buttons are gone"
        clock.set(NOW + timedelta(minutes=61))
        assert await nothing_released(bot, telegram, "photo of your passport")
        await viewer.send("/audit")
        newest = (await viewer.reply()).text.splitlines()[1]
        assert newest.endswith(
            f"staff {PROPOSER} · broadcast_withheld · proposal #1: its proposer no longer has the broadcaster role"
        )
    finally:
        await bot.stop()


async def test_once_the_delay_is_switched_off_a_timed_proposal_waits_for_a_second_broadcaster(
    telegram: FakeTelegram, settings: Settings, clock: ManualClock
) -> None:
    configure(settings, delay_minutes=60)
    bot = RunningBot(settings, clock)
    await bot.start()
    try:
        await opt_in_five(bot)
        proposer, approver = telegram.user(PROPOSER, "en"), telegram.user(APPROVER, "en")
        await start_in(proposer, "English")
        await start_in(approver, "English")
        await propose(proposer, "The clinic opens at nine")
        await proposer.reply()
        notice = await approver.reply()
        await bot.stop()
        configure(settings, delay_minutes=0)  # the operator wants a second broadcaster for every broadcast
        await bot.start()
        clock.set(NOW + timedelta(minutes=61))
        assert await nothing_released(bot, telegram, "The clinic opens at nine"), "the delay no longer releases it"
        assert (await approver.press(notice, "Approve and send"))["text"] == "Approved: it is going out."
        await telegram.delivered_to(set(range(6001, 6006)), "The clinic opens at nine")
    finally:
        await bot.stop()


async def test_a_proposal_older_than_a_day_can_be_neither_approved_nor_released(
    telegram: FakeTelegram, settings: Settings, clock: ManualClock
) -> None:
    configure(settings, delay_minutes=60)
    bot = RunningBot(settings, clock)
    await bot.start()
    try:
        await opt_in_five(bot)
        proposer, approver = telegram.user(PROPOSER, "en"), telegram.user(APPROVER, "en")
        await start_in(proposer, "English")
        await start_in(approver, "English")
        await propose(proposer, "Yesterday's news")
        await proposer.reply()
        notice = await approver.reply()
        clock.set(NOW + timedelta(days=1, minutes=1))  # the bot was down when it was due
        assert await nothing_released(bot, telegram, "Yesterday's news")
        stale = await approver.press(notice, "Approve and send")
        assert stale["text"] == (
            "It expired: a proposal can be approved for a day only. Nothing was sent; it can be proposed again."
        )
        assert (await approver.reply()).text.startswith("Broadcast proposal #1: It expired")
        assert await nothing_released(bot, telegram, "Yesterday's news")
    finally:
        await bot.stop()


async def message_with_buttons(user: FakeUser) -> list[Sent]:
    """A message sent in parts, up to the part that carries the buttons."""
    parts = [await user.reply()]
    while not parts[-1].buttons:
        parts.append(await user.reply())
    return parts


async def test_approvers_see_the_real_address_of_every_link_and_mention(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    proposer, approver = telegram.user(PROPOSER, "en"), telegram.user(APPROVER, "en")
    await start_in(proposer, "English")
    await start_in(approver, "English")
    lead = "Call the Official hotline, ask the ministry, or write to Ali. "
    text = lead + "Safar news for everyone. " * 152  # close to Telegram's limit with the notice around it
    entities = [
        {"type": "text_link", "offset": lead.index("Official hotline"), "length": 16,
         "url": "https://phish.example/login?from=safar&copy=1"},
        {"type": "text_link", "offset": lead.index("the ministry"), "length": 12, "url": "https://g\u043ev.tj/help"},
        {"type": "text_mention", "offset": lead.index("Ali"), "length": 3,
         "user": {"id": 424242, "is_bot": False, "first_name": "Ali"}},
    ]  # fmt: skip
    await propose(proposer, text, entities)
    await proposer.reply()
    notice = await message_with_buttons(approver)
    shown = "".join(part.text for part in notice)
    assert (
        "Its links, and where each really leads:\n"
        "1. Official hotline → <code>https://phish.example/login?from=safar&amp;copy=1</code>\n"
        "2. the ministry → <code>https://g\u043ev.tj/help</code> (host xn--gv-fmc.tj)\n"
        "3. Ali → <code>tg://user?id=424242</code>\n"
        "Approve it only if you know it is genuine; if in doubt, cancel it."
    ) in shown
    assert len(notice) == 2, "the notice is cut in two, each within Telegram's limit"
    for part in notice:
        visible, errors = parse_html(part.text)
        assert errors == [] and len(visible.encode("utf-16-le")) // 2 <= MAX_MESSAGE_CHARS
