from odoo import models

from ..tools.casefold import create_folded_index


class UtmMedium(models.Model):
    _inherit = "utm.medium"

    def init(self):
        super().init()
        create_folded_index(self.env.cr, self._table)  # a request's medium in any case (intake processor)
