"""The build stage: each app installed, built and tested in the sandboxed process runner
(docs/connectors.md#automated-pipeline).

Checks: build.install, build.compile, build.test (Node apps: three results from ONE memoised build, see
certifier.collect.build.build_app) and build.java (Maven). Modules starting with `_` are shared helpers.
"""
