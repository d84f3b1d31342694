"""Interface strings of the agency check and the offer report."""

from bot.i18n import N_

AGENCY_PROMPT = N_("🔎 <b>Check an agency</b>\nType the agency's name or its licence number.")
AGENCY_UNAVAILABLE = N_(
    "🔎 <b>Check an agency</b>\n"
    "The list of licensed agencies has not been loaded into Safar yet, so I cannot check an agency's name. "
    "The offer check and the red-flag check below help you judge an offer without it."
)
AGENCY_NO_LIST = N_("The list of licensed agencies has not been loaded into Safar yet, so I cannot check names.")
AGENCY_LICENSED = N_("✅ <b>{name}</b> is on the list of licensed agencies: licence № {licence}, valid until {until}.")
AGENCY_LICENSED_NO_END = N_("✅ <b>{name}</b> is on the list of licensed agencies: licence № {licence}.")
AGENCY_EXPIRED = N_(
    "⚠️ The licence of <b>{name}</b> (№ {licence}) ended on {until}. "
    "Ask to see a valid licence before you pay or sign anything."
)
AGENCY_SIMILAR = N_(
    "The name you typed is not exactly the same. Check that the name and licence number on their papers are "
    "exactly these: fraudsters copy the names of real agencies."
)
AGENCY_NOT_FOUND = N_(
    "I did not find “{typed}” in the list of licensed agencies. That alone does not mean the agency is bad: "
    "the name may be written differently, or the licence may be newer than the list."
)
AGENCY_HOW_TO_CONFIRM = N_(
    "<b>Before you pay or sign:</b> ask the agency for its licence number and confirm it with the Ministry of "
    "Labour, Migration and Employment of the Population of Tajikistan.\n"
    "Warning signs: they ask you to pay for the job; they want to keep your passport; there is no written "
    "contract in a language you read."
)
AGENCY_LIST_DATE = N_("List of licensed agencies as of {date}.")
AGENCY_AGAIN = N_("Type another name to check it, or choose below.")
AGENCY_TOO_LONG = N_("That is too long for a name. Type only the agency's name or licence number.")
REPORT_BUTTON = N_("📝 Report a suspicious offer")
ONLY_TEXT = N_("Please type it as text.")

REPORT_INTRO = N_(
    "📝 <b>Report a suspicious offer</b>\n"
    "Your report reaches staff without your name or Telegram account. What went wrong?"
)
REPORT_COUNTRY = N_("In which country is (or was) the job?")
REPORT_AGENCY = N_("Type the name of the agency or employer, as you know it.")
REPORT_DETAILS = N_(
    "Add details if you want: what happened, when, in which city.\n"
    "<b>Do not write names, phone numbers or passport data</b> — yours or anyone else's."
)
REPORT_SKIP = N_("Send without details")
REPORT_THANKS = N_(
    "Thank you. Your report was sent to staff without your name or account.\n"
    "If you are in danger, call 112 or open the hotlines."
)
REPORT_WAITING = N_(
    "Thank you. So that nobody can tell this report came from you, Safar stores it together with other "
    "people's reports, within a day; this message then shows ✅. If there is no ✅ after a day, please send "
    "the report again.\n"
    "If you are in danger, call 112 or open the hotlines."
)
"""Sent at once; edited into "✅ " + REPORT_THANKS when the report is stored (bot/handlers/reports.py)."""
REPORT_LIMIT = N_(
    "You have already sent {limit} reports today. Please send more tomorrow; if you are in danger now, call 112."
)
REPORT_TOO_LONG = N_("That is too long: please keep it under {limit} characters.")

PROBLEMS = {
    "fees": N_("💸 They want money for the job"),
    "passport": N_("🛂 They keep my passport"),
    "contract_differs": N_("📄 The job is not what was promised"),
    "no_contract": N_("📄 No written contract"),
    "unpaid": N_("💰 Wages not paid"),
    "threats": N_("⚠️ Threats or violence"),
    "other": N_("Something else"),
}
COUNTRIES = {
    "RU": N_("🇷🇺 Russia"),
    "KZ": N_("🇰🇿 Kazakhstan"),
    "TJ": N_("🇹🇯 Tajikistan"),
    "other": N_("Another country"),
}
