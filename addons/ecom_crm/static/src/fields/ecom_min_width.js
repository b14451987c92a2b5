/** @odoo-module **/

import { registry } from "@web/core/registry";
import { many2OneField } from "@web/views/fields/many2one/many2one_field";
import { many2OneAvatarUserField } from "@mail/views/web/fields/many2one_avatar_user_field/many2one_avatar_user_field";

// A list's column of a request, a call or a salesperson at least `min_width` px wide (the column's
// option, `options="{'min_width': 180}"`), wider on a wider screen: Odoo's own fields and their props are
// kept, only `listViewWidth` (the list's minimum width of the column, a function of its options as
// Odoo's datetime field has it) reads the option. Odoo gives a many2one 80 px at least (110 with an
// avatar), and `width` fixes a column (its minimum and maximum): at a laptop's 1366 px the salespeople's
// list, a dozen columns of numbers, left «Заявка для шир…» and «Ольга Зво…»; a fixed width would have
// cut a long request's name on a wide screen too, giving its room to the columns of numbers.
function minWidth(field) {
    const [base] = field.listViewWidth || [80];
    return ({ options = {} }) => [parseInt(options.min_width) || base];
}

registry.category("fields").add("ecom_many2one_min_width", {
    ...many2OneField,
    listViewWidth: minWidth(many2OneField),
});

registry.category("fields").add("ecom_many2one_avatar_user_min_width", {
    ...many2OneAvatarUserField,
    listViewWidth: minWidth(many2OneAvatarUserField),
});
