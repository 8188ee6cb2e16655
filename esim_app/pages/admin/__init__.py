"""The admin portal's pages; importing this package registers every module in it (they use the page decorators)."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
