# The two commands: `make run` serves the app, `make test` runs every test layer.
# Both install what is missing first and skip what is already done.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
BUN_VERSION := 1.4.4
APP_PORT ?= 3000

export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(PATH)
export NPM_CONFIG_REGISTRY ?= https://registry.npmjs.org
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := 0
export REFLEX_USE_SYSTEM_BUN := 1
export PYTHONUNBUFFERED := 1
export APP_PORT

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test

run: $(VENV)/.installed $(TOOLS)/.bun-$(BUN_VERSION)
	$(BIN)/esim serve

test: $(VENV)/.installed-test $(TOOLS)/.bun-$(BUN_VERSION) /usr/bin/chromium
	$(BIN)/python -m tests.run

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

$(TOOLS)/.bun-$(BUN_VERSION):
	npm install --prefix $(TOOLS) --no-save --no-audit --no-fund bun@$(BUN_VERSION)
	@touch $@

/usr/bin/chromium:
	$(SUDO) apt-get update -q
	$(SUDO) apt-get install -y -q chromium fonts-noto-color-emoji
