"""The structure stage: static checks of the repository layout, one module per check.

Checks: struct.package-json, struct.start-script, struct.build-script, struct.test-script,
struct.tests-present, struct.lockfile, struct.package-manager, struct.node-engine,
struct.lifecycle-scripts, struct.common-modules, struct.java-app (per app) and struct.readme,
struct.license, struct.support-contact, struct.hygiene, struct.symlinks (per connector).
Modules starting with `_` are shared helpers; pattern lists and limits live in rules/structure.yaml.
"""
