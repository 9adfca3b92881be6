"""The package's layers: data flow one way, no import circles, only the I/O module touches disk.

Layers, lowest first (README, "Architecture"): ``core`` < ``stats`` < ``data`` < ``reports`` <
``viz`` < ``publish`` < the front door and the command line (``evaluation.api``,
``evaluation.cli``). A module may import its own layer and the layers below, never above; a
statistics topic (``stats/<topic>``) never imports another topic. Every import counts, also one
inside a function, so a circle cannot hide behind a deferred import.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "evaluation"
LAYERS = {"core": 0, "stats": 1, "data": 2, "reports": 3, "viz": 4, "publish": 5}
TOP = 6  # evaluation.api, evaluation.cli, evaluation.__main__
#: Calls that read or write files; outside ``evaluation.core.io`` none may appear.
DISK_ATTRIBUTES = {"write_text", "write_bytes", "read_text", "read_bytes", "mkdir", "to_csv", "to_parquet",
                   "to_excel", "unlink", "rmdir", "rename", "replace", "touch"}
DISK_FUNCTIONS = {"open", "read_csv", "read_parquet", "read_excel", "rmtree", "copy", "copy2", "copytree",
                  "copyfile", "remove", "mkdtemp", "mkstemp", "makedirs"}
#: Modules allowed to touch disk, and why.
DISK_EXEMPT = {
    "evaluation.core.io": "the I/O module",
    "evaluation.core.raw_files": "the I/O layer's raw input files",
    "evaluation.core.processed_files": "the I/O layer's processed tables",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer(module: str) -> int | None:
    """The layer of a module of the package (None for the package itself, ``evaluation``)."""
    parts = module.split(".")
    if parts == ["evaluation"]:
        return None
    return LAYERS.get(parts[1], TOP)


def topic(module: str) -> str | None:
    """``evaluation.stats.outcomes.paired`` → ``outcomes``; None outside ``stats``."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "stats" else None


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module of the package that ``source`` imports, anywhere in the file."""
    found = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "evaluation"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "evaluation":
                continue
            found.add(target)
            # `from evaluation.stats import outcomes` imports the module evaluation.stats.outcomes
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                if (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").is_file() or \
                        (PACKAGE.parent / Path(*candidate.split(".")) / "__init__.py").is_file():
                    found.add(candidate)
    return found


def graph() -> dict[str, set[str]]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        out[name] = imports_of(path.read_text(), name, path.name == "__init__.py")
    return out


def layer_violations(edges: dict[str, set[str]]) -> list[str]:
    problems = []
    for module, targets in edges.items():
        mine = layer(module)
        for target in sorted(targets):
            theirs = layer(target)
            if target == "evaluation":
                if module != "evaluation" and mine != TOP:
                    problems.append(f"{module} imports the front door `evaluation` (layer {mine}); "
                                    "import the module that defines the name instead")
                continue
            if mine is not None and theirs is not None and theirs > mine:
                problems.append(f"{module} (layer {mine}) imports {target} (layer {theirs}), a higher layer")
            if topic(module) and topic(target) and topic(module) != topic(target):
                problems.append(f"{module} imports {target}: statistics topics do not import each other")
    return problems


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Import circles among the package's modules (each reported once, from its smallest member)."""
    found, seen = [], set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt not in edges or nxt == "evaluation":
                continue
            if nxt in path:
                loop = path[path.index(nxt):]
                key = frozenset(loop)
                if key not in seen:
                    seen.add(key)
                    found.append([*loop, nxt])
            elif len(path) < 40:
                visit(nxt, [*path, nxt])

    for start in sorted(edges):
        visit(start, [start])
    return found


def test_the_layers_exist_as_sub_packages():
    for name in LAYERS:
        assert (PACKAGE / name / "__init__.py").is_file(), name
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py", "__main__.py", "cli.py"], flat
    assert (PACKAGE / "api" / "__init__.py").is_file()


def test_no_lower_layer_imports_a_higher_one():
    assert layer_violations(graph()) == []


def test_there_is_no_import_circle():
    assert cycles(graph()) == []


def test_the_rules_catch_a_violation():
    """The checker itself: a lower layer importing a higher one, a topic importing another, a circle."""
    edges = {
        "evaluation.stats.outcomes.paired": imports_of(
            "from evaluation.reports import outcome_report\nfrom evaluation.stats.costs import ledger\n",
            "evaluation.stats.outcomes.paired"),
        "evaluation.data.a": {"evaluation.data.b"},
        "evaluation.data.b": imports_of("def f():\n    import evaluation.data.a\n", "evaluation.data.b"),
    }
    problems = layer_violations(edges)
    assert any("evaluation.reports.outcome_report (layer 3), a higher layer" in p for p in problems), problems
    assert any("statistics topics do not import each other" in p for p in problems), problems
    assert cycles(edges) == [["evaluation.data.a", "evaluation.data.b", "evaluation.data.a"]]


def disk_calls(source: str) -> list[str]:
    calls = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in DISK_ATTRIBUTES:
            # str.replace and DataFrame.replace take two or more arguments; os.replace is a disk call
            if func.attr == "replace" and not (isinstance(func.value, ast.Name) and func.value.id == "os"):
                continue
            # `to_csv(index=False, ...)` without a path returns text: not a disk call
            if func.attr == "to_csv" and not node.args and not any(k.arg == "path_or_buf" for k in node.keywords):
                continue
            calls.append(f"line {node.lineno}: .{func.attr}()")
        elif isinstance(func, ast.Attribute) and func.attr in DISK_FUNCTIONS and isinstance(func.value, ast.Name) \
                and func.value.id in ("os", "shutil", "tempfile", "pd", "pandas", "io", "builtins"):
            calls.append(f"line {node.lineno}: .{func.attr}()")
        elif isinstance(func, ast.Name) and func.id in DISK_FUNCTIONS:
            calls.append(f"line {node.lineno}: {func.id}()")
    return calls


def test_only_the_io_module_touches_disk():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        if name in DISK_EXEMPT:
            continue
        calls = disk_calls(path.read_text())
        if calls:
            offenders[name] = calls
    assert offenders == {}


def test_the_disk_check_catches_a_write():
    assert disk_calls("from pathlib import Path\nPath('x').write_text('y')\n") == ["line 2: .write_text()"]
    assert disk_calls("frame.to_csv('x.csv')\n") == ["line 1: .to_csv()"]
    assert disk_calls("text = frame.to_csv(index=False)\ns = 'a'.replace('a', 'b')\n") == []


def test_every_module_imports_on_its_own():
    """No module relies on another of the package having been imported first (a hidden order
    dependence): each is imported with every ``evaluation`` module forgotten, in one interpreter
    (third-party libraries stay loaded, which cannot hide such a dependence)."""
    modules = sorted(m for m in graph() if m != "evaluation.__main__")
    code = (
        "import importlib, sys, traceback\n"
        f"failed = []\nfor name in {modules!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'evaluation' or m.startswith('evaluation.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        failed.append(name + ': ' + traceback.format_exc(limit=1))\n"
        "print('\\n'.join(failed))\nsys.exit(1 if failed else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


#: A module longer than this is two modules (README, "Architecture").
MAX_MODULE_LINES = 400


def module_lengths(package: Path = PACKAGE) -> dict[str, int]:
    """Lines of every module of the package, by its path under the package's parent."""
    return {str(path.relative_to(package.parent)): len(path.read_text(encoding="utf-8").splitlines())
            for path in sorted(package.rglob("*.py"))}


def test_no_module_passes_the_line_limit():
    longer = {path: n for path, n in module_lengths().items() if n > MAX_MODULE_LINES}
    assert longer == {}, f"split these modules (at most {MAX_MODULE_LINES} lines each): {longer}"


def test_the_line_limit_catches_a_long_module(tmp_path):
    package = tmp_path / "evaluation"
    package.mkdir()
    (package / "short.py").write_text("x = 1\n" * MAX_MODULE_LINES, encoding="utf-8")
    (package / "long.py").write_text("x = 1\n" * (MAX_MODULE_LINES + 1), encoding="utf-8")
    lengths = module_lengths(package)
    assert {p for p, n in lengths.items() if n > MAX_MODULE_LINES} == {"evaluation/long.py"}
