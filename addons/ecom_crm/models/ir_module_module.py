from odoo import models
from odoo.modules import get_module_path
from odoo.tools import SQL
from odoo.tools.translate import TranslationImporter, get_po_paths

# records whose translations in ecom_crm's files replace those already in the database at every load
# of its terms: crm's menu, action and fields ecom_crm renames (one term for one thing: a request is
# refused with a «refusal reason»); none is created once (noupdate)
RENAMED = {"crm.menu_crm_lost_reason", "crm.crm_lost_reason_action", "ecom_crm.field_crm_lead__lost_reason_id",
           "ecom_crm.field_crm_lead_lost__lost_reason_id"}
# records created once (noupdate), which a store may rename, whose shipped translation was corrected:
# {xmlid: (translated field, {language: the translations shipped before})}. The shipped one replaces the
# record's only while it still holds one shipped before; a name the store gave it is kept.
CORRECTED = {"ecom_crm.crm_stage_awaiting_payment": ("name", {"ru_RU": {"Ожидание оплаты"}})}
# the activity states of a model with activities (the pipeline's bar: «4 Today»; a request's or an order's
# «Overdue», «Today», «Planned»; their exception's «Warning», «Error»): Odoo creates them with the model's
# module (CRM, Sales, Invoicing…) under mail's name, and loads mail's translations only when mail itself is
# installed or upgraded or a language loaded, so in a database where Russian came before CRM and Sales they
# stayed English. Mail's translations of them are loaded with ecom_crm's terms, where the database has none (a
# translation a store gave is kept). Their xmlids, mail's: «mail.selection__crm_lead__activity_state__today»
ACTIVITY_STATES = (r"selection\_\_%\_\_activity\_state\_\_%", r"selection\_\_%\_\_activity\_exception\_decoration\_\_%")


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
        importer.save(overwrite=True)
        self._ecom_load_activity_states(langs)
        self._ecom_load_corrected_translations(langs)
        # installed and Russian loaded now, or upgraded: the store's channels and the intake's technical
        # user take their Russian names where they still have the shipped English ones, and Russia's Tax
        # ID label its Russian word (at an install, the post_init_hook does it)
        if self.env["ir.module.module"].search_count(
                [("name", "=", "ecom_crm"), ("state", "in", ("installed", "to upgrade"))]):
            for lang in langs:
                self.env["utm.source"]._ecom_localize(lang)
            self.env["res.country"]._ecom_label_russian_tax_id()

    def _ecom_load_activity_states(self, langs):
        """Load mail's translations of the activity states of every model (``ACTIVITY_STATES``) in each of
        ``langs`` where the database has none."""
        self.env.cr.execute(SQL(
            "SELECT module || '.' || name FROM ir_model_data WHERE module = 'mail' AND model = %s"
            " AND (name LIKE %s OR name LIKE %s)",
            "ir.model.fields.selection", *ACTIVITY_STATES))
        xmlids = {xmlid for xmlid, in self.env.cr.fetchall()}
        if not xmlids:
            return
        importer = TranslationImporter(self.env.cr, verbose=False)
        for lang in langs:
            for po_path in get_po_paths("mail", lang):
                importer.load_file(po_path, lang, xmlids=xmlids)
        importer.save(overwrite=False)

    def _ecom_load_corrected_translations(self, langs):
        """Load ecom_crm's shipped translation of each record of ``CORRECTED`` in each of ``langs`` where
        the record still holds a translation shipped before (over its ``noupdate``)."""
        importer = TranslationImporter(self.env.cr, verbose=False)
        for lang in langs:
            xmlids = set()
            for xmlid, (field, former) in CORRECTED.items():
                record = self.env.ref(xmlid, raise_if_not_found=False)
                if record and lang in former:
                    record.flush_recordset([field])
                    self.env.cr.execute(SQL("SELECT %s->>%s FROM %s WHERE id = %s", SQL.identifier(field), lang,
                                            SQL.identifier(record._table), record.id))
                    row = self.env.cr.fetchone()  # none: a stale xmlid of a record deleted by SQL
                    if row and row[0] in former[lang]:
                        xmlids.add(xmlid)
            if xmlids:
                for po_path in get_po_paths("ecom_crm", lang):
                    importer.load_file(po_path, lang, xmlids=xmlids)
        importer.save(overwrite=True, force_overwrite=True)
