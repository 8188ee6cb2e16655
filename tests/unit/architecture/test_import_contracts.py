"""The import rules of ARCHITECTURE.md hold, and the contract that keeps them can fail.

`lint-imports` (import-linter) reads its contracts from `pyproject.toml`: the UI reaches each
domain only through the domain's public face, no business domain imports sandbox tooling, and
services and providers never import the UI.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import textwrap
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[3]
LINT = pathlib.Path(sys.executable).with_name("lint-imports")


def _lint(config: pathlib.Path, cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT), "--config", str(config), "--no-cache"], cwd=cwd, capture_output=True,
                          text=True, env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"}, check=False)


def _toy_project(tmp_path: pathlib.Path, ui_import: str) -> pathlib.Path:
    """A tree shaped like ours, whose UI module has the import `ui_import`, under the UI contract."""
    for package in ("esim_app", "services", "services/catalog", "providers"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "services/catalog/queries.py").write_text("def list_offers():\n    return []\n")
    (tmp_path / "services/catalog/__init__.py").write_text("from services.catalog import queries\n")
    (tmp_path / "esim_app/page.py").write_text(ui_import + "\n")
    ui_contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    config = tmp_path / "contracts.toml"
    config.write_text(textwrap.dedent(f"""\
        [tool.importlinter]
        root_packages = ["esim_app", "services", "providers"]

        [[tool.importlinter.contracts]]
        name = "{ui_contract['name']}"
        type = "forbidden"
        source_modules = {ui_contract['source_modules']!r}
        forbidden_modules = {[m for m in ui_contract['forbidden_modules'] if '.' in m or m == 'providers']!r}
        allow_indirect_imports = true
        """))
    return config


def test_the_project_keeps_every_import_contract():
    result = _lint(ROOT / "pyproject.toml", ROOT)
    print(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_ui_contract_breaks_when_a_page_imports_a_private_module(tmp_path):
    config = _toy_project(tmp_path, "from services.catalog import queries")
    result = _lint(config, tmp_path)
    assert result.returncode != 0
    assert "esim_app.page -> services.catalog.queries" in result.stdout


def test_the_ui_contract_allows_the_public_face(tmp_path):
    config = _toy_project(tmp_path, "from services import catalog")
    result = _lint(config, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
