"""Sample texts for the demo: written from the public facts gathered on 29 November 2026, NOT verified.

Every item is marked as sample content, and the pages say so. Fees, dates and rules change: check each
fact against the official source before showing it to anyone.
"""

from __future__ import annotations

# Each guide: (country, slug, topic, pathway lookup (slugs, name keyword), source language, {lang: (title, summary, body)})
GUIDES = [
    # Belize
    (
        "BZ",
        "permanent-residence",
        "regularization",
        (["permanent-residence", "pr-ordinary", "residencia-permanente"], "Permanent Residence"),
        "en",
        {
            "en": (
                "Permanent residence in Belize",
                "After one year of legal, continuous stay you may ask for permanent residence.",
                "Permanent residence is for people who have lived in Belize legally for at least one year without "
                "leaving for more than 14 days in a row.\n\n"
                "Keep your status legal during that year: visitors extend their stay every month at an "
                "immigration office.\n\n"
                "- Get the application form, the medical form and the letter of financial support.\n"
                "- Do the medical tests in Belize and get a police record.\n"
                "- Bring originals and copies; documents not in English must be translated.\n\n"
                "The fee depends on your nationality and is paid only after approval. Ask at a window which "
                "amount applies to you.",
            ),
            "es": (
                "Residencia permanente en Belice",
                "Después de un año de estancia legal y continua puede pedir la residencia permanente.",
                "La residencia permanente es para quienes han vivido en Belice legalmente al menos un año, sin "
                "salir más de 14 días seguidos.\n\n"
                "Mantenga su estatus legal durante ese año: los visitantes prorrogan su estancia cada mes en "
                "una oficina de inmigración.\n\n"
                "- Pida el formulario, el formulario médico y la carta de apoyo económico.\n"
                "- Hágase los exámenes médicos en Belice y saque su récord policial.\n"
                "- Lleve originales y copias; los documentos que no estén en inglés deben traducirse.\n\n"
                "El costo depende de su nacionalidad y se paga solo después de la aprobación. Pregunte en una "
                "ventanilla cuál le corresponde.",
            ),
        },
    ),
    (
        "BZ",
        "refugee-status",
        "asylum",
        (["refugee-status", "refugio", "asylum"], "Refugee"),
        "en",
        {
            "en": (
                "Asking for refugee status in Belize",
                "If you fear persecution at home, you can ask for protection. It is free.",
                "Go to the Refugees Department in Belmopan. At the border, say that you want asylum and the "
                "officers will refer you.\n\n"
                "Ask as soon as you can: a rule asks for claims within 14 days of entry.\n\n"
                "- Fill in the department's form.\n"
                "- Hand in any identity documents and evidence you have, or explain why you have none.\n"
                "- Go to the interviews.\n\n"
                "While your claim is open you get a document renewed every three months. You may not work "
                "legally until you are recognised.",
            ),
        },
    ),
    # Costa Rica
    (
        "CR",
        "solicitud-de-refugio",
        "asylum",
        (["refugio", "solicitud-de-refugio", "refugee-status"], "refugi"),
        "es",
        {
            "es": (
                "Pedir refugio en Costa Rica",
                "Si teme por su vida o su libertad en su país, puede pedir protección. El trámite es gratuito.",
                "La solicitud se presenta en persona en un puesto fronterizo, o con cita por el 1311 o el "
                "portal de la Dirección General de Migración y Extranjería.\n\n"
                "Hágalo pronto: las reglas de 2022 piden presentar la solicitud dentro del mes siguiente a la "
                "entrada. Confirme en una ventanilla si esto sigue vigente.\n\n"
                "- Llene el cuestionario inicial.\n"
                "- Reciba su documento provisional de solicitante.\n"
                "- Entregue los documentos antes de la entrevista.\n"
                "- Mantenga al día su teléfono y su dirección, o su expediente puede archivarse.\n\n"
                "Nadie puede cobrarle por este trámite.",
            ),
            "en": (
                "Asking for refugee status in Costa Rica",
                "If you fear for your life or freedom at home, you can ask for protection. It is free.",
                "You apply in person at a border post, or with an appointment through 1311 or the migration "
                "office's website.\n\n"
                "Do it soon: the 2022 rules ask for the claim within one month of entry. Check at a window "
                "whether this still applies.\n\n"
                "- Fill in the first questionnaire.\n"
                "- Receive your provisional applicant document.\n"
                "- Hand in your documents before the interview.\n"
                "- Keep your phone and address up to date, or your file may be closed.\n\n"
                "Nobody may charge you for this procedure.",
            ),
        },
    ),
    (
        "CR",
        "categoria-especial-temporal",
        "regularization",
        (["cet", "categoria-especial-temporal"], "Categoría Especial"),
        "es",
        {
            "es": (
                "Categoría Especial Temporal: renovaciones",
                "La categoría ya no recibe solicitudes nuevas, pero quienes la tienen pueden renovarla.",
                "La Categoría Especial Temporal fue para personas de Cuba, Nicaragua y Venezuela con una "
                "solicitud de refugio pendiente o denegada. El plazo para solicitudes nuevas terminó el 29 de "
                "febrero de 2024.\n\n"
                "Si ya la tiene, dura dos años y se puede renovar. Con ella puede trabajar y salir y volver a "
                "entrar al país.\n\n"
                "- Pida cita por el 1311 o en el sitio de Migración.\n"
                "- Lleve su DIMEX y el comprobante de aseguramiento en la CCSS.\n"
                "- Pague la renovación solo en la cuenta oficial del Gobierno.",
            ),
        },
    ),
    # El Salvador
    (
        "SV",
        "residencia-por-matrimonio",
        "regularization",
        (["residencia-definitiva-conyuge", "f-34", "residencia-definitiva"], "casadas"),
        "es",
        {
            "es": (
                "Residencia definitiva si está casado o convive con una persona salvadoreña",
                "Después de un año de residencia temporal puede pedir la residencia definitiva.",
                "Si está casado, casada o convive con una persona salvadoreña y ha tenido residencia temporal "
                "durante un año sin interrupción, puede pedir la residencia definitiva.\n\n"
                "- Reúna los documentos de la hoja F-34 de la Dirección General de Migración y Extranjería.\n"
                "- Presente la solicitud en una oficina de Migración.\n"
                "- Cuando la resuelvan, pague los derechos y recoja su carné.\n\n"
                "Los costos no están confirmados: pregunte en una ventanilla antes de pagar.",
            ),
        },
    ),
    (
        "SV",
        "refugio",
        "asylum",
        (["refugio", "coder"], "refugiada"),
        "es",
        {
            "es": (
                "Pedir refugio en El Salvador",
                "Puede pedir protección si teme persecución o huye de la violencia.",
                "La solicitud se hace de palabra o por escrito ante la Secretaría de la CODER, o ante un agente "
                "de Migración en la frontera.\n\n"
                "- Recibirá un aviso con la fecha de la entrevista.\n"
                "- Lleve a la entrevista los documentos que tenga.\n"
                "- La CODER resuelve su caso.\n\n"
                "Pida apoyo en una ventanilla para preparar la entrevista.",
            ),
        },
    ),
    # Guatemala
    (
        "GT",
        "residencia-centroamericanos",
        "regularization",
        (["residencia-centroamericanos", "residencia-permanente"], "centroamerican"),
        "es",
        {
            "es": (
                "Residencia permanente para personas nacidas en Centroamérica",
                "Si nació en otro país centroamericano puede pedir la residencia permanente en Guatemala.",
                "El trámite se hace en la Subdirección de Extranjería del Instituto Guatemalteco de Migración.\n\n"
                "- Descargue el formulario de la categoría.\n"
                "- Pague el ingreso de la solicitud (vea los costos arriba y su estado).\n"
                "- Entregue el formulario con sus documentos.\n"
                "- Cuando tenga la resolución, inscriba su residencia y pague la emisión.\n\n"
                "Cada año hay un pago por la residencia. Recuerde que el CA-4 le permite "
                "visitar 90 días con su documento de identidad, pero no es una residencia.",
            ),
        },
    ),
    (
        "GT",
        "refugio",
        "asylum",
        (["refugio", "estatuto-de-refugiado"], "refugiado"),
        "es",
        {
            "es": (
                "Pedir refugio en Guatemala",
                "Puede pedir protección en la frontera o en la oficina de refugiados en la capital.",
                "La solicitud inicial se hace de palabra o por escrito en un puesto fronterizo o en el "
                "Departamento de Reconocimiento del Estatuto de Refugiado, en la Ciudad de Guatemala.\n\n"
                "- Formalice la solicitud con el formulario donde explica por qué huyó.\n"
                "- Reciba el estatus de permanencia provisional y renuévelo cada 30 días.\n"
                "- Vaya a la entrevista, unas dos semanas después.\n\n"
                "Si le reconocen, podrá tramitar la residencia temporal de refugiado y su cédula.",
            ),
        },
    ),
    # Grenada
    (
        "GD",
        "permanent-residence",
        "regularization",
        (["permanent-residence"], "Permanent Residence"),
        "en",
        {
            "en": (
                "Permanent residence in Grenada",
                "People who have lived in Grenada for some time can ask for permanent residence and a card.",
                "You need two forms: the permanent residence application and the card application.\n\n"
                "- Fill them in and sign them before a Justice of the Peace.\n"
                "- Do the medical tests in Grenada, less than six months before you apply.\n"
                "- Hand in the forms with your documents and pay the fee.\n\n"
                "The fee depends on your nationality (OECS nationals pay less). The amounts we have are from "
                "2013 and must be confirmed.",
            ),
        },
    ),
    (
        "GD",
        "work-permit",
        "work",
        (["work-permit"], "Work Permit"),
        "en",
        {
            "en": (
                "Working legally in Grenada: the work permit",
                "Your employer applies for the permit. Working without one can bring a fine.",
                "A work permit is for a job that cannot be filled locally, and the employer applies for it.\n\n"
                "- The employer advertises the post for three weeks in a row.\n"
                "- The employer files the application with proof of the advertisement.\n"
                "- When the permit is issued, you register with Immigration.\n\n"
                "CARICOM nationals with a skills certificate may be exempt: ask at a window.",
            ),
        },
    ),
    # Haiti
    (
        "HT",
        "retou",
        "return",
        (["accueil-retournes", "returnees", "reintegration"], "retourn"),
        "ht",
        {
            "ht": (
                "Lè w retounen Ayiti: akèy ak èd",
                "Si yo retounen w oswa depòte w, gen moun ki la pou resevwa w. Èd sa a gratis.",
                "Lè w rive nan ayewopò a oswa sou fwontyè a, ONM ak OIM anrejistre w. Sou fwontyè a, yo ba w "
                "yon tikè pou anrejistreman an.\n\n"
                "- Yo tcheke si w bezwen pwoteksyon espesyal.\n"
                "- Ou ka resevwa manje, dlo, yon twous ijyèn, ti kòb pou wout, ak yon apèl telefòn pou fanmi w.\n"
                "- Si w bezwen, yo voye w bò kote swen sante ak sipò sikososyal.\n\n"
                "Pesonn pa gen dwa fè w peye pou èd sa a. Liy gratis OIM: 8840.",
            ),
            "fr": (
                "Retour en Haïti : accueil et aide",
                "Si vous avez été renvoyé ou expulsé, une équipe vous accueille. Cette aide est gratuite.",
                "À l'aéroport ou à la frontière, l'ONM et l'OIM vous enregistrent. À la frontière, on vous "
                "remet un ticket pour l'enregistrement.\n\n"
                "- On vérifie si vous avez besoin d'une protection particulière.\n"
                "- Vous pouvez recevoir un repas, de l'eau, un kit d'hygiène, un peu d'argent et un appel à "
                "votre famille.\n"
                "- Au besoin, on vous oriente vers des soins de santé et un soutien psychosocial.\n\n"
                "Personne ne peut vous faire payer cette aide. Ligne gratuite de l'OIM : 8840.",
            ),
        },
    ),
    (
        "HT",
        "pemi-sejou",
        "regularization",
        (["permis-de-sejour"], "séjour"),
        "fr",
        {
            "fr": (
                "Permis de séjour en Haïti pour les étrangers",
                "Tout étranger adulte qui vit en Haïti doit avoir un permis de séjour.",
                "La demande se fait à la Direction de l'Immigration et de l'Émigration (DIE).\n\n"
                "- Écrivez une lettre de demande qui explique vos raisons.\n"
                "- Joignez vos documents et le chèque de gérance au nom du Trésor public.\n"
                "- Au dépôt : entretien, formulaire et empreintes digitales.\n"
                "- Renouvelez le permis chaque année fiscale.\n\n"
                "Le coût et son degré de certitude figurent dans l'encadré ci-dessus : confirmez-le auprès d'un guichet avant de payer.",
            ),
        },
    ),
    # Honduras
    (
        "HN",
        "refugio",
        "asylum",
        (["refugio", "condicion-de-refugiado"], "refugiado"),
        "es",
        {
            "es": (
                "Pedir refugio en Honduras",
                "Puede pedir protección en cualquier puesto del Instituto Nacional de Migración. Es gratis.",
                "Pida protección de palabra o por escrito en el Instituto Nacional de Migración o en cualquiera "
                "de sus puestos fronterizos, en tierra, aire o mar.\n\n"
                "- Llene el formulario con sus datos y los de su familia.\n"
                "- La comisión revisa su caso y emite un dictamen.\n"
                "- Si le reconocen, recibe un permiso especial de permanencia como refugiado.\n\n"
                "Nadie puede cobrarle por este trámite.",
            ),
        },
    ),
    (
        "HN",
        "residencia",
        "regularization",
        (["residencia", "permiso-especial-de-permanencia"], "Residencia"),
        "es",
        {
            "es": (
                "Residencia y permiso especial de permanencia en Honduras",
                "Para vivir en Honduras necesita una residencia o un permiso especial de permanencia.",
                "La solicitud se presenta por medio de un abogado, con timbres fiscales. Algunas "
                "universidades ofrecen ayuda legal gratuita: pregunte en una ventanilla.\n\n"
                "- Obtenga la resolución.\n"
                "- Inscríbase en el Registro Nacional de Extranjeros.\n"
                "- Reciba su carné.\n\n"
                "No deje vencer su residencia: la multa puede ser alta.",
            ),
        },
    ),
    # Mexico: the guide in all five languages
    (
        "MX",
        "tarjeta-humanitaria",
        "regularization",
        (["tvrh", "razones-humanitarias", "tarjeta-humanitaria"], "Humanitarias"),
        "es",
        {
            "es": (
                "Tarjeta de Visitante por Razones Humanitarias",
                "Una tarjeta gratuita de un año para personas sin estatus que necesitan protección.",
                "La tarjeta es para personas en México sin estatus vigente que, por ejemplo, pidieron refugio, "
                "fueron víctimas o testigos de un delito, o son niñas, niños o adolescentes.\n\n"
                "- Si pidió refugio, la COMAR le da la constancia. Si no, llene el formulario del INM.\n"
                "- Vaya a la oficina del INM que corresponde a su domicilio con sus documentos.\n"
                "- Entrevista, huellas y fotos.\n"
                "- Reciba su tarjeta y renuévela antes de que venza.\n\n"
                "El trámite es gratuito. Nadie puede cobrarle por él.",
            ),
            "en": (
                "Visitor card for humanitarian reasons",
                "A free one-year card for people without status who need protection.",
                "The card is for people in Mexico without valid status who, for example, asked for asylum, were "
                "victims or witnesses of a crime, or are children.\n\n"
                "- If you asked for asylum, COMAR gives you the certificate. If not, fill in the INM form.\n"
                "- Go to the INM office for your address with your documents.\n"
                "- Interview, fingerprints and photos.\n"
                "- Receive your card and renew it before it expires.\n\n"
                "The procedure is free. Nobody may charge you for it.",
            ),
            "fr": (
                "Carte de visiteur pour raisons humanitaires",
                "Une carte gratuite d'un an pour les personnes sans statut qui ont besoin de protection.",
                "La carte est destinée aux personnes au Mexique sans statut valable qui, par exemple, ont "
                "demandé l'asile, ont été victimes ou témoins d'un délit, ou sont mineures.\n\n"
                "- Si vous avez demandé l'asile, la COMAR vous remet l'attestation. Sinon, remplissez le "
                "formulaire de l'INM.\n"
                "- Allez au bureau de l'INM de votre domicile avec vos documents.\n"
                "- Entretien, empreintes et photos.\n"
                "- Recevez votre carte et renouvelez-la avant son expiration.\n\n"
                "La démarche est gratuite. Personne ne peut vous la faire payer.",
            ),
            "nl": (
                "Bezoekerskaart om humanitaire redenen",
                "Een gratis kaart voor één jaar voor mensen zonder verblijfsstatus die bescherming nodig hebben.",
                "De kaart is voor mensen in Mexico zonder geldige status die bijvoorbeeld asiel hebben "
                "aangevraagd, slachtoffer of getuige van een misdrijf waren, of minderjarig zijn.\n\n"
                "- Hebt u asiel aangevraagd, dan geeft COMAR u het bewijs. Anders vult u het formulier van het "
                "INM in.\n"
                "- Ga met uw documenten naar het INM-kantoor van uw woonplaats.\n"
                "- Gesprek, vingerafdrukken en foto's.\n"
                "- Ontvang uw kaart en verleng die voordat ze verloopt.\n\n"
                "De procedure is gratis. Niemand mag u ervoor laten betalen.",
            ),
            "ht": (
                "Kat vizitè pou rezon imanitè",
                "Yon kat gratis pou yon ane pou moun ki pa gen estati epi ki bezwen pwoteksyon.",
                "Kat la se pou moun ki nan Meksik san estati valab, pa egzanp moun ki te mande azil, moun ki "
                "te viktim oswa temwen yon krim, oswa timoun.\n\n"
                "- Si w te mande azil, COMAR ba w papye konstans lan. Si se pa sa, ranpli fòm INM lan.\n"
                "- Ale nan biwo INM ki pou zòn kote w rete a ak dokiman w yo.\n"
                "- Entèvyou, anprent ak foto.\n"
                "- Resevwa kat ou epi renouvle l anvan li ekspire.\n\n"
                "Demach la gratis. Pesonn pa gen dwa fè w peye pou li.",
            ),
        },
    ),
    (
        "MX",
        "refugio-comar",
        "asylum",
        (["comar", "refugio"], "refugiado"),
        "es",
        {
            "es": (
                "Pedir refugio en México (COMAR)",
                "Presente su solicitud dentro de los 30 días siguientes a su entrada. Es gratis.",
                "Puede pedir refugio en la COMAR o, donde no haya oficina, en el INM.\n\n"
                "- Llene el formulario a mano ante un funcionario.\n"
                "- Reciba la constancia de trámite: le protege de la devolución, pero no es un estatus regular.\n"
                "- Vaya a la entrevista; puede pedir intérprete.\n"
                "- Reciba la resolución: refugio o protección complementaria.\n\n"
                "Con la constancia puede pedir también la tarjeta por razones humanitarias.",
            ),
            "ht": (
                "Mande refij nan Meksik (COMAR)",
                "Fè demann ou nan 30 jou apre ou antre. Li gratis.",
                "Ou ka mande refij nan COMAR, oswa nan INM kote pa gen biwo COMAR.\n\n"
                "- Ranpli fòm lan alamen devan yon fonksyonè.\n"
                "- Resevwa papye konstans lan: li pwoteje w pou yo pa voye w tounen, men se pa yon estati legal.\n"
                "- Ale nan entèvyou a; ou ka mande yon entèprèt.\n"
                "- Resevwa desizyon an: refij oswa pwoteksyon konplemantè.\n\n"
                "Ak konstans lan ou ka mande kat vizitè pou rezon imanitè tou.",
            ),
        },
    ),
    # Panama
    (
        "PA",
        "permiso-proteccion-humanitaria",
        "regularization",
        (["ppsh", "permiso-proteccion-humanitaria"], "Humanitaria"),
        "es",
        {
            "es": (
                "Permiso de Protección de Seguridad Humanitaria",
                "Un permiso de dos años, con permiso de trabajo, para personas en situación irregular.",
                "El permiso es para personas de cualquier nacionalidad que estaban en situación irregular en "
                "Panamá cuando entró en vigor el decreto de 2025, y para solicitantes de refugio rechazados.\n\n"
                "- Pida cita en el sitio del Servicio Nacional de Migración.\n"
                "- Al menos dos días hábiles antes, registre los datos de su pasaporte (Pre-RUEX).\n"
                "- Presente los documentos por medio de un apoderado legal, con los cheques certificados.\n"
                "- Reciba el permiso junto con el permiso de trabajo.\n\n"
                "El costo no está confirmado: las fuentes no coinciden. Confirme si el periodo de solicitud "
                "sigue abierto antes de pagar a un abogado.",
            ),
            "ht": (
                "Pèmi Pwoteksyon Sekirite Imanitè",
                "Yon pèmi pou dezan, ak pèmi travay, pou moun ki pa an règ.",
                "Pèmi a se pou moun nenpòt nasyonalite ki pa t an règ nan Panama lè dekrè 2025 la te kòmanse "
                "aplike, ak pou moun yo te refize refij.\n\n"
                "- Pran randevou sou sit Sèvis Nasyonal Migrasyon an.\n"
                "- Omwen de jou travay anvan, anrejistre done paspò w (Pre-RUEX).\n"
                "- Depoze dokiman yo pa mwayen yon avoka, ak chèk sètifye yo.\n"
                "- Resevwa pèmi a ansanm ak pèmi travay la.\n\n"
                "Pri a pa konfime: sous yo pa dakò. Verifye si peryòd demann lan toujou louvri anvan ou peye "
                "yon avoka.",
            ),
            "fr": (
                "Permis de protection de sécurité humanitaire",
                "Un permis de deux ans, avec permis de travail, pour les personnes en situation irrégulière.",
                "Le permis s'adresse aux personnes de toute nationalité en situation irrégulière au Panama à "
                "l'entrée en vigueur du décret de 2025, et aux demandeurs d'asile déboutés.\n\n"
                "- Prenez rendez-vous sur le site du Service national des migrations.\n"
                "- Au moins deux jours ouvrables avant, enregistrez les données de votre passeport (Pre-RUEX).\n"
                "- Déposez les documents par l'intermédiaire d'un mandataire, avec les chèques certifiés.\n"
                "- Recevez le permis avec le permis de travail.\n\n"
                "Le coût n'est pas confirmé : les sources divergent. Vérifiez que la période de demande est "
                "toujours ouverte avant de payer un avocat.",
            ),
        },
    ),
    (
        "PA",
        "refugio",
        "asylum",
        (["refugio", "onpar"], "refugi"),
        "es",
        {
            "es": (
                "Pedir refugio en Panamá",
                "La Oficina Nacional para la Atención de Refugiados recibe las solicitudes.",
                "Si teme persecución en su país, puede pedir refugio ante la ONPAR.\n\n"
                "- Pida orientación en una ventanilla antes de presentar su solicitud.\n"
                "- Guarde copia de todo lo que entregue.\n"
                "- Si su solicitud es rechazada, pregunte si puede acogerse al permiso humanitario.\n\n"
                "Nadie puede cobrarle por pedir refugio.",
            ),
        },
    ),
    # Suriname
    (
        "SR",
        "verblijfsvergunning",
        "regularization",
        (["verblijfsvergunning", "aanvraag-verblijf"], "Verblijf"),
        "nl",
        {
            "nl": (
                "Verblijfsvergunning in Suriname",
                "Wie langer dan 90 dagen wil blijven, vraagt een verblijfsvergunning online aan.",
                "U moet in Suriname zijn wanneer u de aanvraag online indient bij Vreemdelingenzaken.\n\n"
                "- Lees de instructies van VZ Online en download de documentenlijst.\n"
                "- Verzamel, vul in en scan de documenten.\n"
                "- Dien de aanvraag online in.\n"
                "- Binnen 14 werkdagen krijgt u een e-mail: volledig, of wat er nog ontbreekt.\n"
                "- Na het besluit laat u de vergunning registreren bij het CBB.\n\n"
                "De vergunning geldt tot twee jaar en kan worden verlengd.",
            ),
            "en": (
                "Residence permit in Suriname",
                "To stay longer than 90 days you apply online for a residence permit.",
                "You must be in Suriname when you apply online to the Aliens Department.\n\n"
                "- Read the VZ Online instructions and download the document list.\n"
                "- Gather, fill in and scan the documents.\n"
                "- Submit the application online.\n"
                "- Within 14 working days you get an e-mail: complete, or what is still missing.\n"
                "- After the decision, register the permit at the CBB.\n\n"
                "The permit lasts up to two years and can be renewed.",
            ),
        },
    ),
    (
        "SR",
        "vluchtelingen",
        "asylum",
        (["verblijfsvergunning-vluchteling", "asiel"], "vluchteling"),
        "nl",
        {
            "nl": (
                "Verblijf voor vluchtelingen en asielzoekers",
                "Met een certificaat van UNHCR kunt u een verblijfsvergunning aanvragen.",
                "Meld u eerst bij UNHCR en zijn partner, het Surinaamse Rode Kruis, voor het certificaat.\n\n"
                "- Dien daarna de aanvraag voor de verblijfsvergunning in, met uw gezin erbij.\n"
                "- Voeg uw paspoort of identiteitsbewijs en het UNHCR-certificaat toe.\n"
                "- Registreer de vergunning bij het CBB.\n\n"
                "Vraag bij een loket welke documenten nog meer nodig zijn.",
            ),
        },
    ),
    # Dominican Republic
    (
        "DO",
        "plan-normalizacion-venezolanos",
        "regularization",
        (["pnv", "plan-normalizacion-venezolanos"], "Venezolanos"),
        "es",
        {
            "es": (
                "Plan de Normalización para Venezolanos: renovación",
                "La inscripción inicial cerró; quienes tienen el carné lo renuevan cada año.",
                "El plan fue para personas venezolanas que entraron de forma regular entre 2014 y marzo de 2020 "
                "y se quedaron después del plazo.\n\n"
                "- La renovación se pide en línea hasta un mes antes del vencimiento.\n"
                "- Tenga a mano su pasaporte y su carné.\n"
                "- Más adelante puede cambiar a una residencia según la ley general.\n\n"
                "Confirme en una ventanilla cómo renovar desde que cerró el consulado venezolano.",
            ),
        },
    ),
    (
        "DO",
        "cambio-de-categoria",
        "regularization",
        (["pnre", "plan-nacional-regularizacion"], "Regularización"),
        "es",
        {
            "es": (
                "Después del Plan Nacional de Regularización",
                "Si tuvo un carné del plan de 2014, infórmese sobre cómo pasar a una categoría ordinaria.",
                "El Plan Nacional de Regularización de Extranjeros cerró. Quienes tuvieron su carné podían "
                "renovarlo o cambiar de categoría hasta agosto de 2018, y ese trámite era gratuito.\n\n"
                "- Lleve su carné o su pasaporte con el sello del plan.\n"
                "- Lleve una carta de trabajo o de estudios y cuatro fotos 2 × 2.\n"
                "- Pregunte en una ventanilla qué opción tiene hoy.",
            ),
            "ht": (
                "Apre Plan Nasyonal Regilarizasyon an",
                "Si w te gen yon kat plan 2014 la, enfòme w sou kijan pou w pase nan yon kategori òdinè.",
                "Plan Nasyonal Regilarizasyon Etranje yo fèmen. Moun ki te gen kat yo te ka renouvle l oswa "
                "chanje kategori jiska out 2018, e demach sa a te gratis.\n\n"
                "- Pote kat ou oswa paspò w ak so plan an.\n"
                "- Pote yon lèt travay oswa lekòl ak kat foto 2 × 2.\n"
                "- Mande nan yon fenèt ki opsyon ou genyen jodi a.",
            ),
        },
    ),
]

# Translations into the other public languages of each country (DESIGN.md's table), so that no reader of a
# country's language meets a guide only in another one.
MORE_LANGUAGES = {
    ("BZ", "refugee-status"): {
        "es": (
            "Pedir refugio en Belice",
            "Si teme persecución en su país, puede pedir protección. Es gratis.",
            "Vaya al Departamento de Refugiados en Belmopán. En la frontera, diga que quiere asilo y los "
            "agentes le enviarán allí.\n\n"
            "Pídalo cuanto antes: una regla pide presentar la solicitud dentro de los 14 días siguientes a la "
            "entrada.\n\n"
            "- Llene el formulario del departamento.\n"
            "- Entregue los documentos de identidad y las pruebas que tenga, o explique por qué no los tiene.\n"
            "- Asista a las entrevistas.\n\n"
            "Mientras su solicitud está abierta recibe un documento que se renueva cada tres meses. No puede "
            "trabajar legalmente hasta que le reconozcan.",
        ),
    },
    ("CR", "solicitud-de-refugio"): {
        "fr": (
            "Demander le statut de réfugié au Costa Rica",
            "Si vous craignez pour votre vie ou votre liberté dans votre pays, vous pouvez demander une "
            "protection. C'est gratuit.",
            "La demande se dépose en personne à un poste frontière, ou sur rendez-vous par le 1311 ou le site "
            "de la Direction générale des migrations.\n\n"
            "Faites-la vite : les règles de 2022 demandent de la déposer dans le mois qui suit l'entrée. "
            "Vérifiez auprès d'un guichet si c'est toujours le cas.\n\n"
            "- Remplissez le premier questionnaire.\n"
            "- Recevez votre document provisoire de demandeur.\n"
            "- Remettez vos documents avant l'entretien.\n"
            "- Tenez à jour votre téléphone et votre adresse, sinon votre dossier peut être classé.\n\n"
            "Personne ne peut vous faire payer cette démarche.",
        ),
    },
    ("CR", "categoria-especial-temporal"): {
        "en": (
            "Special Temporary Category: renewals",
            "The category takes no new applications, but those who hold it can renew it.",
            "The Special Temporary Category was for people from Cuba, Nicaragua and Venezuela with a pending "
            "or refused refugee claim. New applications closed on 29 February 2024.\n\n"
            "If you hold it, it lasts two years and can be renewed. With it you can work, and leave and "
            "re-enter the country.\n\n"
            "- Book an appointment through 1311 or the migration website.\n"
            "- Bring your DIMEX and proof of your social security (CCSS) enrolment.\n"
            "- Pay the renewal only into the Government's official account.",
        ),
        "fr": (
            "Catégorie spéciale temporaire : renouvellements",
            "La catégorie n'accepte plus de nouvelles demandes, mais ceux qui l'ont peuvent la renouveler.",
            "La catégorie spéciale temporaire était destinée aux personnes de Cuba, du Nicaragua et du "
            "Venezuela dont la demande d'asile était en attente ou refusée. Les nouvelles demandes ont pris fin "
            "le 29 février 2024.\n\n"
            "Si vous l'avez, elle dure deux ans et se renouvelle. Elle permet de travailler, de sortir du pays "
            "et d'y revenir.\n\n"
            "- Prenez rendez-vous par le 1311 ou sur le site de la Migration.\n"
            "- Apportez votre DIMEX et la preuve de votre affiliation à la sécurité sociale (CCSS).\n"
            "- Payez le renouvellement uniquement sur le compte officiel du Gouvernement.",
        ),
    },
    ("HT", "pemi-sejou"): {
        "ht": (
            "Pèmi sejou ann Ayiti pou etranje",
            "Tout etranje majè ki ap viv ann Ayiti dwe gen yon pèmi sejou.",
            "Demann lan fèt nan Direksyon Imigrasyon ak Emigrasyon (DIE).\n\n"
            "- Ekri yon lèt demann ki esplike rezon ou.\n"
            "- Mete dokiman ou yo ak chèk jeran an sou non Trezò Piblik.\n"
            "- Lè w depoze: antrevi, fòmilè ak anprent dwèt.\n"
            "- Renouvle pèmi a chak ane fiskal.\n\n"
            "Pri a ak kijan li sèten ekri nan bwat ki anwo a: verifye l nan yon fenèt anvan ou peye.",
        ),
    },
    ("MX", "refugio-comar"): {
        "fr": (
            "Demander l'asile au Mexique (COMAR)",
            "Déposez votre demande dans les 30 jours qui suivent votre entrée. C'est gratuit.",
            "Vous pouvez demander l'asile à la COMAR ou, là où elle n'a pas de bureau, à l'INM.\n\n"
            "- Remplissez le formulaire à la main devant un agent.\n"
            "- Recevez l'attestation de demande : elle vous protège du renvoi, mais ce n'est pas un statut "
            "régulier.\n"
            "- Allez à l'entretien ; vous pouvez demander un interprète.\n"
            "- Recevez la décision : statut de réfugié ou protection complémentaire.\n\n"
            "Avec l'attestation, vous pouvez aussi demander la carte pour raisons humanitaires.",
        ),
        "en": (
            "Asking for asylum in Mexico (COMAR)",
            "Lodge your claim within 30 days of entry. It is free.",
            "You can ask for asylum at COMAR or, where it has no office, at the INM.\n\n"
            "- Fill in the form by hand before an official.\n"
            "- Receive the certificate of your claim: it protects you from being sent back, but it is not a "
            "regular status.\n"
            "- Go to the interview; you can ask for an interpreter.\n"
            "- Receive the decision: refugee status or complementary protection.\n\n"
            "With the certificate you can also ask for the humanitarian visitor card.",
        ),
    },
    ("PA", "permiso-proteccion-humanitaria"): {
        "en": (
            "Humanitarian Protection Permit",
            "A two-year permit, with a work permit, for people without status.",
            "The permit is for people of any nationality who were without status in Panama when the 2025 "
            "decree took effect, and for refused refugee applicants.\n\n"
            "- Book an appointment on the National Migration Service's website.\n"
            "- At least two working days before, register your passport data (Pre-RUEX).\n"
            "- File the documents through a lawyer, with the certified cheques.\n"
            "- Receive the permit together with the work permit.\n\n"
            "The cost is not confirmed: the sources disagree. Check that applications are still open before "
            "you pay a lawyer.",
        ),
    },
    ("PA", "refugio"): {
        "ht": (
            "Mande refij nan Panama",
            "Se Biwo Nasyonal pou Refijye yo (ONPAR) ki resevwa demann yo.",
            "Si w pè yo pèsekite w nan peyi w, ou ka mande refij nan ONPAR.\n\n"
            "- Mande enfòmasyon nan yon fenèt anvan ou depoze demann ou.\n"
            "- Kenbe kopi tout sa ou remèt.\n"
            "- Si yo refize demann ou, mande si ou ka jwenn pèmi imanitè a.\n\n"
            "Pesonn pa gen dwa fè w peye pou mande refij.",
        ),
        "fr": (
            "Demander l'asile au Panama",
            "L'Office national d'aide aux réfugiés (ONPAR) reçoit les demandes.",
            "Si vous craignez d'être persécuté dans votre pays, vous pouvez demander l'asile à l'ONPAR.\n\n"
            "- Renseignez-vous auprès d'un guichet avant de déposer votre demande.\n"
            "- Gardez une copie de tout ce que vous remettez.\n"
            "- Si votre demande est rejetée, demandez si vous pouvez obtenir le permis humanitaire.\n\n"
            "Personne ne peut vous faire payer une demande d'asile.",
        ),
        "en": (
            "Asking for asylum in Panama",
            "The National Office for Refugees (ONPAR) receives the claims.",
            "If you fear persecution at home, you can ask ONPAR for asylum.\n\n"
            "- Ask at a window for advice before you lodge your claim.\n"
            "- Keep a copy of everything you hand in.\n"
            "- If your claim is refused, ask whether you can get the humanitarian permit.\n\n"
            "Nobody may charge you for asking for asylum.",
        ),
    },
    ("SR", "verblijfsvergunning"): {
        "es": (
            "Permiso de residencia en Surinam",
            "Para quedarse más de 90 días se pide en línea un permiso de residencia.",
            "Debe estar en Surinam cuando presenta la solicitud en línea ante Vreemdelingenzaken.\n\n"
            "- Lea las instrucciones de VZ Online y descargue la lista de documentos.\n"
            "- Reúna, llene y escanee los documentos.\n"
            "- Presente la solicitud en línea.\n"
            "- En 14 días hábiles recibe un correo: completo, o lo que falta.\n"
            "- Tras la decisión, registre el permiso en el CBB.\n\n"
            "El permiso vale hasta dos años y se puede renovar.",
        ),
    },
    ("SR", "vluchtelingen"): {
        "en": (
            "Stay for refugees and asylum seekers",
            "With a UNHCR certificate you can apply for a residence permit.",
            "First register with UNHCR and its partner, the Suriname Red Cross, for the certificate.\n\n"
            "- Then file the residence permit application, with your family on it.\n"
            "- Attach your passport or identity document and the UNHCR certificate.\n"
            "- Register the permit at the CBB.\n\n"
            "Ask at a window which other documents are needed.",
        ),
        "es": (
            "Residencia para personas refugiadas y solicitantes de asilo",
            "Con un certificado del ACNUR puede pedir un permiso de residencia.",
            "Regístrese primero con el ACNUR y su socio, la Cruz Roja de Surinam, para obtener el "
            "certificado.\n\n"
            "- Después presente la solicitud del permiso de residencia, con su familia.\n"
            "- Adjunte su pasaporte o documento de identidad y el certificado del ACNUR.\n"
            "- Registre el permiso en el CBB.\n\n"
            "Pregunte en una ventanilla qué otros documentos se necesitan.",
        ),
    },
    ("DO", "plan-normalizacion-venezolanos"): {
        "ht": (
            "Plan Nòmalizasyon pou Venezyelyen: renouvèlman",
            "Premye enskripsyon an fèmen; moun ki gen kat la renouvle l chak ane.",
            "Plan an te pou Venezyelyen ki te antre ak papye ant 2014 ak mas 2020 epi ki te rete apre dat "
            "yo te gen dwa a.\n\n"
            "- Ou mande renouvèlman an sou entènèt, jiska yon mwa anvan kat la ekspire.\n"
            "- Kenbe paspò w ak kat ou sou ou.\n"
            "- Pita ou ka pase nan yon rezidans dapre lwa jeneral la.\n\n"
            "Mande nan yon fenèt kijan pou renouvle depi konsila Venezyela a fèmen.",
        ),
    },
}

for _code, _slug, _topic, _lookup, _source, _texts in GUIDES:
    _texts.update(MORE_LANGUAGES.get((_code, _slug), {}))

ARTICLES = [
    (
        code,
        "riesgos-del-viaje-irregular" if lang == "es" else "risks-of-irregular-travel",
        "risks",
        lang,
        texts,
    )
    for code, lang, texts in [
        (
            "BZ",
            "en",
            {
                "en": (
                    "Before you travel: the risks of irregular routes",
                    "Smugglers promise a lot and protect no one. There are safer ways.",
                    "People who travel irregularly face robbery, extortion, accidents and trafficking. A "
                    "smuggler's promise is not a permit.\n\n"
                    "- Ask at an information window about regular ways to travel, work or join your family.\n"
                    "- Never hand your passport to anyone who is not an official.\n"
                    "- Keep copies of your documents and a phone number of someone you trust.",
                ),
            },
        ),
        ("CR", "es", None),
        ("SV", "es", None),
        ("GT", "es", None),
        (
            "GD",
            "en",
            {
                "en": (
                    "Before you travel: the risks of irregular routes",
                    "Smugglers promise a lot and protect no one. There are safer ways.",
                    "People who travel irregularly face robbery, extortion, accidents and trafficking. A "
                    "smuggler's promise is not a permit.\n\n"
                    "- Ask at an information window about regular ways to travel, work or join your family.\n"
                    "- Never hand your passport to anyone who is not an official.\n"
                    "- Keep copies of your documents and a phone number of someone you trust.",
                ),
            },
        ),
        (
            "HT",
            "ht",
            {
                "ht": (
                    "Anvan w vwayaje: danje wout ilegal yo",
                    "Raketè yo pwomèt anpil men yo pa pwoteje pèsonn. Gen lòt chemen ki pi an sekirite.",
                    "Moun ki vwayaje san papye ka viktim vòl, chantaj, aksidan ak trafik moun. Pwomès yon "
                    "raketè se pa yon pèmi.\n\n"
                    "- Mande nan yon fenèt enfòmasyon ki chemen legal ki egziste pou vwayaje, travay oswa "
                    "rejwenn fanmi w.\n"
                    "- Pa janm bay paspò w bay yon moun ki pa yon otorite.\n"
                    "- Kenbe kopi dokiman w yo ak nimewo telefòn yon moun ou fè konfyans.",
                ),
            },
        ),
        ("HN", "es", None),
        ("MX", "es", None),
        ("PA", "es", None),
        (
            "SR",
            "nl",
            {
                "nl": (
                    "Voordat u vertrekt: de risico's van irreguliere routes",
                    "Smokkelaars beloven veel en beschermen niemand. Er zijn veiligere wegen.",
                    "Wie irregulier reist, loopt risico op beroving, afpersing, ongelukken en mensenhandel. De "
                    "belofte van een smokkelaar is geen vergunning.\n\n"
                    "- Vraag bij een informatieloket naar reguliere manieren om te reizen, te werken of uw "
                    "familie te volgen.\n"
                    "- Geef uw paspoort nooit aan iemand die geen ambtenaar is.\n"
                    "- Bewaar kopieën van uw documenten en het nummer van iemand die u vertrouwt.",
                ),
            },
        ),
        ("DO", "es", None),
    ]
]

RISKS_ES = (
    "Antes de viajar: los riesgos de las rutas irregulares",
    "Los coyotes prometen mucho y no protegen a nadie. Hay caminos más seguros.",
    "Quien viaja de forma irregular se expone a robos, extorsión, accidentes y trata de personas. La promesa de "
    "un coyote no es un permiso.\n\n"
    "- Pregunte en una ventanilla informativa por las vías regulares para viajar, trabajar o reunirse con su "
    "familia.\n"
    "- Nunca entregue su pasaporte a quien no sea una autoridad.\n"
    "- Guarde copias de sus documentos y el teléfono de alguien de confianza.",
)

FAQ = {
    "es": (
        "¿Cuánto cuesta la atención en la ventanilla?",
        "Nada. La información y el acompañamiento de las ventanillas son gratuitos. Nadie puede cobrarle por un "
        "turno ni por un formulario.",
    ),
    "en": (
        "How much does help at the window cost?",
        "Nothing. Information and support at the windows are free. Nobody may charge you for a place in line or "
        "for a form.",
    ),
    "fr": (
        "Combien coûte l'aide au guichet ?",
        "Rien. L'information et l'accompagnement aux guichets sont gratuits. Personne ne peut vous faire payer une "
        "place dans la file ou un formulaire.",
    ),
    "nl": (
        "Wat kost hulp bij het loket?",
        "Niets. Informatie en begeleiding bij de loketten zijn gratis. Niemand mag u laten betalen voor een plaats "
        "in de rij of voor een formulier.",
    ),
    "ht": (
        "Konbyen sa koute pou yo ede m nan fenèt la?",
        "Anyen. Enfòmasyon ak akonpayman nan fenèt yo gratis. Pesonn pa gen dwa fè w peye pou yon plas nan liy "
        "oswa pou yon fòm.",
    ),
}

# (country or None for regional, slug-like key, severity, days from now it started, days it lasts or None, texts)
ALERTS = [
    (
        None,
        "hurricane-season",
        "warning",
        -30,
        None,
        {
            "es": (
                "Temporada de huracanes",
                "Siga los avisos de protección civil y tenga sus documentos en una bolsa seca.",
            ),
            "en": ("Hurricane season", "Follow civil-protection warnings and keep your documents in a dry bag."),
            "fr": ("Saison des ouragans", "Suivez les alertes de la protection civile et gardez vos documents au sec."),
            "nl": ("Orkaanseizoen", "Volg de waarschuwingen van de rampenbestrijding en bewaar uw documenten droog."),
            "ht": (
                "Sezon siklòn",
                "Swiv avètisman pwoteksyon sivil yo epi kenbe dokiman w yo nan yon sache ki pa mouye.",
            ),
        },
    ),
    (
        "PA",
        "ppsh-window",
        "info",
        -7,
        60,
        {
            "es": (
                "Permiso humanitario: confirme las fechas",
                "Antes de pagar a un abogado, confirme en una ventanilla si el periodo de solicitud sigue abierto.",
            ),
            "ht": (
                "Pèmi imanitè: verifye dat yo",
                "Anvan ou peye yon avoka, verifye nan yon fenèt si peryòd demann lan toujou louvri.",
            ),
        },
    ),
]
