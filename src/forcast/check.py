"""The old import path of :mod:`forcast.checking`: ``from forcast.check import check, CheckResult`` still works.

``forcast.check`` (the attribute of the package) is the function :func:`forcast.checking.check`, not this module:
``forcast/__init__.py`` imports this module first and then binds the function over it, so a later
``import forcast.check`` finds the module already loaded and leaves the function in place. The function also
carries these names as attributes (``forcast.check.CheckResult``), as the old callable module did. New code imports
from :mod:`forcast.checking`.
"""

from __future__ import annotations

from .checking import CheckResult, check

__all__ = ["check", "CheckResult"]

for _name in __all__:  # forcast.check.CheckResult on the function, as on the old callable module
    setattr(check, _name, globals()[_name])
del _name
