"""Strings of the advert check (a forwarded, pasted or photographed job advert read for red flags)."""

from bot.i18n import N_

ADVERT_FLAGS_FOUND = N_("🚩 <b>Red flags in this advert: {count}</b>")
ADVERT_SERIOUS = N_(
    "Do not pay, send documents or travel until someone you trust has checked this offer. "
    "If you are already there and in danger, the hotlines help at once: /sos"
)
ADVERT_WARNINGS_ONLY = N_(
    "These are warning signs, not proof. Find out who the employer is and check them before you go."
)
ADVERT_NO_FLAGS = N_(
    "Safar found none of the red flags it knows in this advert. That does not make the offer safe. "
    "Before you go, ask:\n"
    "• the employer's full name and address, and the agency's licence;\n"
    "• a written contract in a language you read, signed before you leave;\n"
    "• whether you pay anything (an honest employer pays the fees);\n"
    "• where you will live, and whether you may leave it freely;\n"
    "• who keeps your passport (only you)."
)
ADVERT_NAMES = N_("Names in the advert, checked against the list of licensed agencies:")
ADVERT_MORE_FLAGS = N_("…and {count} more red flags.")
ADVERT_NO_WORDS = N_(
    "Safar could not read the words in this picture. Copy the advert's text and send it here, "
    "or forward the message itself."
)
ADVERT_NOT_AN_ADVERT = N_(
    "This picture does not look like a job advert, so Safar has not checked it for red flags. Safar reads "
    "photos and screenshots of job adverts and offers: send one, or copy the advert's text and send it here, "
    "or forward the message itself. Nothing of this picture is kept."
)
ADVERT_IDENTITY_DOCUMENT = N_(
    "This looks like a page of a passport or another identity document, not a job advert: Safar has not "
    "checked it and has kept nothing of it. Send a photo of your passport only to people and offices you "
    "trust, and always keep the original yourself."
)
ADVERT_NO_PICTURES = N_(
    "Safar cannot read pictures here. Copy the advert's text and send it here, or forward the message itself."
)
ADVERT_PICTURES_UNREAD = N_(
    "Safar could not read {unread} of the {pictures} pictures. If they show part of the advert, copy its "
    "text and send it here."
)
