"""The layout engines, one module of this package each, behind one interface; their names are `config.ENGINES`.

An engine's module is named after it and defines:
- `pages(path, first=0, last=None)`: the pages first..last-1 (0-based) of the PDF at `path`, in order, as
  `RawPage` records of the drawn glyphs (`Char`: x from the glyph's origin and advance, top/bottom from
  the font's ascent and descent, size rounded to 0.01 pt, boldness by `layout/fonts.is_bold`, ligatures
  split, upright or not); on a damaged file it raises what its libraries raise;
- `damaged()`: the exception types of those libraries that mean damaged content.
Importing an engine's module loads none of its libraries but the ones every build loads (PDFium).
The packages each engine reads PDFs with are named in `LIBRARIES` below, not in its module, so that naming
them imports no engine (a build starts its forkserver, which preloads them, before it loads any).
Adding an engine: a module here, its name in `config.ENGINES` and its packages in `LIBRARIES`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # this module imports nothing of nhr: `nhr build` starts its forkserver through it, first thing
    from ...model.records import RawPage

# what each engine reads PDFs with, in `config.ENGINES` order (a unit test holds them equal): a build's worker
# preloads these and keeps their log records, and a plain exception raised inside them means damaged content,
# not a bug of nhr
LIBRARIES = {"pdfplumber": ("pdfplumber", "pdfminer"), "pdfium": ("pypdfium2",)}


class Pages(Protocol):
    """An engine's `pages` function."""

    def __call__(self, path: str, first: int = 0, last: int | None = None) -> Iterator[RawPage]: ...


def module_of(engine: str) -> str:
    """The module that holds `engine` (one of `config.ENGINES`)."""
    if engine not in LIBRARIES:
        raise ValueError(f"no engine {engine!r}: one of {', '.join(LIBRARIES)}")
    return f"{__name__}.{engine}"


def engine_pages(engine: str) -> Pages:
    """The `pages` function of `engine`, its module imported on first use."""
    pages: Pages = import_module(module_of(engine)).pages
    return pages


def libraries(engine: str | None = None) -> tuple[str, ...]:
    """The packages `engine` reads PDFs with, or those of every engine."""
    if engine:
        module_of(engine)  # an unknown engine is refused
    return tuple(lib for name in ([engine] if engine else LIBRARIES) for lib in LIBRARIES[name])


def damaged_errors() -> tuple[type[BaseException], ...]:
    """The exception types by which any engine's libraries say a PDF's content is damaged."""
    return tuple(e for name in LIBRARIES for e in import_module(module_of(name)).damaged())


PAGE_HOOKS: list[Callable[[RawPage], None]] = []


def on_every_page(hook: Callable[[RawPage], None]) -> None:
    """Hand `hook` every page any engine reads in this process (and in the page-range processes it forks),
    before the page is laid out; an exception it raises stops the reading. A hook added twice runs once."""
    if hook not in PAGE_HOOKS:
        PAGE_HOOKS.append(hook)


def raw_pages(path: str, engine: str, first: int = 0, last: int | None = None) -> Iterator[RawPage]:
    """Pages first..last-1 (0-based) of a PDF as `engine` delivers them, each shown to the page hooks first."""
    for page in engine_pages(engine)(path, first, last):
        for hook in PAGE_HOOKS:
            hook(page)
        yield page
