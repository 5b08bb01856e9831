"""Dependency inventory from lockfiles and matching against an OSV-format advisory database.

Layout (one concern per module):
  model.py          Package / LockfileInventory / LockfileError: the inventory every check shares
  discover.py       which lockfiles a checkout holds, and parsing each one (lock_*.py, one per format)
  graph.py          dev/direct classification by walking a lockfile's dependency graph
  semver.py         the npm version comparator; versions.py: per-ecosystem version keys
  osv.py            OSV records (parsing, minimal validation); severity.py: GHSA levels and CVSS
  matching.py       OSV range evaluation and fix detection
  store.py          the database in use (shipped seed, synced cache, or CERTIFIER_ADVISORY_DB)
  sync.py           `certifier advisories sync`; online.py: the optional OSV API adapter
  licenses.py       SPDX licence classification; sbom.py: CycloneDX SBOM
"""
