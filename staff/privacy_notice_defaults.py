"""The facts of the privacy notice as the network starts with them, in English and French.

They are page texts (:mod:`staff.site_text_defaults` creates them with the others); staff
complete and reword them in the admin, where the guidance of :mod:`staff.admin` says what the
law asks each one to say. How long data is kept is not among them: the notice reads it from the
settings the purges apply (:mod:`staff.privacy_notice`).
"""

_CAI = (
    '<a href="https://www.cai.gouv.qc.ca" rel="noopener noreferrer nofollow">www.cai.gouv.qc.ca</a>'
)
_OPC = '<a href="https://www.priv.gc.ca" rel="noopener noreferrer nofollow">www.priv.gc.ca</a>'


def privacy_notice_defaults(link: str) -> list[dict]:
    """The notice's texts; ``link`` is the contact address, as a cleaned mailto link."""
    return [
        {
            "key": "privacy.purposes",
            "order": 110,
            "title_en": "Why we collect personal information",
            "title_fr": "Pourquoi nous recueillons des renseignements personnels",
            "body_en": (
                "<p>PeerNet collects personal information to check that a person who asks to "
                "join works for a Canadian local or Indigenous community government, to invite "
                "members to the network’s meetings and record their answers, to send the "
                "e-mails that go with them, and to follow the requests of communities that "
                "wish to join a cohort. It is used for nothing else, is never sold, and no "
                "decision about a person is made by automated means alone.</p>"
            ),
            "body_fr": (
                "<p>PeerNet recueille des renseignements personnels pour vérifier qu’une "
                "personne qui demande à adhérer travaille pour une administration locale ou un "
                "gouvernement de communauté autochtone au Canada, pour inviter les membres aux "
                "rencontres du réseau et noter leurs réponses, pour envoyer les courriels qui "
                "les accompagnent et pour suivre les demandes des communautés qui souhaitent "
                "se joindre à une cohorte. Ils ne servent à rien d’autre, ne sont jamais vendus, "
                "et aucune décision concernant une personne n’est prise de façon uniquement "
                "automatisée.</p>"
            ),
        },
        {
            "key": "privacy.collected",
            "order": 120,
            "title_en": "What we collect",
            "title_fr": "Ce que nous recueillons",
            "body_en": (
                "<ul>"
                "<li>From a person who asks to join: name, work e-mail address, job title, "
                "department, organisation, province or territory, preferred language and "
                "interpretation wish, with the time of consent to this notice and its "
                "version.</li>"
                "<li>From a member: answers to invitations, theme suggestions and votes, and "
                "the calendar feed if the member turns it on.</li>"
                "<li>From a community that wishes to join a cohort: the contact’s name, "
                "address and job title, the government, its population and why it wants to "
                "join.</li>"
                "<li>The e-mails the portal sends, replies received from calendar programs, "
                "and what sign-in needs (a session cookie, counts of failed sign-ins).</li>"
                "</ul>"
            ),
            "body_fr": (
                "<ul>"
                "<li>D’une personne qui demande à adhérer : nom, adresse courriel "
                "professionnelle, titre du poste, service, organisation, province ou territoire, "
                "langue de préférence et souhait d’interprétation, avec le moment du "
                "consentement au présent avis et sa version.</li>"
                "<li>D’un membre : ses réponses aux invitations, ses suggestions de thèmes et "
                "ses votes, et son flux d’agenda s’il l’active.</li>"
                "<li>D’une communauté qui souhaite se joindre à une cohorte : le nom, l’adresse "
                "et le titre du poste de la personne-ressource, le gouvernement, sa population "
                "et les raisons de sa demande.</li>"
                "<li>Les courriels envoyés par le portail, les réponses reçues des logiciels "
                "d’agenda et ce qu’exige la connexion (un témoin de session, le nombre "
                "d’échecs de connexion).</li>"
                "</ul>"
            ),
        },
        {
            "key": "privacy.access",
            "order": 130,
            "title_en": "Who has access",
            "title_fr": "Qui y a accès",
            "body_en": (
                "<p>Only the network’s team, each person with the permissions their work "
                "needs, through accounts protected by a second factor. Other members never see "
                "your details: there is no member directory, and who is invited to a meeting or "
                "answered is seen by the team only. The companies that host the portal and "
                "deliver its e-mail handle the information for the network, under "
                "contract.</p>"
            ),
            "body_fr": (
                "<p>Seule l’équipe du réseau y a accès, chaque personne avec les permissions "
                "qu’exige son travail, au moyen de comptes protégés par un second facteur. Les "
                "autres membres ne voient jamais vos renseignements : il n’y a pas de "
                "répertoire des membres, et seule l’équipe voit les invitations à une "
                "rencontre et les réponses reçues. Les entreprises qui hébergent le portail et "
                "acheminent ses courriels traitent les renseignements pour le réseau, en vertu "
                "d’un contrat.</p>"
            ),
        },
        {
            "key": "privacy.storage",
            "order": 140,
            "title_en": "Where it is stored",
            "title_fr": "Où ils sont conservés",
            "body_en": (
                "<p>The portal, its database and its mail are hosted in Canada. No personal "
                "information is communicated outside Québec or Canada; should that change, this "
                "notice will say where and why before it happens.</p>"
            ),
            "body_fr": (
                "<p>Le portail, sa base de données et son courrier sont hébergés au Canada. "
                "Aucun renseignement personnel n’est communiqué à l’extérieur du Québec ou du "
                "Canada; si cela devait changer, le présent avis indiquera où et pourquoi avant "
                "que cela se produise.</p>"
            ),
        },
        {
            "key": "privacy.rights",
            "order": 150,
            "title_en": "Your rights and how to use them",
            "title_fr": "Vos droits et comment les exercer",
            "body_en": (
                "<p>You may see the personal information the network holds about you, have it "
                "corrected, withdraw your consent, have it deleted, and receive it in a "
                "structured, commonly used format. Members do most of this themselves from "
                "their page: change their profile, download their data (JSON or CSV) and leave "
                "the network, which deletes their account. For anything else, write to the "
                "person in charge named below; you will receive an answer within 30 "
                "days.</p>"
            ),
            "body_fr": (
                "<p>Vous pouvez consulter les renseignements personnels que le réseau détient "
                "sur vous, les faire corriger, retirer votre consentement, les faire supprimer "
                "et les recevoir dans un format structuré et couramment utilisé. Les membres "
                "peuvent faire l’essentiel de ces démarches depuis leur page : modifier leur "
                "profil, télécharger leurs données (JSON ou CSV) et quitter le réseau, ce qui "
                "supprime leur compte. Pour toute autre demande, écrivez à la personne "
                "responsable nommée ci-dessous; vous recevrez une réponse dans les 30 "
                "jours.</p>"
            ),
        },
        {
            "key": "privacy.complaints",
            "order": 160,
            "title_en": "How to complain",
            "title_fr": "Comment porter plainte",
            "body_en": (
                "<p>Write first to the person in charge named below, who will look into your "
                "complaint and answer you. You may also complain to the Commission d’accès à "
                f"l’information du Québec ({_CAI}) or to the Office of the Privacy "
                f"Commissioner of Canada ({_OPC}).</p>"
            ),
            "body_fr": (
                "<p>Écrivez d’abord à la personne responsable nommée ci-dessous, qui examinera "
                "votre plainte et vous répondra. Vous pouvez aussi porter plainte auprès de la "
                f"Commission d’accès à l’information du Québec ({_CAI}) ou du Commissariat à la "
                f"protection de la vie privée du Canada ({_OPC}).</p>"
            ),
        },
        {
            "key": "privacy.officer",
            "order": 170,
            "title_en": "Person in charge of the protection of personal information",
            "title_fr": "Personne responsable de la protection des renseignements personnels",
            "body_en": (
                "<p>The network’s director is in charge of the protection of personal "
                f"information. Write to them at {link}.</p>"
            ),
            "body_fr": (
                "<p>La direction du réseau est responsable de la protection des renseignements "
                f"personnels. Vous pouvez lui écrire à l’adresse {link}.</p>"
            ),
        },
    ]
