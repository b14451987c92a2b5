/** @odoo-module **/

import { patch } from "@web/core/utils/patch";
import { PhoneField } from "@web/views/fields/phone/phone_field";

// Phones are stored as «+74951234567 доб. 123» (the number in E.164, then its extension): the
// link to call dials the number, pauses and dials the extension («tel:+74951234567,123»), as
// phones and softphones read a comma; Odoo's own «ext.» reads the same. Without this the link
// was «tel:+74951234567доб.123», one long wrong number.
const EXTENSION = /^(.*?)\s*(?:доб\.?|ext\.?|x)\s*(\d+)\s*$/i;

export function callHref(value) {
    const match = (value || "").match(EXTENSION);
    // an extension alone («доб. 123») is no number to call: the value as it is
    const [number, extension] = match && match[1].trim() ? [match[1], match[2]] : [value || "", ""];
    // «#» would end the link (a URL's fragment): dialers read it escaped
    return "tel:" + number.replace(/\s+/g, "").replace(/#/g, "%23") + (extension ? "," + extension : "");
}

patch(PhoneField.prototype, {
    get phoneHref() {
        return callHref(this.props.record.data[this.props.name]);
    },
});
