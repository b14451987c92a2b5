from odoo import api, models
from odoo.tools.misc import get_lang

from ..tools.month_groups import month_groupings, name_months


class EcomMonthNames(models.AbstractModel):
    """A month's group named standing alone, «декабрь 2026», not Odoo's «декабря 2026» (see
    :mod:`..tools.month_groups`): inherited by the store's reports and the models their screens
    group by month (the ad spend, the scoring's contact outcomes)."""

    _name = "ecom.month.names"
    _description = "Month groups named standing alone"

    @api.model
    def _read_group_format_result(self, rows_dict, lazy_groupby):
        name_months(rows_dict, month_groupings(self._fields, lazy_groupby), lambda: get_lang(self.env).code,
                    lambda: super(EcomMonthNames, self)._read_group_format_result(rows_dict, lazy_groupby))
