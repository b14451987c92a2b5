from odoo import models


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    def _ecom_is_scoring_type(self):
        """Whether the scoring's own type is among these (its texts are cached by
        ``mail.activity._ecom_scoring_summaries``): another type's edit clears no cache of every worker."""
        kind_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "ecom_crm_scoring.mail_activity_type_scoring_call", raise_if_not_found=False)
        return bool(kind_id) and kind_id in self.ids

    def write(self, vals):
        result = super().write(vals)
        if {"name", "summary"} & set(vals) and self._ecom_is_scoring_type():
            self.env.registry.clear_cache()
        return result

    def _update_field_translations(self, field_name, translations, digest=None, source_lang=None):
        result = super()._update_field_translations(field_name, translations, digest=digest, source_lang=source_lang)
        if field_name in ("name", "summary") and self._ecom_is_scoring_type():
            self.env.registry.clear_cache()
        return result
