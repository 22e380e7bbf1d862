"""The demand chapter of a Force Management Statement: build it with :func:`build_chapter`, write it with
:meth:`Chapter.write` (Markdown, self-contained HTML and Word, plus every table as CSV and every figure as PNG).

>>> from forcast.fms import build_chapter
>>> chapter = build_chapter("Lancashire", until="2022/23")     # doctest: +SKIP
>>> chapter.write("out/fms")                                    # doctest: +SKIP

The document model (:class:`Chapter`, :class:`Section`, :class:`Paragraph`, :class:`BulletList`, :class:`Table`,
:class:`Figure`) can also be used to assemble chapters by hand.
"""

from .chapter import REPORTED_FIGURES, ReportedFigures, build_chapter
from .document import BulletList, Chapter, Figure, Paragraph, Section, Table

__all__ = [
    "REPORTED_FIGURES",
    "BulletList",
    "Chapter",
    "Figure",
    "Paragraph",
    "ReportedFigures",
    "Section",
    "Table",
    "build_chapter",
]
