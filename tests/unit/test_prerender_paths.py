"""The production build prerenders each country's and region's page and the shells of plan and checkout."""

from __future__ import annotations

import json
import re

from esim_app.plugins import with_prerendered_paths

REFLEX_CONFIG = ('export default {"basename": "/", "future": {"unstable_optimizeDeps": true}, "ssr": false, '
                 '"prerender": true, "build": "build"};')


def test_the_config_prerenders_the_static_routes_and_the_known_addresses_of_the_others() -> None:
    config = with_prerendered_paths(REFLEX_CONFIG)
    prerender = re.search(r'"prerender": \(\{getStaticPaths\}\) => \[\.\.\.getStaticPaths\(\), \.\.\.(\[.*?\])\]', config)
    assert prerender is not None, config
    paths = json.loads(prerender.group(1))
    assert {"/destinations/japan", "/destinations/united-states", "/regions/europe", "/plans/_shell",
            "/checkout/_shell"} <= set(paths)
    assert len([p for p in paths if p.startswith("/destinations/")]) > 240  # every country
    assert config.startswith('export default {"basename": "/"') and config.endswith('"build": "build"};')


def test_a_config_without_prerendering_is_left_alone() -> None:
    development = 'export default {"basename": "/", "ssr": false};'
    assert with_prerendered_paths(development) == development
