# The two commands: `make run` serves the app, `make test` runs every test layer.
# Both install what is missing first and skip what is already done.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
BUN_VERSION := 1.4.4
AXE_VERSION := 4.14.1
LIGHTHOUSE_VERSION := 12.2.3
# Noto Sans (Latin, Greek, Cyrillic) and Noto Sans JP (kana, kanji) TTFs for PDF receipts (services/orders/receipt_pdf.py)
FONTS := @expo-google-fonts/noto-sans@0.4.2 @expo-google-fonts/noto-sans-jp@0.4.3 \
	@expo-google-fonts/noto-sans-kr@0.4.3 @expo-google-fonts/noto-sans-arabic@0.4.3
FONTS_STAMP := $(TOOLS)/.fonts-noto-0.4.2-0.4.3-kr-0.4.3-arabic-0.4.3
APP_PORT ?= 3000

export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(PATH)
export NPM_CONFIG_REGISTRY ?= https://registry.npmjs.org
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := 0
export REFLEX_USE_SYSTEM_BUN := 1
export PYTHONUNBUFFERED := 1
export APP_PORT

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lock lighthouse translations

run: $(VENV)/.installed $(TOOLS)/.bun-$(BUN_VERSION) $(FONTS_STAMP)
	$(BIN)/esim serve

test: $(VENV)/.installed-test $(TOOLS)/.bun-$(BUN_VERSION) $(TOOLS)/.axe-core-$(AXE_VERSION) $(FONTS_STAMP) /usr/bin/chromium
	$(BIN)/python -m tests.run

# Every package, direct or not, comes from a hash-checked lock; the project itself adds none.
$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
	@touch $@

# Re-resolve both locks after changing pyproject.toml's dependencies (needs the registry).
lock: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet uv==0.13.9
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
		--index-url https://pypi.org/simple -o requirements.lock -q --custom-compile-command "make lock"
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 \
		--index-url https://pypi.org/simple -o requirements-test.lock -q --custom-compile-command "make lock"

# Extract the messages to translate (babel.cfg) into locales/messages.pot and merge them into every
# locales/<lang>/LC_MESSAGES/messages.po; `make translations NEW=pt` first starts a Portuguese catalogue.
translations: $(VENV)/.installed
	$(if $(NEW),$(BIN)/python -c "from services.core.catalogues import init; print(init('$(NEW)'))")
	$(BIN)/python -m services.core.catalogues

$(TOOLS)/.bun-$(BUN_VERSION):
	npm install --prefix $(TOOLS) --no-save --no-audit --no-fund bun@$(BUN_VERSION)
	@touch $@

# axe-core, the accessibility rules the e2e layer injects into each page (tests/e2e/test_accessibility.py).
# A prefix of its own: `npm install --no-save` into $(TOOLS) would prune bun, which no package.json lists.
$(TOOLS)/.axe-core-$(AXE_VERSION):
	npm install --prefix $(TOOLS)/axe --no-save --no-audit --no-fund axe-core@$(AXE_VERSION)
	@touch $@

# The receipt fonts, from the npm registry like axe, in a prefix of their own.
$(FONTS_STAMP):
	npm install --prefix $(TOOLS)/fonts --no-save --no-audit --no-fund $(FONTS)
	@touch $@

/usr/bin/chromium:
	$(SUDO) apt-get update -q
	$(SUDO) apt-get install -y -q chromium fonts-noto-color-emoji

# Lighthouse's mobile scores of the storefront's pages on the production build (bench/lighthouse.py).
lighthouse: $(VENV)/.installed-test $(TOOLS)/.bun-$(BUN_VERSION) $(TOOLS)/.lighthouse-$(LIGHTHOUSE_VERSION) /usr/bin/chromium
	$(BIN)/python -m bench.lighthouse

$(TOOLS)/.lighthouse-$(LIGHTHOUSE_VERSION):
	npm install --prefix $(TOOLS)/lighthouse --no-save --no-audit --no-fund -E lighthouse@$(LIGHTHOUSE_VERSION)
	@touch $@
