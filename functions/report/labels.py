"""The report's own words in Finnish, Swedish and English (any other language falls back to English),
and numbers and dates written the way readers of that language expect."""

from __future__ import annotations

from datetime import datetime

from functions.manifest import Text

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "report": "Results",
        "responses": "Responses",
        "generated": "Report made {time} ({zone}).",
        "covers": "Responses received {first} – {last}.",
        "filters": "Showing only",
        "from": "from",
        "to": "to",
        "touchpoint": "Touchpoint",
        "language": "Language",
        "no_responses": "No responses yet. The report fills in as soon as the first responses arrive.",
        "too_few": "Too few responses ({n}) for reliable percentages: counts are shown instead.",
        "promoters": "Promoters (9–10)",
        "passives": "Passives (7–8)",
        "detractors": "Detractors (0–6)",
        "margin": "±{moe} points at 95 % confidence",
        "satisfied": "Satisfied (4–5)",
        "mean": "Average",
        "median": "Median",
        "min": "Lowest",
        "max": "Highest",
        "approximate": "approximate",
        "answer": "Answer",
        "count": "Count",
        "share": "Share",
        "answered": "{n} answered",
        "comments": "Newest {shown} of {n} answers",
        "other_answers": "Written in “Other”",
        "other": "Other",
        "email": "{n} respondents left an email address. Addresses are personal data and are not shown in reports.",
        "consent": "{n} respondents gave their consent.",
        "statement": "Statement",
        "trend": "Week by week",
        "week": "Week",
        "per_week": "Responses per week",
        "nps_week": "NPS per week",
        "by_touchpoint": "By touchpoint",
        "by_language": "By language",
        "by_hidden": "By {name}",
        "no_touchpoint": "(no touchpoint)",
        "outcomes": "Quiz outcomes",
        "outcome": "Outcome",
        "chart": "Chart of the figures in the table beside it.",
        "several": "Several answers allowed; shares are of those who answered.",
        "score": "Score",
        "nps": "Net Promoter Score",
        "value": "Value",
        "too_few_short": "too few",
        "all": "All responses",
        "made": "Report made",
        "margin_short": "Margin of error (95 %), points",
        "answered_count": "Answered",
        "distribution": "Answers by value",
        "responses_after_count": "responses",
    },
    "fi": {
        "report": "Tulokset",
        "responses": "Vastauksia",
        "generated": "Raportti tehty {time} ({zone}).",
        "covers": "Vastaukset saatu {first} – {last}.",
        "filters": "Näytetään vain",
        "from": "alkaen",
        "to": "asti",
        "touchpoint": "Kosketuspiste",
        "language": "Kieli",
        "no_responses": "Ei vielä vastauksia. Raportti täyttyy heti, kun ensimmäiset vastaukset saapuvat.",
        "too_few": "Liian vähän vastauksia ({n}) luotettaviin prosentteihin: näytetään lukumäärät.",
        "promoters": "Suosittelijat (9–10)",
        "passives": "Passiiviset (7–8)",
        "detractors": "Arvostelijat (0–6)",
        "margin": "±{moe} pistettä 95 %:n luottamustasolla",
        "satisfied": "Tyytyväisiä (4–5)",
        "mean": "Keskiarvo",
        "median": "Mediaani",
        "min": "Pienin",
        "max": "Suurin",
        "approximate": "likimääräinen",
        "answer": "Vastaus",
        "count": "Lukumäärä",
        "share": "Osuus",
        "answered": "{n} vastasi",
        "comments": "Uusimmat {shown} / {n} vastausta",
        "other_answers": "Kirjoitettu kohtaan ”Muu”",
        "other": "Muu",
        "email": "{n} vastaajaa jätti sähköpostiosoitteen. Osoitteet ovat henkilötietoja eikä niitä näytetä "
        "raporteissa.",
        "consent": "{n} vastaajaa antoi suostumuksensa.",
        "statement": "Väittämä",
        "trend": "Viikoittain",
        "week": "Viikko",
        "per_week": "Vastauksia viikossa",
        "nps_week": "NPS viikoittain",
        "by_touchpoint": "Kosketuspisteittäin",
        "by_language": "Kielittäin",
        "by_hidden": "Jaottelu: {name}",
        "no_touchpoint": "(ei kosketuspistettä)",
        "outcomes": "Testin tulokset",
        "outcome": "Tulos",
        "chart": "Kaavio viereisen taulukon luvuista.",
        "several": "Useampi vastaus sallittu; osuudet vastanneista.",
        "score": "Pisteet",
        "nps": "Suositteluindeksi (NPS)",
        "value": "Arvo",
        "too_few_short": "liian vähän",
        "all": "Kaikki vastaukset",
        "made": "Raportti tehty",
        "margin_short": "Virhemarginaali (95 %), pistettä",
        "answered_count": "Vastanneita",
        "distribution": "Vastausten jakauma",
        "responses_after_count": "vastausta",
    },
    "sv": {
        "report": "Resultat",
        "responses": "Svar",
        "generated": "Rapporten gjord {time} ({zone}).",
        "covers": "Svar mottagna {first} – {last}.",
        "filters": "Visar endast",
        "from": "från",
        "to": "till",
        "touchpoint": "Kontaktpunkt",
        "language": "Språk",
        "no_responses": "Inga svar ännu. Rapporten fylls i så snart de första svaren kommer in.",
        "too_few": "För få svar ({n}) för tillförlitliga procentsatser: antalen visas i stället.",
        "promoters": "Promotorer (9–10)",
        "passives": "Passiva (7–8)",
        "detractors": "Kritiker (0–6)",
        "margin": "±{moe} poäng med 95 % konfidens",
        "satisfied": "Nöjda (4–5)",
        "mean": "Medelvärde",
        "median": "Median",
        "min": "Lägsta",
        "max": "Högsta",
        "approximate": "ungefärlig",
        "answer": "Svar",
        "count": "Antal",
        "share": "Andel",
        "answered": "{n} svarade",
        "comments": "De senaste {shown} av {n} svar",
        "other_answers": "Skrivet under ”Annat”",
        "other": "Annat",
        "email": "{n} svarande lämnade en e-postadress. Adresserna är personuppgifter och visas inte i rapporter.",
        "consent": "{n} svarande gav sitt samtycke.",
        "statement": "Påstående",
        "trend": "Vecka för vecka",
        "week": "Vecka",
        "per_week": "Svar per vecka",
        "nps_week": "NPS per vecka",
        "by_touchpoint": "Per kontaktpunkt",
        "by_language": "Per språk",
        "by_hidden": "Per {name}",
        "no_touchpoint": "(ingen kontaktpunkt)",
        "outcomes": "Testets resultat",
        "outcome": "Resultat",
        "chart": "Diagram över siffrorna i tabellen bredvid.",
        "several": "Flera svar möjliga; andelarna gäller dem som svarade.",
        "score": "Poäng",
        "nps": "Net Promoter Score",
        "value": "Värde",
        "too_few_short": "för få",
        "all": "Alla svar",
        "made": "Rapporten gjord",
        "margin_short": "Felmarginal (95 %), poäng",
        "answered_count": "Antal svarande",
        "distribution": "Svarsfördelning",
        "responses_after_count": "svar",
    },
}


class Words:
    """Labels, numbers and dates in one report language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.table = LABELS.get(lang, LABELS["en"])

    def __call__(self, key: str, **values: object) -> str:
        template = self.table.get(key) or LABELS["en"][key]
        return template.format(**values) if values else template

    def text(self, text: Text | None) -> str:
        """A producer text in this language, else the first language it has."""
        if not text:
            return ""
        return text.get(self.lang) or next(iter(text.values()))

    def number(self, value: float | None, decimals: int = 1) -> str:
        if value is None:
            return "–"
        rounded = round(float(value), decimals) + 0.0  # + 0.0 turns −0.0 into 0.0
        written = (f"{rounded:.0f}" if rounded.is_integer() else f"{rounded:.{decimals}f}").replace("-", "−")
        return written.replace(".", ",") if self.lang in ("fi", "sv") else written

    def percent(self, value: float | None) -> str:
        return "–" if value is None else self.number(value) + ("\u00a0%" if self.lang in ("fi", "sv") else "%")

    def moment(self, value: datetime) -> str:
        if self.lang == "fi":
            return f"{value.day}.{value.month}.{value.year} klo {value:%H.%M}"
        return f"{value:%Y-%m-%d %H:%M}"

    def day(self, value: datetime) -> str:
        return f"{value.day}.{value.month}.{value.year}" if self.lang == "fi" else f"{value:%Y-%m-%d}"
