from odoo import models
from odoo.modules import get_module_path
from odoo.tools.translate import TranslationImporter, get_po_paths

# records whose translations in ecom_crm's files replace those already in the database, even on an
# update: other modules' records ecom_crm renames (one term for one thing: a request is refused with
# a «refusal reason») and its own whose translation was corrected
RENAMED = {"crm.menu_crm_lost_reason", "crm.crm_lost_reason_action", "ecom_crm.field_crm_lead__lost_reason_id",
           "ecom_crm.field_crm_lead_lost__lost_reason_id", "ecom_crm.crm_stage_awaiting_payment"}


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        super()._load_module_terms(modules, langs, overwrite=overwrite, imported_module=imported_module)
        if "ecom_crm" not in modules or not get_module_path("ecom_crm"):
            return
        importer = TranslationImporter(self.env.cr, verbose=False)
        for lang in langs:
            for po_path in get_po_paths("ecom_crm", lang):
                importer.load_file(po_path, lang, xmlids=RENAMED)
        importer.save(overwrite=True, force_overwrite=True)  # also over noupdate records (our stages)
        # installed and Russian loaded now, or upgraded: the store's channels and the intake's technical
        # user take their Russian names where they still have the shipped English ones, and Russia's Tax
        # ID label its Russian word (at an install, the post_init_hook does it)
        if self.env["ir.module.module"].search_count(
                [("name", "=", "ecom_crm"), ("state", "in", ("installed", "to upgrade"))]):
            for lang in langs:
                self.env["utm.source"]._ecom_localize(lang)
            self.env["res.country"]._ecom_label_russian_tax_id()
