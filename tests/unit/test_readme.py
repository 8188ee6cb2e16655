"""The README's configuration table names every setting the app reads."""

import pathlib

from services.core.settings import Settings

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_documented_in_the_readme():
    table = "\n".join(line for line in README.read_text().splitlines() if line.startswith("| `"))
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in table
               and f"{name.upper()}`" not in table]
    assert missing == []
