"""Run one simulator, or all of them, in the foreground.

python -m providers.sandbox --provider esim_go --port 9003
python -m providers.sandbox --scale 10            # all on free ports
"""

from __future__ import annotations

import argparse
import logging
import threading

from providers.sandbox.server import APP_FACTORIES, run_simulators, serve
from providers.specs import PROVIDER_IDS

logger = logging.getLogger("providers.sandbox")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m providers.sandbox", description=__doc__.splitlines()[0])
    parser.add_argument("--provider", choices=PROVIDER_IDS, help="one simulator (default: all)")
    parser.add_argument("--port", type=int, default=0, help="port for --provider (default: a free one)")
    parser.add_argument("--scale", type=int, default=1, help="catalogue size multiplier")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if args.provider:
            with serve(APP_FACTORIES[args.provider](scale=args.scale), port=args.port) as url:
                logger.info("%s simulator on %s", args.provider, url)
                threading.Event().wait()
        else:
            with run_simulators(scale=args.scale) as sandbox:
                for provider, url in sandbox.urls.items():
                    logger.info("%s simulator on %s", provider, url)
                threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
