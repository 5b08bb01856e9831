"""Security stage: SAST (semgrep rule pack, bandit), secrets (detect-secrets, our patterns, semgrep secret
rules) and secret files (.env, private keys, registry tokens). One module per check."""
