"""The `/chart` image: daily active users, lessons completed and check results, for a phone."""

import io

from matplotlib.figure import Figure

from bot.services.stats import SMALL_CELL


def daily_chart(series: dict[str, dict[str, int]], title: str) -> bytes:
    """A tall PNG with one panel per series; counts under 5 are drawn as 0 (suppressed).

    A bare Figure (drawn by Agg), not pyplot: pyplot's global figure list is not safe in the worker
    threads charts are drawn in, and a server has no display anyway.
    """
    figure = Figure(figsize=(6, 2.6 * len(series)), dpi=120)
    axes = figure.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
    for axis, (name, values) in zip(axes, series.items(), strict=True):
        days = list(values)
        counts = [count if count >= SMALL_CELL else 0 for count in values.values()]
        axis.bar(range(len(days)), counts, color="#2f6f9f")
        axis.set_title(name, fontsize=12, loc="left")
        axis.grid(axis="y", alpha=0.3)
        axis.set_xticks(range(len(days)))
        axis.set_xticklabels([day[5:] for day in days], rotation=90, fontsize=7)
    figure.suptitle(f"{title}\n(counts under {SMALL_CELL} are not shown)", fontsize=11)
    figure.tight_layout()
    output = io.BytesIO()
    figure.savefig(output, format="png")
    return output.getvalue()
