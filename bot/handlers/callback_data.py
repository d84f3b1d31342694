"""Typed callback data for every button Safar sends. Content buttons carry short node refs,
so callback data stays far below Telegram's 64 bytes whatever the node ids are.

Every field has its type and bounds, so these classes are the parser: data a client forged or an
old message kept (a year 0, a 20-digit id, a superscript digit) fails to unpack, no handler sees
it, and the fallback router answers "this menu has changed".

Buttons of one menu share a prefix and differ in their first field (`rm:x:5`, `rm:day:12`): the
data stays what earlier versions sent, so menus already in users' chats keep working.
"""

from typing import Annotated, Final, Literal

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.common.callback_prefixes import CALLBACK_PREFIX_ANSWER, CALLBACK_PREFIX_GO
from bot.common.languages import LanguageCode
from bot.common.navigation import NavAction
from bot.content.curriculum import REF_LENGTH
from bot.content.models import PassportCountry, Tool
from bot.content.reminder_plans import DestinationCode
from bot.services.reminder_schedule import TIME_ZONES, WEEK_CHOICES

Audience = Literal["all", LanguageCode]
"""Who a broadcast goes to: every opted-in user, or those reading one language."""

MAX_ROW_ID: Final = 2**63 - 1
"""SQLite's largest INTEGER: a bigger id would overflow in the query instead of matching nothing."""
MAX_ANSWERS: Final = 100
"""Telegram shows at most 100 buttons under a message."""
MAX_REPORT_PAGE: Final = 99_999
"""Far more pages of /reports than reports could fill in their retention."""
MIN_CALENDAR_YEAR: Final = 2000
MAX_CALENDAR_YEAR: Final = 2199
"""The calendar's range: wide enough for any real departure or expiry, and a valid `date` everywhere."""

NodeRef = Annotated[str, Field(min_length=1, max_length=REF_LENGTH, pattern=r"^[A-Za-z0-9_-]+$")]
"""A node or answers ref: url-safe base64 of a hash (bot.content.curriculum.node_ref)."""
InterfaceKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,20}$")]
"""A key of bot.i18n.tools.PROBLEMS or COUNTRIES; the handler checks it is one of them."""
DayOfMonth = Annotated[int, Field(ge=1, le=31)]
DatePurpose = Literal["dep", "exp", "arr"]
"""What a date is picked for: the departure, a document's expiry, or the day of arrival."""


class OpenNode(CallbackData, prefix=CALLBACK_PREFIX_GO):
    ref: NodeRef


MAX_LEAD_SCREENS: Final = 2
MAX_FOUND_SCREENS: Final = 3
_REF = rf"[A-Za-z0-9_-]{{1,{REF_LENGTH}}}"
RefList = Annotated[
    str,
    Field(
        max_length=MAX_FOUND_SCREENS * (REF_LENGTH + 1), pattern=rf"^({_REF}(\.{_REF}){{0,{MAX_FOUND_SCREENS - 1}}})?$"
    ),
]
"""Up to three node refs joined by dots: the screens a typed message matched (the text is not kept)."""


MAX_LISTED_SCREENS: Final = MAX_LEAD_SCREENS + MAX_FOUND_SCREENS
ListedRefs = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_LISTED_SCREENS * (REF_LENGTH + 1),
        pattern=rf"^{_REF}(\.{_REF}){{0,{MAX_LISTED_SCREENS - 1}}}$",
    ),
]
"""The screens of one answer to a typed message (its situation's and those found), joined by dots."""


class FoundScreen(CallbackData, prefix="fo"):
    """A screen chosen from those a typed message found, with the list it was chosen from: "◀️ Back"
    returns to that list (the words typed are kept nowhere). At most 3 + 8 + 1 + 44 = 56 bytes."""

    ref: NodeRef
    listed: ListedRefs


class DangerAnswer(CallbackData, prefix="da"):
    """The answer to "Are you or someone close in danger now?": yes (hotlines) or no (the screens
    found), with the country and the screens, since the message itself is kept nowhere."""

    yes: Literal["y", "n"]
    country: Annotated[str, Field(max_length=2, pattern=r"^([A-Z]{2})?$")] = ""
    lead: RefList = ""
    found: RefList = ""


class AnswerCheck(CallbackData, prefix=CALLBACK_PREFIX_ANSWER):
    ref: NodeRef
    index: int = Field(ge=0, lt=MAX_ANSWERS)


class Navigate(CallbackData, prefix="n"):
    to: NavAction


class ChooseLanguage(CallbackData, prefix="l"):
    code: LanguageCode


class ConfirmForget(CallbackData, prefix="f"):
    confirmed: bool


class ClearChat(CallbackData, prefix="clr"):
    """Delete the bot's recent messages in this chat."""


class ChooseNews(CallbackData, prefix="nw"):
    """Yes or no to Safar's news broadcasts (a choice of its own, never implied by reminders)."""

    wanted: bool


class StartTool(CallbackData, prefix="t"):
    """A lesson button that opens a tool: the agency check or the offer report."""

    name: Tool


class ChoosePassport(CallbackData, prefix="pc"):
    """The answer to "which country's passport do you have?", or "change" to be asked again."""

    country: PassportCountry | Literal["change"]


class ReportChoice(CallbackData, prefix="r"):
    step: Literal["p", "c"]
    """'p' for the problem, 'c' for the country."""
    value: InterfaceKey


class SkipDetails(CallbackData, prefix="rs"):
    pass


class ReviewReports(CallbackData, prefix="rv"):
    """ "Reviewed" under a group in /reports: the group, the newest report it showed (later ones stay
    open), and the page to show again."""

    ref: str = Field(pattern=r"^[0-9a-f]{12}$")
    """bot.storage.stores.reports.group_ref: 6 bytes of a hash in hex."""
    up_to: int = Field(ge=1, le=MAX_ROW_ID)
    page: int = Field(default=0, ge=0, le=MAX_REPORT_PAGE)


class ReportsPage(CallbackData, prefix="rp"):
    """A page of /reports (ten agencies each)."""

    page: int = Field(ge=0, le=MAX_REPORT_PAGE)


class RemindMenu(CallbackData, prefix="rm"):
    """A reminders-menu button that opens a screen."""

    action: Literal["menu", "dep", "exp", "arr", "mon", "con", "tz"]
    value: Literal[""] = ""


class CancelReminder(CallbackData, prefix="rm"):
    action: Literal["x"] = "x"
    reminder_id: int = Field(ge=1, le=MAX_ROW_ID)


class SetTimeZone(CallbackData, prefix="rm"):
    action: Literal["zone"] = "zone"
    zone_index: int = Field(ge=0, lt=len(TIME_ZONES))


class SetMonthlyDay(CallbackData, prefix="rm"):
    action: Literal["day"] = "day"
    day: DayOfMonth


class ArrivedIn(CallbackData, prefix="rm"):
    action: Literal["arrived"] = "arrived"
    destination: DestinationCode


class DepartingTo(CallbackData, prefix="rm"):
    action: Literal["go"] = "go"
    destination: DestinationCode


class WeeksBeforeExpiry(CallbackData, prefix="rm"):
    action: Literal["weeks"] = "weeks"
    weeks: int = Field(ge=min(WEEK_CHOICES), le=max(WEEK_CHOICES))


class PickDate(CallbackData, prefix="cal"):
    """A calendar button: a day (day > 0) or a month to show (day = 0)."""

    purpose: DatePurpose
    year: int = Field(ge=MIN_CALENDAR_YEAR, le=MAX_CALENDAR_YEAR)
    month: int = Field(ge=1, le=12)
    day: int = Field(default=0, ge=0, le=31)


class ReminderButton(CallbackData, prefix="rmd"):
    """A button under a delivered reminder: open its lesson."""

    action: Literal["open"] = "open"
    ref: NodeRef


class ReminderPaid(CallbackData, prefix="rmd"):
    action: Literal["paid"] = "paid"
    ref: Literal[""] = ""


class ReminderLater(CallbackData, prefix="rmd"):
    """Remind me tomorrow; the day of the month of the payment, when the reminder had one."""

    action: Literal["later"] = "later"
    day: DayOfMonth | None = None


class RevealStep(CallbackData, prefix="rmd"):
    """ "Show" under a discreet reminder of a departure or arrival step: the step's short ref
    (bot.handlers.reminder_views.step_ref), so the data stays short whatever the ids are."""

    action: Literal["step"] = "step"
    ref: NodeRef


class RevealPayment(CallbackData, prefix="rmd"):
    """ "Show" under a discreet monthly payment reminder."""

    action: Literal["pay"] = "pay"
    ref: Literal[""] = ""


class RevealExpiry(CallbackData, prefix="rmd"):
    """ "Show" under a discreet document-expiry reminder: the expiry date as users read it."""

    action: Literal["doc"] = "doc"
    expiry: str = Field(pattern=r"^\d{2}\.\d{2}\.\d{4}$")


class RevealContract(CallbackData, prefix="rmd"):
    """ "Show" under a discreet contract-copy reminder: the day the copy is due, as users read it."""

    action: Literal["con"] = "con"
    deadline: str = Field(pattern=r"^\d{2}\.\d{2}\.\d{4}$")


class ReminderStyle(CallbackData, prefix="rm"):
    """Reminders in full (plain) or discreet: a setting in the reminders menu."""

    action: Literal["style"] = "style"
    plain: bool


class BroadcastAction(CallbackData, prefix="bc"):
    action: Literal["send", "lang"]
    audience: Audience


class BroadcastCancel(CallbackData, prefix="bc"):
    action: Literal["cancel"] = "cancel"
    value: Literal[""] = ""


class BroadcastStop(CallbackData, prefix="bc"):
    action: Literal["stop"] = "stop"
    broadcast_id: int = Field(ge=1, le=MAX_ROW_ID)


class CalledContact(CallbackData, prefix="cc"):
    """ "I called" under a screen with contacts: which one (index -1: ask which), then the answers."""

    ref: NodeRef
    index: int = Field(default=-1, ge=-1, le=49)


class ContactAnswer(CallbackData, prefix="ca"):
    ref: NodeRef
    index: int = Field(ge=0, le=49)
    outcome: Literal["answered", "no_answer", "wrong_number"]


class FlagScreen(CallbackData, prefix="fs"):
    """ "This is wrong or out of date": 'ask' shows the reasons, a reason counts the flag."""

    ref: NodeRef
    reason: Literal["ask", "number", "outdated", "other"]


class FeedbackBack(CallbackData, prefix="fx"):
    """Leave the feedback buttons: the screen's own keyboard comes back."""

    ref: NodeRef


class BroadcastDecision(CallbackData, prefix="bc"):
    """A staff member approves ("ok") or cancels ("no") a broadcast proposal."""

    action: Literal["ok", "no"]
    proposal_id: int = Field(ge=1, le=MAX_ROW_ID)


class DeskStep(CallbackData, prefix="dk"):
    """The counsellors' desk: offer a person, start after consent, not now, end the conversation;
    send or keep a shared contact or location. `message`: the person's voice note, picture or file
    that led to the offer, relayed once the case starts, or the contact or location to send (0: none).
    Only ever copied from the presser's own chat into their own case's topic."""

    step: Literal["offer", "start", "no", "end", "share", "keep"]
    message: int = Field(default=0, ge=0, le=2**31 - 1)


class ShowAnswers(CallbackData, prefix="dka"):
    """ "Show" under a discreet "💬 New answer": the presser's waiting answers of this case. The case
    number only picks among the presser's own rows, never anyone else's."""

    case: int = Field(ge=1, le=2**31 - 1)


class DeskHelped(CallbackData, prefix="dh"):
    """The person's answer to "Did this help?" after case `case` ended (a button of another case,
    or of one whose time has passed, counts nothing)."""

    case: int = Field(ge=1, le=MAX_ROW_ID)
    answer: Literal["yes", "partly", "no"]


class ListenTo(CallbackData, prefix="ls"):
    """ "🔊 Listen" under a screen: its recording in the presser's language, as a voice note."""

    ref: NodeRef


class ShowPicture(CallbackData, prefix="pic"):
    """ "🖼 What it looks like" under a screen: its specimen picture with a caption."""

    ref: NodeRef


class ShowText(CallbackData, prefix="tx"):
    """ "📄 Text" in listen mode: the screen's text in place of the short line above its voice note."""

    ref: NodeRef


class ChooseListenMode(CallbackData, prefix="lm"):
    """Listen mode on or off, from the first screen of a lesson recorded throughout (shown again in the new mode)."""

    ref: NodeRef
    listen: bool


CALLBACK_DATA_CLASSES: Final[tuple[type[CallbackData], ...]] = tuple(
    kind
    for kind in list(globals().values())
    if isinstance(kind, type) and issubclass(kind, CallbackData) and kind is not CallbackData
)
"""Every kind of button data Safar sends, in the order defined above: the odd-updates test forges
data from each. Derived, not listed, so a new class cannot be left out of it."""
