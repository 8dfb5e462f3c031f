"""Sample pathways for the demo, one per country, with every fact's source, check date and status.

Written from the public facts gathered for the programme on 29 November 2026 (the project's reference notes);
the marks of doubt of those notes (uncertain, dated, contradicted, unofficial) become the facts' statuses:
"to_verify" for an uncertain, dated or unofficial fact, "disputed" where sources disagree, "applies_only" where
a figure concerns only some people, "confirmed" only for what an official source states without doubt. Names of
laws, programmes and offices stay in their own language. Each text exists in every public language of its
country. None of it is verified for publication: the pathways are sample content, and the pages say so.
"""

from __future__ import annotations

from datetime import date

CHECKED = date(2026, 11, 29)

# name, link
S_BZ_INS = (
    "Immigration and Nationality Services, Belize: permanent residence fees",
    "https://ins.gov.bz/index.php/belize-permanent-residence/fees",
)
S_BZ_NOTICE = (
    "Government notice reposted on ambergriscaye.com (2021)",
    "https://ambergriscaye.com/forum/ubbthreads.php/topics/552981/regularization-of-foreign-nationals.html",
)
S_BZ_SECONDARY = ("guide2belize.com (unofficial)", "")
S_CR_UNHCR = ("ACNUR Costa Rica", "https://help.unhcr.org/costarica/sobre-el-sitio/refugiocostarica")
S_CR_IOM = ("OIM MigrantInfo", "https://migrantinfo.iom.int/en/node/15")
S_CR_UNHCR_2016 = (
    "ACNUR Costa Rica (página de 2016)",
    "https://webarchive.archive.unhcr.org/20160620102650mp_/http://help.unhcr.org/costarica/en/applying-refugee-status/can-apply",
)
S_CR_2024 = (
    "ipnicaragua.com (junio de 2024)",
    "https://ipnicaragua.com/costa-rica-aprueba-reformas-al-reglamento-de-las-personas-refugiadas/amp",
)
S_CR_BACKLOG = (
    "Casa Presidencial, diciembre de 2022 (vía Teletica)",
    "https://www.teletica.com/nacional/gobierno-firma-dos-decretos-con-nuevas-y-tajantes-medidas-para-migrantes_324789",
)
S_SV_DGME = ("DGME El Salvador, instructivo F-34", "https://transparencia.gob.sv/institutions/dgme/services/8375")
S_GT_TARIFF = (
    "La Hora, 9 de mayo de 2023 (tarifa IGM-029-2023)",
    "https://lahora.gt/nacionales/elazgalo/2023/05/09/necesitas-tu-pasaporte-nuevo-o-su-renovacion-este-es-su-costo/",
)
S_GT_IGM = (
    "Instituto Guatemalteco de Migración, 11 de abril de 2024",
    "https://igm.gob.gt/residencias-temporales-y-permanentes-en-guatemala-abril-2024/",
)
S_GT_FIRM = (
    "conservisabogados.com (bufete, resumen general)",
    "https://conservisabogados.com/las-residencias-temporales-y-permanentes-en-guatemala",
)
S_GT_AMN = (
    "Copia del Acuerdo AMN 4-2019",
    "https://ja.scribd.com/document/411648693/ACUERDO-4-2019-Reglamento-Residencias",
)
S_GD_MAG = (
    "Business Grenada magazine, 2013-14",
    "https://view.joomag.com/businessgrenadacom-issue-6-2013-2014/0376336001378428895?page=18",
)
S_GD_PORTAL = (
    "Grenada e-services portal (ownership not verified)",
    "https://www.mgovernance.net/index.php/permanent-residence-status-card",
)
S_HT_AYIBO = ("AyiboPost, citant l'OMRH", "https://ayibopost.com/?p=19202")
S_HT_DROIT = (
    "lemotdudroit.net (non officiel)",
    "http://lemotdudroit.net/droit/droit-des-etrangers/comment-un-etranger-peut-il-obtenir-un-permis-de-sejour-en-haiti",
)
S_HN_FIRM = (
    "Consortium Legal, 15 de noviembre de 2021",
    "https://consortiumlegal.com/2021/11/15/residencia-en-honduras/",
)
S_HN_SHEET = (
    "Copia de una hoja de requisitos del INM",
    "https://dokumen.tips/documents/requisitos-para-obtener-el-permiso-especial-de-inmgobhnrequisitos-nuevosextranjeros.html",
)
S_MX_IOM = ("OIM MigrantInfo", "https://migrantinfo.iom.int/en/node/3465")
S_MX_SF = ("Sin Fronteras IAP", "https://contigosinfronteras.org/tarjeta-de-visitante-por-razones-humanitarias/")
S_MX_INM = ("gob.mx, INM", "https://www.gob.mx/tramites/ficha/renovacion-de-documento-migratorio/INM820")
S_PA_EFE = (
    "EFE, 16 de marzo de 2025",
    "https://eldiario.com/2025/03/16/panama-creo-permiso-para-regularizar-migrantes/",
)
S_PA_CRITICA = (
    "Crítica, marzo de 2025",
    "https://critica.com.pa/nacional/gobierno-de-panama-crea-permiso-para-regularizar-migrantes-489082",
)
S_PA_PRENSA = (
    "La Prensa, marzo de 2025",
    "https://www.prensa.com/politica/panama-legalizara-a-los-migrantes-irregulares-se-ha-creado-un-permiso-de-proteccion-humanitario/",
)
S_PA_FIRM = ("focusalcogal.com (bufete, 2025)", "https://focusalcogal.com/?p=9508")
S_SR_FAQ = ("Vreemdelingenzaken, VZ Online FAQ", "https://www.vz.juspol.sr/index.php?task=page&id=8")
S_SR_LIST = ("Vreemdelingenzaken, documentenlijsten", "https://www.vz.juspol.sr/index.php/documentenlijsten")
S_SR_GOV = ("gov.sr: verblijfsvergunningen", "http://gov.sr/thema/verblijfsvergunningen/")
S_SR_UNOFFICIAL = ("info-suriname.com (unofficial)", "https://info-suriname.com/nederlandse-origine/")
S_DO_DL2021 = (
    "Diario Libre, enero de 2021",
    "https://www.diariolibre.com/actualidad/interior-y-policia-emite-resolucion-que-normaliza-situacion-de-venezolanos-en-rd-FM23943503",
)
S_DO_DL2024 = (
    "Diario Libre, 18 de septiembre de 2024",
    "https://www.diariolibre.com/actualidad/nacional/2024/09/18/plan-de-normalizacion-para-venezolanos-y-proceso-de-renovacion/2852363",
)
S_DO_FAQ = (
    "Globalízate Radio: preguntas frecuentes, fase 2 (2021)",
    "https://globalizateradio.com/preguntas-frecuentes-plan-de-normalizacion-de-estatus-migratorio-para-venezolanos-en-republica-dominicana-fase-2-visa-de-trabajador-temporero-o-estudiante",
)


def fact(
    kind, status, source, *, name="", lang="", text=None, applies=None, note=None, amount=None, currency="", days=None
):
    return {
        "kind": kind,
        "status": status,
        "source": source,
        "name": name,
        "name_language": lang,
        "text": text or {},
        "applies_to": applies or {},
        "note": note or {},
        "amount": amount,
        "currency": currency,
        "days": days,
    }


def doc(texts, status, source, *, required=True, applies=None):
    return {"name": texts, "status": status, "source": source, "required": required, "applies_to": applies or {}}


PATHWAYS = [
    {
        "country": "BZ",
        "slug": "permanent-residence",
        "name": {"en": "Permanent residence (ordinary route)", "es": "Residencia permanente (vía ordinaria)"},
        "eligibility": {
            "en": "Foreigners who have lived in Belize legally and continuously for at least one year, without leaving for more than 14 days in a row (secondary sources; the official wording was not found).",
            "es": "Personas extranjeras con al menos un año de estancia legal y continua en Belice, sin salir más de 14 días seguidos (fuentes secundarias; no se encontró el texto oficial).",
        },
        "facts": [
            fact(
                "fee",
                "applies_only",
                S_BZ_INS,
                amount="3000",
                currency="BZD",
                applies={"en": "Commonwealth citizens", "es": "ciudadanos de la Commonwealth"},
                text={"en": "paid after approval", "es": "se paga después de la aprobación"},
            ),
            fact(
                "fee",
                "applies_only",
                S_BZ_INS,
                amount="1000",
                currency="BZD",
                applies={
                    "en": "CARICOM citizens (including Grenada, Haiti and Suriname)",
                    "es": "ciudadanos de la CARICOM (incluidos Granada, Haití y Surinam)",
                },
                text={"en": "paid after approval", "es": "se paga después de la aprobación"},
            ),
            fact(
                "fee",
                "applies_only",
                S_BZ_INS,
                amount="6000",
                currency="BZD",
                applies={"en": "European citizens", "es": "ciudadanos europeos"},
                text={"en": "paid after approval", "es": "se paga después de la aprobación"},
            ),
            fact(
                "fee",
                "to_verify",
                S_BZ_INS,
                text={
                    "en": "Central Americans and other nationalities: the amount was not found.",
                    "es": "Centroamericanos y otras nacionalidades: no se encontró el monto.",
                },
            ),
            fact(
                "fee",
                "disputed",
                S_BZ_NOTICE,
                amount="50",
                currency="BZD",
                text={
                    "en": "per month, to extend a visitor's stay during the qualifying year (first 6 months; then BZ$100)",
                    "es": "al mes, para prorrogar la estancia de visitante durante el año requerido (primeros 6 meses; luego BZ$100)",
                },
                note={
                    "en": "A 2021 government notice speaks of BZ$200 a month.",
                    "es": "Un aviso del Gobierno de 2021 habla de BZ$200 al mes.",
                },
            ),
            fact(
                "time",
                "to_verify",
                S_BZ_SECONDARY,
                text={
                    "en": "No official time is published; unofficial sources say 8 to 12 weeks.",
                    "es": "No hay un plazo oficial publicado; fuentes no oficiales hablan de 8 a 12 semanas.",
                },
            ),
            fact(
                "legal_basis", "confirmed", S_BZ_INS, name="Immigration Act, Cap. 156 (Revised Edition 2000)", lang="en"
            ),
            fact(
                "authority",
                "to_verify",
                ("Belize Immigration (2022-24 notices)", "https://immigration.gov.bz"),
                name="Immigration and Nationality Department",
                lang="en",
                note={
                    "en": "The department's name has changed several times.",
                    "es": "El nombre del departamento ha cambiado varias veces.",
                },
            ),
        ],
        "steps": [
            {
                "en": "Keep a legal status during the qualifying year; visitors extend their stay every month.",
                "es": "Mantener un estatus legal durante el año requerido; los visitantes prorrogan su estancia cada mes.",
            },
            {
                "en": "Get the application form, the medical examination form and the letter of financial support.",
                "es": "Obtener el formulario de solicitud, el de examen médico y la carta de apoyo económico.",
            },
            {
                "en": "Take the medical tests in Belize and get a police record.",
                "es": "Hacer los exámenes médicos en Belice y sacar el récord policial.",
            },
            {
                "en": "Hand in originals and copies at an immigration office; interview and police vetting.",
                "es": "Presentar originales y copias en una oficina de inmigración; entrevista y revisión policial.",
            },
            {
                "en": "Pay the fee once approved and collect the card.",
                "es": "Pagar la tarifa una vez aprobada y recoger la tarjeta.",
            },
        ],
        "documents": [
            doc({"en": "Application form", "es": "Formulario de solicitud"}, "confirmed", S_BZ_INS),
            doc(
                {
                    "en": "Medical examination form (tests done in Belize)",
                    "es": "Formulario de examen médico (hecho en Belice)",
                },
                "confirmed",
                S_BZ_INS,
            ),
            doc({"en": "Letter of financial support", "es": "Carta de apoyo económico"}, "confirmed", S_BZ_INS),
            doc({"en": "Police record", "es": "Récord policial"}, "to_verify", S_BZ_SECONDARY),
            doc(
                {
                    "en": "Bank statement, birth and marriage certificates",
                    "es": "Estado de cuenta, actas de nacimiento y de matrimonio",
                },
                "to_verify",
                S_BZ_SECONDARY,
                required=False,
            ),
        ],
    },
    {
        "country": "CR",
        "slug": "refugio",
        "name": {
            "es": "Reconocimiento de la condición de persona refugiada",
            "en": "Recognition of refugee status",
            "fr": "Reconnaissance du statut de réfugié",
        },
        "eligibility": {
            "es": "Personas en Costa Rica con temor fundado de persecución por su raza, religión, nacionalidad, género, grupo social u opinión política.",
            "en": "People in Costa Rica with a well-founded fear of persecution because of their race, religion, nationality, gender, social group or political opinion.",
            "fr": "Les personnes au Costa Rica qui craignent avec raison d'être persécutées du fait de leur race, religion, nationalité, genre, groupe social ou opinion politique.",
        },
        "facts": [
            fact(
                "fee",
                "confirmed",
                S_CR_UNHCR,
                amount="0",
                text={
                    "es": "no se necesitan intermediarios",
                    "en": "no intermediaries are needed",
                    "fr": "aucun intermédiaire n'est nécessaire",
                },
            ),
            fact(
                "fee",
                "to_verify",
                S_CR_IOM,
                text={
                    "es": "DIMEX una vez reconocida la condición: monto no encontrado.",
                    "en": "DIMEX card once recognised: amount not found.",
                    "fr": "Carte DIMEX une fois le statut reconnu : montant non trouvé.",
                },
            ),
            fact(
                "time",
                "to_verify",
                S_CR_BACKLOG,
                text={
                    "es": "No hay plazo publicado. En diciembre de 2022, el 78 % de las solicitudes recibidas desde 2018 seguía pendiente.",
                    "en": "No time is published. In December 2022, 78% of the claims received since 2018 were still pending.",
                    "fr": "Aucun délai n'est publié. En décembre 2022, 78 % des demandes reçues depuis 2018 étaient encore en attente.",
                },
            ),
            fact(
                "legal_basis",
                "confirmed",
                S_CR_IOM,
                name="Ley General de Migración y Extranjería N.º 8764, art. 106 y siguientes",
                lang="es",
            ),
            fact(
                "legal_basis",
                "to_verify",
                S_CR_2024,
                name="Reglamento de Personas Refugiadas, Decreto Ejecutivo 36831-G, reformado por los decretos 43810-MGP (2022) y 44501-MGP (2024)",
                lang="es",
                note={
                    "es": "Verifique si la reforma de 2024 cambió el plazo de un mes desde la entrada.",
                    "en": "Check whether the 2024 reform changed the one-month deadline after entry.",
                    "fr": "Vérifiez si la réforme de 2024 a changé le délai d'un mois après l'entrée.",
                },
            ),
            fact(
                "authority",
                "confirmed",
                S_CR_IOM,
                name="Dirección General de Migración y Extranjería, Unidad de Refugio",
                lang="es",
                text={
                    "es": "recibe y analiza las solicitudes",
                    "en": "receives and assesses the claims",
                    "fr": "reçoit et examine les demandes",
                },
            ),
            fact(
                "authority",
                "disputed",
                S_CR_IOM,
                name="Comisión de Visas Restringidas y Refugio",
                lang="es",
                text={"es": "decide", "en": "decides", "fr": "décide"},
                note={
                    "es": "Las páginas del ACNUR la llaman «Comisión de Visas y Refugio».",
                    "en": "UNHCR pages call it “Comisión de Visas y Refugio”.",
                    "fr": "Les pages du HCR l'appellent « Comisión de Visas y Refugio ».",
                },
            ),
        ],
        "steps": [
            {
                "es": "Presentar la solicitud en un puesto fronterizo, o con cita por el 1311 o el portal de Migración.",
                "en": "Lodge the claim at a border post, or book through 1311 or the migration portal.",
                "fr": "Déposer la demande à un poste frontière, ou prendre rendez-vous par le 1311 ou le portail de la Migration.",
            },
            {
                "es": "Llenar el cuestionario inicial y recibir el documento provisional.",
                "en": "Fill in the first questionnaire and receive the provisional document.",
                "fr": "Remplir le premier questionnaire et recevoir le document provisoire.",
            },
            {
                "es": "Entregar los documentos y asistir a la entrevista.",
                "en": "Hand in the documents and attend the interview.",
                "fr": "Remettre les documents et se présenter à l'entretien.",
            },
            {
                "es": "Recibir la resolución; si es negativa, se puede apelar ante el Tribunal Administrativo Migratorio.",
                "en": "Receive the decision; a refusal can be appealed to the migration tribunal.",
                "fr": "Recevoir la décision ; un refus peut faire l'objet d'un recours devant le tribunal des migrations.",
            },
        ],
        "documents": [
            doc(
                {"es": "Documento de identidad", "en": "Identity document", "fr": "Pièce d'identité"},
                "to_verify",
                S_CR_UNHCR_2016,
            ),
            doc(
                {
                    "es": "Cuatro fotografías tamaño pasaporte",
                    "en": "Four passport photos",
                    "fr": "Quatre photos d'identité",
                },
                "to_verify",
                S_CR_UNHCR_2016,
            ),
            doc(
                {"es": "Comprobante de huellas", "en": "Proof of fingerprinting", "fr": "Preuve de prise d'empreintes"},
                "to_verify",
                S_CR_UNHCR_2016,
            ),
        ],
    },
    {
        "country": "SV",
        "slug": "residencia-definitiva-conyuge",
        "name": {
            "es": "Residencia definitiva por matrimonio o convivencia",
            "en": "Permanent residence by marriage or partnership",
        },
        "eligibility": {
            "es": "Personas casadas o convivientes con una persona salvadoreña, con un año de residencia temporal sin interrupción.",
            "en": "People married to or living with a Salvadoran, after one uninterrupted year of temporary residence.",
        },
        "facts": [
            fact(
                "fee",
                "to_verify",
                S_SV_DGME,
                text={"es": "Derechos de residencia: monto no encontrado.", "en": "Residence fees: amount not found."},
            ),
            fact(
                "legal_basis",
                "confirmed",
                S_SV_DGME,
                name="Ley Especial de Migración y de Extranjería, Decreto Legislativo N.º 286 (2019), art. 152 num. 11",
                lang="es",
            ),
            fact(
                "authority",
                "confirmed",
                S_SV_DGME,
                name="Dirección General de Migración y Extranjería (DGME)",
                lang="es",
            ),
        ],
        "steps": [
            {"es": "Reunir los documentos de la hoja F-34.", "en": "Gather the documents on the F-34 sheet."},
            {
                "es": "Presentar la solicitud en una oficina de Migración.",
                "en": "File the request at a migration office.",
            },
            {
                "es": "Cuando la resuelvan, pagar los derechos y recoger el carné.",
                "en": "Once decided, pay the fees and collect the card.",
            },
        ],
        "documents": [
            doc({"es": "Solicitud firmada", "en": "Signed request"}, "confirmed", S_SV_DGME),
            doc(
                {
                    "es": "Copia de todas las páginas usadas del pasaporte vigente",
                    "en": "Copy of every used page of the valid passport",
                },
                "confirmed",
                S_SV_DGME,
            ),
            doc(
                {
                    "es": "Declaración jurada notarial de apoyo económico",
                    "en": "Notarial sworn statement of economic support",
                },
                "confirmed",
                S_SV_DGME,
            ),
            doc(
                {"es": "Solvencia de la Policía Nacional Civil", "en": "National Civil Police clearance"},
                "applies_only",
                S_SV_DGME,
                applies={
                    "es": "quien lleva más de 3 meses en El Salvador o tuvo más de 2 entradas en el último año",
                    "en": "people in El Salvador for more than 3 months, or with more than 2 entries in the last year",
                },
            ),
        ],
    },
    {
        "country": "GT",
        "slug": "residencia-centroamericanos",
        "name": {
            "es": "Residencia permanente para personas centroamericanas",
            "en": "Permanent residence for Central Americans",
        },
        "eligibility": {
            "es": "Personas nacidas en otro país de Centroamérica. Las condiciones exactas (estancia previa, garante) no se han confirmado.",
            "en": "People born in another Central American country. The exact conditions (prior stay, guarantor) are not confirmed.",
        },
        "facts": [
            fact(
                "fee",
                "to_verify",
                S_GT_TARIFF,
                amount="25",
                currency="USD",
                text={
                    "es": "para presentar la solicitud (tarifa de 2023)",
                    "en": "to file the application (2023 tariff)",
                },
            ),
            fact(
                "fee",
                "to_verify",
                S_GT_TARIFF,
                text={
                    "es": "Emisión de la residencia permanente: monto no encontrado.",
                    "en": "Issuing the permanent residence: amount not found.",
                },
            ),
            fact(
                "fee",
                "confirmed",
                S_GT_IGM,
                amount="40",
                currency="USD",
                text={"es": "cada año, por residencia", "en": "every year, per residence"},
            ),
            fact(
                "legal_basis",
                "to_verify",
                S_GT_IGM,
                name="Código de Migración, Decreto 44-2016",
                lang="es",
                note={
                    "es": "No se verificó el artículo de esta categoría.",
                    "en": "The article for this category was not verified.",
                },
            ),
            fact(
                "legal_basis",
                "to_verify",
                S_GT_AMN,
                name="Reglamento de Residencias Guatemaltecas, Acuerdo AMN 4-2019",
                lang="es",
            ),
            fact(
                "authority",
                "confirmed",
                S_GT_IGM,
                name="Instituto Guatemalteco de Migración, Subdirección de Extranjería",
                lang="es",
            ),
        ],
        "steps": [
            {"es": "Descargar el formulario de la categoría.", "en": "Download the form for the category."},
            {
                "es": "Pagar el ingreso de la solicitud y presentar el expediente en la Subdirección de Extranjería.",
                "en": "Pay the filing fee and file the documents at the foreigners' office.",
            },
            {
                "es": "Recibir la resolución, inscribir la residencia y pagar la emisión.",
                "en": "Receive the decision, register the residence and pay for its issue.",
            },
        ],
        "documents": [
            doc(
                {"es": "Pasaporte vigente y copia legalizada", "en": "Valid passport and legalized copy"},
                "to_verify",
                S_GT_FIRM,
            ),
            doc(
                {
                    "es": "Constancia de vigencia del pasaporte de su embajada",
                    "en": "Certificate of the passport's validity from your embassy",
                },
                "to_verify",
                S_GT_FIRM,
            ),
            doc(
                {"es": "Antecedentes penales y policiacos", "en": "Criminal and police records"}, "to_verify", S_GT_FIRM
            ),
        ],
    },
    {
        "country": "GD",
        "slug": "permanent-residence",
        "name": {"en": "Permanent residence", "es": "Residencia permanente"},
        "eligibility": {
            "en": "Foreigners resident in Grenada for a minimum period: 2 years according to the investment agency's guide, more than 3 years according to the e-services portal.",
            "es": "Personas extranjeras residentes en Granada durante un periodo mínimo: 2 años según la guía de la agencia de inversiones, más de 3 años según el portal de servicios.",
        },
        "facts": [
            fact(
                "fee",
                "to_verify",
                S_GD_MAG,
                amount="348",
                currency="USD",
                applies={"en": "nationals of OECS member states", "es": "nacionales de los Estados de la OECO"},
                note={"en": "A 2013-14 figure.", "es": "Cifra de 2013-14."},
            ),
            fact(
                "fee",
                "to_verify",
                S_GD_MAG,
                amount="1873",
                currency="USD",
                applies={"en": "other nationalities", "es": "otras nacionalidades"},
                note={"en": "A 2013-14 figure.", "es": "Cifra de 2013-14."},
            ),
            fact(
                "legal_basis",
                "to_verify",
                S_GD_PORTAL,
                name="Immigration Act, Cap. 145",
                lang="en",
                note={"en": "The section was not verified.", "es": "No se verificó la sección."},
            ),
            fact(
                "authority",
                "to_verify",
                S_GD_PORTAL,
                name="Government of Grenada",
                lang="en",
                note={
                    "en": "The office in charge today was not confirmed.",
                    "es": "No se confirmó la oficina a cargo hoy.",
                },
            ),
        ],
        "steps": [
            {
                "en": "Get and fill in the two forms; sign them before a Justice of the Peace or a notary.",
                "es": "Obtener y llenar los dos formularios; firmarlos ante un juez de paz o un notario.",
            },
            {
                "en": "Take the medical tests in Grenada, within 6 months before applying.",
                "es": "Hacer los exámenes médicos en Granada, en los 6 meses antes de la solicitud.",
            },
            {"en": "Submit the application and pay the fee.", "es": "Presentar la solicitud y pagar la tarifa."},
        ],
        "documents": [
            doc({"en": "Birth certificate", "es": "Acta de nacimiento"}, "to_verify", S_GD_PORTAL),
            doc(
                {
                    "en": "Police certificates, less than 6 months old",
                    "es": "Certificados policiales de menos de 6 meses",
                },
                "to_verify",
                S_GD_PORTAL,
            ),
            doc({"en": "Medical certificate", "es": "Certificado médico"}, "to_verify", S_GD_PORTAL),
            doc({"en": "Bank reference", "es": "Referencia bancaria"}, "to_verify", S_GD_PORTAL),
        ],
    },
    {
        "country": "HT",
        "slug": "permis-de-sejour",
        "name": {
            "ht": "Pèmi sejou pou etranje",
            "fr": "Permis de séjour des étrangers",
            "es": "Permiso de residencia",
            "en": "Residence permit",
        },
        "eligibility": {
            "ht": "Tout etranje majè ki ap viv ann Ayiti. Ayisyen orijin ki gen yon lòt nasyonalite pa bezwen l.",
            "fr": "Tout étranger majeur qui vit en Haïti. Les Haïtiens d'origine ayant une autre nationalité en sont dispensés.",
            "es": "Toda persona extranjera adulta que vive en Haití. Los haitianos de origen con otra nacionalidad están exentos.",
            "en": "Every adult foreign national living in Haiti. Haitians by origin with another nationality are exempt.",
        },
        "facts": [
            fact(
                "fee",
                "to_verify",
                S_HT_AYIBO,
                amount="5000",
                currency="HTG",
                text={
                    "ht": "premye fwa, ak yon chèk jeran pou Trezò Piblik",
                    "fr": "première délivrance, par chèque de direction au Trésor public",
                    "es": "primera emisión, con cheque de gerencia al Tesoro Público",
                    "en": "first issue, by manager's cheque to the Public Treasury",
                },
            ),
            fact(
                "fee",
                "to_verify",
                S_HT_DROIT,
                amount="2500",
                currency="HTG",
                text={
                    "ht": "pou renouvle l chak ane",
                    "fr": "renouvellement annuel",
                    "es": "renovación anual",
                    "en": "yearly renewal",
                },
                note={
                    "ht": "Sous ki pa ofisyèl.",
                    "fr": "Source non officielle.",
                    "es": "Fuente no oficial.",
                    "en": "Unofficial source.",
                },
            ),
            fact(
                "legal_basis",
                "to_verify",
                S_HT_DROIT,
                name="Décret du 26 décembre 1978 sur l'immigration et l'émigration, art. 31-34",
                lang="fr",
            ),
            fact(
                "authority",
                "to_verify",
                S_HT_AYIBO,
                name="Direction de l'Immigration et de l'Émigration (DIE)",
                lang="fr",
                note={
                    "ht": "Nou pa jwenn telefòn ni sit entènèt DIE a.",
                    "fr": "Ni téléphone ni site de la DIE n'ont été trouvés.",
                    "es": "No se encontró teléfono ni sitio de la DIE.",
                    "en": "No phone or website of the DIE was found.",
                },
            ),
        ],
        "steps": [
            {
                "ht": "Ekri yon lèt demann bay DIE a, pou di poukisa.",
                "fr": "Écrire une lettre de demande à la DIE, en donnant les raisons.",
                "es": "Escribir una carta de solicitud a la DIE, con los motivos.",
                "en": "Write a request letter to the DIE, giving the reasons.",
            },
            {
                "ht": "Mete dokiman yo ak chèk la ansanm; antrevi, fòmilè ak anprent dwèt.",
                "fr": "Joindre les documents et le chèque ; entretien, formulaire et empreintes.",
                "es": "Adjuntar los documentos y el cheque; entrevista, formulario y huellas.",
                "en": "Attach the documents and the cheque; interview, form and fingerprints.",
            },
            {
                "ht": "Renouvle l chak ane fiskal (1ye oktòb rive 30 septanm).",
                "fr": "Le renouveler chaque exercice fiscal (du 1er octobre au 30 septembre).",
                "es": "Renovarlo cada año fiscal (del 1 de octubre al 30 de septiembre).",
                "en": "Renew it every fiscal year (1 October to 30 September).",
            },
        ],
        "documents": [
            doc(
                {
                    "ht": "Kopi paj idantite paspò a",
                    "fr": "Copie de la page d'identité du passeport",
                    "es": "Copia de la página de datos del pasaporte",
                    "en": "Copy of the passport's bio page",
                },
                "to_verify",
                S_HT_DROIT,
            ),
            doc(
                {
                    "ht": "Sètifika medikal ki pa gen plis pase 30 jou",
                    "fr": "Certificat médical de moins de 30 jours",
                    "es": "Certificado médico de menos de 30 días",
                    "en": "Medical certificate less than 30 days old",
                },
                "to_verify",
                S_HT_DROIT,
            ),
            doc(
                {
                    "ht": "Batistè tradui an franse",
                    "fr": "Acte de naissance traduit en français",
                    "es": "Acta de nacimiento traducida al francés",
                    "en": "Birth certificate translated into French",
                },
                "to_verify",
                S_HT_DROIT,
            ),
            doc(
                {
                    "ht": "De foto koulè",
                    "fr": "Deux photos en couleur",
                    "es": "Dos fotografías a color",
                    "en": "Two colour photos",
                },
                "to_verify",
                S_HT_DROIT,
            ),
            doc(
                {
                    "ht": "Atestasyon yon bank ann Ayiti (omwen 7 500 goud oswa 200 dola)",
                    "fr": "Attestation d'une banque en Haïti (au moins 7 500 gourdes ou 200 dollars US)",
                    "es": "Constancia de un banco en Haití (al menos 7500 gourdes o 200 dólares)",
                    "en": "Statement from a bank in Haiti (at least HTG 7,500 or US$200)",
                },
                "to_verify",
                S_HT_DROIT,
            ),
        ],
    },
    {
        "country": "HN",
        "slug": "residencia-vinculo-familiar",
        "name": {"es": "Residencia por vínculo familiar", "en": "Residence through family ties"},
        "eligibility": {
            "es": "Personas casadas con hondureños de nacimiento, padres de hijos nacidos en Honduras, entre otras categorías del art. 21.",
            "en": "People married to Hondurans by birth, parents of children born in Honduras, among other categories of art. 21.",
        },
        "facts": [
            fact(
                "fee",
                "to_verify",
                S_HN_FIRM,
                text={
                    "es": "Timbres y recibos de la Tesorería: montos no encontrados.",
                    "en": "Fiscal stamps and Treasury receipts: amounts not found.",
                },
            ),
            fact(
                "legal_basis",
                "to_verify",
                S_HN_FIRM,
                name="Ley de Migración y Extranjería, Decreto 208-2003, art. 21",
                lang="es",
            ),
            fact(
                "authority",
                "to_verify",
                S_HN_FIRM,
                name="Secretaría de Derechos Humanos, Justicia, Gobernación y Descentralización",
                lang="es",
                text={"es": "resuelve la residencia", "en": "decides on the residence"},
                note={"es": "El nombre de la Secretaría cambia.", "en": "The ministry's name changes."},
            ),
            fact(
                "authority",
                "to_verify",
                S_HN_FIRM,
                name="Instituto Nacional de Migración (INM)",
                lang="es",
                text={"es": "registro y carné", "en": "registration and card"},
            ),
        ],
        "steps": [
            {
                "es": "Presentar la solicitud por medio de un abogado, con timbres (los consultorios jurídicos universitarios ayudan gratis).",
                "en": "File the request through a lawyer, with fiscal stamps (university legal clinics help for free).",
            },
            {"es": "Obtener la resolución.", "en": "Obtain the decision."},
            {
                "es": "Inscribirse en el Registro Nacional de Extranjeros y recibir el carné.",
                "en": "Register with the foreigners' registry and receive the card.",
            },
        ],
        "documents": [
            doc(
                {"es": "Copia autenticada del pasaporte", "en": "Authenticated passport copy"}, "to_verify", S_HN_SHEET
            ),
            doc({"es": "Antecedentes penales legalizados", "en": "Legalized criminal record"}, "to_verify", S_HN_SHEET),
            doc(
                {"es": "Certificado médico de menos de 6 meses", "en": "Medical certificate less than 6 months old"},
                "to_verify",
                S_HN_SHEET,
            ),
            doc(
                {"es": "Constancia de la DGIC", "en": "Criminal investigation office certificate"},
                "applies_only",
                S_HN_SHEET,
                applies={"es": "mayores de 18 años", "en": "adults over 18"},
            ),
        ],
    },
    {
        "country": "MX",
        "slug": "tvrh",
        "name": {
            "es": "Tarjeta de Visitante por Razones Humanitarias",
            "en": "Humanitarian visitor card",
            "fr": "Carte de visiteur pour raisons humanitaires",
            "ht": "Kat vizitè pou rezon imanitè",
        },
        "eligibility": {
            "es": "Víctimas o testigos de delitos graves en México, niñas y niños no acompañados, solicitantes de asilo y otras situaciones humanitarias.",
            "en": "Victims or witnesses of serious crimes in Mexico, unaccompanied children, asylum applicants and other humanitarian cases.",
            "fr": "Victimes ou témoins de crimes graves au Mexique, enfants non accompagnés, demandeurs d'asile et autres situations humanitaires.",
            "ht": "Viktim oswa temwen krim grav nan Meksik, timoun ki poukont yo, moun ki mande azil ak lòt ka imanitè.",
        },
        "facts": [
            fact(
                "fee",
                "confirmed",
                S_MX_INM,
                amount="0",
                text={
                    "es": "la ley exime de derechos la regularización humanitaria",
                    "en": "the law exempts humanitarian regularization from fees",
                    "fr": "la loi exonère de droits la régularisation humanitaire",
                    "ht": "lalwa di regilarizasyon imanitè pa peye",
                },
            ),
            fact(
                "time",
                "confirmed",
                S_MX_IOM,
                text={
                    "es": "Plazo legal: 20 días hábiles una vez completo el expediente (si no hay respuesta, se entiende negada).",
                    "en": "Legal deadline: 20 working days once the file is complete (no answer means refusal).",
                    "fr": "Délai légal : 20 jours ouvrables une fois le dossier complet (sans réponse, la demande est refusée).",
                    "ht": "Dèlè lalwa: 20 jou travay apre dosye a fin konplè (si pa gen repons, sa vle di non).",
                },
                note={
                    "es": "En la práctica los plazos varían.",
                    "en": "In practice times vary.",
                    "fr": "En pratique, les délais varient.",
                    "ht": "An reyalite, tan an chanje.",
                },
            ),
            fact("legal_basis", "confirmed", S_MX_IOM, name="Ley de Migración, art. 52 fr. V y art. 133", lang="es"),
            fact("authority", "confirmed", S_MX_IOM, name="Instituto Nacional de Migración (INM)", lang="es"),
        ],
        "steps": [
            {
                "es": "Llenar el formulario del INM en línea, o pedir apoyo a la COMAR si solicita asilo.",
                "en": "Fill in the immigration form online, or ask the refugee commission for help if you seek asylum.",
                "fr": "Remplir le formulaire de l'INM en ligne, ou demander l'aide de la COMAR si vous demandez l'asile.",
                "ht": "Ranpli fòmilè INM nan sou entènèt, oswa mande COMAR èd si w ap mande azil.",
            },
            {
                "es": "Acudir a la oficina del INM de su domicilio con los documentos.",
                "en": "Go to the immigration office for your address with the documents.",
                "fr": "Se rendre au bureau de l'INM de votre domicile avec les documents.",
                "ht": "Ale nan biwo INM ki pou adrès ou a ak dokiman yo.",
            },
            {
                "es": "Comparecencia, huellas y fotografías.",
                "en": "Interview, fingerprints and photos.",
                "fr": "Entretien, empreintes et photos.",
                "ht": "Antrevi, anprent dwèt ak foto.",
            },
            {
                "es": "Recibir la resolución y la tarjeta; renovarla antes de que venza.",
                "en": "Receive the decision and the card; renew it before it expires.",
                "fr": "Recevoir la décision et la carte ; la renouveler avant son expiration.",
                "ht": "Resevwa desizyon an ak kat la; renouvle l anvan li ekspire.",
            },
        ],
        "documents": [
            doc(
                {
                    "es": "Pasaporte o documento de identidad",
                    "en": "Passport or identity document",
                    "fr": "Passeport ou pièce d'identité",
                    "ht": "Paspò oswa pyès idantite",
                },
                "confirmed",
                S_MX_SF,
            ),
            doc(
                {
                    "es": "Documento que pruebe la causa humanitaria (constancia de la COMAR, del Ministerio Público o certificado médico)",
                    "en": "Document proving the humanitarian ground (refugee commission certificate, prosecutor's document or medical certificate)",
                    "fr": "Document prouvant le motif humanitaire (attestation de la COMAR, du ministère public ou certificat médical)",
                    "ht": "Yon papye ki pwouve rezon imanitè a (papye COMAR, Minis Piblik oswa sètifika medikal)",
                },
                "confirmed",
                S_MX_SF,
            ),
            doc(
                {
                    "es": "Comprobante de domicilio (la COMAR puede dar un oficio)",
                    "en": "Proof of address (the refugee commission can issue a letter instead)",
                    "fr": "Justificatif de domicile (la COMAR peut délivrer une lettre)",
                    "ht": "Prèv adrès (COMAR ka ba w yon lèt pito)",
                },
                "confirmed",
                S_MX_SF,
            ),
            doc(
                {
                    "es": "Actas de nacimiento de hijas e hijos",
                    "en": "Children's birth certificates",
                    "fr": "Actes de naissance des enfants",
                    "ht": "Batistè timoun yo",
                },
                "confirmed",
                S_MX_SF,
                required=False,
            ),
        ],
    },
    {
        "country": "PA",
        "slug": "ppsh",
        "name": {
            "es": "Permiso de Protección de Seguridad Humanitaria",
            "en": "Humanitarian protection permit",
            "fr": "Permis de protection de sécurité humanitaire",
            "ht": "Pèmi pwoteksyon sekirite imanitè",
        },
        "eligibility": {
            "es": "Personas de cualquier nacionalidad en situación irregular con al menos un año en Panamá al entrar en vigor el decreto, y solicitantes de refugio rechazados por la ONPAR.",
            "en": "People of any nationality without status who had been in Panama at least one year when the decree took effect, and refugee applicants refused by ONPAR.",
            "fr": "Les personnes de toute nationalité en situation irrégulière présentes au Panama depuis au moins un an à l'entrée en vigueur du décret, et les demandeurs d'asile refusés par l'ONPAR.",
            "ht": "Moun tout nasyonalite ki pa gen papye epi ki te gen omwen yon ane Panama lè dekrè a te kòmanse aplike, ak moun ONPAR te refize demann refij yo.",
        },
        "facts": [
            fact(
                "fee",
                "disputed",
                S_PA_EFE,
                amount="1250",
                currency="USD",
                text={
                    "es": "según EFE, que cita el decreto",
                    "en": "according to EFE, quoting the decree",
                    "fr": "selon l'EFE, qui cite le décret",
                    "ht": "dapre EFE, ki site dekrè a",
                },
            ),
            fact(
                "fee",
                "disputed",
                S_PA_PRENSA,
                amount="1150",
                currency="USD",
                text={
                    "es": "según La Prensa",
                    "en": "according to La Prensa",
                    "fr": "selon La Prensa",
                    "ht": "dapre La Prensa",
                },
            ),
            fact(
                "fee",
                "disputed",
                S_PA_CRITICA,
                amount="1050",
                currency="PAB",
                text={
                    "es": "según Crítica: B/.800 de depósito de repatriación más B/.250 de servicio migratorio",
                    "en": "according to Crítica: a B/.800 repatriation deposit plus B/.250 migration service",
                    "fr": "selon Crítica : 800 B/. de dépôt de rapatriement plus 250 B/. de service migratoire",
                    "ht": "dapre Crítica: 800 B/. depo pou rapatriman plis 250 B/. sèvis migrasyon",
                },
            ),
            fact(
                "fee",
                "disputed",
                S_PA_EFE,
                amount="450",
                currency="USD",
                text={
                    "es": "por cada prórroga",
                    "en": "for each extension",
                    "fr": "pour chaque prolongation",
                    "ht": "pou chak pwolongasyon",
                },
            ),
            fact(
                "legal_basis",
                "confirmed",
                S_PA_EFE,
                name="Decreto Ejecutivo N.º 6 de 11 de marzo de 2025 (Gaceta Oficial N.º 30236)",
                lang="es",
                note={
                    "es": "Verifique si todavía se reciben solicitudes.",
                    "en": "Check whether applications are still accepted.",
                    "fr": "Vérifiez si les demandes sont encore acceptées.",
                    "ht": "Verifye si yo toujou ap resevwa demann.",
                },
            ),
            fact("authority", "confirmed", S_PA_EFE, name="Servicio Nacional de Migración (SNM)", lang="es"),
            fact(
                "authority",
                "confirmed",
                S_PA_EFE,
                name="Ministerio de Trabajo y Desarrollo Laboral",
                lang="es",
                text={"es": "permiso de trabajo", "en": "work permit", "fr": "permis de travail", "ht": "pèmi travay"},
            ),
        ],
        "steps": [
            {
                "es": "Pedir cita en www.migracion.gob.pa.",
                "en": "Book an appointment on www.migracion.gob.pa.",
                "fr": "Prendre rendez-vous sur www.migracion.gob.pa.",
                "ht": "Pran randevou sou www.migracion.gob.pa.",
            },
            {
                "es": "Hacer el pre-registro de extranjería al menos 2 días hábiles antes de la cita.",
                "en": "Complete the foreigners' pre-registration at least 2 working days before the appointment.",
                "fr": "Faire le pré-enregistrement des étrangers au moins 2 jours ouvrables avant le rendez-vous.",
                "ht": "Fè pre-enskripsyon etranje a omwen 2 jou travay anvan randevou a.",
            },
            {
                "es": "Presentar la solicitud con apoderado legal, los documentos y los cheques certificados.",
                "en": "File the application through a lawyer, with the documents and the certified cheques.",
                "fr": "Déposer la demande par un avocat, avec les documents et les chèques certifiés.",
                "ht": "Depoze demann nan ak yon avoka, ak dokiman yo ak chèk sètifye yo.",
            },
            {
                "es": "Recibir el permiso junto con el permiso de trabajo.",
                "en": "Receive the permit together with the work permit.",
                "fr": "Recevoir le permis avec le permis de travail.",
                "ht": "Resevwa pèmi a ansanm ak pèmi travay la.",
            },
        ],
        "documents": [
            doc(
                {
                    "es": "Copia notariada del pasaporte",
                    "en": "Notarized passport copy",
                    "fr": "Copie notariée du passeport",
                    "ht": "Kopi paspò ki pase devan notè",
                },
                "to_verify",
                S_PA_FIRM,
            ),
            doc(
                {
                    "es": "Antecedentes penales del país de origen, autenticados",
                    "en": "Authenticated criminal record from the country of origin",
                    "fr": "Casier judiciaire du pays d'origine, authentifié",
                    "ht": "Dosye kriminèl peyi w, otantifye",
                },
                "to_verify",
                S_PA_FIRM,
            ),
            doc(
                {
                    "es": "Certificado de salud",
                    "en": "Health certificate",
                    "fr": "Certificat de santé",
                    "ht": "Sètifika sante",
                },
                "to_verify",
                S_PA_FIRM,
            ),
            doc(
                {
                    "es": "Comprobante de domicilio",
                    "en": "Proof of address",
                    "fr": "Justificatif de domicile",
                    "ht": "Prèv adrès",
                },
                "to_verify",
                S_PA_FIRM,
            ),
            doc(
                {
                    "es": "Dos fotografías tamaño carné",
                    "en": "Two passport photos",
                    "fr": "Deux photos d'identité",
                    "ht": "De foto paspò",
                },
                "to_verify",
                S_PA_FIRM,
            ),
        ],
    },
    {
        "country": "SR",
        "slug": "verblijfsvergunning",
        "name": {
            "nl": "Verblijfsvergunning (overige)",
            "es": "Permiso de residencia (otros motivos)",
            "en": "Residence permit (other grounds)",
        },
        "eligibility": {
            "nl": "Vreemdelingen in Suriname die langer dan 90 dagen willen blijven; u moet in Suriname zijn als u online aanvraagt.",
            "es": "Personas extranjeras en Surinam que quieren quedarse más de 90 días; hay que estar en Surinam al solicitar en línea.",
            "en": "Foreigners in Suriname who want to stay more than 90 days; you must be in Suriname when you apply online.",
        },
        "facts": [
            fact(
                "fee",
                "to_verify",
                S_SR_UNOFFICIAL,
                amount="200",
                currency="USD",
                text={
                    "nl": "te betalen bij de Landbouwbank",
                    "es": "se paga en el Landbouwbank",
                    "en": "paid at the Landbouwbank",
                },
                note={
                    "nl": "Onofficiële en gedateerde bron.",
                    "es": "Fuente no oficial y antigua.",
                    "en": "Unofficial, dated source.",
                },
            ),
            fact(
                "time",
                "confirmed",
                S_SR_FAQ,
                days=14,
                text={
                    "nl": "Binnen 14 werkdagen hoort u of uw dossier volledig is; voor het besluit is geen termijn bekendgemaakt.",
                    "es": "En 14 días hábiles se sabe si el expediente está completo; la decisión no tiene plazo publicado.",
                    "en": "Within 14 working days you hear whether your file is complete; no time is published for the decision.",
                },
            ),
            fact(
                "legal_basis",
                "confirmed",
                S_SR_GOV,
                name="Vreemdelingenwet 1991 (S.B. 1992 no. 3); Vreemdelingenbesluit 1995",
                lang="nl",
            ),
            fact(
                "authority",
                "confirmed",
                S_SR_FAQ,
                name="Vreemdelingenzaken, Afdeling Toelating en Vestiging",
                lang="nl",
            ),
        ],
        "steps": [
            {
                "nl": "Download de documentenlijst en scan de documenten.",
                "es": "Descargar la lista de documentos y escanearlos.",
                "en": "Download the document list and scan the documents.",
            },
            {
                "nl": "Dien de aanvraag online in (VZ Online).",
                "es": "Presentar la solicitud en línea (VZ Online).",
                "en": "Submit the application online (VZ Online).",
            },
            {
                "nl": "Stuur wat ontbreekt binnen 7 werkdagen als daarom wordt gevraagd.",
                "es": "Completar lo que falte en 7 días hábiles si se pide.",
                "en": "Send anything missing within 7 working days if asked.",
            },
            {
                "nl": "Laat de vergunning registreren bij het CBB.",
                "es": "Registrar el permiso en el registro civil (CBB).",
                "en": "Register the permit at the civil registry (CBB).",
            },
        ],
        "documents": [
            doc({"nl": "Paspoort", "es": "Pasaporte", "en": "Passport"}, "to_verify", S_SR_LIST),
            doc(
                {
                    "nl": "Gelegaliseerd of geapostilleerd geboorteakte",
                    "es": "Acta de nacimiento apostillada o legalizada",
                    "en": "Apostilled or legalized birth certificate",
                },
                "to_verify",
                S_SR_LIST,
            ),
            doc(
                {
                    "nl": "Verklaring omtrent gedrag",
                    "es": "Certificado de buena conducta",
                    "en": "Certificate of good conduct",
                },
                "to_verify",
                S_SR_LIST,
            ),
            doc(
                {"nl": "Bewijs van middelen van bestaan", "es": "Prueba de medios de vida", "en": "Proof of means"},
                "to_verify",
                S_SR_LIST,
            ),
        ],
    },
    {
        "country": "DO",
        "slug": "plan-normalizacion-venezolanos",
        "name": {
            "es": "Plan de Normalización para Venezolanos (renovación)",
            "ht": "Plan nòmalizasyon pou Venezyelyen (renouvèlman)",
            "en": "Normalization plan for Venezuelans (renewal)",
        },
        "eligibility": {
            "es": "Personas venezolanas que entraron de forma regular entre enero de 2014 y marzo de 2020, y sus hijos menores. La primera etapa está cerrada; las renovaciones siguen.",
            "ht": "Venezyelyen ki te antre ak papye ant janvye 2014 ak mas 2020, ak pitit minè yo. Premye etap la fèmen; renouvèlman yo kontinye.",
            "en": "Venezuelans who entered regularly between January 2014 and March 2020, and their minor children. The first phase is closed; renewals continue.",
        },
        "facts": [
            fact(
                "fee",
                "applies_only",
                S_DO_DL2021,
                amount="6500",
                currency="DOP",
                applies={
                    "es": "personas adultas, por la prórroga de estancia de la primera etapa (2021)",
                    "ht": "granmoun, pou pwolongasyon sejou premye etap la (2021)",
                    "en": "adults, for the extension of stay of the first phase (2021)",
                },
                note={
                    "es": "Monto de 2021: confirme el de la renovación.",
                    "ht": "Se pri 2021: verifye pri renouvèlman an.",
                    "en": "A 2021 amount: confirm the renewal fee.",
                },
            ),
            fact(
                "fee",
                "applies_only",
                S_DO_DL2021,
                amount="2000",
                currency="DOP",
                applies={
                    "es": "personas menores de edad, por la prórroga de estancia (2021)",
                    "ht": "timoun minè, pou pwolongasyon sejou a (2021)",
                    "en": "minors, for the extension of stay (2021)",
                },
            ),
            fact(
                "fee",
                "applies_only",
                S_DO_FAQ,
                amount="5265",
                currency="DOP",
                applies={
                    "es": "la visa de trabajador temporero (2021)",
                    "ht": "viza travayè tanporè a (2021)",
                    "en": "the temporary-worker visa (2021)",
                },
            ),
            fact(
                "fee",
                "to_verify",
                S_DO_DL2021,
                text={
                    "es": "Carné de permanencia: monto no encontrado.",
                    "ht": "Kat pèmanans: nou pa jwenn pri a.",
                    "en": "Residence card: amount not found.",
                },
            ),
            fact(
                "time",
                "to_verify",
                S_DO_DL2024,
                text={
                    "es": "Las renovaciones tomaron de 3 a 4 meses en 2024, según la prensa.",
                    "ht": "Renouvèlman yo te pran 3 a 4 mwa an 2024, dapre laprès.",
                    "en": "Renewals took 3 to 4 months in 2024, according to the press.",
                },
            ),
            fact(
                "legal_basis",
                "confirmed",
                S_DO_DL2021,
                name="Resolución No. 119-21 (M-MIP-EXT-00119-2021) del Ministerio de Interior y Policía y el MIREX",
                lang="es",
            ),
            fact(
                "legal_basis",
                "confirmed",
                S_DO_DL2021,
                name="Ley General de Migración 285-04 y su Reglamento 631-11",
                lang="es",
            ),
            fact(
                "authority",
                "confirmed",
                S_DO_DL2021,
                name="Dirección General de Migración (DGM)",
                lang="es",
                text={"es": "prórroga y carné", "ht": "pwolongasyon ak kat", "en": "extension and card"},
            ),
        ],
        "steps": [
            {
                "es": "Solicitar la renovación en línea, hasta un mes antes del vencimiento.",
                "ht": "Mande renouvèlman an sou entènèt, jiska yon mwa anvan li ekspire.",
                "en": "Request the renewal online, up to a month before expiry.",
            },
            {
                "es": "Obtener la visa de trabajador temporero o de estudiante.",
                "ht": "Jwenn viza travayè tanporè oswa viza etidyan an.",
                "en": "Obtain the temporary worker or student visa.",
            },
            {
                "es": "Recibir el carné de permanencia.",
                "ht": "Resevwa kat pèmanans lan.",
                "en": "Receive the residence card.",
            },
        ],
        "documents": [
            doc(
                {
                    "es": "Pasaporte (vencido o no)",
                    "ht": "Paspò (menm si li ekspire)",
                    "en": "Passport (expired or not)",
                },
                "confirmed",
                S_DO_FAQ,
            ),
            doc({"es": "Fotografías 2 × 2", "ht": "Foto 2 × 2", "en": "2 × 2 photos"}, "confirmed", S_DO_FAQ),
            doc(
                {
                    "es": "Carta de trabajo notariada (o prueba de estudios)",
                    "ht": "Lèt travay ki pase devan notè (oswa prèv etid)",
                    "en": "Notarized work letter (or proof of studies)",
                },
                "confirmed",
                S_DO_FAQ,
            ),
        ],
    },
]
