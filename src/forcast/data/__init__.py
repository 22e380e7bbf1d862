"""Loading: users' files and the embedded data, checked and turned into demand series.

:func:`load_series` (period counts, :mod:`forcast.data.loading`) and :func:`load_calls` / :func:`count_calls`
(call-level exports, :mod:`forcast.data.call_exports`) are exported here, as they were by the old module
``forcast.data``. The embedded datasets are :mod:`forcast.data.datasets` (also ``forcast.datasets``).
"""

from __future__ import annotations

from .call_exports import count_calls, load_calls
from .loading import SUPPORTED_EXTENSIONS, load_series

__all__ = ["SUPPORTED_EXTENSIONS", "count_calls", "load_calls", "load_series"]
