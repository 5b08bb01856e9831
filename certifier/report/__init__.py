"""Renderings of a Report: canonical JSON (authoritative, sealed with SHA-256), HTML for reviewers,
Markdown job summary, Connect-style report entries, terminal text. One module per format.

Entry points: write_all (every file into one directory), seal/verify/load_report (canonical),
render_html, render_markdown, connect_entries, render_text.
"""
