"""The build throughput peer: a plain Jinja2 loop rendering the same pages as `palaute build`.

What it leaves out is the point of the comparison: no validation or cross-checks, no manifest,
no contrast check, no QR codes, no content hashing or incremental rebuild, no sanitising of
Markdown. It reads each spec (libyaml), renders every survey page, thank-you page and sign, and
writes them where `palaute build` would. Run alone: `python bench/jinja_loop.py SPECS OUT`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment

SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}

PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t(spec.title) }}</title><link rel="stylesheet" href="../assets/survey.css"></head>
<body><main><h1>{{ t(spec.title) }}</h1><p>{{ t(spec.intro) }}</p>
<form method="post" action="/v1/surveys/{{ spec.id }}/responses">
{% for page in spec.pages %}<section>{% if page.title %}<h2>{{ t(page.title) }}</h2>{% endif %}
{% for q in page.questions %}<fieldset id="q-{{ q.id }}"><legend>{{ t(q.text) }}</legend>
{% if q.type in scales or q.type == "rating" %}{% set lo, hi = scales.get(q.type, (1, q.scale or 5)) %}
{% for v in range(lo, hi + 1) %}<label><input type="radio" name="{{ q.id }}" value="{{ v }}"> {{ v }}</label>
{% endfor %}{% elif q.type in ("single_choice", "multi_choice") %}{% for o in q.options %}
<label><input type="{{ 'radio' if q.type == 'single_choice' else 'checkbox' }}" name="{{ q.id }}"
 value="{{ o.id }}"> {{ t(o.label) }}</label>{% endfor %}{% elif q.type == "likert" %}{% for r in q.rows %}
<div>{{ t(r.label) }}{% for v in range(1, (q.scale or 5) + 1) %}<input type="radio" name="{{ q.id }}.{{ r.id }}"
 value="{{ v }}">{% endfor %}</div>{% endfor %}{% elif q.type == "consent" %}
<label><input type="checkbox" name="{{ q.id }}" value="true"> {{ t(q.text) }}</label>
{% elif q.multiline %}<textarea name="{{ q.id }}"></textarea>{% else %}<input type="text" name="{{ q.id }}">
{% endif %}</fieldset>
{% endfor %}</section>{% endfor %}<button type="submit">OK</button></form></main></body></html>
"""
THANKS = """<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ t(spec.title) }}</title>
<link rel="stylesheet" href="../../assets/survey.css"></head>
<body><main><h1>{{ t(spec.thanks) }}</h1></main></body></html>
"""
SIGN = """<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ t(spec.title) }}</title></head>
<body><h1>{{ t(spec.title) }}</h1><p>{{ t(tp.label) }}</p><img src="../qr/{{ tp.id }}.svg" alt=""></body></html>
"""


def render_site(specs_dir: Path, out_dir: Path) -> int:
    """Render every spec's pages into `out_dir`; returns how many HTML files were written."""
    env = Environment(autoescape=True)
    page, thanks, sign = (env.from_string(source) for source in (PAGE, THANKS, SIGN))
    written = 0
    for path in sorted(specs_dir.glob("*.yaml")):
        spec: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for i, lang in enumerate(spec["languages"]):

            def t(text: Any, lang: str = lang) -> str:
                return str(text.get(lang, "")) if isinstance(text, dict) else str(text or "")

            context = {"spec": spec, "lang": lang, "t": t, "scales": SCALES}
            html = page.render(context)
            files = {f"{lang}/index.html": html, f"{lang}/thanks/index.html": thanks.render(context)}
            if i == 0:
                files["index.html"] = html
                for tp in spec.get("touchpoints", []):
                    files[f"signs/{tp['id']}.html"] = sign.render(context, tp=tp)
            for rel, text in files.items():
                target = out_dir / spec["id"] / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
                written += 1
    return written


if __name__ == "__main__":
    count = render_site(Path(sys.argv[1]), Path(sys.argv[2]))
    sys.stdout.write(f"{count}\n")
