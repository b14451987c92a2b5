from odoo import api, models
from odoo.tools.misc import get_lang

from ..tools.month_groups import month_groupings, name_months, week_groupings, week_pattern


class EcomMonthNames(models.AbstractModel):
    """A month's group named standing alone, «декабрь 2026», not Odoo's «декабря 2026», and a week's
    «50-я неделя 2026», not Odoo's «W50 2026» (see :mod:`..tools.month_groups`): inherited by the
    store's reports and the models their screens group by month or week (the ad spend, the scoring's
    contact outcomes and dashboard)."""

    _name = "ecom.month.names"
    _description = "Names of month and week groups"

    @api.model
    def _read_group_format_result(self, rows_dict, lazy_groupby):
        name_months(rows_dict, month_groupings(self._fields, lazy_groupby), lambda: get_lang(self.env).code,
                    lambda: super(EcomMonthNames, self)._read_group_format_result(rows_dict, lazy_groupby),
                    weeks=week_groupings(self._fields, lazy_groupby), pattern=lambda: week_pattern(self.env))
