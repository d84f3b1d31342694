"""Interface strings of recordings, pictures and listen mode (issue 33)."""

from bot.i18n import N_

LISTEN = N_("🔊 Listen")
TEXT = N_("📄 Text")
PICTURE = N_("🖼 What it looks like")
LISTEN_FIRST = N_("🎧 Listen first")
READ_FIRST = N_("📄 Read first")
LISTEN_BELOW = N_("🔊 Listen to the voice note below. To read this screen instead, press “📄 Text”.")
"""What a screen shows in listen mode, above its voice note."""
LISTENING_ON = N_("Listen mode is on: where a screen has a recording, it comes first, the text when you ask.")
LISTENING_OFF = N_("Listen mode is off: screens come as text, with “🔊 Listen” where there is a recording.")
NOT_AVAILABLE = N_("This recording or picture is not available right now. The text says the same.")
WHAT_LISTENING_KEEPS = N_(
    "• If you press “🎧 Listen first” in a recorded lesson (screens then come as voice messages first, the text "
    "when you ask): that choice is kept with your language and erased by /forget."
)
"""The /privacy line for the listen-mode setting, said where a lesson offers it or the person chose it."""
