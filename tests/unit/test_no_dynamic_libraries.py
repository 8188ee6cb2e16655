"""No page imports the whole of Radix Themes for components compiled in the browser, which the app has none of."""

from __future__ import annotations

from esim_app.plugins import without_lazy_loaders

ROOT = '''import * as utils_state from "$/utils/state";

if (typeof window !== "undefined") {
  window.__reflex = { ...window.__reflex,
    "$/utils/state": utils_state,
  };
  const loaders = {
    "@fontsource-variable/plus-jakarta-sans": () => import("@fontsource-variable/plus-jakarta-sans"),
    "@radix-ui/themes": () => import("@radix-ui/themes"),
  };
  let pending;
}
'''


def test_the_root_loads_no_library_on_demand_and_keeps_the_rest() -> None:
    root = without_lazy_loaders(ROOT)
    assert "import(" not in root
    assert "const loaders = {};\n  let pending;" in root
    assert root.replace("const loaders = {};", "") == ROOT[:ROOT.index("const loaders")] + ROOT[ROOT.index("\n  let pending"):]


def test_a_root_without_loaders_is_left_alone() -> None:
    eager = 'import * as radix_ui_themes from "@radix-ui/themes";\nwindow.__reflex = {};\n'
    assert without_lazy_loaders(eager) == eager
