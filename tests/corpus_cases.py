"""The hostile-input corpus (issue 10, item 7): malformed or hostile inputs, one per case.

Each :class:`Case` breaks one thing in a copy of the shipped synthetic programme (cohort 1 of
``data/raw/leading-to-deliver``, ``data/raw/reference``, ``params/``), runs one command of the
command line in-process, and says which fragments the refusal must contain: the file, and the
row, column or key. ``tests/test_corpus.py`` runs every case and checks a non-zero exit, no
traceback, a short message holding every fragment, and unchanged SHA-256 hashes of every file
under the copy's ``data/raw/``, ``data/processed/`` and ``reports/``.

Rows are spreadsheet rows (the header is row 1). In the copy, participants.csv row 2 is
``LTD-2003-0004`` (cohort 1, enrolled 2003-01-23; 103 participants, so a row added at the end is
row 105), responses.csv row 2 is that participant's answer to item ``vd1`` of
``leadership-practice`` at ``pre``, and costs.csv row 5 is cohort 1's facilitation (``delivery``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from dataclasses import replace as _with
from pathlib import Path

PROGRAMME = "leading-to-deliver"
RAW = f"data/raw/{PROGRAMME}"
FILES = {
    "participants": f"{RAW}/participants.csv",
    "responses": f"{RAW}/responses.csv",
    "costs": f"{RAW}/costs.csv",
    "marker": f"{RAW}/SYNTHETIC.json",
    "workforce": "data/raw/reference/workforce.csv",
    "deflators": "data/raw/reference/gdp_deflators.csv",
    "programme": f"params/{PROGRAMME}/programme.yaml",
    "cohort": f"params/{PROGRAMME}/cohort-2.yaml",
    "instrument": "params/instruments/leadership-practice.yaml",
}
#: Lines of the shipped workforce.csv (header included): a row appended to it is row this + 1.
_WORKFORCE_LINES = len((Path(__file__).resolve().parents[1] / FILES["workforce"]).read_bytes().splitlines())
#: A key that will do, set for every case unless the case says otherwise.
GOOD_KEY = "corpus-test-key-0123456789-abcdef"
#: What ``DEMO_KEY`` holds (not imported: the table is data).
DEMO_KEY_TEXT = "evaluation-workbench DEMO KEY for synthetic data only - NOT SECRET"

Mutation = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One hostile input.

    Parameters
    ----------
    name : str
        A short, unique name (the test id).
    mutate : callable
        Breaks the copy in place; receives the root holding ``data/``, ``params/`` and ``reports/``.
    expect : tuple of str
        Fragments that must all appear in the command's output (file, row, column or key).
    verb : str
        ``ingest``, ``evaluate``, ``verify`` or ``synthesise``; ignored when ``argv`` is given.
    argv : tuple of str, optional
        The whole command line instead of the default one for ``verb``; ``{root}`` is replaced by
        the copy's root.
    env : dict
        Environment changes (``None`` removes a variable); by default ``EVALUATION_ID_KEY`` is
        :data:`GOOD_KEY`.
    slow : bool
        Runs only in the whole suite, not in ``make test-quick`` (see :data:`QUICK`).
    """

    name: str
    mutate: Mutation
    expect: tuple[str, ...]
    verb: str = "ingest"
    argv: tuple[str, ...] | None = None
    env: dict[str, str | None] = field(default_factory=dict)
    slow: bool = False

    def command(self, root: Path) -> list[str]:
        if self.argv is not None:
            return [a.replace("{root}", str(root)) for a in self.argv]
        args = [self.verb]
        if self.verb != "synthesise":
            args += ["--programme", PROGRAMME]
        if self.verb in ("evaluate", "verify"):
            args += ["--cohort", "2", "--reports-dir", str(root / "reports")]
        return [*args, "--data-dir", str(root / "data"), "--params-dir", str(root / "params")]


# ------------------------------------------------------------------------------ mutations


def nothing(root: Path) -> None:
    """Leave the copy as it is (the hostile part is the command line or the environment)."""


def write(file: str, data: bytes | str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / FILES.get(file, file)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return mutate


def replace(file: str, old: bytes | str, new: bytes | str, count: int = 1) -> Mutation:
    """Replace the first ``count`` occurrences of ``old`` (which must be there)."""
    def mutate(root: Path) -> None:
        path = root / FILES.get(file, file)
        data = path.read_bytes()
        o = old.encode("utf-8") if isinstance(old, str) else old
        n = new.encode("utf-8") if isinstance(new, str) else new
        if o not in data:
            raise AssertionError(f"{old!r} is not in {path}")
        path.write_bytes(data.replace(o, n, count))
    return mutate


def append(file: str, text: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / FILES.get(file, file)
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return mutate


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def cell(file: str, row: int, column: str, value: str) -> Mutation:
    """Set one cell; ``row`` is the spreadsheet row (header = 1)."""
    def mutate(root: Path) -> None:
        path = root / FILES[file]
        rows = _rows(path)
        rows[row - 1][rows[0].index(column)] = value
        _write_rows(path, rows)
    return mutate


def header(file: str, edit: Callable[[list[str]], list[str]], cells: Callable[[list[str]], list[str]] | None = None
           ) -> Mutation:
    """Change the header with ``edit`` and, optionally, every data row with ``cells``."""
    def mutate(root: Path) -> None:
        path = root / FILES[file]
        rows = _rows(path)
        rows = [edit(rows[0])] + [cells(r) if cells else r for r in rows[1:]]
        _write_rows(path, rows)
    return mutate


def drop_column(file: str, column: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / FILES[file]
        rows = _rows(path)
        at = rows[0].index(column)
        _write_rows(path, [r[:at] + r[at + 1:] for r in rows])
    return mutate


def header_only(file: str) -> Mutation:
    """Keep the header line and nothing else."""
    def mutate(root: Path) -> None:
        path = root / FILES[file]
        path.write_text(path.read_text(encoding="utf-8").splitlines(keepends=True)[0], encoding="utf-8")
    return mutate


def transform(file: str, fn: Callable[[bytes], bytes]) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / FILES[file]
        path.write_bytes(fn(path.read_bytes()))
    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(root: Path) -> None:
        for m in mutations:
            m(root)
    return mutate


def twin(new_id: str) -> Mutation:
    """Add a second participant whose identifier is row 2's written another way, with answers."""
    def mutate(root: Path) -> None:
        people = root / FILES[P]
        lines = people.read_text(encoding="utf-8").splitlines(keepends=True)
        people.write_text("".join(lines) + lines[1].replace(ID, new_id, 1), encoding="utf-8")
        answers = root / FILES[R]
        text = answers.read_text(encoding="utf-8")
        extra = [line.replace(ID, new_id, 1) for line in text.splitlines(keepends=True) if line.startswith(ID + ",")]
        answers.write_text(text + "".join(extra), encoding="utf-8")
    return mutate


def link_outside(file: str, target: str | None = None) -> Mutation:
    """Replace ``file`` by a symbolic link to a copy outside the data folder (or to ``target``)."""
    def mutate(root: Path) -> None:
        path = root / FILES.get(file, file)
        if target is None:
            outside = root / "elsewhere" / path.name
            outside.parent.mkdir(exist_ok=True)
            outside.write_bytes(path.read_bytes())
        else:
            outside = Path(target)
        path.unlink()
        path.symlink_to(outside)
    return mutate


def link_folder_outside(root: Path) -> None:
    """The programme's raw folder becomes a link to a copy outside ``data/raw``."""
    folder = root / RAW
    outside = root / "elsewhere" / PROGRAMME
    outside.parent.mkdir(exist_ok=True)
    folder.rename(outside)
    folder.symlink_to(outside, target_is_directory=True)


def processed_into_raw(root: Path) -> None:
    """``data/processed`` becomes a link into ``data/raw`` (ingest would write into the raw data)."""
    processed = root / "data" / "processed"
    for p in sorted(processed.rglob("*"), reverse=True):
        p.unlink() if p.is_file() else p.rmdir()
    processed.rmdir()
    processed.symlink_to(root / "data" / "raw", target_is_directory=True)


def edit_marker(**changes) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / FILES["marker"]
        marker = json.loads(path.read_text(encoding="utf-8"))
        marker.update(changes)
        path.write_text(json.dumps(marker), encoding="utf-8")
    return mutate


def yaml_set(file: str, text: str) -> Mutation:
    """Add top-level YAML lines at the end of a parameter file."""
    return append(file, text + "\n")


def truncate(file: str, row: int, fields: int) -> Mutation:
    """Keep only the first ``fields`` fields of spreadsheet row ``row`` (a ragged, short row)."""
    def mutate(root: Path) -> None:
        path = root / FILES[file]
        rows = _rows(path)
        rows[row - 1] = rows[row - 1][:fields]
        _write_rows(path, rows)
    return mutate


# ----------------------------------------------------------------------------------- cases

P, R, C = "participants", "responses", "costs"
NO_KEY = {"EVALUATION_ID_KEY": None, "EVALUATION_ID_KEY_FILE": None}
ID = "LTD-2003-0004"  # participants.csv row 2
ID3 = "LTD-2003-0005"  # participants.csv row 3


def _cli(*args: str) -> tuple[str, ...]:
    return (*args, "--data-dir", "{root}/data", "--params-dir", "{root}/params")


CASES: list[Case] = [
    # --- CSV structure -----------------------------------------------------------------
    Case("participants: required column missing", drop_column(P, "status"), ("participants.csv", "`status`")),
    Case("participants: column renamed", header(P, lambda h: ["Participant ID" if c == "participant_id" else c
                                                             for c in h]),
         ("participants.csv", "`participant_id`")),
    Case("participants: column twice", header(P, lambda h: [*h, "cohort"], lambda r: [*r, "9"]),
         ("participants.csv", "`cohort`", "more than once")),
    Case("responses: column `value` missing", drop_column(R, "value"), ("responses.csv", "`value`")),
    Case("costs: column twice, in another case", header(C, lambda h: [*h, "Amount"], lambda r: [*r, "1"]),
         ("costs.csv", "`amount`", "more than once")),
    Case("costs: column twice, once with a leading space", header(C, lambda h: [*h, " amount"], lambda r: [*r, "1"]),
         ("costs.csv", "`amount`", "more than once")),
    Case("costs: a row with an extra field", replace(C, "\n1,delivery,", "\n1,delivery,x,"), ("costs.csv", "row 5", "found 7")),
    Case("participants: a short row", truncate(P, 3, 2), ("participants.csv", "row 3")),
    Case("responses: empty file", write(R, b""), ("responses.csv",)),
    Case("participants: header only", header_only(P), ("participants.csv",)),
    Case("responses: header only", header_only(R), ("responses.csv",)),
    Case("costs: header only", header_only(C), ("costs.csv",)),
    Case("participants: UTF-16 with a byte-order mark",
         transform(P, lambda b: b.decode("utf-8").encode("utf-16")), ("participants.csv", "row 1", "is UTF-16")),
    Case("participants: semicolons instead of commas", transform(P, lambda b: b.replace(b",", b";")),
         ("participants.csv", "row 1", "separated by semicolons")),
    Case("costs: tabs instead of commas",
         transform(C, lambda b: b"cohort\tcategory\tdescription\tamount\tprice_year\tbasis\n1\tdelivery\tx\t5\t2003\tfixed\n"),
         ("costs.csv", "row 1", "separated by tabs")),
    Case("participants: NUL byte in a cell", cell(P, 3, "sector", "volun\x00tary"), ("participants.csv", "row 3")),
    Case("participants: Latin-1 byte", both(cell(P, 3, "local_authority", "CAFE"), replace(P, b"CAFE", b"CAF\xc9")),
         ("participants.csv", "row 3")),
    Case("participants: CRLF and LF mixed, bad cell on row 4",
         both(transform(P, lambda b: b.replace(b"\n", b"\r\n", 2)), cell(P, 4, "status", "finished")),
         ("participants.csv", "row 4", "`status`")),
    Case("costs: unbalanced quote", replace(C, '"Programme design', '"Programme design"x'), ("costs.csv",)),
    Case("participants: huge integer cohort", cell(P, 2, "cohort", "9" * 30), ("participants.csv", "row 2", "`cohort`")),
    Case("participants: huge integer sessions", cell(P, 2, "sessions_attended", "1" + "0" * 25),
         ("participants.csv", "row 2", "`sessions_attended`")),
    Case("responses: value 'nan'", replace(R, f"{ID},pre,self,leadership-practice,vd1,4,", f"{ID},pre,self,leadership-practice,vd1,nan,"),
         ("responses.csv", "row 2", "`value`")),
    Case("responses: value 'inf'", replace(R, f"{ID},pre,self,leadership-practice,vd1,4,", f"{ID},pre,self,leadership-practice,vd1,inf,"),
         ("responses.csv", "row 2", "`value`")),
    Case("costs: amount '-Infinity'", cell(C, 5, "amount", "-Infinity"), ("costs.csv", "row 5", "`amount`")),
    Case("participants: negative sessions", cell(P, 2, "sessions_attended", "-3"), ("participants.csv", "row 2", "`sessions_attended`")),
    Case("participants: cohort 0", cell(P, 2, "cohort", "0"), ("participants.csv", "row 2", "`cohort`")),
    Case("responses: Likert 6", replace(R, f"{ID},pre,self,leadership-practice,vd1,4,", f"{ID},pre,self,leadership-practice,vd1,6,"),
         ("responses.csv", "row 2", "`value`", "[1, 5]")),
    Case("responses: Likert 0", replace(R, f"{ID},pre,self,leadership-practice,vd1,4,", f"{ID},pre,self,leadership-practice,vd1,0,"),
         ("responses.csv", "row 2", "`value`")),
    Case("responses: Likert -1", replace(R, f"{ID},pre,self,leadership-practice,vd1,4,", f"{ID},pre,self,leadership-practice,vd1,-1,"),
         ("responses.csv", "row 2", "`value`")),
    Case("responses: Likert 1e308", replace(R, f"{ID},pre,self,leadership-practice,vd1,4,", f"{ID},pre,self,leadership-practice,vd1,1e308,"),
         ("responses.csv", "row 2", "`value`")),
    Case("responses: unknown item", replace(R, f"{ID},pre,self,leadership-practice,vd1,", f"{ID},pre,self,leadership-practice,vd99,"),
         ("responses.csv", "row 2", "`item`", "vd99")),
    Case("responses: unknown instrument", replace(R, f"{ID},pre,self,leadership-practice,vd1,", f"{ID},pre,self,mbti,vd1,"),
         ("responses.csv", "row 2", "`instrument`", "mbti")),
    Case("responses: unknown wave", replace(R, f"{ID},pre,self,leadership-practice,vd1,", f"{ID},midway,self,leadership-practice,vd1,"),
         ("responses.csv", "row 2", "`wave`", "midway")),
    Case("responses: unknown rater", replace(R, f"{ID},pre,self,leadership-practice,vd1,", f"{ID},pre,boss,leadership-practice,vd1,"),
         ("responses.csv", "row 2", "`rater`", "boss")),
    Case("responses: rater who does not answer the scale",
         replace(R, f"{ID},pre,self,leadership-practice,vd1,", f"{ID},pre,peer,leadership-practice,vd1,"),
         ("responses.csv", "row 2", "`rater`", "vision_direction")),
    Case("participants: duplicate id", cell(P, 3, "participant_id", ID), ("participants.csv", "rows 2-3", "`participant_id`")),
    Case("participants: duplicate id differing in case", cell(P, 3, "participant_id", ID.lower()),
         ("participants.csv", "rows 2-3", "`participant_id`")),
    Case("participants: duplicate id differing in spaces", cell(P, 3, "participant_id", f" {ID}  "),
         ("participants.csv", "rows 2-3", "`participant_id`")),
    Case("participants: two people, ids differing by a Cyrillic look-alike", twin(ID.replace("T", "\u0422")),
         ("participants.csv", "rows 2, 105", "`participant_id`", "look-alike")),
    Case("participants: two people, ids differing by a Unicode hyphen", twin(ID.replace("-", "\u2010")),
         ("participants.csv", "rows 2, 105", "`participant_id`", "look-alike")),
    Case("participants: two people, ids differing by a zero-width space", twin(ID + "\u200b"),
         ("participants.csv", "rows 2, 105", "`participant_id`", "look-alike")),
    Case("participants: two people, ids differing by full-width digits", twin("LTD-２００３-０００４"),
         ("participants.csv", "rows 2, 105", "`participant_id`", "look-alike")),
    Case("participants: two people, ids differing in case", twin(ID.lower()),
         ("participants.csv", "rows 2, 105", "`participant_id`")),
    Case("responses: participant not in participants.csv",
         replace(R, f"{ID},pre,self,leadership-practice,vd1,", "LTD-9999-9999,pre,self,leadership-practice,vd1,"),
         ("responses.csv", "row 2", "`participant_id`", "LTD-9999-9999")),
    Case("participants: month 13", cell(P, 2, "enrolled_on", "2003-13-01"), ("participants.csv", "row 2", "`enrolled_on`")),
    Case("participants: 30 February", cell(P, 2, "enrolled_on", "2003-02-30"), ("participants.csv", "row 2", "`enrolled_on`")),
    Case("participants: day/month/year date", cell(P, 2, "enrolled_on", "23/01/2003"), ("participants.csv", "row 2", "`enrolled_on`")),
    Case("participants: enrolment in the future", cell(P, 2, "enrolled_on", "2099-01-01"), ("participants.csv", "row 2", "`enrolled_on`")),
    Case("participants: year 0001", cell(P, 2, "enrolled_on", "0001-01-01"), ("participants.csv", "row 2", "`enrolled_on`")),
    Case("responses: answered before enrolment",
         replace(R, f"{ID},pre,self,leadership-practice,vd1,4,2003-02-06", f"{ID},pre,self,leadership-practice,vd1,4,1999-02-06"),
         ("responses.csv", "row 2", "`responded_on`")),
    Case("responses: answered in the future",
         replace(R, f"{ID},pre,self,leadership-practice,vd1,4,2003-02-06", f"{ID},pre,self,leadership-practice,vd1,4,2099-02-06"),
         ("responses.csv", "row 2", "`responded_on`")),
    Case("participants: cohort 2.5", cell(P, 2, "cohort", "2.5"), ("participants.csv", "row 2", "`cohort`")),
    Case("participants: cohort -1", cell(P, 2, "cohort", "-1"), ("participants.csv", "row 2", "`cohort`")),
    Case("participants: cohort 'two'", cell(P, 2, "cohort", "two"), ("participants.csv", "row 2", "`cohort`")),
    Case("participants: cohort without parameters", cell(P, 2, "cohort", "7"), ("participants.csv", "row 2", "`cohort`")),
    Case("participants: unknown council area", cell(P, 2, "local_authority", "atlantis"),
         ("participants.csv", "row 2", "`local_authority`")),
    Case("costs: negative amount", cell(C, 5, "amount", "-190684.47"), ("costs.csv", "row 5", "`amount`")),
    Case("costs: amount in words", cell(C, 5, "amount", "lots"), ("costs.csv", "row 5", "`amount`")),
    Case("costs: formula as amount", cell(C, 5, "amount", "=1+1"), ("costs.csv", "row 5", "`amount`")),
    Case("costs: HYPERLINK formula as amount", cell(C, 5, "amount", '=HYPERLINK("http://x.invalid","9")'),
         ("costs.csv", "row 5", "`amount`")),
    Case("costs: dollars", cell(C, 5, "amount", "$500"), ("costs.csv", "row 5", "`amount`")),
    Case("costs: euros", cell(C, 5, "amount", "€500"), ("costs.csv", "row 5", "`amount`")),
    Case("costs: accounting negative", cell(C, 5, "amount", "(500)"), ("costs.csv", "row 5", "`amount`")),
    Case("costs: unknown category", cell(C, 5, "category", "catering"), ("costs.csv", "row 5", "`category`")),
    Case("costs: unknown basis", cell(C, 5, "basis", "per_head"), ("costs.csv", "row 5", "`basis`")),
    Case("costs: price year without a deflator", cell(C, 5, "price_year", "1850"), ("costs.csv", "row 5", "`price_year`")),
    Case("costs: cohort without participants", cell(C, 5, "cohort", "99"), ("costs.csv", "row 5", "`cohort`")),
    Case("workforce: negative headcount", cell("workforce", 2, "headcount", "-5"), ("workforce.csv", "row 2", "`headcount`")),
    Case("deflators: index in words", cell("deflators", 2, "index", "abc"), ("gdp_deflators.csv", "row 2", "`index`")),
    Case("workforce: the same row twice", transform("workforce", lambda b: b + b.split(b"\n")[1] + b"\n"),
         ("workforce.csv", f"rows 2, {_WORKFORCE_LINES + 1}")),
    # --- parameter files -------------------------------------------------------------
    Case("cohort yaml: alias bomb",
         write("cohort", "a: &a ['x','x','x']\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b]\n"),
         ("cohort-2.yaml", "line 2", "aliases")),
    Case("programme yaml: duplicate key", yaml_set("programme", "sessions: 99"), ("programme.yaml", "sessions", "twice")),
    Case("instrument yaml: deep nesting", yaml_set("instrument", "x: " + "[" * 100 + "]" * 100),
         ("leadership-practice.yaml", "nested")),
    Case("cohort yaml: tab indentation", yaml_set("cohort", "equity:\n\tband: [0.8, 1.25]"), ("cohort-2.yaml", "line")),
    Case("programme yaml: Latin-1 byte", replace("programme", b"title: Leading to Deliver", b"title: Leading \xe0 Deliver"),
         ("programme.yaml", "line 2", "UTF-8")),
    Case("cohort yaml: empty file", write("cohort", ""), ("cohort-2.yaml",)),
    Case("cohort yaml: python tag", write("cohort", "programme: !!python/object/apply:os.system ['true']\n"),
         ("cohort-2.yaml", "line 1")),
    Case("programme yaml: sessions in words", replace("programme", "sessions: 12", "sessions: twelve"),
         ("programme.yaml", "`sessions`")),
    Case("cohort yaml: waves not a list", replace("cohort", "waves: [pre, then, post, follow_up]", "waves: pre"),
         ("cohort-2.yaml", "`waves`")),
    Case("instrument yaml: items not a list", replace("instrument", "items: [vd1, vd2, vd3, vd4, vd5]", "items: vd1"),
         ("leadership-practice.yaml", "items")),
    Case("instrument yaml: response range reversed", replace("instrument", "response_range: [1, 5]", "response_range: [5, 1]"),
         ("leadership-practice.yaml", "response_range")),
    Case("cohort yaml: unknown key", yaml_set("cohort", "multiplicty: holm"), ("cohort-2.yaml", "`multiplicty`")),
    Case("instrument yaml: unknown key", yaml_set("instrument", "reverse_items: [vd4]"),
         ("leadership-practice.yaml", "`reverse_items`")),
    *[Case(f"cohort yaml: disclosure threshold {value}", yaml_set("cohort", f"disclosure_threshold: {value}"),
           ("cohort-2.yaml", "`disclosure_threshold`")) for value in ("1", "2", "true", "'5'")],
    Case("cohort yaml: a billion resamples", replace("cohort", "resamples: 2000", "resamples: 1000000000"),
         ("cohort-2.yaml", "`bootstrap.resamples`")),
    *[Case(f"cohort yaml: confidence level {value}", yaml_set("cohort", f"confidence_level: {value}"),
           ("cohort-2.yaml", "`confidence_level`")) for value in ("95", "'0.9'", "1.0")],
    Case("cohort yaml: discount rate '3.5%'", yaml_set("cohort", "discount_rate: 3.5%"), ("cohort-2.yaml", "`discount_rate`")),
    Case("programme yaml: name '..'", replace("programme", f"name: {PROGRAMME}", "name: '..'"), ("programme.yaml", "`name`")),
    Case("programme yaml: name with '/'", replace("programme", f"name: {PROGRAMME}", "name: ../raw/leading-to-deliver"),
         ("programme.yaml", "`name`")),
    Case("programme yaml: name of 300 characters", replace("programme", f"name: {PROGRAMME}", "name: " + "x" * 300),
         ("programme.yaml", "`name`")),
    Case("programme yaml: empty name", replace("programme", f"name: {PROGRAMME}", "name: ''"), ("programme.yaml", "`name`")),
    Case("programme yaml: Unicode name", replace("programme", f"name: {PROGRAMME}", "name: lēading-to-deliver"),
         ("programme.yaml", "`name`")),
    Case("programme yaml: instrument that is a path",
         replace("programme", "instruments: [leadership-practice,", "instruments: [../../etc/passwd,"),
         ("programme.yaml", "`instruments.0`")),
    Case("cohort yaml: evaluate with confidence level 95", yaml_set("cohort", "confidence_level: 95"),
         ("cohort-2.yaml", "`confidence_level`"), verb="evaluate"),
    # --- command line ----------------------------------------------------------------
    Case("cli: --programme ../raw", nothing, ("--programme", "../raw"), argv=_cli("ingest", "--programme", "../raw")),
    Case("cli: --programme with a slash", nothing, ("--programme", "a/b"), argv=_cli("ingest", "--programme", "a/b")),
    Case("cli: --programme absolute path", nothing, ("--programme",), argv=_cli("ingest", "--programme", "/etc")),
    Case("cli: --cohort 0", nothing, ("--cohort", "'0'"), argv=_cli("evaluate", "--cohort", "0")),
    Case("cli: --cohort -1", nothing, ("--cohort",), argv=_cli("evaluate", "--cohort", "-1")),
    Case("cli: --cohort abc", nothing, ("--cohort", "'abc'"), argv=_cli("evaluate", "--cohort", "abc")),
    Case("cli: --cohort 99 without parameters", nothing, ("cohort-99.yaml",),
         argv=_cli("evaluate", "--cohort", "99", "--reports-dir", "{root}/reports")),
    Case("cli: evaluate without --cohort", nothing, ("--cohort",), argv=_cli("evaluate")),
    Case("cli: no verb", nothing, ("VERB",), argv=()),
    Case("cli: unknown programme", nothing, ("no-such-programme", "programme.yaml"),
         argv=_cli("ingest", "--programme", "no-such-programme")),
    Case("cli: --data-dir that does not exist", nothing, ("participants.csv",),
         argv=("ingest", "--data-dir", "{root}/nowhere", "--params-dir", "{root}/params")),
    Case("cli: verify a report that is not there", nothing, ("cohort-3",),
         argv=_cli("verify", "--cohort", "3", "--reports-dir", "{root}/reports")),
    Case("cli: --reports-dir inside the raw data", nothing, ("--reports-dir", "raw"),
         argv=_cli("evaluate", "--cohort", "1", "--reports-dir", f"{{root}}/{RAW}")),
    Case("cli: synthesise --seed -1", nothing, ("--seed",), argv=_cli("synthesise", "--seed", "-1")),
    Case("cli: synthesise --seed abc", nothing, ("--seed",), argv=_cli("synthesise", "--seed", "abc")),
    Case("cli: synthesise, the second programme's cohort file invalid",
         append("params/collaborative-leadership/cohort-1.yaml", "multiplicty: holm\n"), ("cohort-1.yaml", "`multiplicty`"),
         argv=_cli("synthesise", "--seed", "7")),
    # --- keys ------------------------------------------------------------------------
    Case("key: one character repeated", nothing, ("EVALUATION_ID_KEY", "different character"),
         env={"EVALUATION_ID_KEY": "a" * 32}),
    Case("key: too short", nothing, ("EVALUATION_ID_KEY", "at least 16"), env={"EVALUATION_ID_KEY": "short-key"}),
    Case("key: the demo key", nothing, ("EVALUATION_ID_KEY", "demo key"), env={"EVALUATION_ID_KEY": DEMO_KEY_TEXT}),
    Case("key: the demo key inside a longer one", nothing, ("EVALUATION_ID_KEY", "demo key"),
         env={"EVALUATION_ID_KEY": "x" + DEMO_KEY_TEXT + "y"}),
    Case("key: none, marker's digest edited", edit_marker(data_digest="0" * 64), ("SYNTHETIC.json", "does not match"),
         env=NO_KEY),
    Case("key: none, marker says not synthetic", edit_marker(synthetic=False), ("SYNTHETIC.json", "does not say"),
         env=NO_KEY),
    Case("key: none, data edited under the shipped marker", cell(P, 2, "gender", "male"),
         ("SYNTHETIC.json", "does not match"), env=NO_KEY),
    Case("key: key file that does not exist", nothing, ("key file", "does not exist"),
         argv=_cli("ingest", "--key-file", "{root}/no-such.key"), env=NO_KEY),
    # --- symbolic links --------------------------------------------------------------
    Case("link: responses.csv to a file outside", link_outside(R), ("responses.csv", "symbolic links")),
    Case("link: workforce.csv to a file outside", link_outside("workforce"), ("workforce.csv", "symbolic links")),
    Case("link: participants.csv to /dev/zero", link_outside(P, "/dev/zero"), ("participants.csv",)),
    Case("link: the programme folder to a folder outside", link_folder_outside, ("participants.csv", "symbolic links")),
    Case("link: processed data into the raw data", processed_into_raw, ("processed", "raw data")),
]

#: A case that reads and validates the whole copy takes about 0.2 s. Of those, the ones named here
#: (one or two of each kind, and those refused as soon as a file is read) also run in
#: ``make test-quick``; every case runs in ``make test``.
QUICK = {
    "participants: required column missing", "participants: column twice", "participants: header only",
    "participants: huge integer cohort", "participants: two people, ids differing by a Cyrillic look-alike",
    "participants: duplicate id differing in case", "participants: enrolment in the future",
    "responses: Likert 6", "responses: unknown item", "responses: answered before enrolment",
    "costs: formula as amount", "costs: column twice, once with a leading space",
    "key: the demo key", "key: none, data edited under the shipped marker",
    # refused when the file is read
    "costs: a row with an extra field", "responses: empty file", "participants: UTF-16 with a byte-order mark",
    "participants: Latin-1 byte", "costs: unbalanced quote",
}
_READS_DATA = ("participants:", "responses:", "costs:", "workforce:", "deflators:", "key:")
CASES = [_with(c, slow=True) if c.name.startswith(_READS_DATA) and c.name not in QUICK else c for c in CASES]
