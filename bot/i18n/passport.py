"""Interface strings of the passport-country question and the "your country" screen."""

from bot.i18n import N_

QUESTION = N_(
    "🪪 <b>Which country's passport do you have?</b>\n"
    "Your embassy and the offices that help you depend on it. Safar keeps only this answer, "
    "with your language; /forget erases it."
)
COUNTRY_NAMES = {
    "TJ": N_("🇹🇯 Tajikistan"),
    "UZ": N_("🇺🇿 Uzbekistan"),
    "KG": N_("🇰🇬 Kyrgyzstan"),
    "other": N_("🌍 Another country"),
}
"""The answers, in the order the question offers them."""
HEADER = N_("🪪 <b>Your passport: {country}</b>")
TJ_INTRO = N_(
    "If your passport is lost or taken, Tajikistan's embassy or a consulate issues a certificate of return. "
    "The Ministry of Labour's representatives are not a consulate, but can tell you where to go."
)
UZ_INTRO = N_(
    "For citizens of Uzbekistan: Uzbekistan's embassy in Moscow and the office of Uzbekistan's Migration "
    "Agency in Russia. We have not found the embassy's phone number in a source we could check: take it "
    "from the embassy's own site, and do not trust numbers from unknown sites."
)
KG_NOT_FOUND = N_(
    "We have not found a phone number of Kyrgyzstan's embassy or of its Ministry of Labour's office in Moscow "
    "from an official source: do not trust numbers from unknown sites."
)
OTHER_INTRO = N_(
    "Safar has no contacts of your country's embassy. Look for them on the official site of your country's "
    "Ministry of Foreign Affairs. In danger, call the emergency number of the country you are in: /sos lists them."
)
CHANGE = N_("✏️ Change the country")
CHOSEN = N_("Saved: {country}")
