"""Filing a report about a suspicious offer, as a person does it."""

from tests.support.fake_telegram import FakeUser


async def report(
    user: FakeUser, problem: str, country: str, agency: str, details: str | None, skip: str = "Send without details"
) -> str:
    await user.send("/report")
    await user.press(await user.reply(), problem)
    await user.press(await user.reply(), country)
    await user.reply()
    await user.send(agency)
    ask_details = await user.reply()
    if details is None:
        await user.press(ask_details, skip)
    else:
        await user.send(details)
    return (await user.reply()).text
