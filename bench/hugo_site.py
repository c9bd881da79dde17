"""The build throughput peer in Go: a Hugo site holding the same pages as `palaute build` makes.

Every spec becomes content files (JSON front matter carrying the spec) at the URLs `palaute
build` writes: the survey per language, the default language at the survey's root, a thank-you
page per language and a sign per touchpoint. Layouts render the questions as a form, Markdown
intro included. List, taxonomy, RSS and sitemap pages are switched off so Hugo writes exactly
those pages and nothing else. Generating the site is not timed; `hugo` building it is.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

CONFIG = """\
baseURL = "https://surveys.example.org/"
disableKinds = ["home", "section", "taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
SURVEY = """\
{{- $l := .Params.lang_code -}}{{- $s := .Params.survey -}}<!doctype html>
<html lang="{{ $l }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ index $s.title $l }}</title><link rel="stylesheet" href="../assets/survey.css"></head>
<body><main><h1>{{ index $s.title $l }}</h1>{{ with $s.intro }}{{ index . $l | markdownify }}{{ end }}
<form method="post" action="/v1/surveys/{{ $s.id }}/responses">
{{ range $s.pages }}<section>{{ with .title }}<h2>{{ index . $l }}</h2>{{ end }}
{{ range .questions }}{{ $q := . }}<fieldset id="q-{{ $q.id }}"><legend>{{ index $q.text $l }}</legend>
{{ if in (slice "nps" "csat" "ces" "rating") $q.type }}
{{ $lo := 1 }}{{ $hi := 5 }}{{ if eq $q.type "nps" }}{{ $lo = 0 }}{{ $hi = 10 }}{{ end }}
{{ if eq $q.type "ces" }}{{ $hi = 7 }}{{ end }}{{ with $q.scale }}{{ $hi = . }}{{ end }}
{{ range seq $lo $hi }}<label><input type="radio" name="{{ $q.id }}" value="{{ . }}"> {{ . }}</label>
{{ end }}{{ else if in (slice "single_choice" "multi_choice") $q.type }}{{ range $q.options }}
<label><input type="{{ if eq $q.type "single_choice" }}radio{{ else }}checkbox{{ end }}" name="{{ $q.id }}"
 value="{{ .id }}"> {{ index .label $l }}</label>{{ end }}{{ else if eq $q.type "likert" }}{{ range $q.rows }}
{{ $r := . }}<div>{{ index $r.label $l }}{{ range seq 1 (default 5 $q.scale) }}<input type="radio"
 name="{{ $q.id }}.{{ $r.id }}" value="{{ . }}">{{ end }}</div>{{ end }}{{ else if eq $q.type "consent" }}
<label><input type="checkbox" name="{{ $q.id }}" value="true"> {{ index $q.text $l }}</label>
{{ else if $q.multiline }}<textarea name="{{ $q.id }}"></textarea>{{ else }}<input type="text" name="{{ $q.id }}">
{{ end }}</fieldset>
{{ end }}</section>{{ end }}<button type="submit">OK</button></form></main></body></html>
"""
THANKS = """\
{{- $l := .Params.lang_code -}}{{- $s := .Params.survey -}}<!doctype html><html lang="{{ $l }}"><head>
<meta charset="utf-8"><title>{{ index $s.title $l }}</title><link rel="stylesheet" href="../../assets/survey.css">
</head><body><main><h1>{{ index $s.thanks $l }}</h1></main></body></html>
"""
SIGN = """\
{{- $l := .Params.lang_code -}}{{- $s := .Params.survey -}}<!doctype html><html lang="{{ $l }}"><head>
<meta charset="utf-8"><title>{{ index $s.title $l }}</title></head><body><h1>{{ index $s.title $l }}</h1>
<p>{{ index .Params.touchpoint.label $l }}</p><img src="../qr/{{ .Params.touchpoint.id }}.svg" alt=""></body></html>
"""


def _content(folder: Path, name: str, front: dict[str, Any]) -> None:
    (folder / f"{name}.md").write_text(json.dumps(front, ensure_ascii=False) + "\n", encoding="utf-8")


def write_site(specs_dir: Path, site: Path) -> int:
    """A Hugo source tree for every spec; returns how many pages it will build."""
    shutil.rmtree(site, ignore_errors=True)
    content, layouts = site / "content", site / "layouts" / "_default"
    content.mkdir(parents=True)
    layouts.mkdir(parents=True)
    (site / "config.toml").write_text(CONFIG, encoding="utf-8")
    for name, source in (("survey", SURVEY), ("thanks", THANKS), ("sign", SIGN)):
        (layouts / f"{name}.html").write_text(source, encoding="utf-8")
    pages = 0
    for path in sorted(specs_dir.glob("*.yaml")):
        spec = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        sid = spec["id"]
        for i, lang in enumerate(spec["languages"]):
            base = {"lang_code": lang, "survey": spec}
            _content(content, f"{sid}-{lang}", base | {"layout": "survey", "url": f"/{sid}/{lang}/"})
            _content(content, f"{sid}-{lang}-thanks", base | {"layout": "thanks", "url": f"/{sid}/{lang}/thanks/"})
            pages += 2
            if i == 0:
                _content(content, f"{sid}-default", base | {"layout": "survey", "url": f"/{sid}/"})
                for tp in spec.get("touchpoints", []):
                    front = base | {"layout": "sign", "url": f"/{sid}/signs/{tp['id']}.html", "touchpoint": tp}
                    _content(content, f"{sid}-sign-{tp['id']}", front)
                pages += 1 + len(spec.get("touchpoints", []))
    return pages


def hugo_version(hugo: str) -> str:
    return subprocess.run([hugo, "version"], capture_output=True, text=True, check=True).stdout.strip()


def command(hugo: str, site: Path, out: Path) -> list[str]:
    """The build command: Hugo uses every core by default, as `palaute build` does."""
    return [hugo, "--quiet", "--source", str(site), "--destination", str(out)]
