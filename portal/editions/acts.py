"""The legal acts behind the editions: the orders that approved, amended and repealed the rules."""

import datetime

from django.utils.translation import gettext_lazy as _

from portal.editions.base import LegalAct

ORDER_18 = LegalAct(
    number="18",
    signed_on=datetime.date(2020, 1, 22),
    registered_on=datetime.date(2020, 1, 23),
    registration_number="19912",
    in_force_on=datetime.date(2020, 1, 1),
)
ORDER_60 = LegalAct(
    number="60",
    signed_on=datetime.date(2022, 2, 16),
    registered_on=datetime.date(2022, 2, 17),
    registration_number="26834",
    in_force_on=datetime.date(2022, 2, 28),
    note=_(
        "In force ten calendar days after the day of its first official publication (item 5 of "
        "the order)."
    ),
)
ORDER_298 = LegalAct(
    number="298",
    signed_on=datetime.date(2022, 8, 9),
    note=_("In force ten calendar days after the day of its first official publication."),
)
ORDER_21 = LegalAct(
    number="21",
    signed_on=datetime.date(2023, 1, 20),
    in_force_on=datetime.date(2023, 1, 1),
)
ORDER_285 = LegalAct(
    number="285",
    signed_on=datetime.date(2023, 6, 30),
    in_force_on=datetime.date(2023, 7, 1),
    note=_("Repealed Order No. 60; the text of the rules that followed is not available."),
)
