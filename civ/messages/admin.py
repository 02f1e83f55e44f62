"""Administration, exports and who sees free text (dashboards/pages/admin.py, components/export.py)

Every entry keyed by language (nl first); civ/i18n.py looks them up. Add keys at the end.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "nav.admin": {"nl": "Beheer", "en": "Administration"},
    "export.xlsx": {"nl": "Excel", "en": "Excel"},
    "export.xlsx_title": {
        "nl": "Download de tabel als Excel-bestand (.xlsx)",
        "en": "Download the table as an Excel file (.xlsx)",
    },
    "access.description": {
        "nl": "Omschrijving alleen zichtbaar voor de coördinator.",
        "en": "Description visible to the coordinator only.",
    },
    "access.admin": {
        "nl": "Deze pagina beheert gebruikers en toont het auditlogboek; alleen de beheerder mag ze openen.",
        "en": "This page manages users and shows the audit log; only the administrator may open it.",
    },
    "ov.col.description": {"nl": "Omschrijving", "en": "Description"},
    "quarantine.raw_hidden": {
        "nl": "Ruwe rijen kunnen een omschrijving van de melder bevatten: alleen zichtbaar voor de coördinator.",
        "en": "Raw rows may hold the reporter's description: visible to the coordinator only.",
    },
    "admin.title": {"nl": "Beheer", "en": "Administration"},
    "admin.lead": {
        "nl": "Gebruikers en hun rol, en het auditlogboek: wie meldde zich aan, wie exporteerde, wie bekeek "
        "individuele sporen.",
        "en": "Users and their role, and the audit log: who logged in, who exported, who viewed individual tracks.",
    },
    "admin.users.title": {"nl": "Gebruikers", "en": "Users"},
    "admin.col.name": {"nl": "Naam", "en": "Name"},
    "admin.col.role": {"nl": "Rol", "en": "Role"},
    "admin.col.active": {"nl": "Actief", "en": "Active"},
    "admin.col.created": {"nl": "Aangemaakt", "en": "Created"},
    "admin.col.last_login": {"nl": "Laatst aangemeld", "en": "Last login"},
    "admin.yes": {"nl": "ja", "en": "yes"},
    "admin.no": {"nl": "nee", "en": "no"},
    "admin.user": {"nl": "Gebruiker", "en": "User"},
    "admin.pick_user": {"nl": "Kies een gebruiker", "en": "Choose a user"},
    "admin.new_role": {"nl": "Nieuwe rol", "en": "New role"},
    "admin.disable": {"nl": "Uitschakelen", "en": "Disable"},
    "admin.enable": {"nl": "Inschakelen", "en": "Enable"},
    "admin.change_role": {"nl": "Rol wijzigen", "en": "Change role"},
    "admin.confirm": {"nl": "Bevestigen", "en": "Confirm"},
    "admin.cancel": {"nl": "Annuleren", "en": "Cancel"},
    "admin.ask.disable": {
        "nl": "Gebruiker {name} uitschakelen? Die kan zich dan niet meer aanmelden.",
        "en": "Disable user {name}? They can no longer log in.",
    },
    "admin.ask.enable": {"nl": "Gebruiker {name} weer inschakelen?", "en": "Enable user {name} again?"},
    "admin.ask.role": {"nl": "De rol van {name} wijzigen in {role}?", "en": "Change the role of {name} to {role}?"},
    "admin.done.disable": {"nl": "{name} is uitgeschakeld.", "en": "{name} is disabled."},
    "admin.done.enable": {"nl": "{name} is weer ingeschakeld.", "en": "{name} is enabled again."},
    "admin.done.role": {"nl": "{name} heeft nu de rol {role}.", "en": "{name} now has the role {role}."},
    "admin.add.title": {"nl": "Gebruiker toevoegen", "en": "Add a user"},
    "admin.add.name": {"nl": "Gebruikersnaam", "en": "User name"},
    "admin.add.role": {"nl": "Rol", "en": "Role"},
    "admin.add.submit": {"nl": "Toevoegen", "en": "Add"},
    "admin.add.done": {
        "nl": "{name} is toegevoegd met de rol {role}. Eenmalig wachtwoord:",
        "en": "{name} was added with the role {role}. One-time password:",
    },
    "admin.add.once": {
        "nl": "Geef het veilig door en noteer het nu: het wordt nergens bewaard en niet meer getoond.",
        "en": "Pass it on safely and note it now: it is stored nowhere and not shown again.",
    },
    "admin.refused": {"nl": "Niet gelukt: {reason}", "en": "Not done: {reason}"},
    "admin.role.beheerder": {"nl": "beheerder", "en": "administrator"},
    "admin.role.coordinator": {"nl": "coördinator", "en": "coordinator"},
    "admin.role.kerngroep": {"nl": "kerngroep", "en": "core group"},
    "admin.role.politie": {"nl": "politie", "en": "police"},
    "audit.title": {"nl": "Auditlogboek", "en": "Audit log"},
    "audit.period": {"nl": "Periode", "en": "Period"},
    "audit.from": {"nl": "van", "en": "from"},
    "audit.to": {"nl": "tot", "en": "to"},
    "audit.user": {"nl": "Gebruiker", "en": "User"},
    "audit.event": {"nl": "Soort", "en": "Kind"},
    "audit.all_users": {"nl": "Alle gebruikers", "en": "All users"},
    "audit.all_events": {"nl": "Alle soorten", "en": "All kinds"},
    "audit.export": {"nl": "Exporteer CSV", "en": "Export CSV"},
    "audit.count": {
        "nl": "{count} gebeurtenissen, nieuwste eerst (tijden in Brussel)",
        "en": "{count} events, newest first (Brussels time)",
    },
    "audit.count_one": {"nl": "1 gebeurtenis (tijden in Brussel)", "en": "1 event (Brussels time)"},
    "audit.count_limited": {
        "nl": "eerste {shown} van {count} gebeurtenissen, nieuwste eerst (tijden in Brussel); "
        "verfijn de filters of exporteer voor de rest",
        "en": "first {shown} of {count} events, newest first (Brussels time); narrow the filters "
        "or export for the rest",
    },
    # the kinds of audit events, as civ.accounts and dashboards.access write them
    "audit.kind.login": {"nl": "aanmelding", "en": "login"},
    "audit.kind.login_failed": {"nl": "mislukte aanmelding", "en": "failed login"},
    "audit.kind.login_blocked": {
        "nl": "aanmelding geblokkeerd (te veel pogingen)",
        "en": "login blocked (too many attempts)",
    },
    "audit.kind.logout": {"nl": "afmelding", "en": "logout"},
    "audit.kind.refused": {"nl": "toegang geweigerd", "en": "access refused"},
    "audit.kind.export": {"nl": "export", "en": "export"},
    "audit.kind.track_view": {"nl": "individueel spoor bekeken", "en": "individual track viewed"},
    "audit.kind.overview_list": {"nl": "overzichtslijst bekeken", "en": "overview list viewed"},
    "audit.kind.retention": {"nl": "GPS-punten verwijderd (bewaartermijn)", "en": "GPS fixes deleted (retention)"},
    "audit.kind.user_added": {"nl": "gebruiker toegevoegd", "en": "user added"},
    "audit.kind.user_disabled": {"nl": "gebruiker uitgeschakeld", "en": "user disabled"},
    "audit.kind.user_enabled": {"nl": "gebruiker ingeschakeld", "en": "user enabled"},
    "audit.kind.role_changed": {"nl": "rol gewijzigd", "en": "role changed"},
    "audit.col.at": {"nl": "Tijdstip", "en": "Time"},
    "audit.col.user": {"nl": "Gebruiker", "en": "User"},
    "audit.col.event": {"nl": "Soort", "en": "Kind"},
    "audit.col.detail": {"nl": "Wat", "en": "What"},
    "audit.col.address": {"nl": "Adres", "en": "Address"},
    "audit.kind.live_refused": {
        "nl": "live positie geweigerd (onbekend toestel)",
        "en": "live position refused (unknown device)",
    },
    "audit.kind.live_device_added": {
        "nl": "toestel geregistreerd voor live posities",
        "en": "device registered for live positions",
    },
    "audit.kind.live_device_revoked": {
        "nl": "toestel mag geen live posities meer sturen",
        "en": "device may no longer push positions",
    },
    "admin.live.title": {"nl": "Toestellen met live posities", "en": "Devices pushing live positions"},
    "admin.live.lead": {
        "nl": "Een toestel stuurt zijn positie met Traccar Client naar {url}. Registreer het hier; het "
        "id verschijnt één keer en is het geheim van het toestel.",
        "en": "A device sends its position with Traccar Client to {url}. Register it here; the id is "
        "shown once and is the device's secret.",
    },
    "admin.live.warden": {"nl": "Gemeenschapswacht (bv. GW-A, mag leeg)", "en": "Warden (e.g. GW-A, may be empty)"},
    "admin.live.add": {"nl": "Toestel registreren", "en": "Register device"},
    "admin.live.added": {
        "nl": "Geregistreerd. Tik dit id in Traccar Client bij 'Device identifier':",
        "en": "Registered. Type this id into Traccar Client as 'Device identifier':",
    },
    "admin.live.col.device": {"nl": "Toestel", "en": "Device"},
    "admin.live.col.warden": {"nl": "Wacht", "en": "Warden"},
    "admin.live.col.registered": {"nl": "Geregistreerd", "en": "Registered"},
    "admin.live.col.battery": {"nl": "Batterij", "en": "Battery"},
    "admin.live.col.state": {"nl": "Toestand", "en": "State"},
    "admin.live.active": {"nl": "mag sturen", "en": "may push"},
    "admin.live.revoked": {"nl": "ingetrokken", "en": "revoked"},
    "nav.setup": {"nl": "Instellen", "en": "Set-up"},
    "setup.title": {"nl": "Grondgebied instellen", "en": "Set up the territory"},
    "setup.lead": {
        "nl": "Kies de gemeente van het centrum, of de gemeenten van een politiezone. De deelgemeenten worden de "
        "gebieden van de filters en tabellen; elke melding krijgt haar gebied opnieuw.",
        "en": "Choose the centre's municipality, or the municipalities of a police zone. Their sub-municipalities "
        "become the areas of the filters and tables; every report gets its area again.",
    },
    "setup.not_admin": {
        "nl": "Alleen de beheerder stelt het grondgebied in.",
        "en": "Only the administrator sets up the territory.",
    },
    "setup.municipalities": {"nl": "Gemeente(n)", "en": "Municipality or municipalities"},
    "setup.pick": {
        "nl": "Kies een gemeente van Vlaanderen of Brussel …",
        "en": "Choose a municipality of Flanders or Brussels …",
    },
    "setup.zone_hint": {
        "nl": "Een politiezone: kies al haar gemeenten.",
        "en": "A police zone: choose all its municipalities.",
    },
    "setup.name": {"nl": "Naam van de organisatie", "en": "Name of the organisation"},
    "setup.name_hint": {
        "nl": "standaard: CIV en de gemeente(n)",
        "en": "default: CIV and the municipality or municipalities",
    },
    "setup.logo": {"nl": "Logo (PNG, SVG of JPEG, hoogstens 512 kB)", "en": "Logo (PNG, SVG or JPEG, at most 512 kB)"},
    "setup.logo_hint": {
        "nl": "Sleep een logo hierheen of klik om te kiezen",
        "en": "Drop a logo here or click to choose",
    },
    "setup.logo_type": {
        "nl": "Het logo moet een PNG-, SVG- of JPEG-bestand zijn.",
        "en": "The logo must be a PNG, SVG or JPEG file.",
    },
    "setup.logo_size": {"nl": "Het logo is groter dan 512 kB.", "en": "The logo is larger than 512 kB."},
    "setup.apply": {"nl": "Instellen", "en": "Set up"},
    "setup.none": {"nl": "Kies minstens één gemeente.", "en": "Choose at least one municipality."},
    "setup.done": {
        "nl": "{name} is ingesteld: {areas} gebieden; {reports} meldingen kregen hun gebied opnieuw.",
        "en": "{name} is set up: {areas} areas; {reports} reports got their area again.",
    },
    "setup.next": {"nl": "Naar het overzicht", "en": "To the overview"},
    "setup.needed": {"nl": "Het grondgebied is nog niet ingesteld.", "en": "The territory has not been set up yet."},
    "setup.needed_admin": {"nl": "Stel eerst het grondgebied in", "en": "Set up the territory first"},
    "setup.needed_other": {
        "nl": "De beheerder stelt eerst het grondgebied in.",
        "en": "The administrator sets up the territory first.",
    },
    "compstat.by.municipality": {"nl": "Per gemeente", "en": "By municipality"},
    "compstat.by.category,municipality": {"nl": "Categorie × gemeente", "en": "Category × municipality"},
    "audit.kind.territory_set": {"nl": "grondgebied ingesteld", "en": "territory set"},
    "audit.kind.areas_loaded": {"nl": "eigen gebieden geladen", "en": "own areas loaded"},
    "audit.kind.demo_removed": {"nl": "demogegevens verwijderd", "en": "demo data removed"},
}
