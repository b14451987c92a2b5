from odoo import fields, models


class Ecom1cUnit(models.Model):
    """A unit schema 3's classifier declares («ЕдиницыИзмерения»): its products name it by its «Ид»
    alone, often in another file (``import___<goods>.xml``) than the classifier's."""

    _name = "ecom.1c.unit"
    _description = "1C unit of measure"
    _order = "name"

    name = fields.Char("Name", help="«НаименованиеПолное», else «НаименованиеКраткое».")
    ecom_1c_id = fields.Char("1C id", required=True, index=True)
    code = fields.Char("Code", help="1C's code of the unit (OKEI for most).")
    short = fields.Char("International short name", help="«МеждународноеСокращение», e.g. PCE, KGM.")

    _sql_constraints = [("ecom_1c_id_unique", "UNIQUE(ecom_1c_id)", "A 1C unit is declared once.")]

    def _as_1c_unit(self):
        """The unit as the reader gives a product's «БазоваяЕдиница»."""
        return {"code": self.code or "", "short": self.short or "", "name": self.name or ""}
