"""Audit trail and background jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from csperf.kernel.i18n import stored_message


class AuditEvent(models.Model):
    """One change (who, when, old, new, why) or one look at someone else's data."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("Change")
        VIEW = "view", _("View")
        EXPORT = "export", _("Export")

    class Action(models.TextChoices):
        """Every action written to the trail; :func:`csperf.core.audit.record` refuses others.
        ``view`` and ``export`` are the actions of the access rows (their kind, too)."""

        ACKNOWLEDGE = "acknowledge", _("Acknowledge card")
        ADD_QC_FORM = "add_qc_form", _("Add QC form")
        ADD_SURVEY = "add_survey", _("Add survey")
        ADD_TEMPLATE = "add_template", _("Add template")
        ANSWER_APPEAL = "answer_appeal", _("Answer appeal")
        APPEAL = "appeal", _("File appeal")
        APPEAL_CORRECTION = "appeal_correction", _("Correction after appeal")
        APPROVE = "approve", _("Approve")
        ARCHIVE_CYCLE = "archive_cycle", _("Archive cycle")
        ASSIGN_TEMPLATE = "assign_template", _("Assign template")
        BULK_APPROVE = "bulk_approve", _("Bulk approve")
        BULK_CLOSE = "bulk_close", _("Bulk close")
        BULK_PUBLISH = "bulk_publish", _("Bulk publish")
        BULK_SUBMIT = "bulk_submit", _("Bulk submit")
        CHANGE_PASSWORD = "change_password", _("Change password")
        CHANGE_SURVEY = "change_survey", _("Change survey")
        CLEAR_RATING = "clear_rating", _("Clear rating")
        CLOSE = "close", _("Close card")
        CLOSE_CALIBRATION = "close_calibration", _("Close calibration")
        CLOSE_CYCLE = "close_cycle", _("Close cycle")
        CLOSE_EVENTS = "close_events", _("Close event entry")
        CLOSE_FOLLOWUP = "close_followup", _("Close follow-up")
        CLOSE_PLAN = "close_plan", _("Close improvement plan")
        COMPUTE = "compute", _("Request computation")
        COMPUTED = "computed", _("Computation finished")
        CORRECT_QC = "correct_qc", _("Correct QC review")
        CREATE_CALIBRATION = "create_calibration", _("Create calibration")
        CREATE_CARD = "create_card", _("Create card")
        CREATE_CYCLE = "create_cycle", _("Create cycle")
        CREATE_LOGIN = "create_login", _("Create login")
        CREATE_PLAN = "create_plan", _("Create improvement plan")
        CREATE_QC_PLAN = "create_qc_plan", _("Create QC plan")
        DELETE_CYCLE = "delete_cycle", _("Delete cycle")
        DISCLOSURE = "disclosure", _("Change result disclosure")
        DISPUTE_QC = "dispute_qc", _("Dispute QC review")
        DRAW_QC_SAMPLE = "draw_qc_sample", _("Draw QC sample")
        ESCALATE_APPEAL = "escalate_appeal", _("Escalate appeal to HR")
        EVIDENCE = "evidence", _("Upload evidence")
        EXCLUDE_CARD = "exclude_card", _("Exclude card")
        EXPORT = "export", _("Export")
        GRANT_ROLE = "grant_role", _("Grant role")
        HIRE = "hire", _("Hire")
        IMPORT_RECORDS = "import_records", _("Import records")
        IMPORT_SURVEY = "import_survey", _("Import survey results")
        INCLUDE_CARD = "include_card", _("Include card again")
        INPUT_VALUE = "input_value", _("Enter indicator value")
        LEAVE = "leave", _("Leave")
        MIN_COVERAGE = "min_coverage", _("Set minimum data coverage")
        MOVE = "move", _("Transfer")
        OPEN_CYCLE = "open_cycle", _("Open cycle for rating")
        OPEN_FOLLOWUP = "open_followup", _("Open follow-up")
        OVERRIDE_GATE = "override_gate", _("Override gate")
        OVERRIDE_TEMPLATE = "override_template", _("Change card template")
        PLAN_CALLBACKS = "plan_callbacks", _("Plan callbacks")
        PUBLISH = "publish", _("Publish")
        RATE = "rate", _("Rate")
        REASSIGN_QC = "reassign_qc", _("Reassign QC review")
        RECHECK_QC = "recheck_qc", _("Recheck QC review")
        RECORD_EVENT = "record_event", _("Record event")
        REMOVE_CARD = "remove_card", _("Remove card")
        REOPEN = "reopen", _("Reopen card")
        REOPEN_EVENTS = "reopen_events", _("Reopen event entry")
        REQUEST_RECHECK = "request_recheck", _("Request recheck")
        RERANK = "rerank", _("Re-rank")
        RESCORE = "rescore", _("Rescore")
        RESET_PASSWORD = "reset_password", _("Reset password")
        RESOLVE_APPEAL = "resolve_appeal", _("Decide appeal")
        RESOLVE_QC_DISPUTE = "resolve_qc_dispute", _("Decide QC dispute")
        RESYNC_FEEDS = "resync_feeds", _("Resync data")
        RETURN_FOR_REWORK = "return", _("Return for rework")
        REVOKE_ROLE = "revoke_role", _("Revoke role")
        REVOKE_TOKEN = "revoke_token", _("Revoke API token")
        SAVE_QC = "save_qc", _("Save QC review")
        SET_LOGIN_ACTIVE = "set_login_active", _("Enable or disable login")
        START_RATING = "start_rating", _("Start rating")
        SUBMIT = "submit", _("Submit")
        SUBMIT_QC = "submit_qc", _("Submit QC review")
        TERMS = "terms", _("Change employment terms")
        UPDATE_PLAN = "update_plan", _("Update improvement plan")
        VIEW = "view", _("View")
        VOID_EVENT = "void_event", _("Void event")
        WORK_FOLLOWUP = "work_followup", _("Work on follow-up")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHANGE)
    action = models.CharField(_("action"), max_length=60, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200, blank=True)
    # Denormalised links so a card's or a cycle's history is one indexed query.
    card_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    cycle_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    field = models.CharField(_("field"), max_length=80, blank=True)
    old = models.JSONField(_("old value"), null=True, blank=True)
    new = models.JSONField(_("new value"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}#{self.object_id}"


class Job(models.Model):
    """Long work (computing a cycle, an import) run by the job worker with visible progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    cycle_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.progress / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def message_text(self) -> str:
        """The running job's message in the reader's language: stored as its msgid and params
        (csperf.core.jobs.stored_message); a message stored as plain text is shown as it is."""
        return job_message(self.message)

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} {self.status}"


def job_message(stored: str) -> str:
    """A stored job message (``{"msgid": ..., "params": {...}}`` or plain text) translated."""
    from django.utils.translation import gettext

    message = stored_message(stored)
    if message is None:  # plain text, or cut or not ours: shown as stored
        return stored
    text = gettext(message.msgid)
    try:
        return text % message.params if message.params else text
    except (KeyError, ValueError, TypeError):  # a translation that does not fit: the English
        return str(message)
