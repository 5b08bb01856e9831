"""PREVIEW stage checks: the app deployed (locally on the emulator, or remotely) and probed over HTTP."""
