"""The principles behind the notify decisions, in plain words, with their sources.

Data only: :mod:`incidentbot.core.decisions` applies them and cites them by ``id``. The ten GDPR
principles are those of severity.md §7 (which replaced the withdrawn band mapping); ``C1`` to
``C4`` are the Québec (P-39.1 ss. 3.5-3.8) and PIPEDA (s. 10.1) readings of quebec-canada.md §1;
``NB`` and ``LS`` name the two plain steps of the reasoning (is there a breach at all; how likely
and how severe are the consequences). None of them rests on a point the domain pages mark
unverified. ``override`` says what the lead may still decide otherwise, with a recorded reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from incidentbot.core.model import Text


@dataclass(frozen=True)
class Principle:
    id: str
    title: Text
    rule: Text
    source: Text
    override: Text
    direction: str  # what the override would do: "lower" a notification, "raise" one, or "both"


def _p(pid: str, title: tuple[str, str], rule: tuple[str, str], source: tuple[str, str],
       override: tuple[str, str], direction: str = "lower") -> Principle:  # fmt: skip
    def both(pair: tuple[str, str]) -> Text:
        return {"en": pair[0], "fr": pair[1]}

    return Principle(pid, both(title), both(rule), both(source), both(override), direction)


# fmt: off
_ALL = (
    _p("NB",
        ("No breach, nothing to notify",
         "Pas de violation, rien à notifier"),
        ("No loss of confidentiality, integrity or availability is recorded, so there is no "
         "personal data breach: keep the assessment on file.",
         "Aucune perte de confidentialité, d'intégrité ni de disponibilité n'est constatée : "
         "il n'y a pas de violation de données ; conserver l'évaluation."),
        ("GDPR Art. 4(12); P-39.1 s. 3.6; PIPEDA s. 2",
         "RGPD art. 4(12) ; P-39.1 art. 3.6 ; LPRPDE art. 2"),
        ("If data left your control (a lost device, a misdirected file), record that loss and "
         "assess again.",
         "Si des données ont échappé à votre contrôle (appareil perdu, envoi erroné), indiquez "
         "cette perte et évaluez de nouveau."),
       "raise"),
    _p("LS",
        ("Likelihood and severity for the persons",
         "Probabilité et gravité pour les personnes"),
        ("Risk is how likely and how severe the consequences are for the persons; the ENISA "
         "score is the severity side. Misuse likely and severity medium or more: a high risk. "
         "An identified recipient (misuse possible): a high risk only at very high severity, a "
         "risk from medium severity.",
         "Le risque tient à la probabilité et à la gravité des conséquences pour les personnes "
         "; le score ENISA en donne la gravité. Mauvais usage probable et gravité moyenne ou "
         "plus : risque élevé. Destinataire identifié (mauvais usage possible) : risque élevé "
         "seulement si la gravité est très élevée, risque dès une gravité moyenne."),
        ("EDPB Guidelines 9/2022, section IV.B; GDPR Recitals 75-76; ENISA 2013 §3.2",
         "lignes directrices 9/2022 du CEPD, IV.B ; RGPD considérants 75-76 ; ENISA 2013 §3.2"),
        ("Override with the facts the score cannot see (who holds the data now, what they can "
         "do with them).",
         "Dérogez avec les faits que le score ne voit pas (qui détient les données, ce qu'il "
         "peut en faire)."),
       "both"),
    _p("P1",
        ("Low severity is not “unlikely to result in a risk”",
         "Une gravité faible ne suffit pas à écarter le risque"),
        ("Only a breach unlikely to result in a risk escapes notification; a low score does "
         "not show that by itself. Data that reached unknown recipients, or non-public "
         "identifying data (date of birth, ID or insurance numbers, account numbers, "
         "credentials, health) that reached an outside recipient who is not trusted, are a "
         "risk: notify.",
         "Seule une violation peu susceptible d'engendrer un risque échappe à la notification "
         "; un score faible ne le montre pas à lui seul. Des données parvenues à des inconnus, "
         "ou des données d'identification non publiques (date de naissance, numéros d'identité "
         "ou d'assurance, de compte, identifiants, santé) parvenues à un tiers qui n'est pas "
         "de confiance, sont un risque : notifier."),
        ("GDPR Art. 33(1); EDPB Guidelines 9/2022, para. 100",
         "RGPD art. 33(1) ; lignes directrices 9/2022 du CEPD, point 100"),
        ("Register only, if the recipient has returned or destroyed the data and you can show "
         "it.",
         "Registre seulement, si le destinataire a rendu ou détruit les données et que vous "
         "pouvez le montrer."),
       "lower"),
    _p("P2",
        ("Deliberate taking by an insider is a risk",
         "Une prise délibérée par un proche est un risque"),
        ("When someone inside or close to the organisation took or read data on purpose, you "
         "cannot rely on that person's intentions: notify the authority. Telling the persons "
         "still depends on the risk being high.",
         "Quand une personne de l'organisation ou proche d'elle a pris ou consulté des données "
         "délibérément, on ne peut se fier à ses intentions : notifier l'autorité. Informer "
         "les personnes dépend encore d'un risque élevé."),
        ("EDPB Guidelines 01/2021, examples of the internal human risk source",
         "lignes directrices 01/2021 du CEPD, exemples de source de risque humaine interne"),
        ("Tell the persons as well if the insider has used or passed on the data.",
         "Informer aussi les personnes si le proche a utilisé ou transmis les données."),
       "raise"),
    _p("P3",
        ("Attackers and thieves: presume misuse",
         "Attaquants et voleurs : présumer l'abus"),
        ("An attacker or a thief who obtained readable, directly identifying data will use "
         "them (phishing, fraud, identity theft, blackmail): a high risk even without special "
         "categories. No evidence of exfiltration is no reassurance when the attacker could "
         "erase traces: then leave confidentiality unknown.",
         "Un attaquant ou un voleur qui a obtenu des données lisibles et directement "
         "identifiantes s'en servira (hameçonnage, fraude, usurpation d'identité, chantage) : "
         "risque élevé, même sans catégorie particulière. L'absence de preuve d'exfiltration "
         "ne rassure pas si l'attaquant a pu effacer ses traces : laisser alors la "
         "confidentialité inconnue."),
        ("EDPB Guidelines 01/2021, exfiltration and lost or stolen device examples; EDPB "
         "Guidelines 9/2022, section IV.B",
         "lignes directrices 01/2021 du CEPD, exemples d'exfiltration et d'appareil perdu ou "
         "volé ; lignes directrices 9/2022, IV.B"),
        ("Assess again if the data turn out unreadable or not directly identifying.",
         "Évaluez de nouveau si les données s'avèrent illisibles ou non directement "
         "identifiantes."),
       "lower"),
    _p("P4",
        ("Scale raises the risk",
         "L'ampleur accroît le risque"),
        ("Many persons (more than 100), or much data about each, raise both likelihood and "
         "severity: a breach that would otherwise be unlikely to result in a risk is a risk, "
         "and non-public identifying data of many persons at unknown recipients are a high "
         "risk. A mass mis-sending is “unknown or many recipients”, not a known recipient.",
         "Beaucoup de personnes (plus de 100), ou beaucoup de données sur chacune, accroissent "
         "probabilité et gravité : une violation autrement peu susceptible d'engendrer un "
         "risque en est un, et des données d'identification non publiques de nombreuses "
         "personnes chez des inconnus sont un risque élevé. Un envoi massif erroné, ce sont "
         "des destinataires « inconnus ou nombreux », pas un destinataire connu."),
        ("GDPR Recital 75; EDPB Guidelines 9/2022, section IV.B (number of affected "
         "individuals); ENISA 2013 §3.3",
         "RGPD considérant 75 ; lignes directrices 9/2022 du CEPD, IV.B (nombre de personnes "
         "concernées) ; ENISA 2013 §3.3"),
        ("Give the real count (persons=N) if it is 100 or fewer.",
         "Indiquez le nombre réel (persons=N) s'il est de 100 ou moins."),
       "lower"),
    _p("P5",
        ("What is not known counts at its worse value",
         "L'inconnu compte au pire"),
        ("When the contents exposed are only partly known (a laptop whose other files were not "
         "checked, a mailbox whose attachments were not reviewed), the unknown part counts as "
         "sensitive until shown otherwise (contents=partial).",
         "Quand le contenu exposé n'est connu qu'en partie (un portable dont les autres "
         "fichiers n'ont pas été vérifiés, une boîte dont les pièces jointes n'ont pas été "
         "revues), la part inconnue compte comme sensible jusqu'à preuve du contraire "
         "(contents=partial)."),
        ("Project rule (DESIGN.md: an unknown fact counts at its worse value), after EDPB "
         "Guidelines 9/2022, section IV.B (nature and sensitivity of the data)",
         "règle du projet (DESIGN.md : un fait inconnu compte au pire), d'après les lignes "
         "directrices 9/2022 du CEPD, IV.B (nature et sensibilité des données)"),
        ("Assess again with contents=known once the contents are checked.",
         "Évaluez de nouveau avec contents=known une fois le contenu vérifié."),
       "lower"),
    _p("P6",
        ("Special categories make damage likely",
         "Les catégories particulières rendent le dommage probable"),
        ("Data revealing political opinions (a party's member, donor or volunteer list), "
         "health, religion, trade-union membership or sex life, and data about children or "
         "vulnerable persons, make damage likely: never “register only” by default.",
         "Des données révélant des opinions politiques (liste de membres, de donateurs ou de "
         "bénévoles d'un parti), la santé, la religion, l'appartenance syndicale ou la vie "
         "sexuelle, et des données d'enfants ou de personnes vulnérables, rendent le dommage "
         "probable : jamais « registre seulement » par défaut."),
        ("GDPR Art. 9(1); EDPB Guidelines 9/2022, para. 102 and section IV.B",
         "RGPD art. 9(1) ; lignes directrices 9/2022 du CEPD, point 102 et IV.B"),
        ("Register only, as a reasoned override, where the detail reveals little and the "
         "recipients are few, known and asked to delete.",
         "Registre seulement, par une dérogation motivée, si le détail révèle peu et que les "
         "destinataires sont peu nombreux, connus et priés d'effacer."),
       "lower"),
    _p("P7",
        ("Internal misdirection is not a breach to notify",
         "Un envoi interne erroné ne se notifie pas"),
        ("A file sent by mistake to a colleague inside the same organisation, bound by the "
         "same duties, who deletes it at once (recipient=internal, recovered=yes), goes in the "
         "register only, even for sensitive data.",
         "Un fichier envoyé par erreur à un collègue de la même organisation, tenu aux mêmes "
         "obligations, qui l'efface aussitôt (recipient=internal, recovered=yes), va au "
         "registre seulement, même pour des données sensibles."),
        ("ICO guidance on personal data breaches",
         "guide de l'ICO sur les violations de données"),
        ("Notify anyway if the colleague had no business seeing these data and may use them.",
         "Notifier tout de même si le collègue n'avait pas à voir ces données et peut s'en "
         "servir."),
       "raise"),
    _p("P8",
        ("A trusted recipient needs a reason to be trusted",
         "Un destinataire de confiance doit avoir une raison de l'être"),
        ("Data sent to a trusted recipient who returned or deleted them are unlikely to result "
         "in a risk only if the recipient is bound by professional secrecy, a contract or the "
         "same organisation (trusted_because=secrecy, contract or same_organisation), never on "
         "a stranger's assurance.",
         "Des données envoyées à un destinataire de confiance qui les a rendues ou effacées ne "
         "sont peu susceptibles d'engendrer un risque que s'il est tenu par le secret "
         "professionnel, un contrat ou la même organisation (trusted_because=secrecy, contract "
         "ou same_organisation), jamais sur la parole d'un inconnu."),
        ("EDPB Guidelines 9/2022, section IV.B (trusted recipient); GDPR Art. 34(3)(b)",
         "lignes directrices 9/2022 du CEPD, IV.B (destinataire de confiance) ; RGPD art. "
         "34(3)(b)"),
        ("Record who the recipient is and why trusted; notify if that trust is doubtful.",
         "Noter qui est le destinataire et pourquoi il est de confiance ; notifier si cette "
         "confiance est douteuse."),
       "raise"),
    _p("P9",
        ("Integrity and availability breaches matter too",
         "Les atteintes à l'intégrité et à la disponibilité comptent aussi"),
        ("Data altered, or lost without a usable backup, are a risk; a loss restored from a "
         "backup, with nothing copied, is unlikely to result in a risk unless the persons "
         "depend on the data (care, services, legal records, depend=yes), and a permanent loss "
         "of such data is a high risk. Encryption by an attacker is not a disclosure.",
         "Des données altérées, ou perdues sans sauvegarde utilisable, sont un risque ; une "
         "perte restaurée depuis une sauvegarde, sans copie, est peu susceptible d'engendrer "
         "un risque, sauf si les personnes dépendent des données (soins, services, registres "
         "légaux, depend=yes), et la perte définitive de telles données est un risque élevé. "
         "Un chiffrement par un attaquant n'est pas une divulgation."),
        ("GDPR Art. 4(12); EDPB Guidelines 9/2022, section I.B.2; EDPB Guidelines 01/2021, "
         "ransomware examples",
         "RGPD art. 4(12) ; lignes directrices 9/2022 du CEPD, I.B.2 ; lignes directrices "
         "01/2021, exemples de rançongiciel"),
        ("Register only if the outage was short and nobody was harmed by it.",
         "Registre seulement si l'interruption fut brève et n'a nui à personne."),
       "both"),
    _p("P10",
        ("Encryption counts only when the key is safe",
         "Le chiffrement ne compte que si la clé est sûre"),
        ("State-of-the-art encryption with the key not compromised (encrypted=yes) makes a "
         "confidentiality breach unlikely to result in a risk and waives telling the persons; "
         "a key sent with the data, or a weak cipher, waives nothing (encrypted=no).",
         "Un chiffrement à l'état de l'art dont la clé est intacte (encrypted=yes) rend une "
         "atteinte à la confidentialité peu susceptible d'engendrer un risque et dispense "
         "d'informer les personnes ; une clé envoyée avec les données, ou un chiffrement "
         "faible, ne dispense de rien (encrypted=no)."),
        ("GDPR Art. 34(3)(a); EDPB Guidelines 9/2022, section II.D",
         "RGPD art. 34(3)(a) ; lignes directrices 9/2022 du CEPD, II.D"),
        ("Notify if the key's safety is in doubt.",
         "Notifier si la sûreté de la clé est douteuse."),
       "raise"),
    _p("C1",
        ("Likelihood of misuse, not possibility",
         "Probabilité d'un mauvais usage, non possibilité"),
        ("Misuse must be likely, not merely conceivable: a malicious actor (attacker, thief, "
         "insider acting on purpose) or unknown recipients or finders make it likely; an "
         "identified recipient who has not yet confirmed deletion makes it only possible.",
         "Le mauvais usage doit être probable, non simplement concevable : un acteur "
         "malveillant (attaquant, voleur, proche agissant délibérément) ou des destinataires "
         "ou trouveurs inconnus le rendent probable ; un destinataire identifié qui n'a pas "
         "encore confirmé l'effacement le rend seulement possible."),
        ("P-39.1 s. 3.7; PIPEDA s. 10.1(8)",
         "P-39.1 art. 3.7 ; LPRPDE art. 10.1(8)"),
        ("Notify if something else points to misuse (the recipient refuses to delete, the data "
         "were seen in use).",
         "Aviser si autre chose indique un mauvais usage (le destinataire refuse d'effacer, "
         "les données ont été vues en usage)."),
       "raise"),
    _p("C2",
        ("Sensitivity includes what enables identity theft",
         "La sensibilité inclut ce qui permet l'usurpation d'identité"),
        ("Sensitive: health, financial data, political opinions and other special categories, "
         "children or vulnerable persons, identity documents and numbers, credentials, and "
         "combinations such as name with address and date of birth.",
         "Sensibles : santé, données financières, opinions politiques et autres catégories "
         "particulières, enfants ou personnes vulnérables, pièces et numéros d'identité, "
         "identifiants de connexion, et des combinaisons comme nom, adresse et date de "
         "naissance."),
        ("PIPEDA s. 10.1(7)-(8); P-39.1 s. 3.7; OPC guidance on real risk of significant harm",
         "LPRPDE art. 10.1(7)-(8) ; P-39.1 art. 3.7 ; guide du CPVP sur le risque réel de "
         "préjudice grave"),
        ("Notify if in this context the data are sensitive all the same.",
         "Aviser si, dans ce contexte, les données sont sensibles malgré tout."),
       "raise"),
    _p("C3",
        ("One threshold for the regulator and the persons",
         "Un seul seuil pour l'autorité et les personnes"),
        ("When the information is sensitive and its misuse likely, notify the regulator and "
         "the persons; otherwise neither, and record the incident.",
         "Quand le renseignement est sensible et son mauvais usage probable, aviser l'autorité "
         "et les personnes ; sinon ni l'une ni les autres, et consigner l'incident."),
        ("P-39.1 s. 3.5; PIPEDA s. 10.1(1) and (3)",
         "P-39.1 art. 3.5 ; LPRPDE art. 10.1(1) et (3)"),
        ("Delay telling the persons only while it could hamper a criminal investigation "
         "(P-39.1 s. 3.5, 3rd para.).",
         "Différer l'avis aux personnes seulement tant qu'il pourrait nuire à une enquête "
         "(P-39.1 art. 3.5, 3e al.)."),
       "lower"),
    _p("C4",
        ("Encryption by an attacker is not a disclosure",
         "Un chiffrement par un attaquant n'est pas une divulgation"),
        ("Ransomware that encrypts data without copying them, or any loss of availability or "
         "integrity without access to the information, creates no likely misuse: record it.",
         "Un rançongiciel qui chiffre des données sans les copier, ou toute perte de "
         "disponibilité ou d'intégrité sans accès au renseignement, ne crée pas de mauvais "
         "usage probable : le consigner."),
        ("P-39.1 ss. 3.6-3.7; PIPEDA s. 10.1(8)",
         "P-39.1 art. 3.6-3.7 ; LPRPDE art. 10.1(8)"),
        ("Notify if copying cannot be ruled out (then leave confidentiality unknown) or if the "
         "loss itself causes serious harm.",
         "Aviser si une copie ne peut être exclue (laisser alors la confidentialité inconnue) "
         "ou si la perte elle-même cause un préjudice sérieux."),
       "raise"),
)
# fmt: on

PRINCIPLES: Mapping[str, Principle] = {p.id: p for p in _ALL}
ORDER: tuple[str, ...] = tuple(p.id for p in _ALL)
