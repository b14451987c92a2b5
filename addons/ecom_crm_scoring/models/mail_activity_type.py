from odoo import models


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    def write(self, vals):
        result = super().write(vals)
        if {"name", "summary"} & set(vals):  # the scoring's own summaries (mail.activity._ecom_scoring_summaries)
            self.env.registry.clear_cache()
        return result

    def _update_field_translations(self, field_name, translations, digest=None, source_lang=None):
        result = super()._update_field_translations(field_name, translations, digest=digest, source_lang=source_lang)
        if field_name in ("name", "summary"):
            self.env.registry.clear_cache()
        return result
