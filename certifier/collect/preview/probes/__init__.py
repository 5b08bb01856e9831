"""HTTP probes of deployed apps: request builders, response validators, transcripts.

Each probe family module turns a target (an app URL plus what postDeploy registered) into exchanges
(request/response transcripts with latency, redacted) and problems (what the checks report).
"""
