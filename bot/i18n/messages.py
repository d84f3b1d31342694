"""Interface strings shown by more than one front end (the bot and the console)."""

from bot.i18n import N_

NAV_LABELS = {
    # Keyed by the dialogue's NavAction values, so the interface strings need not import the services.
    "back": N_("◀️ Back"),
    "home": N_("🏠 Menu"),
    "help": N_("🆘 Help"),
}
SEARCH_FOUND = N_("Lessons that may help:")
SEARCH_NOTHING_FOUND = N_(
    "I did not find a lesson for that. Try one or two words, such as “passport” or “contract”, or choose a topic:"
)
GREETING_REPLY = N_("Hello! 👋")
THANKS_REPLY = N_("You are welcome! 🙂 I am glad to help.")
NOT_COVERED = N_("Safar has no lesson on this, so I will not guess. Choose a topic:")
NOT_COVERED_ASK_PERSON = N_(
    "Safar has no lesson on this, so I will not guess. A person from our team can try to help: "
    "tap “💬 Talk to a person”. Or choose a topic:"
)
SLOW_DOWN = N_("You are sending messages very fast. Please wait a few seconds, then tap again: I will answer.")
NOT_DELIVERED = N_(
    "You sent a lot at once, and some of it did not reach me. Please wait a minute, then send again what is missing."
)
DANGER_QUESTION = N_("Are you or someone close to you in danger now?")
DANGER_YES = N_("Yes, we need help now")
DANGER_NO = N_("No, I have a question")
DANGER_FIRST = N_(
    "⚠️ What you wrote may mean you are in danger. It is not your fault, and help exists: call one of these "
    "numbers, or see below what to do."
)
