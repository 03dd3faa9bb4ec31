"""Demo content of the circular-economy programme, on top of import_communities.

Fills empty descriptions of the imported communities, the cohorts' introductions, the
foundational sessions, two thematic action groups and the programme's partners. Running it
twice changes nothing, and nothing that staff have written is overwritten.
"""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from cohorts.importing import community_descriptions_fill
from cohorts.models import ActionGroup, Cohort, ProgrammePartner, ProgrammeSession

DESCRIPTIONS = Path(__file__).resolve().parents[2] / "data" / "community_descriptions.csv"

COHORT_INTRODUCTIONS = {
    "2021/22": (
        "The first cohort: fifteen communities in eight provinces and territories.",
        "La première cohorte : quinze collectivités de huit provinces et territoires.",
    ),
    "2022/23": (
        "The second cohort: ten communities in five provinces.",
        "La deuxième cohorte : dix collectivités de cinq provinces.",
    ),
}

SESSIONS = [
    (
        "Circular economy foundations",
        "Les bases de l'économie circulaire",
        "What a circular economy means for a local government, and where to start.",
        "Ce que l'économie circulaire signifie pour un gouvernement local, et par où commencer.",
    ),
    (
        "Mapping materials and partners",
        "Cartographier les matières et les partenaires",
        "Finding the flows of materials in the community and the people who handle them.",
        "Repérer les flux de matières dans la collectivité et les personnes qui les gèrent.",
    ),
    (
        "From strategy to roadmap",
        "De la stratégie à la feuille de route",
        "Turning priorities into a roadmap that council can adopt.",
        "Transformer les priorités en une feuille de route que le conseil peut adopter.",
    ),
]

ACTION_GROUPS = [
    (
        "circular-food-systems",
        "Circular food systems",
        "Systèmes alimentaires circulaires",
        "<p>Reducing food waste and keeping food and its by-products in use.</p>",
        "<p>Réduire le gaspillage alimentaire et garder les aliments et leurs sous-produits "
        "en circulation.</p>",
    ),
    (
        "built-environment",
        "Built environment",
        "Cadre bâti",
        "<p>Reuse of buildings and construction materials, deconstruction and design for "
        "disassembly.</p>",
        "<p>Réemploi des bâtiments et des matériaux de construction, déconstruction et "
        "conception pour le démontage.</p>",
    ),
]

PARTNERS = [
    ("National Zero Waste Council", "Conseil national zéro déchet", "https://www.nzwc.ca/"),
    (
        "Federation of Canadian Municipalities",
        "Fédération canadienne des municipalités",
        "https://fcm.ca/",
    ),
    ("Recycling Council of Alberta", "Recycling Council of Alberta", "https://recycle.ab.ca/"),
    ("RECYC-QUÉBEC", "RECYC-QUÉBEC", "https://www.recyc-quebec.gouv.qc.ca/"),
]


class Command(BaseCommand):
    help = "Load the programme's demo content; running it twice changes nothing."

    @transaction.atomic
    def handle(self, *args, **options):
        filled = community_descriptions_fill(path=DESCRIPTIONS)
        for label, (english, french) in COHORT_INTRODUCTIONS.items():
            cohort = Cohort.objects.filter(label=label).first()
            if cohort is not None and not cohort.introduction_en:
                cohort.introduction_en, cohort.introduction_fr = english, french
                cohort.save()
        for position, (title_en, title_fr, summary_en, summary_fr) in enumerate(SESSIONS):
            ProgrammeSession.objects.get_or_create(
                title_en=title_en,
                defaults={
                    "title_fr": title_fr,
                    "summary_en": summary_en,
                    "summary_fr": summary_fr,
                    "position": position,
                },
            )
        for position, (slug, name_en, name_fr, text_en, text_fr) in enumerate(ACTION_GROUPS):
            ActionGroup.objects.get_or_create(
                slug=slug,
                defaults={
                    "name_en": name_en,
                    "name_fr": name_fr,
                    "description_en": text_en,
                    "description_fr": text_fr,
                    "position": position,
                },
            )
        for position, (name_en, name_fr, website) in enumerate(PARTNERS):
            ProgrammePartner.objects.get_or_create(
                name_en=name_en,
                defaults={"name_fr": name_fr, "website": website, "position": position},
            )
        self.stdout.write(f"Programme demo content loaded; {filled} descriptions filled.")
