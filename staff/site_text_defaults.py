"""The texts of the public pages as the network starts with them, in English and French (the
privacy notice's facts are in :mod:`staff.privacy_notice_defaults`).

Staff reword them in the admin; the set of keys is fixed here. The contact address is the one
the portal sends its mail from, at the time the texts are created. The migration that moved the
texts to this app creates them, and so does every later ``migrate`` or ``flush``
(:func:`staff.receivers.site_texts_ensure`).
"""

from email.utils import parseaddr

from django.conf import settings
from django.utils.html import escape

from .privacy_notice_defaults import privacy_notice_defaults


def _contact_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "network@peernet.example"


def _defaults() -> list[dict]:
    address = escape(_contact_address())
    # As the cleaning of peernet.richtext writes it, so that the stored text is already clean.
    link = f'<a href="mailto:{address}" rel="noopener noreferrer nofollow">{address}</a>'
    return [
        {
            "key": "home.purpose",
            "order": 10,
            "title_en": "Why the network exists",
            "title_fr": "Pourquoi ce réseau",
            "body_en": (
                "<p>PeerNet brings together people who work for Canadian municipalities and "
                "Indigenous community governments, so that they can learn from one another about "
                "climate action, sustainability and the circular economy. Peers share what "
                "worked, what did not and what they will try next, in a setting where candour "
                "is expected.</p>"
                "<p>The network also follows cohorts of member communities as they build "
                "circular-economy roadmaps together.</p>"
            ),
            "body_fr": (
                "<p>PeerNet réunit des personnes qui travaillent pour des municipalités "
                "canadiennes et des gouvernements de communautés autochtones, afin qu’elles "
                "apprennent les unes des autres en matière d’action climatique, de développement "
                "durable et d’économie circulaire. On y partage ce qui a fonctionné, ce qui n’a "
                "pas marché et ce qu’on compte essayer ensuite, dans un cadre où la franchise "
                "est de mise.</p>"
                "<p>Le réseau accompagne aussi des cohortes de communautés membres qui élaborent "
                "ensemble leur feuille de route en économie circulaire.</p>"
            ),
        },
        {
            "key": "home.expect",
            "order": 20,
            "title_en": "What members can expect",
            "title_fr": "Ce que le réseau offre à ses membres",
            "body_en": (
                "<ul>"
                "<li>Facilitated one-hour conversations with peers who face the same questions "
                "in other communities.</li>"
                "<li>Themes brought forward by members, who vote for the ones they want to "
                "discuss.</li>"
                "<li>An invitation to every meeting, to accept or decline and to add to your "
                "calendar.</li>"
                "<li>Room to speak frankly, among peers rather than in public.</li>"
                "</ul>"
            ),
            "body_fr": (
                "<ul>"
                "<li>Des échanges animés d’une heure avec des pairs d’autres communautés qui se "
                "posent les mêmes questions.</li>"
                "<li>Des thèmes proposés par les membres et retenus par leurs votes.</li>"
                "<li>Une invitation à chaque rencontre, à accepter ou à décliner et à ajouter à "
                "votre agenda.</li>"
                "<li>Un espace pour parler franchement, entre pairs plutôt qu’en public.</li>"
                "</ul>"
            ),
        },
        {
            "key": "home.know",
            "order": 30,
            "title_en": "What you need to know",
            "title_fr": "À savoir",
            "body_en": (
                "<ul>"
                "<li>Membership is free: there is nothing to pay, ever.</li>"
                "<li>The network meets online three or four times a year, for one hour.</li>"
                "<li>Meetings are never recorded.</li>"
                "<li>Meetings are held in English, with simultaneous French interpretation on "
                "request.</li>"
                "<li>Membership is open to staff of Canadian local governments (cities, towns, "
                "villages, counties, regional municipalities and districts, Québec MRCs, "
                "boroughs) and of Indigenous community governments (First Nations band offices, "
                "Métis settlements, Inuit community governments, self-governing nations and "
                "other Indigenous community offices). Consultants, non-profit organisations, "
                "provincial and federal governments and private companies are not "
                "eligible.</li>"
                "</ul>"
            ),
            "body_fr": (
                "<ul>"
                "<li>L’adhésion est gratuite : il n’y a jamais rien à payer.</li>"
                "<li>Le réseau se réunit en ligne trois ou quatre fois par année, pendant une "
                "heure.</li>"
                "<li>Les rencontres ne sont jamais enregistrées.</li>"
                "<li>Les rencontres se déroulent en anglais, avec interprétation simultanée en "
                "français sur demande.</li>"
                "<li>Le réseau est ouvert au personnel des administrations locales canadiennes "
                "(villes, villages, comtés, municipalités régionales et districts, MRC du "
                "Québec, arrondissements) et des gouvernements de communautés autochtones "
                "(bureaux de bande des Premières Nations, établissements métis, gouvernements "
                "de communautés inuites, nations autonomes et autres bureaux de communautés "
                "autochtones). Les cabinets-conseils et les personnes consultantes, les "
                "organismes sans but lucratif, les gouvernements provinciaux et fédéral et les "
                "entreprises privées ne sont pas admissibles.</li>"
                "</ul>"
            ),
        },
        {
            "key": "home.join",
            "order": 40,
            "title_en": "How to join",
            "title_fr": "Comment adhérer",
            "body_en": (
                "<p>Ask to join with the registration form and confirm your e-mail address. "
                "The network’s team reviews every request and answers within a week; once your "
                "request is approved, you receive a welcome message and an invitation to each "
                "upcoming meeting.</p>"
                "<p>To be sure of receiving your invitation in time, ask at least one week "
                "before the next meeting.</p>"
            ),
            "body_fr": (
                "<p>Demandez à adhérer au moyen du formulaire d’inscription, puis confirmez "
                "votre adresse courriel. L’équipe du réseau examine chaque demande et y répond "
                "dans un délai d’une semaine; une fois votre demande approuvée, vous recevez un "
                "message de bienvenue et une invitation à chacune des prochaines "
                "rencontres.</p>"
                "<p>Pour recevoir votre invitation à temps, faites votre demande au moins une "
                "semaine avant la prochaine rencontre.</p>"
            ),
        },
        {
            "key": "home.contact",
            "order": 50,
            "title_en": "Contact us",
            "title_fr": "Nous joindre",
            "body_en": (
                "<p>A question about the network, a meeting or your membership? Write to the "
                f"network’s team at {link}.</p>"
            ),
            "body_fr": (
                "<p>Une question sur le réseau, une rencontre ou votre adhésion? Écrivez à "
                f"l’équipe du réseau à l’adresse {link}.</p>"
            ),
        },
        {
            "key": "home.land",
            "order": 60,
            "title_en": "Land acknowledgement",
            "title_fr": "Reconnaissance territoriale",
            "body_en": (
                "<p>The network’s members live and work on the traditional, treaty and unceded "
                "territories of many First Nations, Inuit and Métis peoples across what is now "
                "Canada. We are grateful to gather on these lands, and we commit to learning "
                "from the peoples who have cared for them since time immemorial.</p>"
            ),
            "body_fr": (
                "<p>Les membres du réseau vivent et travaillent sur les territoires "
                "traditionnels, visés par des traités ou non cédés de nombreux peuples des "
                "Premières Nations, inuits et métis, partout dans ce qui est aujourd’hui le "
                "Canada. Nous exprimons notre gratitude de pouvoir nous réunir sur ces terres et "
                "nous nous engageons à apprendre des peuples qui en prennent soin depuis des "
                "temps immémoriaux.</p>"
            ),
        },
        {
            "key": "meetings.intro",
            "order": 70,
            "title_en": "",
            "title_fr": "",
            "body_en": (
                "<p>Facilitated one-hour online meetings where staff of local and Indigenous "
                "community governments speak candidly about climate action. They are held in "
                "English, with simultaneous French interpretation on request, and are never "
                "recorded.</p>"
            ),
            "body_fr": (
                "<p>Des rencontres animées d’une heure, en ligne, où le personnel des "
                "administrations locales et des gouvernements de communautés autochtones parle "
                "franchement d’action climatique. Elles se déroulent en anglais, avec "
                "interprétation simultanée en français sur demande, et ne sont jamais "
                "enregistrées.</p>"
            ),
        },
        {
            "key": "cohorts.intro",
            "order": 80,
            "title_en": "",
            "title_fr": "",
            "body_en": (
                "<p>Every year, a cohort of local governments goes through the circular-economy "
                "programme together: foundational peer sessions, thematic action groups and "
                "coaching from circular-economy experts. Below are the communities of each "
                "cohort, with their roadmaps.</p>"
            ),
            "body_fr": (
                "<p>Chaque année, une cohorte d’administrations locales suit ensemble le "
                "programme d’économie circulaire : séances de base entre pairs, groupes "
                "d’action thématiques et accompagnement par des spécialistes de l’économie "
                "circulaire. Voici les communautés de chaque cohorte et leurs feuilles de "
                "route.</p>"
            ),
        },
        *privacy_notice_defaults(link),
    ]


def site_texts_create(apps, schema_editor=None, *, keys=None):
    """Create the texts that are missing, with their defaults; texts staff have edited are left
    as they are. ``apps`` is a migration's app registry, or the installed one; ``keys`` limits
    the texts to those a migration knew of."""
    SiteText = apps.get_model("staff", "SiteText")
    for default in _defaults():
        if keys is not None and default["key"] not in keys:
            continue
        values = {**default, "title": default["title_en"], "body": default["body_en"]}
        key = values.pop("key")
        SiteText.objects.get_or_create(key=key, defaults=values)


def site_texts_delete(apps, schema_editor=None):
    SiteText = apps.get_model("staff", "SiteText")
    SiteText.objects.filter(key__in=[default["key"] for default in _defaults()]).delete()
