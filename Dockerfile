# The app's image: `esim serve` (web) and `esim jobs` (jobs) run from it; see compose.yaml.
# Not built on the machine this was written on (it reaches no image registry): kept minimal.
# Debian 13: Python 3.11 and Node 20 (npm fetches bun, which Reflex builds the front end with, as `make run`).
FROM python:3.11-slim-trixie

RUN apt-get update -q && apt-get install -y -q --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    REFLEX_TELEMETRY_ENABLED=false REFLEX_CHECK_LATEST_VERSION=0 REFLEX_USE_SYSTEM_BUN=1 \
    NPM_CONFIG_REGISTRY=https://registry.npmjs.org \
    PATH=/app/.tools/node_modules/.bin:$PATH

COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
RUN npm install --prefix .tools --no-save --no-audit --no-fund bun@1.4.4
# Fonts for PDF receipts (non-Latin names included); the versions are the Makefile's FONTS.
RUN npm install --prefix .tools/fonts --no-save --no-audit --no-fund \
    @expo-google-fonts/noto-sans@0.4.2 @expo-google-fonts/noto-sans-jp@0.4.3 \
    @expo-google-fonts/noto-sans-kr@0.4.3 @expo-google-fonts/noto-sans-arabic@0.4.3
COPY . .
RUN pip install --no-deps -e .

# The web process listens on every interface inside the container (publish the port behind a proxy).
ENV BIND_HOST=0.0.0.0 APP_PORT=3000
EXPOSE 3000
# `esim serve` migrates, then builds the front end on start (the first start fetches its packages);
# compose.yaml runs it with --workers and Redis, and `esim jobs` beside it.
CMD ["esim", "serve"]
