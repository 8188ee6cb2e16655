"""The README names every setting the app reads, and only test hooks the app has."""

import pathlib
import re

from services.core.settings import Settings

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"
APP = README.parent / "esim_app"


def test_every_setting_is_documented_in_the_readme():
    table = "\n".join(line for line in README.read_text().splitlines() if line.startswith("| `"))
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in table
               and f"{name.upper()}`" not in table]
    assert missing == []


def test_the_hooks_documented_beyond_the_site_map_are_the_apps():
    text = README.read_text()
    section = text.split("## Pages beyond the site map", 1)[1].split("\n## ", 1)[0]
    hooks = set(re.findall(r"`([a-z][a-z0-9]*(?:-[a-z0-9]+)+)`", section))
    source = "\n".join(path.read_text() for path in APP.rglob("*.py"))
    # settings fields are hooked as `setting-<field name>` (esim_app/pages/admin/settings.py)
    missing = sorted(h for h in hooks if f'"{h}"' not in source
                     and not (h.startswith("setting-") and f'"{h.removeprefix("setting-").replace("-", "_")}"' in source))
    assert len(hooks) > 40 and missing == []
