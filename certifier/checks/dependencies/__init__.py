"""Stage DEPENDENCIES: lockfile inventory, advisory matching, licences and the SBOM (one check per module).

The work shared by the checks (the advisory database, each parsed lockfile) is done once per run
through the run session; the parsing and matching themselves live in certifier.collect.advisories.
"""
