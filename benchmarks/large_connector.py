"""Generate a large, realistic connector for benchmarks: 5 apps, 2,000 source files, 1,500 locked packages.

The code is varied TypeScript (handlers, services, utilities) so that a SAST scan has real work; each
lockfile is a package-lock v3 with a dependency tree (direct, nested, dev) of plausible npm packages.
Deterministic: the same arguments produce the same tree, so runs are comparable.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

APP_TYPES = ["service", "event", "job", "service", "event"]
TEMPLATES = [
    """import {{ logger }} from '../lib/logger';\nexport interface {name}Input {{ id: string; quantity: number; }}\n
export function {fn}(input: {name}Input): number {{\n  if (!input.id) {{ throw new Error('id required'); }}
  const total = input.quantity * {n};\n  logger.info({{ id: input.id, total }}, '{fn} computed');\n  return total;\n}}\n""",
    """export type {name}State = {{ items: string[]; version: number }};\n
export const {fn} = (state: {name}State, item: string): {name}State => ({{
  items: state.items.includes(item) ? state.items : [...state.items, item],
  version: state.version + {n},
}});\n""",
    """import {{ createHash }} from 'node:crypto';\n
export async function {fn}(payload: Record<string, unknown>): Promise<string> {{
  const body = JSON.stringify(payload ?? {{}});
  const digest = createHash('sha256').update(body).digest('hex');
  return digest.slice(0, {n} % 64 + 1);\n}}\n""",
]


def generate(dest: Path, apps: int = 5, files: int = 2000, packages: int = 1500, seed: int = 7) -> Path:
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    names = [f"bench-app-{i}" for i in range(apps)]
    _write_manifest(dest, names)
    for index, name in enumerate(names):
        _write_app(dest / name, name, files // apps, packages // apps, rng, index)
    (dest / "README.md").write_text(_readme(names))
    (dest / "LICENSE").write_text("MIT License\n\nCopyright (c) 2026 Bench\n\nPermission is hereby granted.\n")
    return dest


def _write_manifest(dest: Path, names: list[str]) -> None:
    lines = ["deployAs:"]
    for index, name in enumerate(names):
        kind = APP_TYPES[index % len(APP_TYPES)]
        lines += [f"  - name: {name}", f"    applicationType: {kind}", f"    endpoint: /{name}"]
        if kind == "job":
            lines += ["    properties:", "      schedule: \"0 0 * * *\""]
        lines += ["    configuration:", "      standardConfiguration:",
                  "        - key: CTP_PROJECT_KEY", "          description: project key", "          required: true"]
    (dest / "connect.yaml").write_text("\n".join(lines) + "\n")


def _write_app(app: Path, name: str, files: int, packages: int, rng: random.Random, index: int) -> None:
    (app / "src" / "lib").mkdir(parents=True, exist_ok=True)
    (app / "tests").mkdir(exist_ok=True)
    (app / "src" / "lib" / "logger.ts").write_text(
        "export const logger = { info: (o: object, m: string) => process.stdout.write(JSON.stringify({...o, m}) + '\\n') };\n")
    for n in range(files - 2):
        template = TEMPLATES[n % len(TEMPLATES)]
        module = template.format(name=f"M{index}x{n}", fn=f"handle{index}x{n}", n=rng.randint(1, 999))
        folder = app / "src" / f"area{n % 20}"
        folder.mkdir(exist_ok=True)
        (folder / f"module{n}.ts").write_text(module)
    (app / "tests" / "index.test.ts").write_text("import test from 'node:test';\ntest('runs', () => {});\n")
    deps = _dependencies(packages, rng)
    package = {"name": name, "version": "1.0.0", "private": True, "engines": {"node": ">=18"},
               "scripts": {"start": "node dist/index.js", "build": "tsc", "test": "node --test dist/tests"},
               "dependencies": {d: f"^{v}" for d, v, dev, nested in deps if not dev and not nested},
               "devDependencies": {d: f"^{v}" for d, v, dev, nested in deps if dev and not nested}}
    (app / "package.json").write_text(json.dumps(package, indent=2) + "\n")
    (app / "package-lock.json").write_text(json.dumps(_lockfile(name, package, deps), indent=2) + "\n")
    (app / "tsconfig.json").write_text('{"compilerOptions": {"outDir": "dist", "strict": true}}\n')


def _dependencies(count: int, rng: random.Random) -> list[tuple[str, str, bool, bool]]:
    out = []
    for n in range(count):
        name = f"@bench/pkg-{n:04d}" if n % 3 else f"bench-lib-{n:04d}"
        version = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"
        out.append((name, version, n % 5 == 0, n % 2 == 1))
    return out


def _lockfile(name: str, package: dict, deps) -> dict:
    packages = {"": {"name": name, "version": "1.0.0", "dependencies": package["dependencies"],
                     "devDependencies": package["devDependencies"]}}
    for dep, version, dev, nested in deps:
        path = f"node_modules/{'@bench/parent/node_modules/' if nested else ''}{dep}"
        entry = {"version": version, "license": "MIT",
                 "integrity": "sha512-" + "A" * 86 + "=="}
        if dev:
            entry["dev"] = True
        packages[path] = entry
    return {"name": name, "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": packages}


def _readme(names: list[str]) -> str:
    apps = "\n".join(f"- `{n}`" for n in names)
    return (f"# Bench connector\n\n## Installation\n\nDeploy it.\n\n## Configuration\n\n| Key | Meaning |\n|---|---|\n"
            f"| `CTP_PROJECT_KEY` | project key |\n\n## Usage\n\nApps:\n{apps}\n\n## Support\n\nsupport@example.com\n")


def tag_repository(path: Path, tag: str = "v1.0.0") -> Path:
    """Commit and tag `path`, then pack it as a hosted repository serves it (a fetch of 4,000 loose objects
    spends 0.3 s compressing them, which no real fetch of a tag does)."""
    env = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@example.invalid", "PATH": "/usr/bin:/bin", "HOME": str(path)}
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "bench"], ["tag", tag],
                 ["gc", "-q"]):
        subprocess.run(["git", *argv], cwd=path, env=env, check=True, capture_output=True)
    return path
