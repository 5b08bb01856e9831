"""The marketplace service: HTTP API (`certifier serve`), token auth, run store, dispatch, callbacks.

The store is the system of record; dispatch (an in-process pool or Celery) only says "look at run X".
Every component reads its settings from one `ServiceConfig` (certifier.service.config).
"""
