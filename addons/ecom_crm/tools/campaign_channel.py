"""The channel of a campaign: the (source, medium) a request or order that names only its campaign
(a landing link that lost its utm_source and utm_medium, an ad system's tracking template that sets only
the campaign, a salesperson who picked only the campaign) is given, so that it counts in its channel's
revenue, against its campaign's ad spend. Plain Python: the database reads what it is decided from
(``utm.campaign._ecom_channels``)."""


def campaign_channel(spend_channels, row_counts):
    """The ``(source, medium)`` of a campaign, or None when it is not known for sure.

    ``spend_channels``: the distinct ``(source, medium)`` of the campaign's ad spend rows: what the store
    pays for under that campaign. They decide when there are any: one channel is the campaign's, two or
    more (the same campaign name run in Yandex Direct and in VK) leave it unknown: never a guess between
    two, the requests' numbers do not settle what the spend does not.
    ``row_counts``: ``{(source, medium): how many}`` of the campaign's requests and orders (without a
    request) that have a source: without ad spend, the channel of more than half of them (a clear
    majority) is the campaign's; a tie or a plurality is not."""
    spend_channels = set(spend_channels)
    if spend_channels:
        return next(iter(spend_channels)) if len(spend_channels) == 1 else None
    total = sum(row_counts.values())
    for channel, count in row_counts.items():
        if 2 * count > total:
            return channel
    return None
