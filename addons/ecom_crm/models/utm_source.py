from odoo import api, fields, models

from ..tools.casefold import create_folded_index

# the channels and media a store's pickers show, as shipped (English) and in Russian: utm names are
# not translatable in Odoo 18, so the records take the database's language (see _ecom_localize); so
# do the intake's technical user, the author of every request's «received» note in the chatter, and
# Email Marketing's list mass_mailing creates (a mailing list's name is not translatable either)
SHIPPED_NAMES = {
    "ecom_crm.user_intake_api": ("E-commerce CRM intake API", "Приём заявок"),
    "ecom_crm.utm_source_yandex_direct": ("Yandex Direct", "Яндекс Директ"),
    "ecom_crm.utm_source_google_ads": ("Google Ads", "Google Реклама"),
    "ecom_crm.utm_source_avito": ("Avito", "Авито"),
    "ecom_crm.utm_source_vk": ("VK", "ВКонтакте"),
    "ecom_crm.utm_source_website": ("Online store website", "Сайт магазина"),
    "ecom_crm.utm_source_phone": ("Phone call", "Телефонный звонок"),
    "ecom_crm.utm_source_email": ("Email", "Электронная почта"),
    "ecom_crm.utm_source_marketplace": ("Marketplace", "Маркетплейс"),
    "ecom_crm.utm_source_campaign_only": ("Campaign without a source", "Кампания без источника"),
    "ecom_crm.utm_medium_cpc": ("Paid search (CPC)", "Платный поиск (CPC)"),
    "ecom_crm.utm_medium_classifieds": ("Classifieds", "Доска объявлений"),
    "ecom_crm.utm_medium_social": ("Social network", "Социальная сеть"),
    "ecom_crm.utm_medium_organic": ("Organic", "Органический поиск"),
    "ecom_crm.utm_medium_marketplace": ("Marketplace", "Маркетплейс"),
    "utm.utm_source_search_engine": ("Search engine", "Поисковая система"),
    "utm.utm_source_newsletter": ("Newsletter", "Рассылка"),
    "utm.utm_source_mailing": ("Lead Recall", "Повторное обращение"),
    "utm.utm_medium_website": ("Website", "Сайт"),
    "utm.utm_medium_phone": ("Phone", "Телефон"),
    "utm.utm_medium_direct": ("Direct", "Прямой заход"),
    "utm.utm_medium_email": ("Email", "Электронная почта"),
    "utm.utm_medium_banner": ("Banner", "Баннер"),
    "utm.utm_medium_television": ("Television", "Телевидение"),
    "mass_mailing.mailing_list_data": ("Newsletter", "Новостная рассылка"),
}
LOCALIZED = {"ru_RU": 1}  # the position of each language's name in SHIPPED_NAMES' tuples


class UtmSource(models.Model):
    _inherit = "utm.source"

    ecom_store_channel = fields.Boolean(
        "Store channel", default=True,
        help="Offered as a channel of the store's requests. Odoo's recruitment sources (job boards) are not.")
    # the owner's dashboard shows the ROMI of the channels paid for: those with ad spend
    ecom_ad_spend_ids = fields.One2many("ecom.ad.spend", "source_id", "Ad spend", readonly=True)

    def init(self):
        super().init()
        create_folded_index(self.env.cr, self._table)  # a request's source in any case (intake processor)

    @api.model
    def _ecom_localize(self, lang):
        """Name the shipped channels and media in ``lang`` (the database's language: Russian when it
        is loaded), unless an admin renamed them or the name is taken."""
        position = LOCALIZED.get(lang)
        if position is None:
            return
        for xmlid, names in SHIPPED_NAMES.items():
            record = self.env.ref(xmlid, raise_if_not_found=False)
            if record and record.name == names[0] and not record.search_count(
                    [("name", "=", names[position]), ("id", "!=", record.id)]):
                record.name = names[position]
