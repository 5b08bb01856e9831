"""Local and remote preview deployments, the commercetools API emulator, and the HTTP probes.

A local preview starts the emulator (emulator.py), starts every HTTP app with its configuration
(launcher.py), runs postDeploy (scripts.py), probes each app (probes/) and finally runs preUndeploy; all of
it once per run (deployment.py). A remote preview (remote.py) probes URLs from a Deployment descriptor.
"""
