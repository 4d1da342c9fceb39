#!/usr/bin/python3
"""Generate data/holidays.csv: public holidays by state, for visa deadlines
counted in working days (a visa_sla policy with "days": "working").

    /usr/bin/python3 data/make-holidays.py

Python 3 standard library only; the output is the same on every run.

USA: the federal holidays of 5 U.S.C. 6103(a), with the observed day when a
holiday falls on a weekend (Saturday -> the Friday before, Sunday -> the
Monday after, Executive Order 11582). Juneteenth from 2021. One-off closures
by executive order (days of mourning, Christmas Eve) are not included.

RUS: the non-working holidays of the Labour Code, art. 112(1): 1-6 and 8
January (New Year holidays), 7 January (Christmas), 23 February, 8 March,
1 May, 9 May, 12 June and 4 November. Art. 112(2): a holiday that falls on
a Saturday or Sunday moves to the next working day, except the January
holidays, two of which the Government moves by decree each year to dates
it chooses; those decree transfers, and the Saturdays the decrees make
working days, are not included (they are not given by a rule).
"""

import datetime as dt
import os

YEARS = range(2016, 2027)
HERE = os.path.dirname(os.path.abspath(__file__))


def nth_weekday(year, month, weekday, n):
    """The n-th (1-based; -1: last) weekday (0 = Monday) of the month."""
    if n > 0:
        day = dt.date(year, month, 1)
        day += dt.timedelta((weekday - day.weekday()) % 7)
        return day + dt.timedelta(weeks=n - 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    day = nxt - dt.timedelta(days=1)
    return day - dt.timedelta((day.weekday() - weekday) % 7)


def observed(day):
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


def usa(year):
    fixed = [((1, 1), "New Year's Day"), ((7, 4), "Independence Day"),
             ((11, 11), "Veterans Day"), ((12, 25), "Christmas Day")]
    if year >= 2021:
        fixed.append(((6, 19), "Juneteenth National Independence Day"))
    out = []
    for (m, d), name in fixed:
        day = dt.date(year, m, d)
        obs = observed(day)
        out.append((obs, name if obs == day else name + " (observed)"))
    out += [(nth_weekday(year, 1, 0, 3), "Birthday of Martin Luther King, Jr."),
            (nth_weekday(year, 2, 0, 3), "Washington's Birthday"),
            (nth_weekday(year, 5, 0, -1), "Memorial Day"),
            (nth_weekday(year, 9, 0, 1), "Labor Day"),
            (nth_weekday(year, 10, 0, 2), "Columbus Day"),
            (nth_weekday(year, 11, 3, 4), "Thanksgiving Day")]
    return out


RUS_FIXED = [((2, 23), "Defender of the Fatherland Day"),
             ((3, 8), "International Women's Day"),
             ((5, 1), "Spring and Labour Day"), ((5, 9), "Victory Day"),
             ((6, 12), "Russia Day"), ((11, 4), "Unity Day")]


def rus(year):
    out = [(dt.date(year, 1, d), "New Year holidays") for d in range(1, 7)]
    out += [(dt.date(year, 1, 7), "Christmas"),
            (dt.date(year, 1, 8), "New Year holidays")]
    taken = {day for day, _ in out} | {dt.date(year, m, d)
                                       for (m, d), _ in RUS_FIXED}
    for (m, d), name in RUS_FIXED:
        day = dt.date(year, m, d)
        out.append((day, name))
        if day.weekday() >= 5:
            moved = day + dt.timedelta(days=1)
            while moved.weekday() >= 5 or moved in taken:
                moved += dt.timedelta(days=1)
            taken.add(moved)
            out.append((moved, name + " (day off moved, art. 112(2))"))
    return out


rows = []
for year in YEARS:
    rows += [("RUS", day, name) for day, name in rus(year)]
    rows += [("USA", day, name) for day, name in usa(year)]
rows.sort(key=lambda r: (r[0], r[1]))
with open(os.path.join(HERE, "holidays.csv"), "w", encoding="utf-8") as f:
    f.write("state,date,name\n")
    for state, day, name in rows:
        quoted = '"%s"' % name if "," in name else name
        f.write("%s,%s,%s\n" % (state, day.isoformat(), quoted))
print("%d holidays, %d-%d" % (len(rows), YEARS[0], YEARS[-1]))
