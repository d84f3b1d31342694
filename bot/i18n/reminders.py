"""Interface strings of reminders."""

from bot.i18n import N_

MENU = N_(
    "⏰ <b>Reminders</b>\n"
    "Safar can remind you of dates that keep you legal. To write to you first, it keeps this chat's "
    "number until you send /stop."
)
NOTHING_SCHEDULED = N_("Nothing is scheduled yet.")
SCHEDULED = N_("Scheduled:")
TIME_ZONE = N_("Times are in {zone}; nothing arrives between 21:00 and 08:00.")
DEPARTURE = N_("✈️ My departure date")
ARRIVED = N_("🛬 I have arrived")
MONTHLY = N_("💳 Monthly patent payment")
EXPIRY = N_("📄 A document expires")
CONTRACT = N_("📑 Contract copy after the patent")
CHANGE_ZONE = N_("🕘 Change time zone")
CANCEL = N_("✖ Cancel {number}")
PICK_DATE = N_("Choose the day below, or type the date, for example 25.03.2027.")
DEPARTURE_DATE = N_("✈️ When do you leave?")
EXPIRY_DATE = N_("📄 When does the document expire?")
BAD_DATE = N_("I could not read that date. Type it like 25.03.2027, or choose a day below.")
PAST_DATE = N_("That date has already passed. Choose a date in the future.")
TOO_FAR_DATE = N_("That date is too far ahead to be right. Check the year, or choose a day below.")
ARRIVAL_DATE = N_("🛬 On which day did you arrive? The deadlines are counted from it.")
TODAY = N_("Today, {date}")
FUTURE_ARRIVAL = N_("That day has not come yet. Choose the day you arrived: today or earlier.")
LONG_AGO_ARRIVAL = N_("That day is more than a year ago. Check the year, or choose the day you arrived below.")
LATE_STEPS = N_("Too close to remind you, or already passed. Check these now:")
WHERE_TO = N_("Where are you going?")
WHERE_ARRIVED = N_("Where have you arrived?")
PLANNED = N_("Done. I will remind you:")
NONE_AHEAD = N_("That date is too close: no step of the checklist is still ahead.")
NO_ARRIVAL_PLAN = N_(
    "Safar has no sourced arrival deadlines for {country} yet, so none were scheduled. "
    "You can still add a monthly payment or a document reminder."
)
PICK_DAY = N_(
    "💳 On which day of the month does your paid month end? It is counted from the date of issue on the "
    "back of the patent. (On a shorter month, the last day.)"
)
NO_PATENT_FOR_EAEU = N_(
    "Citizens of Kyrgyzstan work in Russia without a patent (Eurasian Economic Union rules), so there is "
    "no patent payment to remind you of. /country changes the country of your passport."
)
MONTHLY_SET = N_(
    "Done. Every month, {days} days before day {day}, at 10:00, I will remind you to pay: the Tula regional "
    "Interior Ministry office advises paying a few days early, and a late payment ends the patent."
)
WEEKS_BEFORE = N_("How long before should I remind you?")
WEEKS = N_("{weeks} week(s) before")
PICK_ZONE = N_("Choose your time zone:")
ZONE_SET = N_("Time zone: {zone}.")
CANCELLED = N_("Cancelled.")
ALL_REMINDERS = N_("⏰ All reminders")
STOPPED = N_("All reminders are cancelled and this chat's number is deleted. Safar will only answer you now.")
NOTHING_TO_STOP = N_("There was nothing to stop: Safar does not write to you first.")
OPEN_LESSON = N_("📖 Open the lesson")
PAID = N_("✅ Paid")
TOMORROW = N_("⏰ Remind me tomorrow")
NOTED_PAID = N_("Noted. I will remind you next month.")
NOTED_TOMORROW = N_("I will remind you tomorrow at 10:00.")
TOO_MANY = N_(
    "You already have {limit} reminders waiting, the most Safar keeps for one person. "
    "Cancel one in /reminders to add another."
)
PLAN_TOO_MANY = N_(
    "Nothing was changed: with this plan you would have more than {limit} reminders waiting, more than "
    "Safar keeps for one person. Cancel some in /reminders, then try again."
)
EXPIRES_ON = N_("document expiring on {date}")
MONTHLY_ITEM = N_("monthly payment (day {day})")
DISCREET_TITLE = N_("⏰ <b>Your reminder for {date}</b>")
DISCREET_HINT = N_("Tap “Show” to read it.")
SHOW = N_("👁 Show")
DISCREET_ON = N_(
    "🔒 Reminders arrive without details: a locked phone shows only their date. Tap “Show” under one to read it."
)
PLAIN_ON = N_("Reminders arrive in full: a locked phone shows what they are about.")
USE_PLAIN = N_("📝 Send reminders in full")
USE_DISCREET = N_("🔒 Hide reminder details")
PLAIN_SET = N_("Reminders will arrive in full.")
DISCREET_SET = N_("Reminders will arrive without details.")
GONE = N_("This reminder is no longer in Safar's plans.")
PATENT_ISSUED = N_(
    "📑 A copy of your labour contract must reach the Interior Ministry within 2 months of the patent's issue. "
    "On what date was your patent issued? Type it as on the patent, for example 05.11.2026."
)
BAD_PATENT_DATE = N_("I could not read that date. Type it like 05.11.2026.")
FUTURE_PATENT_DATE = N_("That date is still ahead. Type the day your patent was issued, for example 05.11.2026.")
CONTRACT_LATE = N_(
    "The 2 months ended on {deadline}, so nothing was scheduled. If the copy of your contract did not reach "
    "the Interior Ministry, the patent can be annulled."
)
CONTRACT_SET = N_(
    "Done. The copy of your contract must reach the Interior Ministry by {deadline}. "
    "I will remind you on {day} at 10:00."
)
CONTRACT_ITEM = N_("contract copy (by {deadline})")
