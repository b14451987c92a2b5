"""A request or order that names a campaign and neither source nor medium has the campaign's channel: the
one its ad spend is recorded under, else a clear majority of its requests', else «Campaign without a
source» (a group of its own, not «no channel») until the campaign's spend says it. Typed in, imported,
through the intake API (``test_intake_api``) and in a store upgraded to 18.0.1.6.13."""

from odoo import Command
from odoo.tests import BaseCase, Form, new_test_user, tagged

from ..models.utm_campaign import give_campaign_channels
from ..tools.campaign_channel import campaign_channel
from .common import ReportCase, load_migration, store_with_ad_sources


@tagged("post_install", "-at_install", "ecom_crm")
class TestCampaignChannelRule(BaseCase):
    def test_the_spend_decides_when_there_is_one(self):
        yandex, vk = ("yandex", "cpc"), ("vk", "social")
        self.assertEqual(campaign_channel({yandex}, {}), yandex)
        # what the store pays for under the campaign, whatever most of its requests say
        self.assertEqual(campaign_channel({yandex}, {vk: 9, yandex: 1}), yandex)
        # a medium the spend was recorded without stays without
        self.assertEqual(campaign_channel({("yandex", None)}, {}), ("yandex", None))

    def test_two_channels_of_spend_are_no_channel(self):
        """The same campaign name paid for in two ad systems: the requests' numbers do not settle it."""
        self.assertIsNone(campaign_channel({("yandex", "cpc"), ("vk", "social")}, {("yandex", "cpc"): 10}))

    def test_without_spend_a_clear_majority_of_its_requests(self):
        yandex, vk, site = ("yandex", "cpc"), ("vk", "social"), ("site", None)
        self.assertEqual(campaign_channel(set(), {yandex: 1}), yandex)
        self.assertEqual(campaign_channel(set(), {yandex: 3, vk: 2}), yandex)
        self.assertIsNone(campaign_channel(set(), {yandex: 2, vk: 2}), "a tie is a guess")
        self.assertIsNone(campaign_channel(set(), {yandex: 2, vk: 1, site: 1}), "half is no majority")
        self.assertIsNone(campaign_channel(set(), {}), "nothing known")


@tagged("post_install", "-at_install", "ecom_crm", "ecom_reports")
class TestCampaignChannel(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        store_with_ad_sources(cls)
        cls.campaign_only = cls.env.ref("ecom_crm.utm_source_campaign_only")
        cls.Campaign = cls.env["utm.campaign"]
        cls.summer = cls.Campaign.create({"name": "summer_sale"})
        cls.Spend = cls.env["ecom.ad.spend"]

    def channel(self, record):
        return record.source_id, record.medium_id

    def _order(self, amount=1000, **vals):
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id, "user_id": self.salesman.id, **vals,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": amount,
                                           "tax_id": [Command.clear()]})]})
        order.action_confirm()
        return order

    def test_a_request_typed_in_with_its_campaign_only_gets_its_spends_channel(self):
        self.Spend.create({"date": "2026-11-01", "source_id": self.yandex.id, "medium_id": self.cpc.id,
                           "campaign_id": self.summer.id, "amount": 500})
        lead = self._lead(campaign_id=self.summer.id)
        self.assertEqual(self.channel(lead), (self.yandex, self.cpc))
        # written in the form: a request given only the campaign, one whose source and medium were cleared
        other = self._lead()
        self.assertEqual(self.channel(other), (self.env["utm.source"], self.env["utm.medium"]))
        other.campaign_id = self.summer
        self.assertEqual(self.channel(other), (self.yandex, self.cpc))
        other.write({"source_id": False, "medium_id": False})
        self.assertEqual(self.channel(other), (self.yandex, self.cpc))
        # a request naming its own source keeps it whole (no medium taken from the campaign)
        own = self._lead(campaign_id=self.summer.id, source_id=self.vk.id)
        self.assertEqual(self.channel(own), (self.vk, self.env["utm.medium"]))
        # and so does an order
        order = self._order(campaign_id=self.summer.id)
        self.assertEqual(self.channel(order), (self.yandex, self.cpc))

    def test_the_forms_show_a_channel_is_its_campaigns(self):
        """The request's and the order's forms say why their channel follows their campaign: *Channel from its
        campaign*, shown where it is ticked, beside the channel."""
        for model, view in (("crm.lead", "crm.crm_lead_view_form"), ("sale.order", "sale.view_order_form")):
            arch = self.env[model].get_view(self.env.ref(view).id, "form")["arch"]
            self.assertIn('name="ecom_channel_from_campaign"', arch, model)

    def test_without_spend_the_majority_of_its_requests(self):
        for source, medium in ((self.vk, self.social), (self.vk, self.social), (self.yandex, self.cpc)):
            self._lead(campaign_id=self.summer.id, source_id=source.id, medium_id=medium.id)
        self.assertEqual(self.channel(self._lead(campaign_id=self.summer.id)), (self.vk, self.social))
        tied = self.Campaign.create({"name": "tied"})
        for source, medium in ((self.vk, self.social), (self.yandex, self.cpc)):
            self._lead(campaign_id=tied.id, source_id=source.id, medium_id=medium.id)
        self.assertEqual(self.channel(self._lead(campaign_id=tied.id)), (self.campaign_only, self.env["utm.medium"]))

    def test_an_ambiguous_campaign_is_left_to_campaign_without_a_source(self):
        """Spent on in Yandex Direct and in VK: no guess between the two, the request waits, visible, under
        «Campaign without a source»; never «no channel»."""
        for source, medium in ((self.yandex, self.cpc), (self.vk, self.social)):
            self.Spend.create({"date": "2026-11-01", "source_id": source.id, "medium_id": medium.id,
                               "campaign_id": self.summer.id, "amount": 100})
        lead = self._lead(campaign_id=self.summer.id)
        self.assertEqual(self.channel(lead), (self.campaign_only, self.env["utm.medium"]))
        self.assertEqual(lead.campaign_id, self.summer)
        self.assertFalse(self.campaign_only.ecom_store_channel, "not offered in the pickers")
        # the campaign removed: no campaign's channel either
        lead.campaign_id = False
        self.assertEqual(self.channel(lead), (self.env["utm.source"], self.env["utm.medium"]))

    def test_the_spend_imported_later_gives_the_waiting_rows_their_channel(self):
        """A campaign of no known channel: its requests and orders wait under «Campaign without a source»;
        its spend imported, they are its channel's, and ROMI sets their revenue against that spend."""
        lead = self._lead(campaign_id=self.summer.id, partner_id=self.customer.id)
        order = self._order(12000, campaign_id=self.summer.id)
        own = self._lead(campaign_id=self.summer.id, source_id=self.vk.id, medium_id=self.social.id)
        self.assertEqual(self.channel(lead), (self.campaign_only, self.env["utm.medium"]))
        self.assertEqual(self.channel(order), (self.campaign_only, self.env["utm.medium"]))
        self.env["ecom.report.matview"]._ecom_refresh_all()
        Channel = self.env["ecom.report.channel"]
        by_source = {row["source_id"][0]: row for row in Channel.read_group(
            [("campaign_id", "=", self.summer.id)], ["revenue:sum", "channel_revenue:sum"], ["source_id"])}
        self.assertEqual(by_source[self.campaign_only.id]["revenue"], 12000, "a group of its own, not «no channel»")
        self.assertEqual(by_source[self.campaign_only.id]["channel_revenue"], 0, "no known channel's revenue")

        created, updated = self.Spend._ecom_upsert([{
            "date": "2026-11-01", "company_id": self.env.company.id, "currency_id": self.env.company.currency_id.id,
            "amount": 3000, "source_id": self.yandex.id, "medium_id": self.cpc.id, "campaign_id": self.summer.id}],
            "yandex_direct")
        self.assertEqual((created, updated), (1, 0))
        self.assertEqual(self.channel(lead), (self.yandex, self.cpc))
        self.assertEqual(self.channel(order), (self.yandex, self.cpc))
        self.assertEqual(self.channel(own), (self.vk, self.social), "a request's own channel is kept")
        self.env["ecom.report.matview"]._ecom_refresh_all()
        [row] = Channel.read_group([("campaign_id", "=", self.summer.id), ("source_id", "=", self.yandex.id)],
                                   ["spend:sum", "revenue:sum", "paid_revenue:sum", "romi", "drr"], [])
        self.assertEqual((row["spend"], row["revenue"], row["paid_revenue"]), (3000, 12000, 12000))
        self.assertAlmostEqual(row["romi"], 300)  # (12000 - 3000) / 3000 × 100
        self.assertAlmostEqual(row["drr"], 25)
        self.assertFalse(Channel.search_count([("source_id", "=", self.campaign_only.id),
                                               ("campaign_id", "=", self.summer.id)]))

    def test_an_upgraded_store_gives_its_campaign_only_rows_their_channel(self):
        """18.0.1.6.13: the rows naming only a campaign, written before, get its channel once, and the reports
        kept in tables are rebuilt for them; a second run changes nothing."""
        self.Spend.create({"date": "2026-11-01", "source_id": self.yandex.id, "medium_id": self.cpc.id,
                           "campaign_id": self.summer.id, "amount": 500})
        unknown = self.Campaign.create({"name": "no_channel_yet"})
        leads = [self._lead(campaign_id=campaign.id) for campaign in (self.summer, unknown)]
        order = self._order(campaign_id=self.summer.id)
        other = self._lead(source_id=self.vk.id)
        self._refresh()
        # as an older version left them: a campaign, no source, no medium
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET source_id = NULL, medium_id = NULL WHERE id = ANY(%s)",
                            [[lead.id for lead in leads]])
        self.env.cr.execute("UPDATE sale_order SET source_id = NULL, medium_id = NULL WHERE id = %s", [order.id])
        self.env.invalidate_all()
        self._refresh()
        self.assertEqual(self.Funnel.search([("lead_id", "=", leads[0].id)]).source_id, self.env["utm.source"])
        migration = load_migration("18.0.1.6.13", "post-migrate")
        changed = migration.give_campaign_only_rows_their_channel(self.env)
        self.assertEqual((sorted(changed["crm.lead"]), changed["sale.order"]),
                         (sorted(lead.id for lead in leads), [order.id]))
        self.assertEqual(self.channel(leads[0]), (self.yandex, self.cpc))
        self.assertEqual(self.channel(leads[1]), (self.campaign_only, self.env["utm.medium"]))
        self.assertEqual(self.channel(order), (self.yandex, self.cpc))
        self.assertEqual(self.channel(other), (self.vk, self.env["utm.medium"]))
        self.assertEqual([record.ecom_channel_from_campaign for record in (*leads, order, other)],
                         [True, True, True, False])
        # the tables' rows of those requests were rebuilt by the migration itself
        self.Funnel.invalidate_model()
        self.assertEqual(set(self.Funnel.search([("lead_id", "=", leads[0].id)]).source_id), {self.yandex})
        self.assertEqual(set(self.Funnel.search([("lead_id", "=", leads[1].id)]).source_id), {self.campaign_only})
        self.assertEqual(set(self.Manager.search([("lead_id", "=", leads[0].id)]).medium_id), {self.cpc})
        self.assertEqual(migration.give_campaign_only_rows_their_channel(self.env), {})

    def test_another_companys_spend_does_not_decide(self):
        """A campaign's name is every company's: the spend company A records under «summer_sale» says nothing
        of company B's requests naming only «summer_sale», nor does B's spend make A's campaign ambiguous."""
        company_b = self.env["res.company"].create({"name": "Магазин в Казани"})
        b = {"company_id": company_b.id, "user_id": False, "team_id": False}
        self.Spend.create({"date": "2026-11-01", "source_id": self.yandex.id, "medium_id": self.cpc.id,
                           "campaign_id": self.summer.id, "amount": 500})
        ours, theirs = self._lead(campaign_id=self.summer.id), self._lead(campaign_id=self.summer.id, **b)
        self.assertEqual(theirs.company_id, company_b)
        self.assertEqual(self.channel(ours), (self.yandex, self.cpc))
        self.assertEqual(self.channel(theirs), (self.campaign_only, self.env["utm.medium"]))
        # B pays for the same campaign name in VK: B's request is VK's, A's stays Yandex Direct's
        self.Spend.create({"date": "2026-11-01", "source_id": self.vk.id, "medium_id": self.social.id,
                           "campaign_id": self.summer.id, "amount": 300, "company_id": company_b.id})
        self.assertEqual(self.channel(theirs), (self.vk, self.social))
        self.assertEqual(self.channel(self._lead(campaign_id=self.summer.id)), (self.yandex, self.cpc))
        self.assertEqual(self.channel(self._lead(campaign_id=self.summer.id, **b)), (self.vk, self.social))
        # a request of no company yet is decided over every company's spend: two channels, no guess
        nobody = self._lead(campaign_id=self.summer.id, user_id=False, team_id=False, company_id=False)
        self.assertFalse(nobody.company_id)
        self.assertEqual(self.channel(nobody), (self.campaign_only, self.env["utm.medium"]))

    def test_a_medium_of_its_own_leaves_campaign_without_a_source(self):
        """A request waiting under «Campaign without a source» given a medium (in the form, or by a merge of
        requests) names a medium of its own: it keeps it, under no source, not «Campaign without a source /
        cpc», a channel nobody used that the campaign's spend would never move."""
        lead = self._lead(campaign_id=self.summer.id)
        self.assertEqual(self.channel(lead), (self.campaign_only, self.env["utm.medium"]))
        lead.medium_id = self.cpc
        self.assertEqual(self.channel(lead), (self.env["utm.source"], self.cpc))
        self.assertEqual(lead.campaign_id, self.summer)

    def test_spend_under_campaign_without_a_source_is_no_channel(self):
        """Spend typed in under «Campaign without a source» (it is not a channel one pays for) decides nothing:
        the campaign's requests still wait for its channel, and the spend of a real channel then gives it."""
        self.Spend.create({"date": "2026-11-01", "source_id": self.campaign_only.id, "campaign_id": self.summer.id,
                           "amount": 100})
        lead = self._lead(campaign_id=self.summer.id)
        self.assertEqual(self.channel(lead), (self.campaign_only, self.env["utm.medium"]))
        self.Spend.create({"date": "2026-11-01", "source_id": self.yandex.id, "medium_id": self.cpc.id,
                           "campaign_id": self.summer.id, "amount": 500})
        self.assertEqual(self.channel(lead), (self.yandex, self.cpc))

    def test_the_hook_costs_no_query_where_no_campaign_is_alone_and_the_same_for_any_batch(self):
        """A kanban drag or a request naming its source: the hook reads nothing; requests naming only their
        campaign: the same few statements for 2 as for 30 (an import of 10,000 requests, a spend import)."""
        Lead = self.env["crm.lead"]
        named = self._lead(source_id=self.vk.id, campaign_id=self.summer.id) | self._lead()
        self.Spend.create({"date": "2026-11-01", "source_id": self.yandex.id, "medium_id": self.cpc.id,
                           "campaign_id": self.summer.id, "amount": 500})
        autumn = self.Campaign.create({"name": "autumn_sale"})
        self.Spend.create({"date": "2026-11-01", "source_id": self.vk.id, "medium_id": self.social.id,
                           "campaign_id": autumn.id, "amount": 500})
        self.env.flush_all()
        with self.assertQueryCount(0):
            give_campaign_channels(named)
        with self.assertQueryCount(1):  # a write of no UTM (a kanban drag): its own UPDATE, no hook
            named.write({"priority": "1"})
            self.env.flush_all()
        for count in (2, 30):
            leads = Lead.browse([self._lead().id for _ in range(count)])
            self.env.flush_all()
            self.env.cr.execute("UPDATE crm_lead SET campaign_id = %s WHERE id = ANY(%s)", [self.summer.id, leads.ids])
            leads.invalidate_recordset()
            leads.mapped("campaign_id")  # as after a create or a write: in the cache
            with self.assertQueryCount(4):  # the waiting campaigns, their channels, two updates
                give_campaign_channels(leads)
            self.assertEqual({self.channel(lead) for lead in leads}, {(self.yandex, self.cpc)})
            # their campaign changed in a list (a mass edit): the same statements for 2 as for 30 too
            self.env.flush_all()
            leads.invalidate_recordset()
            with self.assertQueryCount(9):
                leads.write({"campaign_id": autumn.id})
                self.env.flush_all()
            self.assertEqual({self.channel(lead) for lead in leads}, {(self.vk, self.social)})

    def test_an_assignment_in_the_same_company_decides_no_channel(self):
        """Requests given another salesperson, team or customer (the assignment, a mass edit) in the same company:
        their campaign's channel is not decided again. Requests waiting under «Campaign without a source» or
        given their campaign's channel cost the same statements as requests with a channel of their own."""
        no_spend = self.Campaign.create({"name": "no_spend"})
        self.Spend.create({"date": "2026-11-01", "source_id": self.yandex.id, "medium_id": self.cpc.id,
                           "campaign_id": self.summer.id, "amount": 500})
        others = self.salesman | new_test_user(self.env, login="ecom_salesman_2", name="Борис Продажин", lang="en_US",
                                               groups="sales_team.group_sale_salesman")
        own = self.Lead.browse([self._lead(campaign_id=self.summer.id, source_id=self.vk.id,
                                           medium_id=self.social.id).id for _ in range(4)])
        given = self.Lead.browse([self._lead(campaign_id=campaign.id).id
                                  for campaign in (self.summer, self.summer, no_spend, no_spend)])
        self.assertEqual([lead.ecom_channel_from_campaign for lead in given], [True] * 4)
        self.assertEqual(self.channel(given[2]), (self.campaign_only, self.env["utm.medium"]))

        def assign(leads, user):
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            leads.write({"user_id": user.id})
            self.env.flush_all()
            return self.env.cr.sql_log_count - start

        assign(own, others[1])  # the caches warmed
        assign(given, others[1])
        self.assertEqual(assign(given, others[0]), assign(own, others[0]))
        self.assertEqual((self.channel(given[0]), self.channel(given[2])),
                         ((self.yandex, self.cpc), (self.campaign_only, self.env["utm.medium"])))
        self.assertEqual([lead.ecom_channel_from_campaign for lead in given], [True] * 4)

    def test_a_merge_keeps_one_requests_channel_whole(self):
        """Merging a request waiting under «Campaign without a source» with one from VK: the kept request is
        VK's whole (source and medium together), not crm's first value of each field apart («Campaign
        without a source / social network / summer_sale», a channel nobody used)."""
        waiting = self._lead(campaign_id=self.summer.id, partner_id=self.customer.id, expected_revenue=5000)
        from_vk = self._lead(source_id=self.vk.id, medium_id=self.social.id, partner_id=self.customer.id)
        self.assertEqual(self.channel(waiting), (self.campaign_only, self.env["utm.medium"]))
        merged = (waiting | from_vk)._merge_opportunity(auto_unlink=False)
        self.assertEqual((*self.channel(merged), merged.campaign_id), (self.vk, self.social, self.env["utm.campaign"]))
        self.assertFalse(merged.ecom_channel_from_campaign, "VK's own channel")
        # two requests of no known channel: the first's whole, still waiting for its campaign's channel
        autumn = self.Campaign.create({"name": "autumn_sale"})
        first, second = self._lead(campaign_id=self.summer.id), self._lead(campaign_id=autumn.id)
        merged = (first | second)._merge_opportunity(auto_unlink=False)
        self.assertEqual((*self.channel(merged), merged.campaign_id.name in ("summer_sale", "autumn_sale")),
                         (self.campaign_only, self.env["utm.medium"], True))
        self.assertTrue(merged.ecom_channel_from_campaign, "still its campaign's: it follows the campaign")

    def test_the_majority_is_of_the_requests_that_named_their_channel(self):
        """The requests the campaign gave a channel are no evidence of it: one request from Yandex Direct, three
        of the campaign alone (given Yandex Direct), then two from VK: VK is the campaign's majority (2 of 3),
        not Yandex Direct's first guess counted four times."""
        self._lead(campaign_id=self.summer.id, source_id=self.yandex.id, medium_id=self.cpc.id)
        given = [self._lead(campaign_id=self.summer.id) for _ in range(3)]
        self.assertEqual({self.channel(lead) for lead in given}, {(self.yandex, self.cpc)})
        self.assertTrue(all(lead.ecom_channel_from_campaign for lead in given))
        for _ in range(2):
            self._lead(campaign_id=self.summer.id, source_id=self.vk.id, medium_id=self.social.id)
        self.assertEqual(self.channel(self._lead(campaign_id=self.summer.id)), (self.vk, self.social))
        self.assertEqual({self.channel(lead) for lead in given}, {(self.yandex, self.cpc)}, "once given, kept")

    def test_a_channel_given_by_its_campaign_follows_the_campaign(self):
        """A request that named only «summer_sale» (Yandex Direct's) moved to «autumn_sale» (VK's) is VK's, not
        Yandex Direct's under VK's campaign; its campaign removed, it has no channel; a channel picked on it
        is its own and stays when the campaign changes. A request naming its channel keeps it."""
        autumn = self.Campaign.create({"name": "autumn_sale"})
        for campaign, source, medium in ((self.summer, self.yandex, self.cpc), (autumn, self.vk, self.social)):
            self.Spend.create({"date": "2026-11-01", "source_id": source.id, "medium_id": medium.id,
                               "campaign_id": campaign.id, "amount": 100})
        lead, own = self._lead(campaign_id=self.summer.id), self._lead(
            campaign_id=self.summer.id, source_id=self.yandex.id, medium_id=self.cpc.id)
        lead.campaign_id = autumn
        self.assertEqual(self.channel(lead), (self.vk, self.social))
        own.campaign_id = autumn
        self.assertEqual(self.channel(own), (self.yandex, self.cpc), "its own channel")
        order = self._order(campaign_id=self.summer.id)
        order.campaign_id = autumn
        self.assertEqual(self.channel(order), (self.vk, self.social))
        lead.campaign_id = False
        self.assertEqual(self.channel(lead), (self.env["utm.source"], self.env["utm.medium"]))
        self.assertFalse(lead.ecom_channel_from_campaign)
        lead.campaign_id = self.summer
        self.assertEqual(self.channel(lead), (self.yandex, self.cpc))
        lead.source_id = self.vk  # picked in the form: the request's own from now on
        self.assertFalse(lead.ecom_channel_from_campaign)
        lead.campaign_id = autumn
        self.assertEqual(self.channel(lead), (self.vk, self.cpc))

    def test_the_majority_counts_only_where_no_spend_decides(self):
        """What a campaign's majority is read from: the requests and orders (of no request) that carry a channel
        of their own, and only for a company that records no spend under the campaign (the spend decides there;
        a request of no company is decided over every company's: any spend decides it)."""
        company_b = self.env["res.company"].create({"name": "Магазин в Казани"})
        b = {"company_id": company_b.id, "user_id": False, "team_id": False}
        self.Spend.create({"date": "2026-11-01", "source_id": self.yandex.id, "medium_id": self.cpc.id,
                           "campaign_id": self.summer.id, "amount": 500})
        for _ in range(3):  # company A's own VK requests: no say against A's spend
            self._lead(campaign_id=self.summer.id, source_id=self.vk.id, medium_id=self.social.id)
        self._lead(campaign_id=self.summer.id, source_id=self.vk.id, medium_id=self.social.id, **b)
        self._lead(campaign_id=self.summer.id, source_id=self.yandex.id, medium_id=self.cpc.id, **b)
        self._lead(campaign_id=self.summer.id, source_id=self.yandex.id, medium_id=self.cpc.id, **b)
        # carrying no channel of their own: not counted anywhere
        self._lead(campaign_id=self.summer.id, **b)  # given B's majority: Yandex Direct
        self._lead(campaign_id=self.summer.id, medium_id=self.cpc.id, **b)  # a medium, no source
        request = self._lead(campaign_id=self.summer.id, source_id=self.vk.id, medium_id=self.social.id,
                             partner_id=self.customer.id, **b)
        self.env["sale.order"].create({  # an order of a request has its request's channel
            "partner_id": self.customer.id, "opportunity_id": request.id, "company_id": company_b.id,
            "campaign_id": self.summer.id, "source_id": self.vk.id, "medium_id": self.social.id})
        nobody = {"company_id": False, "user_id": False, "team_id": False}
        self._lead(campaign_id=self.summer.id, source_id=self.vk.id, medium_id=self.social.id, **nobody)
        spend, rows = self.Campaign._ecom_channel_evidence([self.summer.id])
        yandex, vk = (self.yandex.id, self.cpc.id), (self.vk.id, self.social.id)
        self.assertEqual(spend[self.summer.id, self.env.company.id], {yandex})
        self.assertFalse(rows[self.summer.id, self.env.company.id], "A's spend decides: A's rows not counted")
        self.assertEqual(dict(rows[self.summer.id, company_b.id]), {vk: 2, yandex: 2})
        self.assertEqual(spend[self.summer.id, None], {yandex}, "a request of no company: every company's spend")
        # and what they decide: A's by its spend, B's by B's majority (a tie: no guess), no company's by A's spend
        channels = self.Campaign._ecom_channels_of([(self.summer.id, self.env.company.id),
                                                    (self.summer.id, company_b.id), (self.summer.id, None)])
        self.assertEqual(list(channels.values()), [yandex, None, yandex])

    def test_the_same_channel_written_again_stays_its_campaigns(self):
        """A channel given by its campaign stays its campaign's when a write sets the same source and medium (an
        import re-saving its rows, an RPC client sending every field back): it still follows its campaign. Only
        a real change makes the channel the request's own; in a mass edit, only where it changes one."""
        autumn = self.Campaign.create({"name": "autumn_sale"})
        for campaign, source, medium in ((self.summer, self.yandex, self.cpc), (autumn, self.vk, self.social)):
            self.Spend.create({"date": "2026-11-01", "source_id": source.id, "medium_id": medium.id,
                               "campaign_id": campaign.id, "amount": 100})
        lead = self._lead(campaign_id=self.summer.id)
        self.assertTrue(lead.ecom_channel_from_campaign)
        lead.write({"source_id": self.yandex.id, "medium_id": self.cpc.id, "name": "Заявка (исправлено)"})
        self.assertTrue(lead.ecom_channel_from_campaign, "the same channel: still its campaign's")
        # an export imported back as it was (the import writes every column it has)
        fields_ = ["id", "source_id", "medium_id", "campaign_id"]
        result = self.Lead.load(fields_, lead.export_data(fields_)["datas"])
        self.assertFalse(result["messages"], result)
        self.assertEqual(result["ids"], lead.ids)
        self.assertTrue(lead.ecom_channel_from_campaign, "re-imported unchanged: still its campaign's")
        lead.campaign_id = autumn
        self.assertEqual(self.channel(lead), (self.vk, self.social), "it still follows its campaign")
        # the same source written with another campaign: the channel follows the new campaign
        lead.write({"source_id": self.vk.id, "campaign_id": self.summer.id})
        self.assertEqual((self.channel(lead), lead.ecom_channel_from_campaign), ((self.yandex, self.cpc), True))
        # a mass edit: the request already of that source keeps its campaign's channel, the other's becomes its own
        other = self._lead(campaign_id=autumn.id)
        (lead | other).write({"source_id": self.yandex.id})
        self.assertEqual([record.ecom_channel_from_campaign for record in (lead, other)], [True, False])
        self.assertEqual(self.channel(other), (self.yandex, self.social))
        # a real change on one request
        lead.medium_id = self.social
        self.assertFalse(lead.ecom_channel_from_campaign)
        lead.campaign_id = autumn
        self.assertEqual(self.channel(lead), (self.yandex, self.social), "its own now")
        # an order too
        order = self._order(campaign_id=self.summer.id)
        order.write({"source_id": self.yandex.id, "medium_id": self.cpc.id})
        self.assertTrue(order.ecom_channel_from_campaign)
        order.write({"medium_id": False})
        self.assertFalse(order.ecom_channel_from_campaign)

    def test_a_quotation_of_a_request_follows_the_requests_campaign_mark(self):
        """The request's «New quotation» (and the intake's quotation of a request's lines) copies its channel: an
        order of a request whose channel is its campaign's is marked so too, and follows its campaign; an order of
        a request with its own channel is not."""
        autumn = self.Campaign.create({"name": "autumn_sale"})
        for campaign, source, medium in ((self.summer, self.yandex, self.cpc), (autumn, self.vk, self.social)):
            self.Spend.create({"date": "2026-11-01", "source_id": source.id, "medium_id": medium.id,
                               "campaign_id": campaign.id, "amount": 100})
        lead = self._lead(campaign_id=self.summer.id, partner_id=self.customer.id)
        own = self._lead(campaign_id=self.summer.id, source_id=self.yandex.id, medium_id=self.cpc.id,
                         partner_id=self.customer.id)
        orders = []
        for request in (lead, own):
            action = request.action_new_quotation()
            with Form(self.env["sale.order"].with_context(action["context"])) as form:
                with form.order_line.new() as line:
                    line.product_id = self.product
            orders.append(form.record)
        order, own_order = orders
        self.assertEqual((order.opportunity_id, *self.channel(order), order.campaign_id),
                         (lead, self.yandex, self.cpc, self.summer))
        self.assertTrue(order.ecom_channel_from_campaign)
        self.assertFalse(own_order.ecom_channel_from_campaign)
        order.campaign_id = autumn
        own_order.campaign_id = autumn
        self.assertEqual(self.channel(order), (self.vk, self.social))
        self.assertEqual(self.channel(own_order), (self.yandex, self.cpc))
        # a request waiting under «Campaign without a source»: its quotation waits with it
        waiting = self._lead(campaign_id=self.Campaign.create({"name": "no_spend"}).id, partner_id=self.customer.id)
        action = waiting.action_new_quotation()
        with Form(self.env["sale.order"].with_context(action["context"])) as form:
            with form.order_line.new() as line:
                line.product_id = self.product
        self.assertEqual((form.record.source_id, form.record.ecom_channel_from_campaign), (self.campaign_only, True))

    def test_a_request_moved_to_another_company_takes_that_companys_channel(self):
        """A campaign's channel is its company's: a request or order whose channel its campaign gave, moved to
        another company (its team, or its company written), is decided again by that company's spend; one with a
        channel of its own keeps it."""
        company_b = self.env["res.company"].create({"name": "Магазин в Казани"})
        team_a, team_b = self.env["crm.team"].create([{"name": "Москва", "company_id": self.env.company.id},
                                                      {"name": "Казань", "company_id": company_b.id}])
        self.Spend.create({"date": "2026-11-01", "source_id": self.yandex.id, "medium_id": self.cpc.id,
                           "campaign_id": self.summer.id, "amount": 500})
        self.Spend.create({"date": "2026-11-01", "source_id": self.vk.id, "medium_id": self.social.id,
                           "campaign_id": self.summer.id, "amount": 300, "company_id": company_b.id})
        lead = self._lead(campaign_id=self.summer.id, user_id=False, team_id=team_a.id)
        own = self._lead(campaign_id=self.summer.id, user_id=False, team_id=team_a.id, source_id=self.yandex.id,
                         medium_id=self.cpc.id)
        self.assertEqual(self.channel(lead), (self.yandex, self.cpc))
        (lead | own).write({"team_id": team_b.id})  # the company computed from the team
        self.assertEqual((lead.company_id, own.company_id), (company_b, company_b))
        self.assertEqual((self.channel(lead), lead.ecom_channel_from_campaign), ((self.vk, self.social), True))
        self.assertEqual(self.channel(own), (self.yandex, self.cpc), "its own channel")
        # back to the first company
        lead.write({"team_id": team_a.id})
        self.assertEqual(self.channel(lead), (self.yandex, self.cpc))
        lead.write({"team_id": False, "company_id": company_b.id})  # its company written
        self.assertEqual((lead.company_id, self.channel(lead)), (company_b, (self.vk, self.social)))
        # an order
        self.env.user.company_ids |= company_b
        order = self._order(campaign_id=self.summer.id)
        order.action_cancel()
        order.action_draft()
        order.write({"company_id": company_b.id, "user_id": False, "team_id": False})
        self.assertEqual((self.channel(order), order.ecom_channel_from_campaign), ((self.vk, self.social), True))
