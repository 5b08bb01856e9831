"""Which package.json script a command runs (`npm run x`, `npm test`, `yarn x`), read from the rules data."""

from __future__ import annotations

from dataclasses import dataclass

from certifier.connector.structure_rules import rule
from certifier.checks.structure._shell import commands, first_word

# options that take a value and point the package manager at another package: we cannot resolve those
_FOREIGN_OPTIONS = frozenset({"--prefix", "-C", "--cwd", "--workspace", "-w", "--dir"})
_VALUE_OPTIONS = frozenset({"--loglevel", "--registry", "--userconfig", "--cache", "--mutex"})


@dataclass(frozen=True)
class ScriptCall:
    """A command that runs package.json script `name` through `manager` (npm or yarn)."""

    manager: str
    name: str
    command: tuple[str, ...]


@dataclass(frozen=True)
class Command:
    """One simple command of a script, with what it means for package.json."""

    words: tuple[str, ...]
    manager: str | None  # 'npm' | 'yarn' | None: which package manager the command uses
    call: ScriptCall | None  # the package.json script it runs, when it runs one we can resolve
    foreign: bool = False  # runs a script of another package (--prefix, --cwd, after `cd dir`)


def read_script(script: str) -> list[Command]:
    """The commands of a script. After `cd <dir>` (dir not '.'), script calls are marked foreign."""
    out: list[Command] = []
    moved = False
    for words in commands(script):
        program = first_word(words)
        if program == "cd":
            moved = moved or (len(words) > 1 and words[1] not in {".", "./"})
        manager = _manager_of(program)
        call, foreign = _call_of(manager, words) if manager else (None, False)
        if moved and call is not None:
            call, foreign = None, True
        out.append(Command(tuple(words), manager, call, foreign))
    return out


def _manager_of(program: str) -> str | None:
    return rule("package_managers", "programs").get(program)


def _call_of(manager: str, words: list[str]) -> tuple[ScriptCall | None, bool]:
    args, foreign = _positional(words[1:])
    if foreign:
        return None, True
    if not args:
        return None, False
    if manager == "npm":
        return _npm_call(words, args), False
    return _yarn_call(words, args), False


def _npm_call(words: list[str], args: list[str]) -> ScriptCall | None:
    shorthands: dict[str, str | None] = rule("package_managers", "npm_script_commands")
    if args[0] not in shorthands:
        return None
    fixed = shorthands[args[0]]
    if fixed is not None:
        return ScriptCall("npm", fixed, tuple(words))
    return ScriptCall("npm", args[1], tuple(words)) if len(args) > 1 else None


def _yarn_call(words: list[str], args: list[str]) -> ScriptCall | None:
    if args[0] == "run":
        return ScriptCall("yarn", args[1], tuple(words)) if len(args) > 1 else None
    if args[0] in set(rule("package_managers", "yarn_builtins")):
        return None
    return ScriptCall("yarn", args[0], tuple(words))


def _positional(args: list[str]) -> tuple[list[str], bool]:
    """Arguments that are not options; True when an option points at another package.
    Everything after `--` belongs to the script, so it is dropped."""
    out: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "--":
            break
        name = arg.split("=", 1)[0]
        if name in _FOREIGN_OPTIONS:
            return out, True
        if arg.startswith("-"):
            skip = name in _VALUE_OPTIONS and "=" not in arg
            continue
        out.append(arg)
    return out, False


def installs_or_builds(command: Command) -> bool:
    """npm ci / npm install / yarn / tsc / npm run build: something that makes compiled output exist."""
    words = [first_word(list(command.words)), *[w for w in command.words[1:] if not w.startswith("-")]]
    for pattern in rule("package_managers", "install_or_build"):
        # a one-word package-manager pattern (`yarn`) means the bare command; `tsc` may take arguments
        bare = len(pattern) == 1 and _manager_of(pattern[0]) is not None
        if words[: len(pattern)] == pattern and (not bare or len(words) == 1):
            return True
    builds = set(rule("package_managers", "install_or_build_scripts"))
    return command.call is not None and command.call.name in builds
