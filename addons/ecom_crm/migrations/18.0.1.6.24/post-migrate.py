"""18.0.1.6.24: a phone field of two numbers typed with spaces alone between them («89161234567
89037654321», «+7 916 123-45-67 +7 903 765-43-21»), and a mobile's shorthand «8 916 123-45-67, 68»,
are the phone and the mobile (``tools.phones.split_phones``). Customers and requests typed so kept the
field as typed, flagged invalid (the spaced numbers; a mobile's «…67, 68» was stored as its extension,
«+79161234567 доб. 68», which stays: it cannot be told from one typed so). Databases upgraded to
18.0.1.6.17 already ran that release's pass over the phones that may carry several numbers, which did
not read these: the same pass runs again, with this release's reading (``res_partner.SEVERAL_PHONES_SQL``
now takes the digits of two numbers with a space between them too), a batch at a time, written
set-based; a phone already stored is stored the same, and run again, it changes nothing more. A
database from before 18.0.1.6.17 has that release's pass in this same upgrade, which reads them: not
read twice."""

from odoo import SUPERUSER_ID, api
from odoo.tools import parse_version


def migrate(cr, version):
    if not version or parse_version(version) < parse_version("18.0.1.6.17"):
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._ecom_normalize_stored_phones(several_only=True)
    env["crm.lead"]._ecom_normalize_stored_phones(several_only=True)
