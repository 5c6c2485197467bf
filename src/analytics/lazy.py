"""A module imported on first use, for the few heavy libraries a command may not need.

``python -m analytics summary`` answers in a fraction of a second only if it does not load pandas (half a
second on its own), so the modules on its path name pandas through ``lazy.module("pandas")``: the name
works as the module does, and the import happens when an attribute is first read.
"""

from __future__ import annotations

import importlib
import threading
import types
from typing import Any


class _Lazy(types.ModuleType):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_lock"] = threading.Lock()
        self.__dict__["_real"] = None

    def _load(self) -> types.ModuleType:
        real = self.__dict__["_real"]
        if real is None:
            with self.__dict__["_lock"]:
                real = self.__dict__["_real"]
                if real is None:
                    real = importlib.import_module(self.__name__)
                    self.__dict__["_real"] = real
        return real

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._load(), attr)

    def __dir__(self) -> list[str]:
        return dir(self._load())


def module(name: str) -> Any:
    """``name``'s module, imported when first used (typed as Any: it stands for the module itself)."""
    return _Lazy(name)
