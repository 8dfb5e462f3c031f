"""Bulk enrolment from a CSV file (a ministry's list of officials): parse, check each line, preview.

Nothing is saved here. The view keeps the valid lines in the user's session until the trainer confirms,
then enrols them with ``services.enrol_verified``, which skips people already enrolled: uploading the
same file twice enrols nobody twice.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from helpers.spreadsheets import is_formula
from helpers.validation import EMAIL_MAX_LENGTH, control_characters
from ventanillas.models import Country, Sex

from .models import Enrolment, Participant, Sector, Session, Status, email_hashes

REQUIRED = ["name", "email", "sector", "sex", "country"]
OPTIONAL = ["phone", "institution", "language"]
MAX_LINES = 2000


@dataclass
class Line:
    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    already_enrolled: bool = False


@dataclass
class Preview:
    error: str = ""
    lines: list[Line] = field(default_factory=list)

    @property
    def valid(self) -> list[Line]:
        return [line for line in self.lines if not line.errors]

    @property
    def to_enrol(self) -> list[Line]:
        return [line for line in self.valid if not line.already_enrolled]


def _english_labels(choices) -> dict[str, str]:
    """Accept the code or the English label, in any case (ministries write "Female" or "female")."""
    with translation.override("en"):
        table = {str(label).lower(): value for value, label in choices}
    table.update({value.lower(): value for value, _label in choices})
    return table


# Values of earlier templates of the file, still in ministries' spreadsheets.
OLD_SEXES = {"undisclosed": Sex.UNKNOWN.value, "prefers not to say": Sex.UNKNOWN.value}


def _sex_labels() -> dict[str, str]:
    """The code, or the label in any of the portal's languages ("Mujer", "Fanm", "Not stated"), in any case."""
    table = dict(OLD_SEXES)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            table.update({str(label).lower(): value for value, label in Sex.choices})
    table.update({value: value for value in Sex.values})
    return table


def parse(raw: bytes, *, session: Session) -> Preview:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Preview(
            error=_('The file is not in UTF-8. In your spreadsheet, save it as "CSV UTF-8" and upload it again.')
        )
    if not text.strip():
        return Preview(error=_("The file is empty."))
    first = text.splitlines()[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return _read(reader, session=session)
    except csv.Error as error:
        # A field longer than the csv module's limit (131,072 characters), or a malformed quote.
        return Preview(
            error=_("Line %(line)d of the file cannot be read (%(reason)s): correct it and upload it again.")
            % {"line": reader.line_num, "reason": _csv_reason(error)}
        )


def _csv_reason(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return _("a field is far too long")
    return _("a quotation mark is not closed, or a character is not allowed")


def _read(reader, *, session: Session) -> Preview:
    header = [column.strip().lower() for column in next(reader)]
    missing = [column for column in REQUIRED if column not in header]
    unknown = [column for column in header if column and column not in REQUIRED + OPTIONAL]
    if missing or unknown:
        return Preview(
            error=_(
                "The columns of the file are not the expected ones. Required: %(required)s; optional: "
                "%(optional)s. Missing: %(missing)s. Not recognised: %(unknown)s."
            )
            % {
                "required": ", ".join(REQUIRED),
                "optional": ", ".join(OPTIONAL),
                "missing": ", ".join(missing) or "-",
                "unknown": ", ".join(unknown) or "-",
            }
        )
    sectors = _english_labels(Sector.choices)
    sexes = _sex_labels()
    countries = {c.code: c.pk for c in Country.objects.all()}
    languages = {code for code, _name in settings.LANGUAGES}
    preview = Preview()
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(preview.lines) >= MAX_LINES:
            return Preview(error=_("The file has more than %(count)d lines: split it.") % {"count": MAX_LINES})
        values = {column: (cells[i].strip() if i < len(cells) else "") for i, column in enumerate(header) if column}
        line = Line(number=number, values=values)
        _check(line, sectors, sexes, countries, languages, session, seen)
        preview.lines.append(line)
    if not preview.lines:
        return Preview(error=_("The file has a header but no participants."))
    _mark_already_enrolled(preview, session)
    return preview


# The columns the confirm step writes, with their limits: the preview refuses what the database would.
LIMITS = {
    "name": Participant._meta.get_field("name").max_length,
    "email": EMAIL_MAX_LENGTH,
    "phone": Participant._meta.get_field("phone").max_length,
    "institution": Participant._meta.get_field("institution").max_length,
}


def _check(line: Line, sectors, sexes, countries, languages, session: Session, seen: dict[str, int]) -> None:
    values = line.values
    for column, value in list(values.items()):
        if control_characters(value):
            line.errors.append(_('The column "%(column)s" holds control characters.') % {"column": column})
            values[column] = "".join(ch for ch in value if not control_characters(ch))
        limit = LIMITS.get(column)
        if limit and len(value) > limit:
            line.errors.append(
                _('The column "%(column)s" has %(length)d characters; at most %(limit)d fit.')
                % {"column": column, "length": len(value), "limit": limit}
            )
            values[column] = value[:limit]
    if not values.get("name"):
        line.errors.append(_("The name is missing."))
    # A cell a spreadsheet would run as a formula is no one's name or institution: refused here, as the
    # shared spreadsheet helper would otherwise write it out as text with an apostrophe in every export.
    if is_formula(values.get("name", "")):
        line.errors.append(_("The name starts with = + - @ or a tab, which spreadsheets run as a formula."))
    if is_formula(values.get("institution", "")):
        line.errors.append(_("The institution starts with = + - @ or a tab, which spreadsheets run as a formula."))
    email = values.get("email", "").lower()
    values["email"] = email
    try:
        validate_email(email)
    except ValidationError:
        line.errors.append(_('"%(email)s" is not a valid e-mail address.') % {"email": email})
    else:
        if email in seen:
            line.errors.append(_("This e-mail address is already on line %(line)d.") % {"line": seen[email]})
        else:
            seen[email] = line.number
    sector = sectors.get(values.get("sector", "").lower())
    if sector is None:
        line.errors.append(_('Unknown sector "%(value)s".') % {"value": values.get("sector", "")})
    values["sector"] = sector or ""
    sex = sexes.get(values.get("sex", "").lower())
    if sex is None:
        line.errors.append(_('Unknown sex "%(value)s".') % {"value": values.get("sex", "")})
    values["sex"] = sex or ""
    code = values.get("country", "").upper()
    if code not in countries:
        line.errors.append(_('Unknown country code "%(value)s".') % {"value": values.get("country", "")})
    values["country_id"] = str(countries.get(code, ""))
    language = values.get("language", "").lower() or session.course.language
    if language not in languages:
        line.errors.append(_('Unknown language code "%(value)s".') % {"value": language})
    values["language"] = language


def _mark_already_enrolled(preview: Preview, session: Session) -> None:
    # Addresses are encrypted: compare their keyed hashes (under every hash key, during a rotation too).
    hashes = {line.number: email_hashes(line.values["email"]) for line in preview.valid}
    wanted = [digest for digests in hashes.values() for digest in digests]
    active = set(
        Enrolment.objects.filter(session=session, participant__email_hash__in=wanted)
        .exclude(status=Status.CANCELLED)
        .values_list("participant__email_hash", flat=True)
    )
    for line in preview.valid:
        line.already_enrolled = any(digest in active for digest in hashes[line.number])
