"""Build the API reference of the `evaluation` package from its numpydoc docstrings, with pdoc.

    python docs/build.py [OUTPUT_DIR]        # default docs/_build; what `make docs` runs

Every public module of the package gets a page (modules whose name has a part starting with
``_`` are private and left out); ``index.html`` opens the package's own page, whose docstring is
the landing page. Any warning during the build is an error: pdoc's own (a module that fails to
import, an annotation it cannot parse, ...), any other warning raised while the package is
imported or rendered (except a dependency's deprecation warnings about itself), a
cross-reference in a docstring (``:func:`name```, ``:mod:`...```, ``:class:`...``` and the other
roles, or a dotted ``evaluation.…`` name) that names nothing that exists, and a dotted
``evaluation.…`` name that has no entry to link to. All of them are printed with the file and
line of the docstring, then the build exits with status 1 and writes nothing, keeping the
previous build. Nothing is fetched from the network.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import pkgutil
import re
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

PACKAGE = "evaluation"
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "docs" / "_build"
TEMPLATES = ROOT / "docs" / "templates"

#: A Sphinx-style cross-reference role (``:func:`~pkg.name```), as pdoc reads them.
ROLE = re.compile(r":(?:py:)?(mod|func|class|meth|attr|data|exc|obj|const):`~?([^`<>\s]+)`")
#: A dotted name in the package, written out anywhere in a docstring.
DOTTED = re.compile(rf"(?<![\w/.:-]){PACKAGE}(?:\.[A-Za-z_]\w*)+")
#: A rendered docstring, and in it a name of the package that pdoc could not link to its entry.
DOCSTRING = re.compile(r'<div class="docstring">(.*?)</div>', re.S)
UNLINKED = re.compile(rf"<code>~?({PACKAGE}(?:\.\w+)+)(?:\(\))?</code>")
#: A reference written ``:role:`~pkg.mod.name```: Sphinx shows only its last part; pdoc keeps
#: the ``~`` and the whole name (linked or not), which is put right after rendering.
TILDE_LINKED = re.compile(r'<code>~(<a href="[^"]*">)(?:[\w.]*\.)?(\w+(?:\(\))?</a></code>)')
TILDE_PLAIN = re.compile(r"<code>~(?:[\w.]*\.)?(\w+(?:\(\))?</code>)")


class DocsWarning(UserWarning):
    """Something in the docstrings the API reference cannot render as written."""


def public_modules() -> list[str]:
    """The package and every public module beneath it, sorted."""

    def failed(name: str) -> None:
        warnings.warn(f"cannot import {name}: {sys.exc_info()[1]!r}", DocsWarning, stacklevel=1)

    package = importlib.import_module(PACKAGE)
    names = [m.name for m in pkgutil.walk_packages(package.__path__, f"{PACKAGE}.", onerror=failed)]
    return [PACKAGE, *sorted(n for n in names if not any(p.startswith("_") for p in n.split(".")))]


def _annotated(cls: type, name: str) -> bool:
    """Whether ``name`` is a field of ``cls`` declared by annotation only (a dataclass field)."""
    return any(name in vars(c).get("__annotations__", {}) for c in cls.__mro__)


def _lookup(namespace: object, dotted: str) -> bool:
    obj = namespace
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        if inspect.isclass(obj) and not hasattr(obj, part) and _annotated(obj, part):
            return i == len(parts) - 1
        if isinstance(obj, dict):
            if part not in obj:
                return False
            obj = obj[part]
            continue
        try:
            obj = getattr(obj, part)
        except AttributeError:
            if not inspect.ismodule(obj):
                return False
            try:  # a submodule not imported by its package
                obj = importlib.import_module(f"{obj.__name__}.{part}")
            except ImportError:
                return False
    return True


def _absolute(dotted: str) -> bool:
    """Whether ``pkg.mod.name`` is an importable module or an attribute of one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        return _lookup(module, ".".join(parts[cut:])) if cut < len(parts) else True
    return False


def resolves(target: str, module, owners: list[object]) -> bool:
    """Whether a reference written in ``module`` (inside ``owners``, innermost last) names something.

    Tried in turn: the enclosing classes, the module's namespace, its package (a sibling or child
    module), the builtins, and the name as an absolute dotted path.
    """
    target = target.removesuffix("()")
    head = target.split(".")[0]
    for owner in reversed(owners):
        if (hasattr(owner, head) or _annotated(owner, head)) and _lookup(owner, target):
            return True
    if head in vars(module) and _lookup(vars(module), target):
        return True
    package = module.__name__ if hasattr(module, "__path__") else module.__name__.rpartition(".")[0]
    if _absolute(f"{package}.{target}"):
        return True
    if head in vars(builtins) and _lookup(vars(builtins), target):
        return True
    return _absolute(target)


def _unresolved(doc, owners: list[object]) -> list[tuple[str, str]]:
    """The references in ``doc``'s docstring that name nothing, as (written, target) pairs."""
    text = doc.docstring or ""
    module = sys.modules[doc.taken_from[0]] if doc.taken_from[0] in sys.modules else None
    if module is None:
        module = importlib.import_module(doc.modulename)
    refs = [(f":{role}:`{target}`", target) for role, target in ROLE.findall(text)]
    refs += [(f"`{name}`", name) for name in DOTTED.findall(ROLE.sub("", text))]
    return [(shown, target) for shown, target in refs if not resolves(target, module, owners)]


def _warn(message: str, doc, needle: str = "") -> None:
    """A :class:`DocsWarning` pointing at the source of ``doc``: its first line, or the first
    line that contains ``needle``."""
    source = doc.source_file or Path(sys.modules[doc.modulename].__file__)
    try:
        source = source.resolve().relative_to(ROOT)
    except ValueError:
        pass
    line = max(1, doc.source_lines[0]) if doc.source_lines else 1
    if needle:
        line += next((i for i, text in enumerate(doc.source.splitlines()) if needle in text), 0)
    warnings.warn_explicit(f"{doc.fullname}: {message}", DocsWarning, str(source), line)


def check_references(modules: dict) -> set[str]:
    """Warn once for every docstring cross-reference that names nothing that exists.

    Returns the targets warned about.
    """
    import pdoc.doc

    seen: set[tuple[str, str]] = set()
    targets: set[str] = set()

    def visit(doc, owners: list[object]) -> None:
        if isinstance(doc, pdoc.doc.Class):
            owners = [*owners, doc.obj]
        for shown, target in _unresolved(doc, owners):
            if (doc.fullname, shown) not in seen:
                seen.add((doc.fullname, shown))
                targets.add(target)
                _warn(f"the reference {shown} names nothing that exists", doc, needle=target)
        if isinstance(doc, pdoc.doc.Class):
            for member in doc.own_members:
                visit(member, owners)

    for module in modules.values():
        visit(module, [])
        for member in module.own_members:
            if member.taken_from[0] == module.modulename or member.taken_from[0] not in modules:
                visit(member, [])
    return targets


def _drop_foreign_docstrings(namespace) -> None:
    """Show no docstring for a class of the package that has none of its own.

    Python gives such a class its nearest base's docstring: for a pydantic model, pydantic's
    ``BaseModel`` documentation, with links into pydantic's own site that do not exist here.
    """
    import pdoc.doc

    for member in namespace.own_members:
        if isinstance(member, pdoc.doc.Class) and member.modulename.split(".")[0] == PACKAGE:
            source = next((c for c in member.obj.__mro__ if vars(c).get("__doc__")), None)
            if source is not None and source.__module__.split(".")[0] != PACKAGE:
                member.__dict__["docstring"] = ""
            _drop_foreign_docstrings(member)


def render(output: Path) -> None:
    """Write the reference for every public module into ``output`` (an empty folder)."""
    import pdoc.doc
    import pdoc.render

    from evaluation.core.version import __version__

    pdoc.render.configure(docformat="numpy", footer_text=f"{PACKAGE} {__version__}",
                          search=True, show_source=True, template_directory=TEMPLATES)
    names = public_modules()
    # The package exports its API lazily (module __getattr__); pdoc documents the names of
    # __all__ it finds in the module's namespace, so load them first.
    package = sys.modules[PACKAGE]
    for name in getattr(package, "__all__", []):
        getattr(package, name)
    modules = {name: pdoc.doc.Module.from_name(name) for name in names}
    for name, module in modules.items():
        # pdoc lists as submodules only those in a package's __all__; the reference lists every
        # public module it documents, so that every page can be reached from the landing page.
        children = [modules[n] for n in names if n.rpartition(".")[0] == name]
        module.__dict__["submodules"] = children
    for module in modules.values():
        _drop_foreign_docstrings(module)
    missing = check_references(modules)
    for module in modules.values():
        html = pdoc.render.html_module(module, modules)
        for docstring in DOCSTRING.findall(html):
            for name in sorted(set(UNLINKED.findall(docstring)) - missing):
                _warn(f"`{name}` has no entry in the API reference (a name that is only imported "
                      "there is documented where it is defined)", module, needle=name)
        html = TILDE_PLAIN.sub(r"<code>\1", TILDE_LINKED.sub(r"<code>\1\2", html))
        page = output / f"{module.fullname.replace('.', '/')}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(html, encoding="utf-8")
    (output / "index.html").write_text(pdoc.render.html_index(modules), encoding="utf-8")
    (output / "search.js").write_text(pdoc.render.search_index(modules), encoding="utf-8")


def _counts(caught: warnings.WarningMessage) -> bool:
    """Whether a warning fails the build: all do, except the deprecation warnings that a
    dependency raises about itself (hidden by Python's default filters too), which a new release
    of it may add at any time and which say nothing about the package's documentation."""
    if not issubclass(caught.category, DeprecationWarning | PendingDeprecationWarning):
        return True
    return Path(caught.filename).resolve().is_relative_to(ROOT / PACKAGE)


def _is_previous_build(output: Path) -> bool:
    return output.is_dir() and (not any(output.iterdir()) or (
        (output / "index.html").is_file() and (output / f"{PACKAGE}.html").is_file()))


def build(output: Path) -> list[warnings.WarningMessage]:
    """Build into ``output``, replacing a previous build; return the warnings (none: success).

    The pages are written to a scratch folder first and copied into place only when there was
    no warning. A folder that is not a previous build is never replaced.
    """
    output = output.resolve()
    if output.exists() and not _is_previous_build(output):
        raise SystemExit(f"docs: {output} exists and is not a previous build of the reference; "
                         "give another folder")
    with tempfile.TemporaryDirectory(prefix="evaluation-docs-") as scratch:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            render(Path(scratch))
        caught = [w for w in caught if _counts(w)]
        if caught:
            return caught
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(scratch, output)
    return []


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    output = Path(args[0]) if args else DEFAULT_OUTPUT
    caught = build(output)
    for w in caught:
        print(f"warning: {w.category.__name__}: {w.message} ({w.filename}:{w.lineno})", file=sys.stderr)
    if caught:
        print(f"docs: {len(caught)} warning(s), treated as errors; nothing was written", file=sys.stderr)
        return 1
    print(f"docs: API reference written to {output}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
