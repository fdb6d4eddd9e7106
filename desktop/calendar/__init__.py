"""The Calendar page: the forum events register and the forward calendar's iCalendar export."""
