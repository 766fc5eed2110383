"""The docs: every `dlnlp` command and `make` target they quote exists, with the options they give
it (read from the click objects and the Makefile, no subprocess), and the README stays short."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click

from dlnlp.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^\s*(```|~~~)\s*(\S*)")
INLINE = re.compile(r"`([^`\n]+(?:\n[^`\n]+)*)`")  # a span may run over a line break
DLNLP = re.compile(r"(?<![\w.-])dlnlp(?=[ \t])([^\n]*)")  # `.venv/bin/dlnlp`, `$(BIN)/dlnlp`
MAKE = re.compile(r"(?<![\w.-])make(?=[ \t])([^\n]*)")
APT = re.compile(r"\bapt(?:-get)? install\b")
END = re.compile(r"\s#|\s*(?:\|\||&&|[|;>`)])")  # a comment, a pipe, `)` of a $(...)
ANGLED = re.compile(r"<[\w.-]+>")  # <assignment>: a placeholder, not a redirection
PLACEHOLDER = re.compile(r"^([A-Z][A-Z_]*|\.\.\.)$")  # COMMAND, ID, ...


def quoted(text: str) -> list[str]:
    """The shell lines a markdown text quotes: each line of a fenced block that is not Python
    (a `\\` continuation joined), and each inline code span."""
    lines, prose, fence = [], [], None
    for line in text.splitlines():
        if match := FENCE.match(line):
            if fence is None:
                fence = match.group(2) or "sh"
            else:
                fence = None
            continue
        if fence is None:
            prose.append(line)
        elif fence not in ("python", "py"):
            if lines and lines[-1].endswith("\\"):
                lines[-1] = lines[-1][:-1] + " " + line.strip()
            else:
                lines.append(line)
    spans = [span.replace("\n", " ") for span in INLINE.findall("\n".join(prose))]
    return lines + spans


def _words(rest: str) -> list[str]:
    rest = END.split(ANGLED.sub("ID", rest), maxsplit=1)[0]
    try:
        words = shlex.split(rest)
    except ValueError:  # an unbalanced quote: the words as written
        words = rest.split()
    return [w.strip("[]") for w in words if w.strip("[]")]


def _options(command: click.Command) -> set[str]:
    names = {"--help"}
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts, param.secondary_opts)
    return names


def _is_option(word: str) -> bool:
    return word.startswith("-") and word not in ("-", "--") and not word[1:2].isdigit()


def check_dlnlp(words: list[str]) -> list[str]:
    """What is wrong with `dlnlp WORDS...`: a group option the group lacks, a subcommand that
    does not exist, an option the subcommand lacks. Placeholders are not checked."""
    problems, group_options = [], _options(main)
    while words and _is_option(words[0]):
        option = words.pop(0).split("=")[0]
        if option not in group_options:
            problems.append(f"dlnlp has no option {option} (before the command)")
    if not words or PLACEHOLDER.match(words[0]):
        return problems
    name, *rest = words
    command: click.Command | None = main.commands.get(name)
    # a group's subcommand (`dlnlp hub setup`): its options are the subcommand's
    while isinstance(command, click.Group) and rest and not _is_option(rest[0]):
        sub, *rest = rest
        command, name = command.commands.get(sub), f"{name} {sub}"
    if command is None:
        return [*problems, f"dlnlp has no command {name!r}"]
    options = _options(command)
    for word in rest:
        option = word.split("=")[0]
        if _is_option(option) and option not in options:
            problems.append(f"dlnlp {name} has no option {option}")
    return problems


def make_targets(makefile: Path = ROOT / "Makefile") -> set[str]:
    """The Makefile's targets, its simple variables expanded (`$(STAMP)` is .venv/.installed)."""
    text = makefile.read_text()
    variables: dict[str, str] = {}
    for name, value in re.findall(r"^(\w+)\s*[:?]?=\s*(.*)$", text, re.M):
        variables[name] = value.strip()

    def expand(word: str) -> str:
        for _ in range(5):
            word = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m.group(1), m.group(0)), word)
        return word

    targets = set()
    for line in text.splitlines():
        if match := re.match(r"^([^\s#=][^:=]*):(?!=)", line):
            targets.update(expand(t) for t in match.group(1).split() if t != ".PHONY")
    return targets


def problems_in(text: str, targets: set[str]) -> list[str]:
    """Every command or target that `text` quotes and that does not exist, as a sentence."""
    problems = []
    for line in quoted(text):
        for match in DLNLP.finditer(line):
            problems += [f"{p}: {line.strip()}" for p in check_dlnlp(_words(match.group(1)))]
        # `apt-get install git make ...`: there "make" is a package, not the command
        for match in [] if APT.search(line) else MAKE.finditer(line):
            for word in _words(match.group(1)):
                if "=" in word or _is_option(word) or PLACEHOLDER.match(word):
                    continue
                if word not in targets:
                    problems.append(f"no make target {word!r}: {line.strip()}")
    return problems


def test_every_command_quoted_in_the_docs_exists():
    """Does every `dlnlp ...` command and `make X` the README and docs/ quote exist, with each
    option it is given one of that command's own?"""
    targets = make_targets()
    problems = [
        f"{doc.relative_to(ROOT)}: {problem}"
        for doc in DOCS
        for problem in problems_in(doc.read_text(encoding="utf-8"), targets)
    ]
    assert not problems, "\n".join(problems)


def test_the_checker_catches_a_made_up_command_option_and_target():
    """Does the checker report what does not exist, in a block, across a continuation and in
    prose, and leave placeholders and real commands alone?"""
    text = """\
Run `dlnlp frobnicate now` or `make demo`, then:

```bash
.venv/bin/dlnlp grade attention PATH... --out DIR \\
    [--jobs N] --no-such-option   # a comment: --not-checked
$(BIN)/dlnlp --verbose report DIR [--out REPORT_DIR]
dlnlp grade attention x --out d -v
make deploy
dlnlp check <assignment> --only <function> --bogus > out.txt
apt-get install -y git make nodejs
dlnlp hub setup /srv/hub --course c --student s --bogus-hub
dlnlp hub teardown /srv/hub
```

```python
from dlnlp import cli  # Python is not a shell line
```
"""
    problems = problems_in(text, make_targets())
    assert any("no command 'frobnicate'" in p for p in problems), problems
    assert any("dlnlp grade has no option --no-such-option" in p for p in problems), problems
    assert any("dlnlp grade has no option -v" in p for p in problems), problems
    assert any("no make target 'deploy'" in p for p in problems), problems
    assert any("dlnlp check has no option --bogus" in p for p in problems), problems
    assert any("dlnlp hub setup has no option --bogus-hub" in p for p in problems), problems
    assert any("dlnlp has no command 'hub teardown'" in p for p in problems), problems
    assert len(problems) == 7, problems  # apt-get's "make" is a package, not a target


def test_the_readme_is_at_most_150_lines():
    """Is the README short enough to read first (what the kit is, the two commands, the folders,
    the links), with the rest in docs/?"""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines; move sections to docs/"


def test_every_relative_link_in_the_docs_points_at_a_file():
    """Does every relative link of the README and docs/ name a file that exists, now that the
    sections live in docs/ and link back with ../?"""
    missing = []
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text(encoding="utf-8")):
            path = target.split("#")[0]
            if path and not re.match(r"^[a-z]+:", path) and not (doc.parent / path).exists():
                missing.append(f"{doc.relative_to(ROOT)}: {target}")
    assert not missing, "\n".join(missing)
