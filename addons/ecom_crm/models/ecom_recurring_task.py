from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.recurrence import due_occurrence, first_occurrence, occurrence_after

PRIORITIES = [("0", "Normal"), ("1", "Important"), ("2", "Urgent")]
WEEKDAYS = [("0", "Monday"), ("1", "Tuesday"), ("2", "Wednesday"), ("3", "Thursday"), ("4", "Friday"),
            ("5", "Saturday"), ("6", "Sunday")]


class EcomRecurringTask(models.Model):
    """A task managers repeat: every N days, weeks (on a weekday) or months (on a day), for some
    users or every member of a sales team. A scheduled job gives each of them the task as an
    activity on its date: one activity, or the steps of an activity plan (each at its plan
    delay), with the template's priority and comments."""

    _name = "ecom.recurring.task"
    _description = "Recurring task"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "next_date, id"

    name = fields.Char("Task", required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", "Company", default=lambda self: self.env.company)
    priority = fields.Selection(PRIORITIES, "Priority", default="0", required=True)
    note = fields.Html("Comments", help="Given to the managers with each task.")
    plan_id = fields.Many2one(
        "mail.activity.plan", "Activity plan", domain=[("res_model", "=", "ecom.recurring.task")],
        help="Several steps at once: each of the plan's activities, at its delay from the task's date. Empty: "
             "one activity of the type below.")
    activity_type_id = fields.Many2one(
        "mail.activity.type", "Activity type", default=lambda self: self.env.ref("mail.mail_activity_data_todo",
                                                                                 raise_if_not_found=False))
    recurrence = fields.Selection(
        [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")], "Frequency", required=True,
        default="weekly", tracking=True)
    interval = fields.Integer("Every", default=1, required=True, help="Every N days, weeks or months.")
    weekday = fields.Selection(WEEKDAYS, "On", default="0")
    month_day = fields.Integer("Day of the month", default=1, help="The last day for shorter months.")
    assign_to = fields.Selection([("users", "Users"), ("team", "A sales team's members")], "For",
                                 default="users", required=True)
    user_ids = fields.Many2many("res.users", string="Managers", domain=[("share", "=", False)])
    team_id = fields.Many2one("crm.team", "Sales team")
    date_start = fields.Date("From", required=True, default=fields.Date.context_today)
    next_date = fields.Date("Next time", compute="_compute_next_date", store=True, readonly=False, tracking=True)
    last_date = fields.Date("Last time", readonly=True)

    @api.constrains("interval", "month_day", "assign_to", "user_ids", "team_id")
    def _check_recurrence(self):
        for task in self:
            if task.interval < 1:
                raise ValidationError(_("A recurring task repeats every 1 or more days, weeks or months."))
            if not 1 <= task.month_day <= 31:
                raise ValidationError(_("The day of the month is between 1 and 31."))
            if task.assign_to == "team" and not task.team_id:
                raise ValidationError(_("Pick the sales team of the recurring task «%s».", task.name))

    @api.depends("date_start", "recurrence", "interval", "weekday", "month_day")
    def _compute_next_date(self):
        for task in self:
            if task.date_start and task.recurrence:
                weekday, month_day = int(task.weekday or 0), task.month_day or 1
                task.next_date = first_occurrence(task.date_start, task.recurrence, weekday, month_day)
                if task.last_date:
                    # after the last occurrence given, «every N» counted from it: changing the rule
                    # never gives that day twice, nor a fortnightly task next week
                    task.next_date = max(task.next_date, occurrence_after(
                        task.last_date, task.recurrence, task.interval, weekday, month_day))

    def _ecom_assignees(self):
        """The active internal users the task is for; of a company's task, those allowed in that
        company only (an activity on a record its user cannot open is of no use)."""
        self.ensure_one()
        users = self.team_id.member_ids if self.assign_to == "team" else self.user_ids
        return users.filtered(lambda user: user.active and not user.share and (
            not self.company_id or self.company_id in user.company_ids))

    def _ecom_activity_vals(self, when):
        """The activities of one occurrence (``when``), for each assignee."""
        self.ensure_one()
        model_id = self.env["ir.model"]._get_id(self._name)
        note = self.note or Markup()
        vals_list = []
        given = set()  # (plan step, responsible): a step of a fixed responsible is theirs once, not once per assignee
        for user in self._ecom_assignees():
            if self.plan_id:
                for step in self.plan_id.template_ids:
                    responsible = step._determine_responsible(user, self)["responsible"] or user
                    if (step.id, responsible.id) in given:
                        continue
                    given.add((step.id, responsible.id))
                    vals_list.append({
                        "res_model_id": model_id, "res_id": self.id, "user_id": responsible.id,
                        "activity_type_id": step.activity_type_id.id, "summary": step.summary or self.name,
                        "note": (step.note or Markup()) + note, "date_deadline": step._get_date_deadline(when),
                        "ecom_priority": self.priority,
                    })
            else:
                vals_list.append({
                    "res_model_id": model_id, "res_id": self.id, "user_id": user.id,
                    "activity_type_id": self.activity_type_id.id or self.env.ref("mail.mail_activity_data_todo").id,
                    "summary": self.name, "note": note, "date_deadline": when, "ecom_priority": self.priority,
                })
        return vals_list

    def _ecom_today(self):
        """Today where the task is done: in its company's time zone (its partner's; a task of no
        company: the job's company's), else in the job's user's, so that a Moscow store's task of
        Monday is given on Moscow's Monday."""
        self.ensure_one()
        tz = (self.company_id or self.env.company).sudo().partner_id.tz
        return fields.Date.context_today(self.with_context(tz=tz) if tz else self)

    @api.model
    def _cron_schedule(self, today=None):
        """Give the due recurring tasks to their managers: the latest occurrence due of each
        (missed ones collapse into it), then move each task to its next date. ``today``: the day
        for every task (else each task's own, :meth:`_ecom_today`)."""
        # UTC+14 is the earliest day on Earth: no task's today is after it
        latest = today or fields.Date.context_today(self.with_context(tz="Pacific/Kiritimati"))
        tasks = self.search([("next_date", "<=", latest)])
        vals_list = []
        for task in tasks:
            day = today or task._ecom_today()
            if task.next_date > day:
                continue
            due, following = due_occurrence(task.next_date, day, task.recurrence, task.interval,
                                            task.month_day or 1)
            vals_list += task._ecom_activity_vals(due)
            task.write({"last_date": due, "next_date": following})
        activities = self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        return activities

    def action_schedule_now(self):
        """Give this occurrence's tasks now (for a try, or a missed day)."""
        vals_list = [vals for task in self for vals in task._ecom_activity_vals(task._ecom_today())]
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        return True
