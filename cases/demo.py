"""Demo data: one sample regularization pathway per country, and a few hundred consultations and cases.

Pathways are written from public facts gathered for the programme (see the sources in the project's
reference notes) and are all marked as sample content to verify before use: fees and rules change.
People are invented. Idempotent: every row has a natural key (slug, or a form token derived from a seed).
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from decimal import Decimal

import phonenumbers
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ventanillas.models import Country, InformationWindow, Membership, Role

from . import services
from .models import (
    Case,
    ChecklistStatus,
    PathwayDocument,
    PathwayStep,
    RegularizationPathway,
    Stage,
)

SEED = uuid.UUID("6f1c1d2e-2b1a-4c61-9a0b-7d5e0c3a9b10")

# code, slug, names (es, en), authority, legal basis, link, eligibility (es, en), fee, currency, free,
# typical days, processing text (es, en), steps [(es, en)], documents [(es, en, required)]
PATHWAYS = [
    (
        "BZ",
        "permanent-residence",
        ("Residencia permanente (vía ordinaria)", "Permanent residence (ordinary route)"),
        "Immigration and Nationality Department",
        "Immigration Act, Cap. 156",
        "https://immigration.gov.bz",
        (
            "Personas extranjeras con al menos un año de estancia legal y continua en Belice.",
            "Foreigners who have lived in Belize legally and without interruption for at least one year.",
        ),
        Decimal("1000"),
        "BZD",
        False,
        70,
        ("Entre 8 y 12 semanas, según fuentes no oficiales.", "8 to 12 weeks, according to unofficial sources."),
        [
            ("Mantener un estatus legal durante el año requerido.", "Keep a legal status during the qualifying year."),
            (
                "Hacer el examen médico en Belice y pedir el récord policial.",
                "Take the medical examination in Belize and get a police record.",
            ),
            (
                "Presentar originales y copias en una oficina de inmigración; entrevista.",
                "Hand in originals and copies at an immigration office; interview.",
            ),
            (
                "Pagar la tarifa al ser aprobada y recoger la tarjeta.",
                "Pay the fee once approved and collect the card.",
            ),
        ],
        [
            ("Formulario de solicitud", "Application form", True),
            ("Examen médico", "Medical examination form", True),
            ("Carta de apoyo económico", "Letter of financial support", True),
            ("Récord policial", "Police record", False),
        ],
    ),
    (
        "CR",
        "refugio",
        ("Reconocimiento de la condición de persona refugiada", "Recognition of refugee status"),
        "Dirección General de Migración y Extranjería (Unidad de Refugio)",
        "Ley 8764, art. 106 y siguientes",
        "",
        (
            "Personas en Costa Rica con temor fundado de persecución.",
            "People in Costa Rica with a well-founded fear of persecution.",
        ),
        None,
        "",
        True,
        None,
        ("No publicado; hay un gran rezago de solicitudes.", "Not published; there is a large backlog."),
        [
            (
                "Presentar la solicitud en un puesto fronterizo o con cita.",
                "Lodge the claim at a border post or by appointment.",
            ),
            (
                "Llenar el cuestionario inicial y recibir el documento provisional.",
                "Fill in the first questionnaire and receive the provisional document.",
            ),
            ("Entregar los documentos y asistir a la entrevista.", "Hand in the documents and attend the interview."),
            (
                "Recibir la resolución; si es negativa, se puede apelar.",
                "Receive the decision; a refusal can be appealed.",
            ),
        ],
        [
            ("Documento de identidad", "Identity document", True),
            ("Cuatro fotografías tamaño pasaporte", "Four passport photos", True),
            ("Comprobante de huellas", "Proof of fingerprinting", True),
        ],
    ),
    (
        "SV",
        "residencia-definitiva-conyuge",
        ("Residencia definitiva por matrimonio o convivencia", "Permanent residence by marriage or partnership"),
        "Dirección General de Migración y Extranjería",
        "Ley Especial de Migración y de Extranjería (2019), art. 152",
        "",
        (
            "Personas casadas o convivientes con una persona salvadoreña, con un año de residencia temporal.",
            "People married to or living with a Salvadoran, after one year of temporary residence.",
        ),
        None,
        "USD",
        False,
        None,
        ("No publicado.", "Not published."),
        [
            ("Reunir los documentos de la hoja de requisitos.", "Gather the documents on the requirements sheet."),
            ("Presentar la solicitud en una oficina de Migración.", "File the request at a migration office."),
            ("Pagar los derechos y recoger el carné.", "Pay the fees and collect the card."),
        ],
        [
            ("Copia del pasaporte vigente", "Copy of the valid passport", True),
            ("Declaración jurada de apoyo económico", "Sworn statement of economic support", True),
            ("Solvencia de la Policía Nacional Civil", "Police clearance", False),
        ],
    ),
    (
        "GT",
        "residencia-centroamericanos",
        ("Residencia permanente para personas centroamericanas", "Permanent residence for Central Americans"),
        "Instituto Guatemalteco de Migración",
        "Código de Migración, Decreto 44-2016",
        "",
        ("Personas nacidas en otro país de Centroamérica.", "People born in another Central American country."),
        Decimal("25"),
        "USD",
        False,
        None,
        ("No publicado.", "Not published."),
        [
            ("Descargar el formulario de la categoría.", "Download the form for the category."),
            (
                "Pagar la tasa de solicitud y presentar el expediente.",
                "Pay the application fee and file the documents.",
            ),
            ("Recibir la resolución y registrar la residencia.", "Receive the decision and register the residence."),
        ],
        [
            ("Pasaporte vigente y copia legalizada", "Valid passport and legalized copy", True),
            ("Antecedentes penales y policiacos", "Criminal and police records", True),
        ],
    ),
    (
        "GD",
        "permanent-residence",
        ("Residencia permanente", "Permanent residence"),
        "Government of Grenada",
        "Immigration Act, Cap. 145",
        "",
        (
            "Personas extranjeras residentes en Granada durante un periodo mínimo (las fuentes difieren).",
            "Foreigners resident in Grenada for a minimum period (sources differ).",
        ),
        Decimal("348"),
        "USD",
        False,
        None,
        ("No publicado.", "Not published."),
        [
            (
                "Obtener y llenar los formularios; firmarlos ante notario.",
                "Get and fill in the forms; sign them before a notary.",
            ),
            ("Hacer los exámenes médicos en Granada.", "Take the medical tests in Grenada."),
            ("Presentar la solicitud y pagar la tarifa.", "Submit the application and pay the fee."),
        ],
        [
            ("Acta de nacimiento", "Birth certificate", True),
            ("Certificados policiales", "Police certificates", True),
            ("Certificado médico", "Medical certificate", True),
            ("Referencia bancaria", "Bank reference", False),
        ],
    ),
    (
        "HT",
        "permis-de-sejour",
        ("Permiso de residencia", "Residence permit"),
        "Direction de l'Immigration et de l'Émigration",
        "Décret du 26 décembre 1978, art. 31-34",
        "",
        ("Toda persona extranjera adulta que vive en Haití.", "Every adult foreign national living in Haiti."),
        Decimal("5000"),
        "HTG",
        False,
        None,
        ("No publicado.", "Not published."),
        [
            (
                "Escribir una carta de solicitud a la Dirección de Inmigración.",
                "Write a request letter to the immigration office.",
            ),
            (
                "Adjuntar los documentos y el cheque; entrevista y huellas.",
                "Attach the documents and the cheque; interview and fingerprints.",
            ),
            ("Renovar cada año fiscal.", "Renew every fiscal year."),
        ],
        [
            ("Copia del pasaporte", "Passport copy", True),
            ("Certificado médico reciente", "Recent medical certificate", True),
            ("Acta de nacimiento traducida al francés", "Birth certificate in French", True),
            ("Dos fotografías", "Two photos", True),
        ],
    ),
    (
        "HN",
        "residencia-vinculo-familiar",
        ("Residencia por vínculo familiar", "Residence through family ties"),
        "Instituto Nacional de Migración",
        "Ley de Migración y Extranjería, Decreto 208-2003, art. 21",
        "",
        (
            "Personas casadas con hondureños o padres de hijos nacidos en Honduras, entre otras.",
            "People married to Hondurans or parents of children born in Honduras, among others.",
        ),
        None,
        "HNL",
        False,
        None,
        ("No publicado.", "Not published."),
        [
            ("Presentar la solicitud por medio de un abogado.", "File the request through a lawyer."),
            ("Obtener la resolución.", "Obtain the decision."),
            (
                "Inscribirse en el Registro Nacional de Extranjeros y recibir el carné.",
                "Register with the foreigners' registry and receive the card.",
            ),
        ],
        [
            ("Copia autenticada del pasaporte", "Authenticated passport copy", True),
            ("Antecedentes penales legalizados", "Legalized criminal record", True),
            ("Certificado médico", "Medical certificate", True),
        ],
    ),
    (
        "MX",
        "tvrh",
        ("Tarjeta de Visitante por Razones Humanitarias", "Humanitarian visitor card"),
        "Instituto Nacional de Migración",
        "Ley de Migración, art. 52 fr. V y art. 133",
        "",
        (
            "Víctimas o testigos de delitos, niñas y niños no acompañados, solicitantes de asilo y otras situaciones humanitarias.",
            "Victims or witnesses of crimes, unaccompanied children, asylum applicants and other humanitarian cases.",
        ),
        None,
        "",
        True,
        28,
        ("20 días hábiles una vez completo el expediente.", "20 working days once the file is complete."),
        [
            (
                "Llenar el formulario del INM o pedir apoyo a la COMAR.",
                "Fill in the immigration form, or ask the refugee commission for help.",
            ),
            ("Acudir a la oficina del INM con los documentos.", "Go to the immigration office with the documents."),
            ("Comparecencia, huellas y fotografías.", "Interview, fingerprints and photos."),
            ("Recibir la resolución y la tarjeta.", "Receive the decision and the card."),
        ],
        [
            ("Pasaporte o documento de identidad", "Passport or identity document", True),
            ("Documento que pruebe la causa humanitaria", "Document proving the humanitarian ground", True),
            ("Comprobante de domicilio", "Proof of address", True),
            ("Actas de nacimiento de hijas e hijos", "Children's birth certificates", False),
        ],
    ),
    (
        "PA",
        "ppsh",
        ("Permiso de Protección de Seguridad Humanitaria", "Humanitarian protection permit"),
        "Servicio Nacional de Migración",
        "Decreto Ejecutivo N.º 6 de 11 de marzo de 2025",
        "",
        (
            "Personas en situación irregular con al menos un año en Panamá al entrar en vigor el decreto.",
            "People without status who had been in Panama at least one year when the decree took effect.",
        ),
        Decimal("1250"),
        "USD",
        False,
        None,
        ("No publicado.", "Not published."),
        [
            (
                "Pedir cita en el sitio del Servicio Nacional de Migración.",
                "Book an appointment on the migration service's site.",
            ),
            ("Hacer el pre-registro de extranjería.", "Complete the foreigners' pre-registration."),
            ("Presentar la solicitud con apoderado legal.", "File the application through a lawyer."),
            (
                "Recibir el permiso junto con el permiso de trabajo.",
                "Receive the permit together with the work permit.",
            ),
        ],
        [
            ("Copia notariada del pasaporte", "Notarized passport copy", True),
            ("Antecedentes penales del país de origen", "Criminal record from the country of origin", True),
            ("Certificado de salud", "Health certificate", True),
            ("Comprobante de domicilio", "Proof of address", True),
        ],
    ),
    (
        "SR",
        "verblijfsvergunning",
        ("Permiso de residencia (otros motivos)", "Residence permit (other grounds)"),
        "Vreemdelingenzaken, Afdeling Toelating en Vestiging",
        "Vreemdelingenwet 1991",
        "",
        (
            "Personas extranjeras que quieren quedarse más de 90 días y están en Surinam.",
            "Foreigners in Suriname who want to stay more than 90 days.",
        ),
        None,
        "",
        False,
        None,
        (
            "14 días hábiles hasta la revisión del expediente; la decisión no tiene plazo publicado.",
            "14 working days to the completeness check; no published time for the decision.",
        ),
        [
            (
                "Reunir y escanear los documentos de la lista oficial.",
                "Gather and scan the documents on the official list.",
            ),
            ("Presentar la solicitud en línea.", "Submit the application online."),
            (
                "Completar lo que falte en 7 días hábiles si se pide.",
                "Send anything missing within 7 working days if asked.",
            ),
            ("Registrar el permiso en el registro civil.", "Register the permit at the civil registry."),
        ],
        [
            ("Pasaporte", "Passport", True),
            ("Acta de nacimiento apostillada", "Apostilled birth certificate", True),
            ("Certificado de buena conducta", "Certificate of good conduct", True),
        ],
    ),
    (
        "DO",
        "plan-normalizacion-venezolanos",
        ("Plan de Normalización para Venezolanos (renovación)", "Normalization plan for Venezuelans (renewal)"),
        "Dirección General de Migración",
        "Resolución 119-21 del Ministerio de Interior y Policía",
        "",
        (
            "Personas venezolanas que entraron de forma regular entre 2014 y 2020, y sus hijos menores.",
            "Venezuelans who entered regularly between 2014 and 2020, and their minor children.",
        ),
        Decimal("6500"),
        "DOP",
        False,
        105,
        ("Las renovaciones tomaron de 3 a 4 meses en 2024.", "Renewals took 3 to 4 months in 2024."),
        [
            ("Solicitar la prórroga de estancia en línea.", "Request the extension of stay online."),
            (
                "Obtener la visa de trabajador temporero o de estudiante.",
                "Obtain the temporary worker or student visa.",
            ),
            ("Recibir el carné de permanencia.", "Receive the residence card."),
        ],
        [
            ("Pasaporte", "Passport", True),
            ("Fotografías 2 × 2", "2 × 2 photos", True),
            ("Carta de trabajo notariada", "Notarized work letter", True),
        ],
    ),
]

GIVEN = [
    "María",
    "José",
    "Jean",
    "Rosa",
    "Luis",
    "Ana",
    "Daniela",
    "Carlos",
    "Wilner",
    "Yolanda",
    "Pedro",
    "Marie",
    "Jorge",
    "Fabiola",
    "Ramón",
]
FAMILY = [
    "Pérez",
    "Joseph",
    "González",
    "Pierre",
    "Hernández",
    "Martínez",
    "Louis",
    "Rodríguez",
    "Jean-Baptiste",
    "López",
    "Castillo",
    "Charles",
]
NATIONALITIES = ["HT", "VE", "NI", "CU", "CO", "HN", "GT", "SV", "XX"]


def _token(*parts: object) -> uuid.UUID:
    return uuid.uuid5(SEED, ":".join(str(p) for p in parts))


def _load_pathways() -> int:
    countries = {c.code: c for c in Country.objects.all()}
    count = 0
    for code, slug, names, authority, basis, url, eligibility, fee, currency, free, days, text, steps, docs in PATHWAYS:
        if code not in countries:
            continue
        pathway, _ = RegularizationPathway.objects.update_or_create(
            country=countries[code],
            slug=slug,
            defaults={
                "name_es": names[0],
                "name_en": names[1],
                "issuing_authority_es": authority,
                "legal_basis_es": basis,
                "legal_basis_url": url,
                "eligibility_es": eligibility[0],
                "eligibility_en": eligibility[1],
                "fee_amount": fee,
                "fee_currency": currency,
                "is_free": free,
                "typical_processing_days": days,
                "typical_processing_text_es": text[0],
                "typical_processing_text_en": text[1],
                "is_sample": True,
                "verified_on": None,
                "active": True,
            },
        )
        for order, (es, en) in enumerate(steps, start=1):
            PathwayStep.objects.update_or_create(
                pathway=pathway, order=order, defaults={"title_es": es, "title_en": en}
            )
        pathway.steps.filter(order__gt=len(steps)).delete()
        for order, (es, en, required) in enumerate(docs, start=1):
            PathwayDocument.objects.update_or_create(
                pathway=pathway, order=order, defaults={"name_es": es, "name_en": en, "required": required}
            )
        pathway.documents.filter(order__gt=len(docs)).delete()
        count += 1
    return count


def _window_staff(window: InformationWindow):
    membership = Membership.objects.filter(role=Role.WINDOW_STAFF, window=window).select_related("user").first()
    if membership:
        return membership.user
    return get_user_model().objects.filter(is_superuser=True).first()


# The stages demo processes end in, with how often (approved and denied also feed processing times).
STAGE_PATHS = [
    ([], 3),
    ([Stage.DOCUMENTS_COMPLETE], 2),
    ([Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED], 3),
    ([Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.IN_REVIEW], 3),
    ([Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.IN_REVIEW, Stage.APPROVED], 5),
    ([Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.DENIED], 1),
    ([Stage.DOCUMENTS_COMPLETE, Stage.SUBMITTED, Stage.DENIED, Stage.APPEALED], 1),
    ([Stage.WITHDRAWN], 1),
]


def _demo_phone(rng: random.Random, region: str) -> str:
    """A made-up mobile number of the window's country, written as a clerk would (national format)."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = str(example.national_number)
    digits = national[:-4] + f"{rng.randint(0, 9999):04d}"
    number = phonenumbers.parse(digits, region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _demo_case(rng: random.Random, window: InformationWindow, by, n: int, pathway) -> None:
    today = timezone.localdate()
    data = {
        "given_names": rng.choice(GIVEN),
        "family_names": f"{rng.choice(FAMILY)} {rng.choice(FAMILY)}",
        "date_of_birth": today - timedelta(days=rng.randint(17 * 365, 65 * 365)),
        "sex": rng.choice(["female", "male"]),
        "nationality": rng.choice(NATIONALITIES),
        "document_type": "passport",
        "document_number": f"D{window.pk:02d}{n:05d}",
        "phone": _demo_phone(rng, window.country.code),
        "preferred_language": rng.choice(["es", "ht", "fr", "en"]),
    }
    vulnerabilities = rng.sample(
        ["pregnant", "disability", "single_parent", "chronic_illness", "older_person"], rng.randint(0, 1)
    )
    consents = ["processing", "contact_phone"] + (["share_partners"] if rng.random() < 0.6 else [])
    person, _ = services.create_person(
        window=window,
        by=by,
        data=data,
        vulnerabilities=vulnerabilities,
        consents=consents,
        form_token=_token("person", window.pk, n),
    )
    case, created = services.open_case(
        person=person, window=window, by=by, needs=["regularization"], form_token=_token("case", window.pk, n)
    )
    if not created or pathway is None:
        return
    path = rng.choices([p for p, _w in STAGE_PATHS], weights=[w for _p, w in STAGE_PATHS])[0]
    day = today - timedelta(days=rng.randint(95, 250))
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - (today - day))
    process = services.start_process(case=case, pathway=pathway, by=by, on=day)
    process.checklist.update(status=ChecklistStatus.RECEIVED)
    for stage in path:
        day = min(
            today,
            day
            + timedelta(days=rng.randint(20, 80) if stage in (Stage.APPROVED, Stage.DENIED) else rng.randint(3, 20)),
        )
        permit = (
            {
                "permit_type": pathway.name,
                "permit_number": f"P-{case.pk:06d}",
                "permit_expires_on": day + timedelta(days=730),
            }
            if stage == Stage.APPROVED
            else {}
        )
        process = services.move_process(process=process, to=stage, by=by, on=day, **permit)
    if path and path[-1] in (Stage.APPROVED, Stage.WITHDRAWN) and rng.random() < 0.5:
        services.close_case(case=case, by=by, reason="regularized" if path[-1] == Stage.APPROVED else "other")
    elif rng.random() < 0.4:
        services.plan_follow_up(
            case=case,
            due_on=today + timedelta(days=rng.randint(-5, 10)),
            assigned_to=by,
            note="Llamar para dar seguimiento",
            by=by,
        )


@transaction.atomic
def load(stdout=None) -> list[tuple[str, str]]:
    pathways = _load_pathways()
    rng = random.Random(20261129)
    today = timezone.localdate()
    consultations = cases = 0
    for window in InformationWindow.objects.filter(active=True).select_related("country").order_by("pk"):
        by = _window_staff(window)
        if by is None:
            continue
        pathway = RegularizationPathway.objects.filter(country=window.country, active=True).first()
        for n in range(16):
            services.log_consultation(
                window=window,
                by=by,
                form_token=_token("consultation", window.pk, n),
                data={
                    "date": today - timedelta(days=rng.randint(0, 180)),
                    "channel": rng.choice(["walk_in", "walk_in", "phone", "whatsapp", "outreach"]),
                    "topics": rng.sample(
                        ["regularization", "asylum", "labour", "documents", "health", "return", "risks"],
                        rng.randint(1, 2),
                    ),
                    "nationality": rng.choice(NATIONALITIES),
                    "sex": rng.choice(["female", "male"]),
                    "age_group": rng.choice(["18-29", "30-59", "12-17", "60+"]),
                    "referred": rng.random() < 0.2,
                },
            )
            consultations += 1
        # More cases where the demo logins work, so their pathways show observed processing times.
        for n in range(24 if window.country.code in ("CR", "PA") else 8):
            _demo_case(rng, window, by, n, pathway)
            cases += 1
    if stdout:
        stdout.write(f"  {pathways} sample pathways, {consultations} consultations, {cases} cases\n")
    return []
