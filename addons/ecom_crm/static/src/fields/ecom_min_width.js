/** @odoo-module **/

import { registry } from "@web/core/registry";
import { many2OneField } from "@web/views/fields/many2one/many2one_field";
import { many2OneAvatarUserField } from "@mail/views/web/fields/many2one_avatar_user_field/many2one_avatar_user_field";

// A list's column of a request, a call or a salesperson at least `min_width` px wide (the column's
// option, `options="{'min_width': 180}"`), wider on a wider screen. Odoo gives a many2one 80 px at
// least (110 with an avatar) and `width` fixes a column: at a laptop's 1366 px the salespeople's list, a
// dozen columns of numbers, left «Заявка для шир…» and «Ольга Зво…»; a fixed width would have left a
// wide screen's room to the columns beside them.
function minWidth(base) {
    return ({ options = {} }) => [options.min_width || base];
}

registry.category("fields").add("ecom_many2one_min_width", {
    ...many2OneField,
    listViewWidth: minWidth(80),
});

registry.category("fields").add("ecom_many2one_avatar_user_min_width", {
    ...many2OneAvatarUserField,
    listViewWidth: minWidth(110),
});
