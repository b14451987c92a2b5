import logging

from markupsafe import escape

from odoo import _, api, fields, models
from odoo.addons.ecom_crm.tools.phones import MAX_EXTENSION_DIGITS
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import float_compare

from ..commerceml import UnsafeDocument, read_documents
from ..commerceml.errors import _lt, described
from ..commerceml.mapper import (
    DELIVERY_ID,
    customer_contacts,
    customer_values,
    datetime_from_1c,
    is_order,
    line_product_ids,
    order_action,
    order_id_of,
    order_line_values,
    order_store_status,
    order_values,
    status_key,
)
from ..tools.binder import bound

_logger = logging.getLogger(__name__)


class Ecom1cImportDocuments(models.AbstractModel):
    """The documents 1C sends back (``orders*.xml``, ``documents*.xml``): what 1C says of the site's
    orders (numbers, posting, payment, shipping, statuses; lines in a two-way exchange) and the
    orders taken in 1C, with their customers."""

    _inherit = "ecom.1c.importer"

    @api.model
    def _import_documents(self, source, exchange=None, start=0, deadline=None):
        """Apply what 1C says of the site's orders: its number and date, posting, deletion mark,
        payment, shipping, cancellation and status (mapped to an action in the status table)."""
        counts = self._counts(start)
        status_maps = self.env["ecom.1c.status.map"].search([])
        actions = {m.name.strip().lower(): m.action for m in status_maps}
        statuses = {m.name.strip().lower(): m.ecom_status for m in status_maps if m.ecom_status}
        reasons = {m.name.strip().lower(): m.return_reason_id for m in status_maps if m.return_reason_id}
        late_refusal = self.env.ref("ecom_crm.lost_reason_refused_at_delivery", raise_if_not_found=False)
        two_way = self.env["ir.config_parameter"].sudo().get_param("ecom_crm_1c.order_direction") == "two_way"

        def apply_document(document, orders):
            order = orders.get(document["id"]) or orders.get(document["number"])
            if not order and is_order(document):
                order = self._order_from_1c(document, counts)
                if not order:
                    return
            elif not order:
                counts["warnings"].append(_("1C document %(number)s matches no order of the site",
                                            number=document["number"] or document["id"]))
                return
            elif two_way and document["lines"] and order.state in ("draft", "sent", "sale") and not order.locked:
                if self._apply_1c_lines(order, document, counts):
                    counts["updated"] += 1
            # 1C taking back the paid mark it sent (its payment undone: refunded): its word on the order's
            # payment, what the mark or the store status «Paid» it moved the order to said before no longer holds
            paid_undone = order.ecom_1c_paid and not document["paid"]
            vals = order_values(document, numbered_by_1c=bool(order.ecom_1c_id))
            changed = {k: v for k, v in vals.items() if order[k] != v}
            if changed:
                order.write(changed)
            # the store status first: an order 1C says was refused at delivery stays so when cancelled
            status = order_store_status(document, statuses, order.ecom_status, known=actions)
            action = order_action(document, actions)
            if status == "cancelled" and action == "cancel" and order.state != "cancel" \
                    and self._not_cancelled_why(order, paid_undone)[0]:
                # an order kept (paid, shipped…) keeps its store status: «Cancelled» would tell the customer
                # so, and hide the «Paid» or «Shipped» that keeps it
                status = None
            if status and (order.state == "sale" or status in ("returned", "cancelled")):
                reason = reasons.get(status_key(document, actions)) or late_refusal
                order._ecom_set_status(status, reason=reason if status == "returned" else None)
                changed = True
            if action == "cancel" and order.state != "cancel":
                kept, paid = self._not_cancelled_why(order, paid_undone)
                if not kept:
                    order._action_cancel()
                    self._refund_activities(order).action_done()  # 1C took its paid mark back: seen to
                    changed = True
                elif changed and paid:  # money came in: the salesperson sees to its refund
                    message = self._paid_cancelled_message(order, kept)
                    counts["warnings"].append(message)
                    order.message_post(body=message)
                    self._refund_due_activity(order, paid_undone)
                elif changed:  # said once, when 1C's mark or status is new, not at each exchange
                    message = _("Order %(number)s is cancelled or marked for deletion in 1C, but it was "
                                "not cancelled here: %(reason)s. Check it and cancel it by hand if it should "
                                "be", number=order.name, reason=kept)
                    counts["warnings"].append(message)
                    order.message_post(body=message)
            elif action == "lock" and order.state == "sale" and not order.locked:
                order.action_lock()
                changed = True
            counts["updated"] += int(bool(changed))

        def apply(chunk, _last):
            orders = self._match_orders(chunk)
            for document in chunk:
                try:
                    apply_document(document, orders)
                    # its writes reach the database now: a rule of it they break (a constraint) is this
                    # document's failure, not the next one's (whose first query would flush them) nor the batch's
                    self.env.flush_all()
                except (*PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, UnsafeDocument):
                    raise  # Odoo runs the request again; a refusal says what it refuses
                except Exception as error:
                    # the failure names the document it came at: a file of several (or an archive of
                    # several files) is refused whole, nothing of it applied, and 1C and the log say which
                    raise self._document_failed(document, error) from error

        self._apply_in_steps((values for _kind, values in read_documents(source)), counts, apply, deadline)
        return self._finish(exchange, counts)

    @staticmethod
    def _document_failed(document, error):
        """The refusal of the file whose document ``document`` failed to apply with ``error`` (one a Python or
        database error, not one of 1C's data the importer warns of): it names the document (its number, else
        its 1C id) and says why (:func:`..commerceml.errors.described`: an OSError without the server's paths), so
        that 1C and the log tell which of a file's documents broke its import. The traceback goes to the server's
        log."""
        _logger.exception("1C exchange: document %s failed to apply", document["number"] or document["id"])
        detail = error.args[0] if isinstance(error, UserError) and error.args else described(error)
        return UnsafeDocument(_lt("1C document %(document)s: %(error)s",
                                  document=document["number"] or document["id"] or "?", error=detail))

    def _not_cancelled_why(self, order, paid_undone=False):
        """``(why, paid)``: why an order 1C cancels or marks for deletion is not cancelled here ('' when it
        may be), and whether because it is paid. It was shipped, delivered, locked as fulfilled or invoiced
        (a deletion mark on a document 1C already handed over is 1C's housekeeping, and cancelling would
        drop the shipment from the store's figures and tell the customer the order is cancelled); or it is
        paid (:meth:`_paid_why`; ``paid_undone``: 1C took its paid mark back in this document): cancelled,
        it would hold the customer's money with nobody told. A parcel refused at delivery is cancelled all
        the same."""
        labels = dict(order._fields["ecom_status"]._description_selection(self.env))
        if order.ecom_status in ("shipped", "delivered"):
            return self.env._("its store status is «%s»", labels[order.ecom_status]), False
        if order.ecom_status == "returned":
            return "", False
        if order.locked:
            return self.env._("it is locked (fulfilled)"), False
        paid = self._paid_why(order, paid_undone)
        if paid:
            return paid, True
        if order.invoice_ids.filtered(lambda move: move.state == "posted"):
            return self.env._("it has a posted invoice"), False
        return "", False

    def _paid_why(self, order, paid_undone=False):
        """How the order is known to be paid, '' when it is not: its store status is «Paid» (set by hand,
        by the site, or by 1C's paid mark of an earlier exchange), 1C says so (its paid mark, in the very
        document that cancels it too), an online payment of it is done or authorized (held on the customer's
        card: voided rather than refunded) and not refunded whole, or an invoice of it is paid (in part).

        1C's paid mark (1C:УТ 11's «Дата оплаты по 1С», the site's «Оплачен») stays on an order refunded in
        1C: the refund is a document of its own, the payment stays posted. So a paid order 1C cancels may
        have been refunded already: the message and the to-do ask to see to it, not to refund blindly.
        1C taking its mark back (``paid_undone``: the mark was on, this document has it off) is 1C's word
        that the payment is undone: neither the mark nor the store status «Paid» (which the mark, or a status
        of 1C, may have set) count then; Odoo's own records of money (online payments, invoices) still do."""
        if order.ecom_status == "paid" and not paid_undone:
            return self.env._("its store status is «%s»", dict(order._fields["ecom_status"]._description_selection(
                self.env))["paid"])
        if order.ecom_1c_paid:
            return self.env._("1C says it is paid")
        if any(self._holds_money(tx) for tx in order.transaction_ids):
            return self.env._("an online payment of it was received or authorized, and not refunded")
        if order.invoice_ids.filtered(lambda move: move.state == "posted"
                                      and move.payment_state in ("paid", "in_payment", "partial")):
            return self.env._("its invoice is paid")
        return ""

    @staticmethod
    def _holds_money(tx):
        """Whether the online payment ``tx`` holds the customer's money: done or authorized, less its refunds
        done (their amounts negative: :meth:`payment.transaction._create_child_transaction`)."""
        if tx.state not in ("done", "authorized"):
            return False
        refunds = tx.child_transaction_ids.filtered(lambda child: child.operation == "refund" and child.state == "done")
        return float_compare(tx.amount + sum(refunds.mapped("amount")), 0,
                             precision_rounding=tx.currency_id.rounding) > 0

    def _paid_cancelled_message(self, order, reason):
        """What the log, the chatter and the to-do say of a paid order 1C cancels, kept (in this env's language)."""
        return self.env._(
            "Order %(number)s is cancelled or marked for deletion in 1C, but it was not cancelled here: "
            "%(reason)s. See that the customer gets the money back (it may have been refunded in 1C or by the "
            "payment provider already; else refund it), then cancel the order here by hand",
            number=order.name, reason=reason)

    def _refund_due_activity(self, order, paid_undone=False):
        """A to-do for the order's salesperson (else, or when they left: archived, its sales team's leader), in
        their language: 1C cancelled a paid order, see to its refund and cancel it. None when the order has
        neither (the log and the chatter say it all the same), nor a second while theirs is open (1C's document
        changing again)."""
        user = (order.user_id | order.team_id.user_id).filtered("active")[:1]
        if not user or self._refund_activities(order).filtered(lambda activity: activity.user_id == user):
            return
        mine = self.with_context(lang=user.lang or self.env.lang)
        reason, _paid = mine._not_cancelled_why(order.with_env(mine.env), paid_undone)
        kind = self._refund_activity_type()
        order.activity_schedule(activity_type_id=kind.id, user_id=user.id, summary=mine._refund_summary(),
                                note=escape(mine._paid_cancelled_message(order, reason)))

    def _refund_summary(self):
        return self.env._("Cancelled in 1C but paid: see to the refund, then cancel")

    def _refund_activity_type(self):
        """The activity type of :meth:`_refund_due_activity`'s to-dos (its own, so that they are found
        whatever language they were written in); Odoo's to-do if a store deleted it."""
        return (self.env.ref("ecom_crm_1c.mail_activity_type_refund_check", raise_if_not_found=False)
                or self.env.ref("mail.mail_activity_data_todo"))

    def _refund_activities(self, order):
        """The open to-dos of :meth:`_refund_due_activity` of ``order``: of its own activity type (with
        Odoo's to-do instead, the store having deleted it: by their summary, in their user's language)."""
        kind = self._refund_activity_type()
        if kind == self.env.ref("ecom_crm_1c.mail_activity_type_refund_check", raise_if_not_found=False):
            return order.activity_ids.filtered(lambda activity: activity.activity_type_id == kind)
        return order.activity_ids.filtered(
            lambda activity: activity.activity_type_id == kind
            and activity.summary == self.with_context(lang=activity.user_id.lang or self.env.lang)._refund_summary())

    def _match_orders(self, documents):
        """Orders named by documents: our own Ид («odoo-order-<id>»), else the order number."""
        Order = self.env["sale.order"]
        ids = {order_id: d["id"] for d in documents if (order_id := order_id_of(d["id"])) is not None}
        found = {ids[o.id]: o for o in Order.browse(list(ids)).exists()}
        found.update(bound(Order, [d["number"] for d in documents if d["number"]], field="name"))
        found.update(bound(Order, [d["id"] for d in documents if d["id"] and d["id"] not in found]))
        return found

    def _order_from_1c(self, document, counts):
        """A sale order for an order created in 1C (a phone order taken by 1C's operator): the customer
        found by 1C id, phone or email, or made; lines by the products' 1C ids. An order naming a
        product the site does not have is not created (warning); the rest of the file is imported and
        1C hears «success», so it sends that order again only once it changes in 1C (its exchange
        sends what changed since the last one): saved again in 1C after the product reaches the site."""
        lines, unknown = self._order_lines_from_1c(document["lines"])
        invalid = self._lines_not_numbers(document["lines"])
        if invalid:
            counts["warnings"].append(_(
                "1C order %(number)s was not created: %(lines)s: a quantity or a price that is not a number",
                number=document["number"] or document["id"], lines=invalid))
            return None
        if unknown or not lines:
            counts["warnings"].append(_("1C order %(number)s was not created: unknown products %(products)s",
                                        number=document["number"] or document["id"], products=", ".join(unknown)))
            return None
        partner = self._partner_from_1c(document["customer"])
        if not partner:
            counts["warnings"].append(_("1C order %s was not created: it names no customer",
                                        document["number"] or document["id"]))
            return None
        date_order = datetime_from_1c(document["date"], document["time"], self.env["sale.order"]._ecom_1c_tz())
        order = self.env["sale.order"].create({
            "partner_id": partner.id, "ecom_1c_id": document["id"] or False,
            "ecom_1c_number": document["number_1c"] or document["number"] or False,
            "client_order_ref": document["number"] or False, "origin": _("1C"),
            "date_order": date_order or fields.Datetime.now(),
            # the invoice for payment's date: 1C's own day (confirming dates the order today, and the
            # exchange's superuser has no zone to take 1C's time in)
            "ecom_quotation_date": document["date"][:10] if date_order else False,
            "note": document["comment"] or False,
            "order_line": [Command.create(vals) for vals in lines],
        })
        if document["posted"] and not (document["cancelled"] or document["deleted"]):
            date = order.date_order
            order.action_confirm()
            order.date_order = date  # confirming dates an order today; this one was taken when 1C says
        order.message_post(body=_("Created from 1C order %s", document["number"] or document["id"]))
        counts["created"] += 1
        return order

    @staticmethod
    def _lines_not_numbers(items):
        """The lines of a 1C document whose quantity, price or amount is written and is no number
        («abc», NaN, Infinity, 1e400), each named by its product and the tags (a NaN quantity was
        taken as 0 and a NaN price replaced by the amount, silently); empty when all are numbers."""
        return "; ".join(f"«{item['name'] or item['id']}» ({', '.join(item['not_numbers'])})"
                         for item in items if item.get("not_numbers"))

    def _order_lines_from_1c(self, items):
        """``(line values, names of unknown products)`` for the «Товары» of a 1C document."""
        Product = self.env["product.product"].with_context(active_test=False)
        products = bound(Product, {product_id for item in items for product_id in line_product_ids(item)})
        lines, unknown = [], []
        for item in items:
            product = next((products[i] for i in line_product_ids(item) if i in products), Product)
            if item["id"] == DELIVERY_ID and not product:
                product = self.env.ref("ecom_crm_1c.product_delivery_1c", raise_if_not_found=False) or Product
            if not product:
                unknown.append(item["name"] or item["id"])
                continue
            vals = order_line_values(item, product.id)
            vals["name"] = vals["name"] or product.display_name
            lines.append(vals)
        return lines, unknown

    def _apply_1c_lines(self, order, document, counts):
        """Two-way exchange: 1C changed the lines of a site's order; quantities and prices follow 1C,
        lines 1C added are added, lines it dropped go to quantity 0 (never deleted). True if changed."""
        lines, unknown = self._order_lines_from_1c(document["lines"])
        invalid = self._lines_not_numbers(document["lines"])
        if invalid:
            counts["warnings"].append(_(
                "1C order %(number)s: %(lines)s: a quantity or a price that is not a number, lines not applied",
                number=order.name, lines=invalid))
            return False
        if unknown:
            counts["warnings"].append(_("1C order %(number)s: unknown products %(products)s, lines not applied",
                                        number=order.name, products=", ".join(unknown)))
            return False
        wanted = {vals["product_id"]: vals for vals in lines}
        commands = []
        for line in order.order_line.filtered(lambda ln: not ln.display_type):
            vals = wanted.pop(line.product_id.id, None)
            if vals is None:
                if line.product_uom_qty:
                    commands.append(Command.update(line.id, {"product_uom_qty": 0}))
            elif line.product_uom_qty != vals["product_uom_qty"] or line.price_unit != vals["price_unit"]:
                commands.append(Command.update(line.id, {"product_uom_qty": vals["product_uom_qty"],
                                                         "price_unit": vals["price_unit"]}))
        commands += [Command.create(vals) for vals in wanted.values()]
        if not commands:
            return False
        order.write({"order_line": commands})
        order.message_post(body=_("Lines changed in 1C (document %s)", document["number"] or document["id"]))
        return True

    def _partner_from_1c(self, customer):
        """The customer of a 1C document: by its 1C id, else by phone or email (the CRM's one customer
        base), else a new customer with the name parts 1C sent."""
        if not customer or not (customer.get("id") or customer.get("name")):
            return self.env["res.partner"]
        Partner = self.env["res.partner"].with_context(active_test=False)
        partner = customer["id"] and Partner.search([("ecom_1c_id", "=", customer["id"])], limit=1)
        # every number of its contacts (1C keeps a mobile and a work phone apart; one may hold two numbers):
        # the customer known by any of them, the first the phone of a new one, the second its mobile
        # (tools.phones.split_phones; a contact too short for a number is left out, not read as an extension)
        phones = "; ".join(number for number in customer.get("phones") or ()
                           if sum(char.isdigit() for char in number) > MAX_EXTENSION_DIGITS)
        if not partner:
            partner = Partner._ecom_match_customer(phones or None, customer_contacts(customer)[1])
        if partner:
            if customer["id"] and not partner.ecom_1c_id:
                partner.ecom_1c_id = customer["id"]
            return partner
        values = customer_values(customer)
        if phones:
            values["phone"] = phones
        return Partner.create(values)
