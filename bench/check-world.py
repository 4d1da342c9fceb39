#!/usr/bin/python3
"""check-world: verifies a registry written by bench/gen-world.

    check-world.py DIR

Why it exists: gen-world builds rows that are valid by construction; this
script checks the result independently, with the rules the importer
enforces (DESIGN.md, "Interchange files") and the shape the benchmarks rely
on (row counts, share of open postings, spouses, skew of mission sizes).
It uses the standard library only, so it runs wherever python3 does.

Prints the errors as FILE:LINE: column 'X': message (the first 50, then a
count per message), then a few statistics; exits 1 when anything is wrong.
"""

import collections
import csv
import datetime
import json
import re
import statistics
import sys

ISO_3166_FILE = "/usr/share/iso-codes/json/iso_3166-1.json"

HEADERS = {
    "missions.csv": "id,name,sending,host,country,city,kind,opened,closed",
    "persons.csv": "id,family_name,given_names,sex,birth_date,nationality,"
    "passport",
    "postings.csv": "id,person,mission,title,rank,category,head_of_mission,"
    "notified,arrived,accredited,refused,ended,end_reason",
    "dependents.csv": "person,posting,relation,joined,left,accredited,revoked",
}
KINDS = {"embassy", "consulate_general", "consulate", "permanent_mission"}
DIPLOMATIC_RANKS = {"ambassador", "minister", "minister_counselor",
                    "counselor", "first_secretary", "second_secretary",
                    "third_secretary", "attache"}
CONSULAR_RANKS = {"consul_general", "consul", "vice_consul"}
RANKS = DIPLOMATIC_RANKS | CONSULAR_RANKS | {"none"}
CATEGORIES = {"diplomatic_agent", "admin_technical", "service_staff",
              "consular_officer", "consular_employee", "local_staff"}
END_REASONS = {"tour_completed", "recalled", "persona_non_grata",
               "ordered_departure", "transferred"}
RELATIONS = {"spouse", "child"}
WINDOW = datetime.date(1996, 1, 1).toordinal()
TODAY = datetime.date(2025, 12, 31).toordinal()
LONGEST_TOUR = 5 * 365
REFUSAL_GRACE = 30
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class Checker:
    """Collects errors; holds what later files refer to."""

    def __init__(self, directory):
        self.dir = directory
        self.errors = []
        self.kinds = collections.Counter()
        self.missions = {}      # id -> (sending, country, kind, opened, closed)
        self.persons = {}       # id -> (birth ordinal, nationality)
        self.postings = {}      # id -> (person, arrived, ended, mission)
        self.stats = collections.Counter()

    def error(self, where, column, message):
        self.kinds[message] += 1
        if len(self.errors) < 50:
            self.errors.append(f"{where}: column '{column}': {message}")

    def rows(self, name):
        """Yields (where, row) with the header checked first."""
        path = f"{self.dir}/{name}"
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(self.unquoted(name, f))
            header = next(reader, [])
            if ",".join(header) != HEADERS[name]:
                self.error(f"{name}:1", "*", f"header is {','.join(header)}")
                return
            for line, row in enumerate(reader, start=2):
                if len(row) != len(header):
                    self.error(f"{name}:{line}", "*", "wrong number of fields")
                    continue
                yield f"{name}:{line}", dict(zip(header, row))

    def unquoted(self, name, lines):
        """The lines, noting any that needs CSV quoting (gen-world never
        quotes, so a quote would mean a field holding one)."""
        for line, text in enumerate(lines, start=1):
            if '"' in text:
                self.error(f"{name}:{line}", "*", "quote character")
            yield text

    def date(self, where, row, column, required):
        """The column as a day ordinal, None when empty."""
        text = row[column]
        if text == "":
            if required:
                self.error(where, column, "missing date")
            return None
        if not DATE_RE.match(text):
            self.error(where, column, "not a YYYY-MM-DD date")
            return None
        try:
            return datetime.date.fromisoformat(text).toordinal()
        except ValueError:
            self.error(where, column, "no such date")
            return None


def age(birth, day):
    """Whole years from ordinal birth to ordinal day."""
    b = datetime.date.fromordinal(birth)
    d = datetime.date.fromordinal(day)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def load_states():
    with open(ISO_3166_FILE, encoding="utf-8") as f:
        return {s["alpha_3"] for s in json.load(f)["3166-1"]}


def check_missions(c, states):
    for where, r in c.rows("missions.csv"):
        if r["id"] in c.missions:
            c.error(where, "id", "duplicate id")
        for col in ("name", "city"):
            if not r[col]:
                c.error(where, col, "empty")
        if r["sending"] not in states:
            c.error(where, "sending", "unknown state")
        if r["host"] not in states and r["host"] != "UN":
            c.error(where, "host", "unknown state or organization")
        if r["host"] == r["sending"]:
            c.error(where, "host", "a state's mission to itself")
        expect = "USA" if r["host"] == "UN" else r["host"]
        if r["country"] != expect:
            c.error(where, "country", "not where the host sits")
        if r["kind"] not in KINDS:
            c.error(where, "kind", "unknown kind")
        if (r["kind"] == "permanent_mission") != (r["host"] == "UN"):
            c.error(where, "kind", "permanent missions go to the UN only")
        opened = c.date(where, r, "opened", True)
        closed = c.date(where, r, "closed", False)
        if opened is not None and closed is not None and closed <= opened:
            c.error(where, "closed", "not after opened")
        c.missions[r["id"]] = (r["sending"], r["country"], r["kind"],
                               opened, closed)
    check_mission_set(c)


def check_mission_set(c):
    """Every ordered pair has an embassy, every state a UN mission."""
    senders = {m[0] for m in c.missions.values()}
    embassies = collections.Counter()
    for mid, m in c.missions.items():
        if m[2] == "embassy":
            embassies[m[0]] += 1
        if m[2] == "permanent_mission" and mid != f"PM-{m[0]}-UN":
            c.error("missions.csv", "id", "unexpected permanent mission id")
    for s in senders:
        if embassies[s] != len(senders) - 1:
            c.error("missions.csv", "id", "a state lacks embassies")
        if f"PM-{s}-UN" not in c.missions:
            c.error("missions.csv", "id", "a state lacks its UN mission")
    c.stats["states"] = len(senders)


def check_persons(c, states):
    for where, r in c.rows("persons.csv"):
        if r["id"] in c.persons:
            c.error(where, "id", "duplicate id")
        for col in ("family_name", "given_names", "passport"):
            if not r[col]:
                c.error(where, col, "empty")
        if r["sex"] not in ("F", "M", "X"):
            c.error(where, "sex", "not F, M or X")
        if r["nationality"] not in states:
            c.error(where, "nationality", "unknown state")
        birth = c.date(where, r, "birth_date", True)
        c.persons[r["id"]] = (birth, r["nationality"])


def check_role(c, where, r):
    rank, category, head = r["rank"], r["category"], r["head_of_mission"]
    if rank not in RANKS:
        c.error(where, "rank", "unknown rank")
    if category not in CATEGORIES:
        c.error(where, "category", "unknown category")
    if head not in ("true", "false"):
        c.error(where, "head_of_mission", "not true or false")
    if head == "true" and rank not in ("ambassador", "consul_general",
                                       "consul"):
        c.error(where, "rank", "head of mission of a junior rank")
    if rank == "ambassador" and head != "true":
        c.error(where, "head_of_mission", "ambassador not head of mission")
    allowed = {"diplomatic_agent": DIPLOMATIC_RANKS,
               "consular_officer": CONSULAR_RANKS}.get(category, {"none"})
    if rank in RANKS and category in CATEGORIES and rank not in allowed:
        c.error(where, "rank", f"rank {rank} in category {category}")
    if not r["title"]:
        c.error(where, "title", "empty")


def check_milestones(c, where, r):
    """The dated milestones of one posting; returns arrived, ended."""
    notified = c.date(where, r, "notified", False)
    arrived = c.date(where, r, "arrived", True)
    accredited = c.date(where, r, "accredited", False)
    refused = c.date(where, r, "refused", False)
    ended = c.date(where, r, "ended", False)
    if arrived is None:
        return None, ended
    if not WINDOW <= arrived <= TODAY:
        c.error(where, "arrived", "outside 1996-01-01..2025-12-31")
    if notified is not None and notified > arrived:
        c.error(where, "notified", "after arrived")
    if accredited is not None and accredited < arrived:
        c.error(where, "accredited", "before arrived")
    if accredited is not None and accredited > (ended or TODAY):
        c.error(where, "accredited", "after ended or today")
    if (ended is None) != (r["end_reason"] == ""):
        c.error(where, "end_reason", "set if and only if ended")
    if r["end_reason"] and r["end_reason"] not in END_REASONS:
        c.error(where, "end_reason", "unknown end reason")
    if ended is not None and not arrived <= ended <= TODAY:
        c.error(where, "ended", "before arrived or after today")
    if ended is not None and ended - arrived > LONGEST_TOUR:
        c.error(where, "ended", "tour longer than five years")
    if ended is None and arrived <= TODAY - LONGEST_TOUR:
        c.error(where, "ended", "open although arrived over 5 years ago")
    if refused is not None:
        c.stats["refused"] += 1
        if accredited is not None:
            c.error(where, "accredited", "set on a refused posting")
        if refused < arrived:
            c.error(where, "refused", "before arrived")
        if ended is None or not refused <= ended <= refused + REFUSAL_GRACE:
            c.error(where, "ended", "not within 30 days of the refusal")
    if accredited is None and refused is None:
        c.stats["unaccredited"] += 1
    return arrived, ended


def check_place(c, where, r, arrived, ended):
    """The mission exists, is open on arrival, and the person fits it."""
    m = c.missions.get(r["mission"])
    p = c.persons.get(r["person"])
    if m is None:
        c.error(where, "mission", "unknown mission")
    if p is None:
        c.error(where, "person", "unknown person")
    if m is None or p is None or arrived is None:
        return
    sending, country, _kind, opened, closed = m
    if opened is not None and arrived < opened:
        c.error(where, "arrived", "before the mission opened")
    if closed is not None and arrived >= closed:
        c.error(where, "arrived", "on or after the mission closed")
    if closed is not None and (ended is None or ended > closed):
        c.error(where, "ended", "after the mission closed")
    local = r["category"] == "local_staff"
    if p[1] != (country if local else sending):
        c.error(where, "person", "nationality does not fit the category")
    if p[0] is not None and not 25 <= age(p[0], arrived) <= 60:
        c.error(where, "person", "not 25 to 60 on arrival")


def check_postings(c):
    for where, r in c.rows("postings.csv"):
        if r["id"] in c.postings:
            c.error(where, "id", "duplicate id")
        check_role(c, where, r)
        arrived, ended = check_milestones(c, where, r)
        check_place(c, where, r, arrived, ended)
        c.postings[r["id"]] = (r["person"], arrived, ended, r["mission"],
                               r["head_of_mission"] == "true")
        c.stats["open"] += ended is None
        c.stats["heads"] += r["head_of_mission"] == "true"
    check_overlaps(c)


def overlapping(spans):
    """Whether any two (arrived, ended) spans share a day present."""
    spans = sorted(s for s in spans if s[0] is not None)
    for (a0, e0), (a1, _e1) in zip(spans, spans[1:]):
        if e0 is None or e0 > a1:
            return True
    return False


def check_overlaps(c):
    """A person serves one tour at a time; a mission has one head."""
    by_person = collections.defaultdict(list)
    heads = collections.defaultdict(list)
    for person, arrived, ended, mission, head in c.postings.values():
        by_person[person].append((arrived, ended))
        if head:
            heads[mission].append((arrived, ended))
    for person, spans in by_person.items():
        if overlapping(spans):
            c.error("postings.csv", "person", f"{person} in two tours at once")
    for mission, spans in heads.items():
        if overlapping(spans):
            c.error("postings.csv", "head_of_mission",
                    f"{mission} has two heads at once")
    c.stats["principals"] = len(by_person)
    c.stats["headed missions"] = len(heads)


def check_dependent_dates(c, where, r, arrived, ended):
    joined = c.date(where, r, "joined", True)
    left = c.date(where, r, "left", False)
    accredited = c.date(where, r, "accredited", False)
    revoked = c.date(where, r, "revoked", False)
    if joined is None or arrived is None:
        return joined
    if not arrived <= joined <= (ended or TODAY):
        c.error(where, "joined", "outside the posting")
    if ended is not None and (left is None or left > ended):
        c.error(where, "left", "after the posting ended")
    if left is not None and left < joined:
        c.error(where, "left", "before joined")
    if accredited is not None and not joined <= accredited <= (left or TODAY):
        c.error(where, "accredited", "outside the stay")
    if revoked is not None and (accredited is None or revoked < accredited
                                or revoked > (left or TODAY)):
        c.error(where, "revoked", "without accreditation or outside the stay")
    return joined


def check_dependents(c):
    seen = set()
    spouses = set()
    for where, r in c.rows("dependents.csv"):
        key = (r["person"], r["posting"])
        if key in seen:
            c.error(where, "person", "twice in one posting")
        seen.add(key)
        posting = c.postings.get(r["posting"])
        person = c.persons.get(r["person"])
        if posting is None:
            c.error(where, "posting", "unknown posting")
        if person is None:
            c.error(where, "person", "unknown person")
        if r["relation"] not in RELATIONS:
            c.error(where, "relation", "unknown relation")
        if posting is None or person is None:
            continue
        if posting[0] == r["person"]:
            c.error(where, "person", "the principal as own dependent")
        joined = check_dependent_dates(c, where, r, posting[1], posting[2])
        if joined is None or person[0] is None:
            continue
        if r["relation"] == "child" and not (
                person[0] <= joined and age(person[0], joined) < 18):
            c.error(where, "person", "child unborn or 18 or older on joining")
        if r["relation"] == "spouse" and age(person[0], joined) < 18:
            c.error(where, "person", "spouse under 18 on joining")
        if r["relation"] == "spouse":
            spouses.add(r["posting"])
        c.stats[r["relation"] + " rows"] += 1
    c.stats["dependents"] = len(seen)
    c.stats["dependent persons"] = len({k[0] for k in seen})
    c.stats["postings with a spouse"] = len(spouses)


def present_by_mission(c, day):
    count = collections.Counter()
    for _person, arrived, ended, mission, _head in c.postings.values():
        if arrived is not None and arrived <= day and (ended is None
                                                       or ended > day):
            count[mission] += 1
    return count


def report_sizes(c, label, day):
    count = present_by_mission(c, day)
    sizes = sorted(count.values(), reverse=True)
    if not sizes:
        return
    top = ", ".join(f"{m} {n}" for m, n in count.most_common(3))
    print(f"  present on {label}: {sum(sizes)} in {len(sizes)} missions "
          f"(of {len(c.missions)}); largest {top}; median "
          f"{statistics.median(sizes)}; missions with 100+: "
          f"{sum(1 for s in sizes if s >= 100)}")


def report(c):
    s = c.stats
    n = max(1, len(c.postings))
    print(f"check-world: {c.dir}: {len(c.missions)} missions, "
          f"{len(c.persons)} persons, {len(c.postings)} postings, "
          f"{s['dependents']} dependents")
    print(f"  states {s['states']}; open {s['open'] / n:.1%}; heads "
          f"{s['heads']} in {s['headed missions']} missions; refused "
          f"{s['refused']}; not accredited {s['unaccredited']}")
    print(f"  principals {s['principals']}, dependent persons "
          f"{s['dependent persons']}, neither "
          f"{len(c.persons) - s['principals'] - s['dependent persons']}")
    print(f"  spouse rows {s['spouse rows']}, child rows {s['child rows']}; "
          f"postings with a spouse {s['postings with a spouse'] / n:.1%}")
    report_sizes(c, "2025-12-31", TODAY)
    report_sizes(c, "2010-06-30", datetime.date(2010, 6, 30).toordinal())
    years = range(1998, 2026, 3)
    days = [datetime.date(y, 6, 30).toordinal() for y in years]
    present = [0] * len(days)
    for _person, arrived, ended, _mission, _head in c.postings.values():
        for i, day in enumerate(days):
            if arrived is not None and arrived <= day and (
                    ended is None or ended > day):
                present[i] += 1
    print("  present on 30 June: " + ", ".join(
        f"{y} {n}" for y, n in zip(years, present)))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check-world.py DIR")
    c = Checker(sys.argv[1])
    states = load_states()
    check_missions(c, states)
    check_persons(c, states)
    check_postings(c)
    check_dependents(c)
    for e in c.errors:
        print(e)
    for message, n in c.kinds.most_common():
        print(f"{n} x {message}")
    report(c)
    print("check-world: " + ("ok" if not c.kinds else
                             f"{sum(c.kinds.values())} errors"))
    sys.exit(1 if c.kinds else 0)


if __name__ == "__main__":
    main()
