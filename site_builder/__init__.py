"""Compiles survey specs and brand themes into an accessible static survey site.

The build is a pipeline: load (YAML with positions) → validate (pydantic models and
cross-checks) → compile (the `form.json` manifest) → render (Jinja, theme first) → write.
"""
