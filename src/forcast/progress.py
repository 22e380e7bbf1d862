"""Progress bars on long work, shown only when asked (``progress=True``) or by the command line: tqdm, driven by
the library's callbacks so library code never prints."""

from __future__ import annotations

__all__ = ["ModelProgress"]


class ModelProgress:
    """A tqdm bar driven as ``bar(done, total, what)`` (the callback of :func:`fit_models`); one step is left for
    simulating the paths, taken by :meth:`finish`."""

    def __init__(self, desc: str) -> None:
        from tqdm.auto import tqdm

        self._tqdm = tqdm
        self.desc = desc
        self.bar = None

    def __call__(self, done: int, total: int, what: str) -> None:
        if self.bar is None:
            self.bar = self._tqdm(total=total + 1, desc=self.desc, unit="model")
        self.bar.set_postfix_str(what, refresh=False)
        self.bar.update(done - self.bar.n)
        if done == total:
            self.bar.set_postfix_str("simulating paths")

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.update(self.bar.total - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
