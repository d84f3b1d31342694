"""What loading the content needed and the running bot does not keep: the parsed YAML trees and
the search index's word lists were megabytes of the bot's memory for as long as it ran
(scripts/README.md, the default setup's memory). What people type is not cached either: it must
not stay in memory after its update."""

import subprocess
import sys

PROBE = """
from bot.content.yaml_source import parsed_files_kept
from bot.services.content_holder import ContentSources
from bot.understanding import search, stemming

loaded = ContentSources().load()
found = len(loaded.search.find("забрали паспорт", "ru").nodes)
kept = [parsed_files_kept(), search._content_words.cache_info().currsize,
        stemming.content_word_keys.cache_info().currsize]
print(found, *kept)
"""


def test_loaded_content_keeps_no_parsed_yaml_and_no_word_lists_and_no_typed_words() -> None:
    # A process of its own: the test session shares one load of the content between tests.
    found, trees, texts, words = map(
        int, subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout.split()
    )
    assert found > 0, "the index still finds screens"
    assert trees == 0
    assert texts == 0
    assert words == 0, "no word's keys are cached after loading, not even those of the words just typed"
