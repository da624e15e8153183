"""English formats for operators: 24-hour times, and every date-time labelled with its zone (``T``: "UTC" for
the console's UTC times), so a list or a record never shows a time without saying which clock it reads."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i T"
