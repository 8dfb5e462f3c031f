"""Register imports: an uploaded file of a window's earlier records, its column mapping and value decisions,
its progress, and one row per record it brought in (the fingerprint that makes a second import add nothing,
and what undo removes). A window's mapping is kept as a template for its next file."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.fields import EncryptedTextField
from ventanillas import access
from ventanillas.models import InformationWindow

from .fields import KINDS


class Status(models.TextChoices):
    MAPPING = "mapping", _("Columns to map")
    READY = "ready", _("Ready to confirm")
    QUEUED = "queued", _("Waiting to run")
    RUNNING = "running", _("Importing")
    INTERRUPTED = "interrupted", _("Interrupted, can be resumed")
    DONE = "done", _("Imported")
    UNDONE = "undone", _("Undone")


class Decision(models.TextChoices):
    """What becomes of a row whose person looks like someone the window had already registered."""

    PENDING = "pending", _("To decide")
    SAME = "same", _("Added to the person registered before")
    NEW = "new", _("Registered as a new person")


class ImportQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportQuerySet:
        return self.filter(access.record_scope(user, window_path="window"))

    def writable_by(self, user) -> ImportQuerySet:
        return self.filter(access.record_scope(user, window_path="window", write=True))


class MappingTemplate(models.Model):
    """The columns and value decisions a window chose last time for a kind of register, offered for the
    next file (headers are matched by name)."""

    window = models.ForeignKey(InformationWindow, on_delete=models.CASCADE, related_name="+", verbose_name=_("window"))
    kind = models.CharField(_("kind of register"), max_length=20, choices=KINDS)
    columns = models.JSONField(_("columns"), default=dict, help_text=_("Header name → field."))
    values = models.JSONField(_("value decisions"), default=dict, help_text=_("List → value as written → code."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mapping template")
        verbose_name_plural = _("mapping templates")
        constraints = [models.UniqueConstraint(fields=["window", "kind"], name="registers_template_per_window")]

    def __str__(self) -> str:
        return f"{self.window} · {self.get_kind_display()}"


class RegisterImport(models.Model):
    window = models.ForeignKey(InformationWindow, on_delete=models.PROTECT, related_name="+", verbose_name=_("window"))
    kind = models.CharField(_("kind of register"), max_length=20, choices=KINDS)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.MAPPING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_format = models.CharField(_("format"), max_length=4)
    # The uploaded file, encrypted with the field keys (it holds personal data); emptied once imported.
    content = models.BinaryField(editable=False, null=True)
    # The workbook's sheet read (empty: the first); a CSV has none.
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    sheets = models.JSONField(_("sheets of the workbook"), default=list, editable=False)
    headers = models.JSONField(_("column headers"), default=list)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    columns = models.JSONField(_("columns"), default=dict, help_text=_("Column number → field."))
    values = models.JSONField(_("value decisions"), default=dict)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    counts = models.JSONField(_("counts"), default=dict)
    # The local days whose figures the records of this import fall on, kept for the roll-ups after an undo.
    days = models.JSONField(default=list, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    touched_at = models.DateTimeField(_("last change"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    objects = ImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def undo_until(self):
        return self.finished_at + timedelta(hours=settings.REGISTER_IMPORT_UNDO_HOURS) if self.finished_at else None

    def may_undo(self, user) -> bool:
        """Its author or an administrator, within ``REGISTER_IMPORT_UNDO_HOURS`` of its end."""
        return (
            self.status == Status.DONE
            and self.undo_until is not None
            and timezone.now() <= self.undo_until
            and (user.pk == self.created_by_id or access.is_administrator(user))
        )

    @property
    def progress(self) -> int:
        # Rows are counted as the spreadsheet numbers them (blank rows included) until the end.
        return min(100, int(100 * self.processed_rows / self.total_rows)) if self.total_rows else 0


class ImportedRow(models.Model):
    """One row of a file that became a record (or found its person already there, or waits for the clerk's
    decision on a likely duplicate). The fingerprint, a keyed hash of the row's values per window, is unique
    per window: the same row imported again is skipped."""

    register_import = models.ForeignKey(RegisterImport, on_delete=models.CASCADE, related_name="rows")
    window = models.ForeignKey(InformationWindow, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(_("row"))
    fingerprint = models.CharField(max_length=64)
    consultation = models.ForeignKey(
        "cases.Consultation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey("cases.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    person_created = models.BooleanField(default=False)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The day the source recorded the consent given: the consent row is dated so, and this says where it
    # came from ("imported, consent as recorded in the source").
    consent_recorded_on = models.DateField(_("consent as recorded in the source"), null=True, blank=True)
    likely_duplicate = models.ForeignKey(
        "cases.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A row whose person looks like ``likely_duplicate`` is held, nothing written for it, until the clerk
    # decides; meanwhile its values wait here, encrypted with the field keys, and are emptied once decided.
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    held_data = EncryptedTextField(blank=True, editable=False)  # the row's values as JSON
    # When the row's records were written (by the run, or by the decision on a likely duplicate): what the
    # records have from after it is staff's work, which undo keeps.
    written_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Why undo kept the row's records (codes, see ``services.kept_reasons``); empty while not undone.
    kept = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        ordering = ["register_import", "number"]
        constraints = [models.UniqueConstraint(fields=["window", "fingerprint"], name="registers_row_once_per_window")]

    def __str__(self) -> str:
        return f"{self.register_import_id}:{self.number}"
