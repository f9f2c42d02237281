"""Mutation check of the core modules: how many small code changes do the tests catch?

    pip install -e ".[mutation]"
    python benchmarks/mutation.py --force   # about 10 minutes on one core

Runs mutmut (configured in ``[tool.mutmut]`` of pyproject.toml) over exactly
``classifier``, ``split``, ``normalise``, ``report``, ``labelling`` and ``output``
with their test modules, one mutant at a time (``--max-children 1``), then prints
and writes ``benchmarks/results/mutation.json`` and ``benchmarks/results/mutation.md``:
per module and overall, the number of mutants, killed, survived, timed out, without
tests, and the kill rate.

The kill rate is (killed + timed out) / mutants: a mutant that makes the tests hang
is caught by the timeout, and a mutant no test reaches counts as surviving.
Lines marked ``# pragma: no mutate`` (equivalent mutants, each with its reason) are
not mutated and not counted.

Every run starts from a fresh ``mutants/`` working copy unless ``--keep`` is given
(mutmut then re-checks only what changed). Existing result files are replaced only
with ``--force``; the check for that happens before the long run.

Example:
    python benchmarks/mutation.py --force
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 0.85
# mutmut exit codes (mutmut.stats.status_by_exit_code), grouped the way we count them.
KILLED = {1, 3}
SURVIVED = {0}
NO_TESTS = {5, 33}
SKIPPED = {34}
TIMEOUT = {24, -24, 36, 152, 255}
NOT_CHECKED = {None}


def configured_modules(pyproject: Path = REPO / "pyproject.toml") -> list[str]:
    """The files mutmut mutates, as listed in ``[tool.mutmut] only_mutate``.

    Example:
        >>> "taxonomy/split.py" in configured_modules()
        True
    """
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return list(config["tool"]["mutmut"]["only_mutate"])


def summarise(exit_codes: dict[str, dict[str, int | None]]) -> dict:
    """Count mutants by outcome per module and overall, with the kill rate.

    Parameters
    ----------
    exit_codes : dict
        Module path -> {mutant name -> mutmut exit code (None if not checked)}.

    Returns
    -------
    dict
        ``{"modules": {path: counts}, "overall": counts}``; counts hold ``mutants``,
        ``killed``, ``survived``, ``timeout``, ``no_tests``, ``other`` (skipped,
        suspicious, crashed or not checked), ``kill_rate`` and the sorted ``survivors``.

    Example:
        >>> s = summarise({"m.py": {"a": 1, "b": 0, "c": 36, "d": 1}})
        >>> s["overall"]["kill_rate"], s["modules"]["m.py"]["survivors"]
        (0.75, ['b'])
    """

    def count(codes: dict[str, int | None]) -> dict:
        killed = sum(code in KILLED for code in codes.values())
        timeout = sum(code in TIMEOUT for code in codes.values())
        survived = sorted(name for name, code in codes.items() if code in SURVIVED)
        no_tests = sorted(name for name, code in codes.items() if code in NO_TESTS)
        counted = len(codes) - sum(code in SKIPPED for code in codes.values())
        return {
            "mutants": len(codes),
            "killed": killed,
            "survived": len(survived),
            "timeout": timeout,
            "no_tests": len(no_tests),
            "other": len(codes) - killed - timeout - len(survived) - len(no_tests),
            "kill_rate": round((killed + timeout) / counted, 4) if counted else None,
            "survivors": survived + no_tests,
        }

    modules = {path: count(codes) for path, codes in sorted(exit_codes.items())}
    everything = {f"{path}:{name}": code for path, codes in exit_codes.items() for name, code in codes.items()}
    overall = count(everything)
    del overall["survivors"]
    return {"modules": modules, "overall": overall}


def read_results(modules: list[str], root: Path = REPO / "mutants") -> dict[str, dict[str, int | None]]:
    """Read mutmut's per-file results (``mutants/<path>.meta``) for ``modules``."""
    results = {}
    for module in modules:
        meta = root / f"{module}.meta"
        if not meta.exists():
            raise SystemExit(f"error: {meta}: no mutmut results (did the run fail? see mutants/mutmut.log)")
        results[module] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return results


def render(results: dict) -> str:
    """A short Markdown report of :func:`summarise` output with the run's metadata."""
    lines = [
        "# Mutation check",
        "",
        f"{results['date']}, mutmut {results['mutmut']}, one worker, "
        f"`python benchmarks/mutation.py --force`; kill rate = (killed + timed out) / mutants, "
        f"target {TARGET:.0%}.",
        "",
        "| module | mutants | killed | survived | timed out | no tests | other | kill rate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [*results["modules"].items(), ("**overall**", results["overall"])]
    for name, c in rows:
        rate = "n/a" if c["kill_rate"] is None else f"{c['kill_rate']:.1%}"
        lines.append(
            f"| {name} | {c['mutants']} | {c['killed']} | {c['survived']} | {c['timeout']} "
            f"| {c['no_tests']} | {c['other']} | {rate} |"
        )
    lines += ["", f"Equivalent mutants excluded with `# pragma: no mutate`: {results['excluded_lines']} lines.", ""]
    return "\n".join(lines)


def count_pragmas(modules: list[str]) -> int:
    """Lines carrying ``# pragma: no mutate`` in ``modules``."""
    return sum(
        "pragma: no mutate" in line
        for module in modules
        for line in (REPO / module).read_text(encoding="utf-8").splitlines()
    )


def write_replacing(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    parser.add_argument("--max-children", type=int, default=1, help="mutmut workers (default 1)")
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ from the last run")
    parser.add_argument("--force", action="store_true", help="replace existing result files")
    args = parser.parse_args(argv)

    targets = [args.out / "mutation.json", args.out / "mutation.md"]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not args.force:
        print(f"error: {existing[0]}: exists (use --force to replace it)", file=sys.stderr)
        return 2
    mutmut = Path(sys.executable).with_name("mutmut")
    if not mutmut.exists():
        print('error: mutmut: not installed (pip install -e ".[mutation]")', file=sys.stderr)
        return 2

    work = REPO / "mutants"
    if work.exists() and not args.keep:
        shutil.rmtree(work)
    work.mkdir(exist_ok=True)
    with (work / "mutmut.log").open("w", encoding="utf-8") as log:
        done = subprocess.run(
            [str(mutmut), "run", "--max-children", str(args.max_children)],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, check=False,
        )
    if done.returncode != 0:
        print(f"error: mutmut run exited with {done.returncode} (see mutants/mutmut.log)", file=sys.stderr)
        return 2

    modules = configured_modules()
    results = {
        "date": dt.date.today().isoformat(),
        "mutmut": metadata.version("mutmut"),
        "max_children": args.max_children,
        "target": TARGET,
        "excluded_lines": count_pragmas(modules),
        **summarise(read_results(modules, work)),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    write_replacing(targets[0], json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    report = render(results)
    write_replacing(targets[1], report)
    print(report)
    return 0 if results["overall"]["kill_rate"] >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
