"""The specification stage: connect.yaml itself and how it maps onto the repository, one module per check.

Checks: spec.manifest-file, spec.schema, spec.app-folder, spec.undeclared-app-folder, spec.secret-config,
spec.generated-keys, spec.api-scopes, spec.legacy-app-type, spec.endpoint-path, spec.job-schedule,
spec.config-key-style. Modules starting with `_` are shared helpers. Loading and validation live in
certifier/connector/manifest/; pattern lists and limits in rules/specification.yaml and rules/secret-patterns.yaml.
"""
