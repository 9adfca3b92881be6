"""Reading a parameter file (CONTRACT section 3): strict YAML, and pydantic's complaints in the
file's own terms.

:func:`read_yaml` refuses what YAML allows but a parameter file must not hold (aliases, a key
twice in one mapping, deep nesting, files over :data:`MAX_PARAMETER_FILE_BYTES`, text that is not
UTF-8) and :func:`explain` turns a pydantic ``ValidationError`` into one
:class:`~evaluation.core.errors.ParameterError` naming the file and every offending key. The
models and the loading functions are :mod:`evaluation.data.params`.
"""

from __future__ import annotations

import copy
import functools
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from evaluation.core.checks import nearest
from evaluation.core.errors import ParameterError
from evaluation.core.io import read_bytes
from evaluation.core.paths import shown_path

__all__ = ["MAX_PARAMETER_FILE_BYTES", "MAX_YAML_DEPTH", "check_not_other", "did_you_mean", "explain", "read_yaml"]


#: Bounds on a parameter file: its size, and how deeply its mappings and lists may nest.
MAX_PARAMETER_FILE_BYTES = 1_000_000
MAX_YAML_DEPTH = 20


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader that also refuses aliases (``*name``: the "billion laughs"), keys that
    appear twice in one mapping (the last would silently win) and nesting deeper than
    :data:`MAX_YAML_DEPTH`."""

    _depth = 0

    def compose_node(self, parent, index):  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in parameter files",
                                              self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_YAML_DEPTH} levels deep",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # noqa: D102
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:
                    continue  # an unhashable key: the base constructor reports it
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {key!r} appears twice (first on line {first})", key_node.start_mark)
                if isinstance(key, bool) or key is None:  # YAML reads no, yes, on, off, null and ~ so
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key_node.value!r} is read by YAML as {str(key).lower()}, not as a "
                                    f"name: put it in quotes ('{key_node.value}')", key_node.start_mark)
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


def check_not_other(path: Path) -> None:
    """Refuse a parameter file's name that is there but is no file: a folder, or a symbolic link
    that leads to no file (broken, or a loop of links). Such a name is listed among the files there
    (``cohort-*.yaml``), so "not found" would contradict the list printed beside it.

    Examples
    --------
    >>> from evaluation.core.io import scratch_dir
    >>> with scratch_dir("params-") as folder:
    ...     (folder / "cohort-1.yaml").mkdir()
    ...     try:
    ...         check_not_other(folder / "cohort-1.yaml")
    ...     except ParameterError as exc:
    ...         print(str(exc).split(": ", 1)[1])
    it is a folder, where a parameter file (YAML text) was expected
    """
    if path.is_file():
        return
    if path.is_dir():
        raise ParameterError(f"{shown_path(path)}: it is a folder, where a parameter file (YAML text) was expected")
    if path.is_symlink():
        raise ParameterError(f"{shown_path(path)}: it is a symbolic link that leads to no file (a broken link, or a loop of "
                             "links), where a parameter file was expected")
    if path.exists():
        raise ParameterError(f"{shown_path(path)}: not a regular file (a device or a pipe?), where a parameter file was expected")


def read_yaml(path: Path) -> dict[str, Any]:
    """A parameter file's top-level mapping; every problem is a one-line :class:`ParameterError`
    naming the file (and the line, where there is one)."""
    check_not_other(path)
    if not path.is_file():
        raise ParameterError(f"{shown_path(path)}: parameter file not found")
    size = path.stat().st_size
    if size > MAX_PARAMETER_FILE_BYTES:
        raise ParameterError(f"{shown_path(path)}: {size:,} bytes; a parameter file may have at most "
                             f"{MAX_PARAMETER_FILE_BYTES:,}")
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ParameterError(f"{shown_path(path)}, line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file "
                             "as UTF-8") from None
    try:
        data = copy.deepcopy(_parsed(text))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise ParameterError(f"{shown_path(path)}{where}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"{shown_path(path)}: not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{shown_path(path)}: expected a mapping of keys to values at the top level")
    return data


@functools.lru_cache(maxsize=128)
def _parsed(text: str) -> Any:
    """The YAML text parsed (strictly), kept for the text's next reading: a report reads the same
    programme and instrument files once per cohort it compares (37 readings of 11 files in a cost
    report), and PyYAML's pure-Python parser takes milliseconds a file. The key is the text itself,
    so an edited file is parsed afresh whatever its timestamps say; :func:`read_yaml` hands out a
    copy, so a caller's change never reaches the next reader. A text that fails is not kept."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)


def did_you_mean(name: str, allowed: typing.Iterable[str]) -> str:
    """Words suggesting the allowed name closest to a misspelt one, or "" when none is close.

    Examples
    --------
    >>> did_you_mean("confidence_levle", ["confidence_level", "comparisons"])
    '; did you mean `confidence_level`?'
    >>> did_you_mean("colour", ["confidence_level"])
    ''
    """
    close = nearest(str(name), allowed, cutoff=0.75)
    return f"; did you mean `{close}`?" if close is not None else ""


def _keys_at(model: type[BaseModel] | None, loc: tuple) -> list[str]:
    """The keys a model accepts at ``loc`` (a pydantic error's location, without the key itself):
    nested models, lists and mappings of models followed; [] where it cannot tell."""
    kind: Any = model
    for part in loc:
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            field = kind.model_fields.get(str(part))
            kind = field.annotation if field is not None else None
        else:
            args = [a for a in typing.get_args(kind) if a is not type(None)]
            if typing.get_origin(kind) in (typing.Union, types.UnionType) and len(args) == 1:
                kind = args[0]
                args = list(typing.get_args(kind))
            kind = args[-1] if args else None  # a list's item, a mapping's value
        if kind is None:
            return []
    while typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        kind = args[0] if len(args) == 1 else None
    return list(kind.model_fields) if isinstance(kind, type) and issubclass(kind, BaseModel) else []


def explain(path: Path, exc: ValidationError, model: type[BaseModel] | None = None) -> ParameterError:
    """One :class:`~evaluation.core.errors.ParameterError` for all of pydantic's complaints about
    ``path``, a line per key: unknown (with the allowed key closest to it, given the ``model``
    validated), missing, or its value's problem."""
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            msg = "unknown key (misspelt, or not a key of this kind of file)"
            if err["loc"]:
                msg += did_you_mean(str(err["loc"][-1]), _keys_at(model, tuple(err["loc"][:-1])))
        elif err["type"] == "missing":
            msg = "required key is missing"
        else:
            msg = err["msg"].removeprefix("Value error, ")
            if "input" in err and err["type"] != "value_error":
                msg += f" (got {err['input']!r})"
        # a check of the whole file (several keys together) has no key of its own: its message names them
        lines.append(f"  - {shown_path(path)}: " + (f"key `{key}`: {msg}" if key else msg))
    return ParameterError(f"{len(lines)} problem(s) in parameter file {shown_path(path)}:\n" + "\n".join(lines))
