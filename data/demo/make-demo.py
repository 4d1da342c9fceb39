#!/usr/bin/python3
"""Generate chancery's demo registry: the US and Russian missions in each
other's countries, 2016 to 2021-12-04.

The people are synthetic; the aggregates (staff counts on given dates,
expulsions, closures, the local-staff lay-off, the 27 + 28 tours over three
years) follow /work/shared/domain/FACTS.md, as README.md in this folder says.

Python 3 standard library only.  The random generator is seeded, so every run
writes byte-identical files:

    /usr/bin/python3 data/demo/make-demo.py

writes missions.csv, persons.csv, postings.csv, dependents.csv and
policies/*.json next to this script, checks every rule the importer applies
and the demo's hard constraints (assert), and prints the counts.

Model: a *slot* is one position in a mission (title, rank, category).  A slot
is held by successive postings (ordinary rotations, tour_completed); its last
posting either stays open at the registry date or ends with an event
(expulsion, staff cut, closure, lay-off).  Slots that exist on 2016-01-01 are
filled backwards from their last posting, so the roster on each checkpoint
date is the number of live slots minus the few in a rotation gap.
"""

import csv
import datetime as dt
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20211204
R = random.Random(SEED)


def d(s):
    return dt.date.fromisoformat(s)


def days(n):
    return dt.timedelta(days=n)


DEMO_START = d("2016-01-01")
AS_OF = d("2021-12-04")        # the registry is as recorded on this date
NOMINAL_OPENED = d("1992-01-01")

# Dates from FACTS.md section 3.1 (or derived from it; see README.md).
PNG16_DECLARED, PNG16_LEAVE = d("2016-12-29"), d("2017-01-01")   # 72 h
SFO_CLOSED = d("2017-09-02")
RUS_CAP_FROM = d("2017-09-01")
USA_PNG18_DECLARED, USA_PNG18_LEAVE = d("2018-03-26"), d("2018-04-02")
SEA_CLOSED = USA_PNG18_LEAVE          # 26 Mar 2018 + 7 days
RUS_PNG18_DECLARED, RUS_PNG18_LEAVE = d("2018-03-29"), d("2018-04-05")
SPB_CLOSED = d("2018-03-31")          # not in FACTS; see README.md
USA_PNG21_DECLARED, USA_PNG21_LEAVE = d("2021-04-15"), d("2021-05-21")
RUS_PNG21_DECLARED, RUS_PNG21_LEAVE = d("2021-04-16"), d("2021-05-21")
LOCAL_LAYOFF_2020 = d("2020-12-31")   # Dec 2020 notice; day assumed
LOCAL_BAN = d("2021-08-01")
ORD21_DECLARED, ORD21_LEAVE = d("2021-08-02"), d("2021-09-03")

# Hard constraint 1 windows (arrival dates of Russian bilateral staff present
# on AS_OF).
WIN_A = (d("2016-09-01"), d("2019-01-15"))   # over 3 years on 2022-01-30
WIN_B = (d("2019-02-15"), d("2019-06-15"))   # over 3 years on 2022-06-30
WIN_C = (d("2019-08-01"), d("2021-11-30"))   # not over 3 years by 2022-07-01
MARINE_WIN = (d("2020-09-01"), d("2021-11-30"))

CHECKPOINTS = [d("2016-01-01"), d("2017-09-01"), d("2018-06-01"), AS_OF]

CATEGORIES = ["diplomatic_agent", "admin_technical", "service_staff",
              "private_servant", "consular_officer", "consular_employee",
              "honorary_consul", "local_staff"]
RANKS = ["ambassador", "minister", "minister_counselor", "counselor",
         "first_secretary", "second_secretary", "third_secretary", "attache",
         "consul_general", "consul", "vice_consul", "none"]
KINDS = ["embassy", "consulate_general", "consulate", "vice_consulate",
         "consular_agency", "permanent_mission", "delegation",
         "trade_mission", "interests_section", "other"]
END_REASONS = ["tour_completed", "recalled", "persona_non_grata",
               "ordered_departure", "accreditation_withdrawn", "transferred",
               "deceased", "other"]
RELATIONS = ["spouse", "child", "parent", "household_member"]
ORGS = {"UN": "USA"}


def rdate(lo, hi):
    assert lo <= hi, (lo, hi)
    return lo + days(R.randint(0, (hi - lo).days))


def yrs(x):
    return days(round(x * 365.25))


def add_years(day, n):
    """Calendar years, rounding 29 February down to the 28th."""
    try:
        return day.replace(year=day.year + n)
    except ValueError:
        return day.replace(year=day.year + n, day=28)


def age_on(birth, day):
    return day.year - birth.year - ((day.month, day.day) <
                                    (birth.month, birth.day))


# ---------------------------------------------------------------- missions

MISSIONS = [
    ("RUS-USA-EMB", "Embassy of the Russian Federation in the United States",
     "RUS", "USA", "USA", "Washington", "embassy", None),
    ("RUS-USA-CG-NYC", "Consulate General of the Russian Federation in New York",
     "RUS", "USA", "USA", "New York", "consulate_general", None),
    ("RUS-USA-CG-HOU", "Consulate General of the Russian Federation in Houston",
     "RUS", "USA", "USA", "Houston", "consulate_general", None),
    ("RUS-USA-CG-SFO",
     "Consulate General of the Russian Federation in San Francisco",
     "RUS", "USA", "USA", "San Francisco", "consulate_general", SFO_CLOSED),
    ("RUS-USA-CG-SEA", "Consulate General of the Russian Federation in Seattle",
     "RUS", "USA", "USA", "Seattle", "consulate_general", SEA_CLOSED),
    ("RUS-UN-PM",
     "Permanent Mission of the Russian Federation to the United Nations",
     "RUS", "UN", "USA", "New York", "permanent_mission", None),
    ("USA-RUS-EMB", "Embassy of the United States of America in Moscow",
     "USA", "RUS", "RUS", "Moscow", "embassy", None),
    ("USA-RUS-CG-SPB", "Consulate General of the United States in St. Petersburg",
     "USA", "RUS", "RUS", "St. Petersburg", "consulate_general", SPB_CLOSED),
    ("USA-RUS-CG-YEK", "Consulate General of the United States in Yekaterinburg",
     "USA", "RUS", "RUS", "Yekaterinburg", "consulate_general", None),
    ("USA-RUS-CG-VVO", "Consulate General of the United States in Vladivostok",
     "USA", "RUS", "RUS", "Vladivostok", "consulate_general", None),
]
MISSION = {m[0]: dict(id=m[0], name=m[1], sending=m[2], host=m[3],
                      country=m[4], city=m[5], kind=m[6],
                      opened=NOMINAL_OPENED, closed=m[7]) for m in MISSIONS}

# ---------------------------------------------------------------- names

RU_PATRONYMIC = {
    "Aleksandr": "Aleksandrov", "Aleksey": "Alekseyev", "Andrey": "Andreyev",
    "Anatoly": "Anatolyev", "Boris": "Borisov", "Vasily": "Vasilyev",
    "Valery": "Valeryev", "Viktor": "Viktorov", "Vladimir": "Vladimirov",
    "Gennady": "Gennadyev", "Grigory": "Grigoryev", "Dmitry": "Dmitriyev",
    "Yevgeny": "Yevgenyev", "Igor": "Igorev", "Ivan": "Ivanov",
    "Konstantin": "Konstantinov", "Leonid": "Leonidov", "Maksim": "Maksimov",
    "Mikhail": "Mikhaylov", "Nikolay": "Nikolayev", "Oleg": "Olegov",
    "Pavel": "Pavlov", "Pyotr": "Petrov", "Roman": "Romanov",
    "Sergey": "Sergeyev", "Stanislav": "Stanislavov", "Fyodor": "Fyodorov",
    "Yury": "Yuryev", "Kirill": "Kirillov", "Denis": "Denisov",
    "Artyom": "Artyomov", "Ilya": "Ilyich", "Nikita": "Nikitich",
}
RU_MALE = list(RU_PATRONYMIC)
RU_FEMALE = [
    "Aleksandra", "Alina", "Alla", "Anastasiya", "Anna", "Valentina",
    "Valeriya", "Vera", "Viktoriya", "Galina", "Darya", "Yekaterina",
    "Yelena", "Yevgeniya", "Zhanna", "Inna", "Irina", "Kseniya", "Larisa",
    "Lyudmila", "Marina", "Mariya", "Nadezhda", "Natalya", "Nina", "Oksana",
    "Olga", "Polina", "Svetlana", "Tatyana", "Ulyana", "Yuliya", "Yana",
    "Sofya", "Elina", "Margarita"]
RU_FAMILY = """Ivanov Smirnov Kuznetsov Popov Vasilyev Petrov Sokolov Mikhaylov
Novikov Fyodorov Morozov Volkov Alekseyev Lebedev Semyonov Yegorov Pavlov
Kozlov Stepanov Nikolayev Orlov Andreyev Makarov Nikitin Zaytsev Solovyov
Borisov Yakovlev Grigoryev Romanov Vorobyov Sergeyev Frolov Aleksandrov
Dmitriyev Korolyov Gusev Kiselyov Ilyin Maksimov Polyakov Sorokin Vinogradov
Kovalyov Belov Tarasov Zhukov Baranov Filippov Komarov Davydov Belyayev
Gerasimov Bogdanov Osipov Sidorov Matveyev Titov Markov Mironov Krylov
Kulikov Karpov Vlasov Melnikov Denisov Gavrilov Tikhonov Kazakov Afanasyev
Danilov Savelyev Timofeyev Fomin Chernov Abramov Martynov Yefimov Fedotov
Shcherbakov Nazarov Kalinin Isayev Chernyshov Bykov Maslov Rodionov
Konovalov Lazarev Voronin Klimov Filatov Ponomaryov Golubev Kudryavtsev
Prokhorov Naumov Potapov Zhuravlyov Ovchinnikov Trofimov Leonov Sobolev
Yermakov Kolesnikov Goncharov Yemelyanov Nikiforov Grachyov Kotov Grishin
Yefremov Arkhipov Gromov Kirillov Malyshev Panov Moiseyev Rumyantsev Akimov
Kondratyev Biryukov Gorbunov Anisimov Yeremin Tikhomirov Galkin Lukyanov
Mikheyev Skvortsov Yudin Belousov Nesterov Simonov Prokofyev Kharitonov
Knyazev Tsvetkov Mitrofanov Voronov Aksyonov Sofronov Maltsev Loginov
Gorshkov Savin Krasnov Mayorov Demidov Yeliseyev Rybakov Safonov Plotnikov
Khokhlov Fadeyev Molchanov Ignatov Yershov Ushakov Dementyev Ryabov Mukhin
Leontyev Lobanov Kuzin Korneyev Yevdokimov Borodin Platonov Nekrasov
Balashov Bobrov Zhdanov Blinov Korotkov Muravyov Kryukov Belyakov Bogomolov
Drozdov Sukhanov Tretyakov Zuyev Dorofeyev Bespalov Kapustin Kornilov""".split()

US_MALE = """James John Robert Michael William David Richard Joseph Thomas
Charles Christopher Daniel Matthew Anthony Mark Donald Steven Paul Andrew
Joshua Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary
Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel
Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry Tyler Aaron Jose
Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy
Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur
Lawrence Jordan Jesse Bryan Bruce Gabriel Logan Alan Juan Albert Elijah Wayne
Randy Vincent Mason Roy Ralph Russell Bradley Philip Eugene Luis Marcus""".split()
US_FEMALE = """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah
Karen Lisa Nancy Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol
Amanda Melissa Deborah Stephanie Dorothy Rebecca Sharon Laura Cynthia Amy
Kathleen Angela Brenda Emma Anna Pamela Nicole Samantha Katherine Christine
Helen Rachel Carolyn Janet Maria Catherine Heather Diane Olivia Julie Joyce
Victoria Ruth Virginia Lauren Kelly Christina Joan Evelyn Judith Andrea
Hannah Megan Cheryl Jacqueline Martha Madison Teresa Gloria Sara Janice Ann
Kathryn Abigail Sophia Frances Jean Alice Isabella Julia Grace Amber Denise
Danielle Natalie Theresa Diana Brittany Kayla Alexis Lori Claire Leah""".split()
US_FAMILY = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez
Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson
Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson
Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams
Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans
Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy
Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard
Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray
Mendoza Ruiz Hughes Alvarez Castillo Sanders Patel Myers Long Ross Foster
Jimenez Powell Jenkins Perry Russell Bell Coleman Butler Henderson Barnes
Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton
Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson
Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison
Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman
Webb Tucker Guzman Burns Crawford Olson Simpson Hunter Gordon Mendez Silva
Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson
Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels
Ferguson Nichols Stephens Soto Weaver Gardner Payne Grant Dunn Kelley Spencer
Hawkins Arnold Pierce Hansen Peters Santos Hart Knight Elliott Cunningham
Duncan Armstrong Hudson Carroll Lane Riley Andrews Ray Delgado Berry Perkins
Hoffman Johnston Matthews Richards Willis Carpenter Lawrence Sandoval""".split()
PH_FAMILY = """Santos Reyes Cruz Bautista Ocampo Mendoza Tomas Andrada Villanueva
Aquino Navarro Mercado Dizon Manalo Pascual Soriano""".split()
PH_FEMALE = ["Maria Luisa", "Rosalie", "Jocelyn", "Marites", "Analyn", "Liza",
             "Rowena", "Maricel", "Cristina", "Lorna", "Evangeline"]
PH_MALE = ["Rodel", "Ramil", "Arnel", "Jomar", "Reynaldo", "Efren"]


def ru_family(male_form, sex):
    return male_form if sex == "M" else male_form + "a"


def ru_given(sex, father=None):
    first = R.choice(RU_MALE if sex == "M" else RU_FEMALE)
    father = father or R.choice(RU_MALE)
    stem = RU_PATRONYMIC[father]
    if stem.endswith("ich"):
        patr = stem if sex == "M" else stem[:-3] + "ichna"
    else:
        patr = stem + ("ich" if sex == "M" else "na")
    return first + " " + patr


# ---------------------------------------------------------------- people

class Person:
    __slots__ = ("key", "id", "family", "given", "sex", "birth", "nat",
                 "passport", "ru_stem", "role")

    def __repr__(self):
        return "Person(%s %s)" % (self.id or self.key, self.family)


PERSONS = []
PASSPORTS = set()


def passport_for(nat, kind):
    prefix = {("RUS", "dip"): "RD", ("RUS", "svc"): "RS", ("RUS", "ord"): "RP",
              ("USA", "dip"): "UD", ("USA", "svc"): "UO", ("USA", "ord"): "UP",
              ("PHL", "ord"): "PP"}[(nat, kind)]
    while True:
        p = "%s%07d" % (prefix, R.randint(0, 9999999))
        if p not in PASSPORTS:
            PASSPORTS.add(p)
            return p


def new_person(nat, sex, birth, pkind, family=None, given=None, role="staff"):
    p = Person()
    p.key, p.id, p.sex, p.birth, p.nat, p.role = len(PERSONS), None, sex, birth, nat, role
    p.ru_stem = None
    if nat == "RUS":
        p.ru_stem = family or R.choice(RU_FAMILY)
        p.family = ru_family(p.ru_stem, sex)
        p.given = given or ru_given(sex)
    elif nat == "USA":
        p.family = family or R.choice(US_FAMILY)
        pool = US_MALE if sex == "M" else US_FEMALE
        p.given = given or (R.choice(pool) + " " + R.choice(pool))
    else:
        p.family = family or R.choice(PH_FAMILY)
        p.given = given or R.choice(PH_MALE if sex == "M" else PH_FEMALE)
    p.passport = passport_for(nat, pkind)
    PERSONS.append(p)
    return p


# ---------------------------------------------------------------- positions

class Pos:
    __slots__ = ("title", "rank", "category", "hom")

    def __init__(self, title, rank, category, hom=False):
        self.title, self.rank, self.category, self.hom = title, rank, category, hom

    @property
    def marine(self):
        return self.title == "Marine Security Guard"


DIP_RANKS = [("minister_counselor", 6), ("counselor", 22),
             ("first_secretary", 22), ("second_secretary", 20),
             ("third_secretary", 16), ("attache", 14)]
RANK_TITLE = {"minister": "Minister", "minister_counselor": "Minister-Counselor",
              "counselor": "Counselor", "first_secretary": "First Secretary",
              "second_secretary": "Second Secretary",
              "third_secretary": "Third Secretary", "attache": "Attache"}
SECTIONS = ["political", "economic", "press", "science and technology",
            "bilateral relations", "arms control", "consular", "protocol",
            "cultural", "legal", "administrative"]
PM_SECTIONS = ["Security Council", "General Assembly", "disarmament",
               "legal (Sixth Committee)", "economic and social",
               "peacekeeping", "human rights", "press", "administrative"]
AT_RU = ["Communications technician", "Accountant", "Archivist",
         "Security officer", "IT specialist", "Translator",
         "Administrative assistant", "Protocol assistant", "Cipher clerk",
         "Facilities engineer"]
AT_US_SECURITY = ["Marine Security Guard", "Marine Security Guard",
                  "Marine Security Guard", "Security Protective Specialist",
                  "Security Technician", "Security Engineering Officer"]
AT_US_OTHER = ["Information Management Specialist",
               "Office Management Specialist", "Facilities Manager",
               "Financial Management Specialist", "Human Resources Specialist",
               "Communications Technician"]
SERVICE = ["Driver", "Cook", "Caretaker", "Maintenance technician",
           "Cleaner", "Gardener"]
PRIVATE = ["Domestic worker", "Nanny", "Housekeeper"]
CONS_EMP = ["Consular assistant", "Visa clerk", "Passport clerk",
            "Consular archivist", "Administrative assistant"]
LOCAL = ["Visa assistant", "Translator", "Driver", "Maintenance worker",
         "Administrative clerk", "Cashier", "Consular assistant",
         "Procurement assistant", "Telephone operator", "Warehouse clerk",
         "Political specialist", "Economic specialist", "Electrician",
         "Plumber", "Human resources assistant"]


def wpick(pairs):
    total = sum(w for _, w in pairs)
    x = R.uniform(0, total)
    for v, w in pairs:
        x -= w
        if x <= 0:
            return v
    return pairs[-1][0]


def diplomatic_pos(sections):
    rank = wpick(DIP_RANKS)
    return Pos("%s (%s)" % (RANK_TITLE[rank], R.choice(sections)), rank,
               "diplomatic_agent")


def random_pos(side, kind, security=False):
    """A position drawn from the mission's staff mix.  `security` draws from
    the US embassy's late-2021 mix, about half Marines and security staff
    (Sullivan, FACTS.md s.3.1 '~31 Mar 2022')."""
    if kind == "consulate_general":
        cat = wpick([("consular_officer", 45), ("consular_employee", 40),
                     ("service_staff", 13), ("private_servant", 2)])
    elif kind == "permanent_mission":
        cat = wpick([("diplomatic_agent", 74), ("admin_technical", 18),
                     ("service_staff", 6), ("private_servant", 2)])
    elif side == "RUS":
        cat = wpick([("diplomatic_agent", 38), ("admin_technical", 40),
                     ("service_staff", 16), ("consular_officer", 3),
                     ("consular_employee", 1), ("private_servant", 2)])
    elif security:
        cat = wpick([("diplomatic_agent", 34), ("admin_technical", 60),
                     ("service_staff", 2), ("consular_officer", 4)])
    else:
        cat = wpick([("diplomatic_agent", 44), ("admin_technical", 46),
                     ("service_staff", 5), ("consular_officer", 4),
                     ("private_servant", 1)])
    if cat == "diplomatic_agent":
        return diplomatic_pos(PM_SECTIONS if kind == "permanent_mission"
                              else SECTIONS)
    if cat == "consular_officer":
        rank = wpick([("consul", 40), ("vice_consul", 60)])
        return Pos("Consul" if rank == "consul" else "Vice Consul", rank, cat)
    if cat == "admin_technical":
        if side == "USA" and kind == "embassy":
            pool = (AT_US_SECURITY if R.random() < (0.85 if security else
                                                    0.35) else AT_US_OTHER)
            return Pos(R.choice(pool), "none", cat)
        return Pos(R.choice(AT_RU), "none", cat)
    if cat == "consular_employee":
        return Pos(R.choice(CONS_EMP), "none", cat)
    if cat == "service_staff":
        return Pos(R.choice(SERVICE), "none", cat)
    return Pos(R.choice(PRIVATE), "none", cat)


def local_pos():
    return Pos(R.choice(LOCAL), "none", "local_staff")


AGE = {"ambassador": (55, 64), "minister": (45, 56),
       "minister_counselor": (42, 56), "counselor": (37, 55),
       "first_secretary": (32, 48), "second_secretary": (29, 42),
       "third_secretary": (25, 35), "attache": (23, 30),
       "consul_general": (45, 58), "consul": (32, 50), "vice_consul": (25, 38)}


def staff_age(pos):
    if pos.rank in AGE:
        return AGE[pos.rank]
    if pos.marine:
        return (19, 25)
    if pos.category == "local_staff":
        return (20, 60)
    return (24, 56)


# ---------------------------------------------------------------- postings

class Posting:
    __slots__ = ("key", "id", "person", "mission", "pos", "notified",
                 "arrived", "accredited", "refused", "ended", "end_reason",
                 "deps", "credentials")

    def side(self):
        return MISSION[self.mission]["sending"]


POSTINGS = []
DEPENDENTS = []   # dicts: person, posting, relation, joined, left, accredited, revoked


def staff_nat(side, pos):
    if pos.category == "local_staff":
        return "RUS" if side == "USA" else "USA"
    if pos.category == "private_servant":
        return "PHL" if side == "USA" or R.random() < 0.5 else side
    return side


def pkind_for(nat, side, pos):
    if nat != side or pos.category in ("private_servant", "local_staff"):
        return "ord"
    if pos.category in ("diplomatic_agent", "consular_officer"):
        return "dip"
    return "svc"


def new_staff(side, pos, arrived):
    nat = staff_nat(side, pos)
    lo, hi = staff_age(pos)
    if pos.marine:
        sex = "M" if R.random() < 0.85 else "F"
    elif pos.category in ("private_servant",):
        sex = "F" if R.random() < 0.75 else "M"
    elif pos.category == "local_staff":
        sex = "F" if R.random() < 0.5 else "M"
    elif side == "RUS":
        sex = "M" if R.random() < (0.8 if pos.rank != "none" else 0.6) else "F"
    else:
        sex = "M" if R.random() < 0.6 else "F"
    birth = arrived - yrs(R.uniform(lo, hi + 0.99))
    return new_person(nat, sex, birth, pkind_for(nat, side, pos))


def make_posting(person, mission, pos, arrived, ended=None, reason=None,
                 notified=None, family=True):
    p = Posting()
    p.key, p.id, p.person, p.mission, p.pos = len(POSTINGS), None, person, mission, pos
    p.arrived, p.ended, p.end_reason, p.refused = arrived, ended, reason, None
    p.notified = notified or arrived - days(R.randint(14, 120))
    p.deps = []
    if pos.category == "local_staff":
        p.accredited = None
    else:
        acc = arrived + days(R.randint(0, 21))
        if ended is not None and acc >= ended:
            acc = arrived
        p.accredited = acc if acc <= AS_OF else None
    POSTINGS.append(p)
    if family:
        add_family(p)
    return p


SPOUSE_RATE = {"diplomatic_agent": 0.7, "consular_officer": 0.65,
               "admin_technical": 0.5, "consular_employee": 0.5,
               "service_staff": 0.4}


def dep_accredited(post, joined, left):
    if post.pos.category == "service_staff":
        return None
    acc = joined + days(R.randint(0, 20))
    if left is not None and acc > left:
        acc = joined
    return acc if acc <= AS_OF else None


def add_dependent(post, person, relation, joined, left):
    row = dict(person=person, posting=post, relation=relation, joined=joined,
               left=left, accredited=dep_accredited(post, joined, left),
               revoked=None)
    DEPENDENTS.append(row)
    post.deps.append(row)
    return row


def add_family(post):
    pos, principal = post.pos, post.person
    rate = SPOUSE_RATE.get(pos.category, 0.0)
    if pos.marine or rate == 0.0:
        return
    if pos.rank == "ambassador":
        rate = 1.0
    side = post.side()
    end = post.ended or AS_OF
    base_join = post.arrived + days(R.randint(0, 30))
    if base_join >= end:
        base_join = post.arrived
    if base_join > AS_OF:
        return
    spouse = None
    if R.random() < rate:
        ssex = "F" if principal.sex == "M" else "M"
        sbirth = principal.birth + days(R.randint(-6 * 365, 5 * 365))
        if side == "RUS":
            spouse = new_person("RUS", ssex, sbirth, "dip",
                                family=principal.ru_stem, role="dependent")
        else:
            fam = principal.family if R.random() < 0.7 else None
            spouse = new_person("USA", ssex, sbirth, "dip", family=fam,
                                role="dependent")
        add_dependent(post, spouse, "spouse", base_join, post.ended)
    if pos.rank == "ambassador":
        return
    nkids = wpick([(0, 35), (1, 30), (2, 25), (3, 10)]) if spouse else \
        wpick([(0, 85), (1, 15)])
    father = principal if principal.sex == "M" else spouse
    mother = spouse if principal.sex == "M" else principal
    for _ in range(nkids):
        # Children are 0-19 on joining, or born during the tour.
        lo = max(base_join - yrs(19.5),
                 (mother or principal).birth + yrs(21))
        hi = min(end - days(30), AS_OF - days(30),
                 (mother or principal).birth + yrs(44))
        if lo > hi:
            continue
        birth = rdate(lo, hi)
        joined = max(base_join, birth)
        if joined > AS_OF or (post.ended and joined >= post.ended):
            continue
        left = post.ended
        # Children leave the household at 18-22 (study, work at home).
        out_age = R.randint(18, 22) if R.random() < 0.85 else 24
        out = add_years(birth, out_age)
        if out <= joined:
            continue
        if out < (post.ended or AS_OF + days(1)):
            left = out
        sex = "M" if R.random() < 0.5 else "F"
        if side == "RUS":
            given = ru_given(sex, father.given.split()[0] if father and
                             father.nat == "RUS" and father.sex == "M" and
                             father.given.split()[0] in RU_PATRONYMIC else None)
            stem = principal.ru_stem
            kid = new_person("RUS", sex, birth, "dip", family=stem,
                             given=given, role="dependent")
        else:
            kid = new_person("USA", sex, birth, "dip", family=principal.family,
                             role="dependent")
        add_dependent(post, kid, "child", joined, left)


def move_family(old, new):
    """Dependents of a transferred person follow to the new posting."""
    for row in old.deps:
        if row["left"] is not None and row["left"] < old.ended:
            continue
        joined = new.arrived + days(R.randint(0, 14))
        if new.ended and joined >= new.ended:
            joined = new.arrived
        if joined > AS_OF:
            continue
        left = new.ended
        if row["relation"] == "child":
            out = add_years(row["person"].birth, 22)
            if out <= joined:
                continue
            if out < (new.ended or AS_OF + days(1)):
                left = out
        add_dependent(new, row["person"], row["relation"], joined, left)


# ---------------------------------------------------------------- slots

TOUR = {"RUS": (3.0, 5.0), "USA": (2.0, 3.2)}


def tour_range(side, pos):
    if pos.category == "local_staff":
        return (3.0, 15.0)
    if pos.marine:
        return (1.0, 1.5)
    return TOUR[side]


def fill_slot(mission, pos, last_arrived, last_ended=None, last_reason=None):
    """Postings of a slot that exists on DEMO_START: the last one arrives on
    last_arrived (and ends as given); earlier holders rotate backwards until
    one arrived before DEMO_START.  Returns the postings, oldest first."""
    side = MISSION[mission]["sending"]
    lo, hi = tour_range(side, pos)
    gap = (15, 120) if pos.category == "local_staff" else (0, 40)
    spans = [(last_arrived, last_ended, last_reason)]
    a = last_arrived
    while a >= DEMO_START:
        e = a - days(R.randint(*gap))
        a = e - yrs(R.uniform(lo, hi))
        reason = "other" if pos.category == "local_staff" else "tour_completed"
        spans.insert(0, (a, e, reason))
    out = []
    for arr, end, reason in spans:
        person = new_staff(side, pos, arr)
        out.append(make_posting(person, mission, pos, arr, end, reason))
    return out


def ending_slot(mission, pos, ended, reason, tenure=None):
    """A pre-existing slot whose last posting ends on `ended`."""
    side = MISSION[mission]["sending"]
    if tenure is None:
        lo, hi = tour_range(side, pos)
        tenure = (0.3, hi if pos.category == "local_staff" else hi - 0.5)
        if pos.marine:
            tenure = (0.2, 1.4)
    arrived = ended - yrs(R.uniform(*tenure))
    return fill_slot(mission, pos, arrived, ended, reason)


def open_slot(mission, pos, window):
    if pos.marine:
        window = MARINE_WIN
    return fill_slot(mission, pos, rdate(*window))


def transfer(old, mission, arrived, pos=None):
    """The person of `old` (already ended, reason transferred) starts a new
    posting at `mission`; the caller moves the family."""
    assert old.end_reason == "transferred"
    return make_posting(old.person, mission, pos or old.pos, arrived,
                        notified=old.ended - days(R.randint(5, 30)),
                        family=False)


def finish(post, ended, reason):
    post.ended, post.end_reason = ended, reason
    if post.accredited and post.accredited >= ended:
        post.accredited = post.arrived
    for row in post.deps:
        if row["left"] is None or row["left"] > ended:
            row["left"] = ended
        if row["accredited"] and row["accredited"] > row["left"]:
            row["accredited"] = row["joined"]


def replace_after(post, mission, window_end=WIN_C[1]):
    """A successor arrives after `post` ends (a new person, same position)."""
    side = MISSION[mission]["sending"]
    arr = min(post.ended + days(R.randint(10, 90)), window_end)
    person = new_staff(side, post.pos, arr)
    return make_posting(person, mission, post.pos, arr)


# Track slot groups for the checks and policies.
GROUP = {}   # name -> list of postings (the event postings or open postings)


def group(name, posts):
    GROUP.setdefault(name, []).extend(posts)
    return posts


def slots_ending(mission, n, lo, hi, reason, name, tenure=None,
                 pos_fn=None):
    kind = MISSION[mission]["kind"]
    side = MISSION[mission]["sending"]
    out = []
    for _ in range(n):
        pos = pos_fn() if pos_fn else random_pos(side, kind)
        if reason in ("persona_non_grata", "ordered_departure"):
            while pos.category == "private_servant" or pos.marine:
                pos = random_pos(side, kind)
        chain = ending_slot(mission, pos, rdate(lo, hi), reason, tenure)
        out.append(chain[-1])
    return group(name, out)


# ---------------------------------------------------------------- Russia in the US

def ambassador_chain(mission, title, spans):
    """Successive heads of mission: spans of (arrived, ended, reason)."""
    side = MISSION[mission]["sending"]
    pos = Pos(title, "ambassador", "diplomatic_agent", hom=True)
    out = []
    for arr, end, reason in spans:
        person = new_staff(side, pos, arr)
        out.append(make_posting(person, mission, pos, arr, end, reason,
                                notified=arr - days(R.randint(60, 120))))
    return out


def build_russia():
    emb, nyc, hou = "RUS-USA-EMB", "RUS-USA-CG-NYC", "RUS-USA-CG-HOU"
    sfo, sea, pm = "RUS-USA-CG-SFO", "RUS-USA-CG-SEA", "RUS-UN-PM"

    # Heads of mission.  Changeover months follow the public record
    # approximately (not in FACTS.md); the people are synthetic.
    ambs = ambassador_chain(emb, "Ambassador Extraordinary and Plenipotentiary", [
        (d("2008-07-28"), d("2017-07-22"), "tour_completed"),
        (d("2017-08-21"), None, None)])
    ambs[-1].credentials = d("2017-09-05")  # demo assumption (README)
    group("rus_open_fixed_A", [ambs[-1]])
    prs = ambassador_chain(pm, "Permanent Representative", [
        (d("2006-04-24"), d("2017-02-20"), "deceased"),
        (d("2017-07-28"), None, None)])
    group("rus_pm_open", [prs[-1]])

    # Embassy: 270 slots on 2016-01-01 including the ambassador's.
    slots_ending(emb, 30, d("2016-12-31"), PNG16_LEAVE, "persona_non_grata",
                 "usa_png16")
    slots_ending(emb, 48, d("2018-03-30"), USA_PNG18_LEAVE,
                 "persona_non_grata", "usa_png18")
    slots_ending(emb, 8, d("2021-05-10"), USA_PNG21_LEAVE,
                 "persona_non_grata", "usa_png21")
    slots_ending(emb, 18, d("2021-08-25"), ORD21_LEAVE, "ordered_departure",
                 "usa_ord21", tenure=(2.9, 3.4))
    emb_open = [Pos("Minister-Counselor, Deputy Chief of Mission", "minister",
                    "diplomatic_agent"),
                Pos("Defense Attache", "counselor", "diplomatic_agent")]
    emb_open += [random_pos("RUS", "embassy") for _ in range(165 - 2)]

    # Consulates general on 2016-01-01: NYC 35, HOU 15, SFO 20, SEA 15.
    def cg():
        return Pos("Consul General", "consul_general", "consular_officer",
                   hom=True)
    nyc_open = [cg()] + [random_pos("RUS", "consulate_general")
                            for _ in range(14)]
    hou_open = [cg()] + [random_pos("RUS", "consulate_general")
                            for _ in range(7)]
    slots_ending(nyc, 2, d("2021-05-10"), USA_PNG21_LEAVE,
                 "persona_non_grata", "usa_png21")
    slots_ending(nyc, 4, d("2021-08-25"), ORD21_LEAVE, "ordered_departure",
                 "usa_ord21", tenure=(2.9, 3.4))
    slots_ending(hou, 2, d("2021-08-25"), ORD21_LEAVE, "ordered_departure",
                 "usa_ord21", tenure=(2.9, 3.4))
    # Posts not refilled as visas for replacements stopped coming.
    slots_ending(nyc, 14, d("2018-09-01"), d("2021-11-15"), "tour_completed",
                 "rus_abolished", tenure=(1.5, 4.0))
    slots_ending(hou, 5, d("2018-09-01"), d("2021-11-15"), "tour_completed",
                 "rus_abolished", tenure=(1.5, 4.0))

    slots_ending(sfo, 5, d("2016-12-31"), PNG16_LEAVE, "persona_non_grata",
                 "usa_png16")
    sfo_last = [ending_slot(sfo, cg(), SFO_CLOSED, "recalled")[-1]]
    sfo_last += slots_ending(sfo, 14, SFO_CLOSED, SFO_CLOSED, "recalled",
                             "sfo_closure")
    sea_last = [ending_slot(sea, cg(), SEA_CLOSED, "recalled")[-1]]
    sea_last += slots_ending(sea, 14, d("2018-03-28"), SEA_CLOSED, "recalled",
                             "sea_closure")
    # 8 from San Francisco and 6 from Seattle move to the embassy; the
    # consuls general go home.
    def movable(posts, n):
        return [p for p in posts if p.pos.category != "private_servant" and
                not p.pos.hom][:n]
    movers = []
    for old, lo, hi in ([(p, "2017-09-05", "2017-10-15")
                         for p in movable(sfo_last, 8)] +
                        [(p, "2018-04-05", "2018-05-15")
                         for p in movable(sea_last, 6)]):
        old.end_reason = "transferred"
        pos = old.pos
        if pos.category in ("consular_officer", "consular_employee"):
            pos = Pos("Consul (consular section)" if pos.rank != "none"
                      else "Consular assistant",
                      "consul" if pos.rank != "none" else "none", pos.category)
        new = transfer(old, emb, rdate(d(lo), d(hi)), pos)
        move_family(old, new)
        movers.append(new)
    stay = R.sample(range(len(movers)), 3)
    for i, new in enumerate(movers):
        if i in stay:
            group("rus_open_fixed_A", [new])
        else:
            finish(new, rdate(d("2019-08-15"), d("2021-06-30")), "tour_completed")
            group("rus_open_C", [replace_after(new, emb)])

    # Open pre-existing slots get arrival windows so that exactly 27 (22 at
    # the embassy) arrived by 2019-01-15 and 28 in Feb-Jun 2019.
    for slots, mission, na, nb in ((emb_open, emb, 18, 22),
                                   (nyc_open, nyc, 3, 4),
                                   (hou_open, hou, 2, 2)):
        order = list(range(len(slots)))
        R.shuffle(order)
        for j, i in enumerate(order):
            w, name = ((WIN_A, "rus_open_A") if j < na else
                       (WIN_B, "rus_open_B") if j < na + nb else
                       (WIN_C, "rus_open_C"))
            group(name, [open_slot(mission, slots[i], w)[-1]])

    # New embassy positions filled from August 2019 (replacements for the
    # 2018 expulsions, as far as visas allowed).
    for _ in range(26):
        pos = random_pos("RUS", "embassy")
        arr = rdate(*WIN_C)
        group("rus_open_C", [make_posting(new_staff("RUS", pos, arr), emb, pos, arr)])

    # Permanent Mission: 135 slots, 12 expelled in 2018 and refilled later.
    pm_pos = [Pos("First Deputy Permanent Representative", "minister",
                  "diplomatic_agent"),
              Pos("Deputy Permanent Representative", "minister",
                  "diplomatic_agent"),
              Pos("Deputy Permanent Representative", "minister",
                  "diplomatic_agent")]
    pm_pos += [random_pos("RUS", "permanent_mission") for _ in range(134 - 12 - 3)]
    for pos in pm_pos:
        group("rus_pm_open", [open_slot(pm, pos, (d("2017-03-01"), WIN_C[1]))[-1]])
    slots_ending(pm, 12, d("2018-03-30"), USA_PNG18_LEAVE, "persona_non_grata",
                 "usa_png18")
    for _ in range(12):
        pos = random_pos("RUS", "permanent_mission")
        arr = rdate(d("2018-07-01"), WIN_C[1])
        group("rus_pm_open", [make_posting(new_staff("RUS", pos, arr), pm, pos, arr)])

    # About 40 notified staff waiting for US visas (Antonov, Nov 2021), and
    # two appointments refused.
    for mission, n in ((emb, 30), (nyc, 6), (hou, 4)):
        kind = MISSION[mission]["kind"]
        for _ in range(n):
            pos = random_pos("RUS", kind)
            while pos.category == "private_servant":
                pos = random_pos("RUS", kind)
            note = rdate(d("2020-05-01"), d("2021-11-20"))
            p = make_posting(new_staff("RUS", pos, note + days(60)), mission,
                             pos, note, notified=note, family=False)
            p.arrived, p.accredited = None, None
            group("rus_pending", [p])
    for _ in range(2):
        pos = random_pos("RUS", "embassy")
        while pos.category != "diplomatic_agent":
            pos = random_pos("RUS", "embassy")
        note = rdate(d("2021-02-01"), d("2021-05-31"))
        p = make_posting(new_staff("RUS", pos, note + days(60)), emb, pos,
                         note, notified=note, family=False)
        p.arrived, p.accredited = None, None
        p.refused = note + days(R.randint(30, 120))
        group("rus_refused", [p])


# ---------------------------------------------------------------- the US in Russia

def build_usa():
    emb, spb = "USA-RUS-EMB", "USA-RUS-CG-SPB"
    yek, vvo = "USA-RUS-CG-YEK", "USA-RUS-CG-VVO"
    ambs = ambassador_chain(emb, "Ambassador Extraordinary and Plenipotentiary", [
        (d("2014-09-10"), d("2017-10-02"), "tour_completed"),
        (d("2017-10-03"), d("2019-10-03"), "tour_completed"),
        (d("2020-01-16"), None, None)])
    ambs[-1].credentials = d("2020-02-05")  # demo assumption (README)
    group("usa_open_C", [ambs[-1]])

    cut_lo, cut_hi = d("2017-08-01"), RUS_CAP_FROM
    local_cut_lo = d("2017-08-15")
    def cg():
        return Pos("Consul General", "consul_general", "consular_officer",
                   hom=True)

    # Embassy: 250 US staff slots (incl. the ambassador's) and 650 local.
    slots_ending(emb, 70, cut_lo, cut_hi, "recalled", "usa_cut17")
    slots_ending(emb, 58, d("2018-04-01"), RUS_PNG18_LEAVE,
                 "persona_non_grata", "rus_png18")
    slots_ending(emb, 14, d("2018-09-01"), d("2021-07-31"), "tour_completed",
                 "usa_abolished", tenure=(1.0, 3.0))
    slots_ending(emb, 10, d("2021-05-10"), RUS_PNG21_LEAVE,
                 "persona_non_grata", "rus_png21")
    emb_open = [Pos("Deputy Chief of Mission", "minister_counselor",
                    "diplomatic_agent")]
    emb_open += [random_pos("USA", "embassy", security=True)
                 for _ in range(97 - 1)]

    # Consulates general: SPB 40, YEK 20, VVO 20 US staff slots.
    spb_cg = ending_slot(spb, cg(), SPB_CLOSED, "recalled")[-1]
    slots_ending(spb, 18, cut_lo, cut_hi, "recalled", "usa_cut17")
    slots_ending(spb, 2, d("2018-03-30"), SPB_CLOSED, "persona_non_grata",
                 "rus_png18")
    spb_last = [spb_cg] + slots_ending(spb, 19, d("2018-03-30"), SPB_CLOSED,
                                       "recalled", "spb_closure")
    slots_ending(yek, 8, cut_lo, cut_hi, "recalled", "usa_cut17")
    slots_ending(yek, 8, d("2020-03-15"), d("2020-12-31"), "tour_completed",
                 "usa_abolished")
    yek_open = [cg()] + [random_pos("USA", "consulate_general") for _ in range(3)]
    slots_ending(vvo, 9, cut_lo, cut_hi, "recalled", "usa_cut17")
    # Vladivostok suspended in March 2020; in December 2020 ten US staff
    # (the consul general among them) move to Moscow, one has gone home.
    vvo_cg = ending_slot(vvo, cg(), d("2020-12-18"), "transferred")[-1]
    vvo_last = [vvo_cg] + slots_ending(vvo, 9, d("2020-12-15"),
                                       d("2020-12-31"), "transferred",
                                       "vvo_closure")
    slots_ending(vvo, 1, d("2020-04-01"), d("2020-12-31"), "tour_completed",
                 "usa_abolished")

    # Transfers to Moscow: 8 from St Petersburg (2018), 10 from Vladivostok
    # (December 2020 notice to Congress).
    movers = []
    for old in [p for p in spb_last if p.pos.category != "private_servant"][:8]:
        old.end_reason = "transferred"
        new = transfer(old, emb, rdate(d("2018-04-02"), d("2018-05-15")),
                       Pos(old.pos.title.replace("Consul General", "Counselor (consular)"),
                           "counselor" if old.pos.hom else old.pos.rank,
                           "diplomatic_agent" if old.pos.hom else old.pos.category))
        move_family(old, new)
        movers.append(new)
    for i, new in enumerate(movers):
        if i < 4:
            group("usa_open_fixed_A", [new])
        else:
            finish(new, rdate(d("2019-08-15"), d("2021-06-30")), "tour_completed")
            group("usa_open_C", [replace_after(new, emb)])
    for old in vvo_last[:10]:
        assert old.end_reason == "transferred"
        pos = old.pos
        if pos.hom:
            pos = Pos("Counselor (consular)", "counselor", "diplomatic_agent")
        new = transfer(old, emb, rdate(d("2021-01-05"), d("2021-01-29")), pos)
        move_family(old, new)
        group("usa_open_C", [new])

    # Open pre-existing slots: 10 arrived by 2019-01-15 and 11 in Feb-Jun
    # 2019 (over three years on 2022-01-31 and 2022-07-01 respectively).
    pool = [(emb, p) for p in emb_open] + [(yek, p) for p in yek_open]
    order = [i for i in range(len(pool)) if not pool[i][1].marine]
    R.shuffle(order)
    first = {i: ("A" if j < 10 else "B") for j, i in enumerate(order[:21])}
    for i, (mission, pos) in enumerate(pool):
        w = first.get(i, "C")
        win = {"A": WIN_A, "B": WIN_B, "C": WIN_C}[w]
        group("usa_open_" + w, [open_slot(mission, pos, win)[-1]])

    # Locally employed staff (Russian nationals).
    local_plan = {emb: (650, 485, 0), spb: (110, 90, 0),
                  yek: (55, 35, 13), vvo: (55, 30, 20)}
    for mission, (total, cut, laid_off) in local_plan.items():
        for _ in range(cut):
            group("local_cut17", [ending_slot(mission, local_pos(),
                                              rdate(local_cut_lo, cut_hi),
                                              "other")[-1]])
        rest = total - cut
        if mission == spb:
            for _ in range(rest):
                group("local_spb", [ending_slot(mission, local_pos(),
                                                SPB_CLOSED, "other")[-1]])
            continue
        for _ in range(laid_off):
            group("local_laid_off_2020", [ending_slot(
                mission, local_pos(), LOCAL_LAYOFF_2020, "other")[-1]])
        for _ in range(rest - laid_off):
            group("local_ban", [ending_slot(mission, local_pos(), LOCAL_BAN,
                                            "other")[-1]])
    for _ in range(5):   # hired after the 2017 cut
        pos = local_pos()
        arr = rdate(d("2018-06-01"), d("2020-06-30"))
        group("local_ban", [make_posting(new_staff("USA", pos, arr), emb, pos,
                                         arr, LOCAL_BAN, "other")])


# ---------------------------------------------------------------- build

build_russia()
build_usa()

# Spouses' accreditation revoked under the December 2021 US family rule
# (Antonov): a handful recorded, the rest left for `check` to find.
_rev = [r for r in DEPENDENTS if r["relation"] == "spouse" and
        r["posting"].mission in ("RUS-USA-EMB", "RUS-USA-CG-NYC") and
        r["left"] is None and r["accredited"] is not None and
        r["accredited"] < d("2021-12-01")]
for r in R.sample(_rev, 6):
    r["revoked"] = rdate(d("2021-12-01"), d("2021-12-03"))

# ---------------------------------------------------------------- ids

POSTINGS.sort(key=lambda p: (p.arrived or p.notified, p.mission, p.key))
_n = 0
for i, p in enumerate(POSTINGS, 1):
    p.id = "T%05d" % i
    for who in [p.person] + [r["person"] for r in p.deps]:
        if who.id is None:
            _n += 1
            who.id = "P%05d" % _n
assert _n == len(PERSONS), "a person without a posting"
PERSONS.sort(key=lambda x: x.id)
DEPENDENTS.sort(key=lambda r: (r["posting"].id, r["person"].id))


def ids(name):
    return sorted(p.person.id for p in GROUP[name])


# ---------------------------------------------------------------- policies

FACTS = "FACTS.md"


def policy(pid, title, kind, issuer, target, scope, start, params, basis,
           source, unless=None):
    p = {"id": pid, "title": title, "kind": kind, "issuer": issuer,
         "target": target, "scope": scope,
         "effective": {"from": start, "to": None}, "params": params}
    if unless:
        p["unless"] = unless
    p["basis"], p["source"] = basis, source
    return p


def departure(pid, title, issuer, target, group_name, declared, leave_by,
              reason, basis, source):
    return policy(pid, title, "departure_order", issuer, target, {},
                  declared.isoformat(),
                  {"persons": ids(group_name), "declared": declared.isoformat(),
                   "leave_by": leave_by.isoformat(), "reason": reason},
                  basis, source)


VCDR9 = ("VCDR 1961 art. 9(1): the receiving State may at any time and "
         "without having to explain its decision notify the sending State "
         "that a member of the mission is persona non grata")
POLICIES = [
    policy("usa-rus-tenure",
           "Three-year limit on tours of staff of the Russian Embassy and "
           "consulates general", "tenure_cap", "USA", "RUS",
           {"mission_kinds": ["embassy", "consulate_general"]}, "2020-12-01",
           {"max_tenure": "P3Y", "rounding": "down",
            "waves": [{"over_by": "2022-01-30", "leave_by": "2022-01-30"},
                      {"over_by": "2022-06-30", "leave_by": "2022-06-30"}],
            "grace": "P0D"},
           "Foreign Missions Act, 22 U.S.C. 4301(c) and 4304(b): treatment of "
           "a foreign mission set with regard to the treatment of US missions "
           "in its country (reciprocity). Per State (Dec 2021) the US told "
           "Russia in 2020 it would enforce the same 3-year assignments "
           "Russia gives US diplomats",
           FACTS + " s.3.1 'Dec 2020' (republicworld: Antonov's claim; "
           "oodaloop 2021-12-01: US account; day of month not given, "
           "2020-12-01 assumed) and 'late Nov-1 Dec 2021': 55 = 27 by "
           "30 Jan + 28 by 30 Jun 2022 (thegoaspotlight 2021-12-04)"),
    policy("rus-usa-tenure",
           "US staff in Russia over three years leave by 31 January 2022",
           "tenure_cap", "RUS", "USA",
           {"mission_kinds": ["embassy", "consulate_general"]}, "2021-12-01",
           {"max_tenure": "P3Y", "rounding": "down",
            "waves": [{"over_by": "2022-01-31", "leave_by": "2022-01-31"}],
            "grace": "P0D", "cap_before": "2022-01-31"},
           "Reciprocity: Russia gives US diplomats an initial 3-year stay "
           "(State, Dec 2021); Zakharova: US embassy staff who have worked in "
           "Russia over three years leave by 31 January",
           FACTS + " s.3.1 'late Nov-1 Dec 2021' (urdupoint 1415249; "
           "oodaloop 2021-12-01); seed report 2021-12-04"),
    policy("rus-usa-tenure-2",
           "Second group of US staff leaves after 1 July 2022 unless the US "
           "compromises", "tenure_cap", "RUS", "USA",
           {"mission_kinds": ["embassy", "consulate_general"]}, "2021-12-01",
           {"max_tenure": "P3Y", "rounding": "down",
            "waves": [{"over_by": "2022-07-01", "leave_by": "2022-07-31"}],
            "grace": "P0D", "cap_from": "2022-01-31",
            "cap_before": "2022-07-01"},
           "Zakharova: another group of diplomats will leave Moscow after "
           "1 July unless the United States compromises (the leave-by date "
           "2022-07-31 is an assumption of the demo)",
           FACTS + " s.3.1 'late Nov-1 Dec 2021' (urdupoint 1415249); seed "
           "report 2021-12-04", unless="us-compromise"),
    policy("rus-usa-cap-2017",
           "US staff in Russia capped at 455 from 1 September 2017",
           "headcount_cap", "RUS", "USA", {}, RUS_CAP_FROM.isoformat(),
           {"limit": 455, "count": {"include_local_staff": True}},
           "VCDR 1961 art. 11(1): the receiving State may require the size "
           "of a mission to be kept within limits it considers reasonable "
           "and normal; set to equal Russia's presence in the US (455, "
           "including the UN mission)",
           FACTS + " s.3.1 '28 Jul 2017' (rferl live blog; informator "
           "250880) and s.3.2"),
    departure("usa-rus-expulsion-2016",
              "35 Russian officials (Embassy Washington, CG San Francisco) "
              "declared persona non grata", "USA", "RUS", "usa_png16",
              PNG16_DECLARED, PNG16_LEAVE, "persona_non_grata",
              VCDR9 + "; 72 hours to leave",
              FACTS + " s.3.1 '29 Dec 2016' (rbth; nationalmemo/Reuters). "
              "The 30 + 5 split between the embassy and San Francisco is "
              "the demo's"),
    departure("usa-rus-expulsion-2018",
              "60 Russian officials (48 Embassy, 12 UN mission) expelled",
              "USA", "RUS", "usa_png18", USA_PNG18_DECLARED, USA_PNG18_LEAVE,
              "persona_non_grata", VCDR9 + "; 7 days to leave",
              FACTS + " s.3.1 '26 Mar 2018' (extra.ie)"),
    departure("usa-rus-expulsion-2021",
              "10 Russian officials (Embassy, CG New York) expelled",
              "USA", "RUS", "usa_png21", USA_PNG21_DECLARED, USA_PNG21_LEAVE,
              "persona_non_grata",
              VCDR9 + "; leave-by date assumed from the 'about 5 weeks "
              "(Apr-May 2021)' deadline in FACTS.md s.2.2",
              FACTS + " s.3.1 '15-21 Apr 2021' (axios 2021-04-16)"),
    departure("usa-rus-departure-2021-09",
              "24 Russian diplomats with expiring visas leave by "
              "3 September 2021", "USA", "RUS", "usa_ord21", ORD21_DECLARED,
              ORD21_LEAVE, "ordered_departure",
              "US visa validity of 3 years for Russian mission staff "
              "('nothing new', Price); departures 'practically all' without "
              "replacement (Antonov)",
              FACTS + " s.3.1 '2 Aug 2021' (republicworld)"),
    departure("rus-usa-expulsion-2018",
              "60 US diplomats (58 Embassy Moscow, 2 CG St Petersburg) "
              "expelled", "RUS", "USA", "rus_png18", RUS_PNG18_DECLARED,
              RUS_PNG18_LEAVE, "persona_non_grata", VCDR9,
              FACTS + " s.3.1 '29 Mar 2018' (nydailynews; noticiabrasil). "
              "FACTS marks the St Petersburg share as per one source"),
    departure("rus-usa-expulsion-2021",
              "10 US diplomats declared persona non grata", "RUS", "USA",
              "rus_png21", RUS_PNG21_DECLARED, RUS_PNG21_LEAVE,
              "persona_non_grata", VCDR9 + "; leave by 21 May",
              FACTS + " s.3.1 '15-21 Apr 2021' (escambray; axios). The "
              "declaration date 2021-04-16 is assumed"),
    policy("usa-rus-family-2021",
           "Accreditation of spouses denied and children refused visas",
           "dependent_rule", "USA", "RUS",
           {"mission_kinds": ["embassy", "consulate_general"]}, "2021-12-01",
           {"spouse": "deny", "child_visa": "deny", "child_max_age": 21,
            "student_max_age": 23},
           "VCDR 1961 art. 37(1): family members forming part of the "
           "household; 'family' is undefined, so the receiving State's "
           "practice applies (FACTS.md s.2.2: spouse and minor children "
           "are universally accepted, older students vary). The age limits "
           "21 and 23 are assumptions of the demo: FACTS gives no US age "
           "for children (its 21 is the US minimum age of a diplomatic "
           "agent)",
           FACTS + " s.3.1 'late Nov-1 Dec 2021' (Antonov via "
           "thegoaspotlight 2021-12-04); seed report 2021-12-04. Start date "
           "assumed"),
    policy("rus-usa-local-staff-2021",
           "US missions may not employ Russian nationals",
           "local_staff_ban", "RUS", "USA", {}, LOCAL_BAN.isoformat(),
           {"nationalities": ["RUS"]},
           "Russian notification of 23 Apr 2021 banning the US mission from "
           "employing foreign (Russian and third-country) nationals; guard "
           "force exempt",
           FACTS + " s.3.1 '23 Apr 2021' (rferl 31231289) and '30 Jul / "
           "1 Aug 2021' (saudigazette: Blinken statement; missoulian/AP: 182 "
           "local employees); s.3.4"),
    policy("usa-un-visa-sla",
           "Visas for UN mission staff and delegates within 15 days",
           "visa_sla", "USA", "*", {"mission_kinds": ["permanent_mission"]},
           "1947-11-21",
           {"max_days": 15, "days": "calendar",
            "purposes": ["posting", "delegate"],
            "classes": ["G-1", "G-2", "G-3", "G-4"]},
           "UN Headquarters Agreement 1947 s.13(a): visas 'shall be granted "
           "without charge and as promptly as possible'; 15 days is the time "
           "frame discussed at the Host Country Committee in 2005, not a "
           "treaty figure",
           FACTS + " s.2.4 (FRUS 1951 v02 d16; russiaun.ru) and s.4.1 "
           "(press.un.org HQ/641)"),
]

# The day the office learned each policy, where it is not the policy's
# start (`chancery demo` records each policy on that day, so that
# --as-known-on walks through the episode). The others were announced on
# the day they took effect.
ANNOUNCED = {
    "usa-rus-tenure": ("2021-12-01",
                       "the 55 and the two waves: FACTS.md s.3.1 'late "
                       "Nov-1 Dec 2021' (oodaloop 2021-12-01); the 2020 "
                       "notice gave no waves"),
    "rus-usa-cap-2017": ("2017-07-28", "FACTS.md s.3.1 '28 Jul 2017'"),
    "rus-usa-local-staff-2021": ("2021-04-23",
                                 "FACTS.md s.3.1 '23 Apr 2021': the "
                                 "notification"),
    "usa-un-visa-sla": ("1992-01-01",
                        "the practice predates the registry; recorded on "
                        "its first day (the missions' nominal opening)"),
}

# ---------------------------------------------------------------- checks

ALPHA3_FILE = "/usr/share/iso-codes/json/iso_3166-1.json"
if os.path.exists(ALPHA3_FILE):
    with open(ALPHA3_FILE, encoding="utf-8") as f:
        ALPHA3 = {c["alpha_3"] for c in json.load(f)["3166-1"]}
else:
    ALPHA3 = {"RUS", "USA", "PHL"}


def present(p, day):
    return (p.arrived is not None and p.arrived <= day and
            not (p.refused is not None and p.refused <= day) and
            (p.ended is None or p.ended > day))


def count(day, pred):
    return sum(1 for p in POSTINGS if present(p, day) and pred(p))


def check_rows():
    for table, items in (("missions", list(MISSION)),
                         ("persons", [p.id for p in PERSONS]),
                         ("postings", [p.id for p in POSTINGS]),
                         ("passports", [p.passport for p in PERSONS]),
                         ("dependents", [(r["person"].id, r["posting"].id)
                                         for r in DEPENDENTS])):
        assert len(items) == len(set(items)), "duplicate id in " + table
    for m in MISSION.values():
        assert m["sending"] in ALPHA3 and m["country"] in ALPHA3, m
        assert m["host"] in ALPHA3 or m["host"] in ORGS, m
        if m["host"] in ORGS:
            assert ORGS[m["host"]] == m["country"]
        else:
            assert m["host"] == m["country"]
        assert m["kind"] in KINDS
        assert m["closed"] is None or m["opened"] < m["closed"]
    staff = {p.person.key for p in POSTINGS}
    for x in PERSONS:
        assert x.nat in ALPHA3 and x.sex in ("F", "M", "X"), x
        assert d("1930-01-01") <= x.birth <= AS_OF, x
        assert x.role == "staff" or x.key not in staff, "dependent on staff"
    by_person = {}
    for p in POSTINGS:
        m = MISSION[p.mission]
        assert p.pos.category in CATEGORIES and p.pos.rank in RANKS
        assert (p.ended is None) == (p.end_reason is None), p.id
        assert p.end_reason is None or p.end_reason in END_REASONS
        assert p.notified is not None and p.notified <= AS_OF
        for day in (p.arrived, p.accredited, p.refused, p.ended):
            assert day is None or day <= AS_OF, p.id
        if p.arrived:
            assert p.notified <= p.arrived, p.id
            assert m["opened"] <= p.arrived, p.id
            assert m["closed"] is None or p.arrived < m["closed"], p.id
            age = age_on(p.person.birth, p.arrived)
            assert 18 <= age <= 70, (p.id, age)
        if p.accredited:
            assert p.arrived and p.arrived <= p.accredited <= p.arrived + days(30)
            assert p.notified <= p.accredited
            assert p.ended is None or p.accredited < p.ended
        if p.refused:
            assert p.notified <= p.refused and p.accredited is None
            assert p.arrived is None or p.arrived <= p.refused
        if p.ended:
            assert p.arrived and p.arrived + days(60) <= p.ended, p.id
        if m["closed"] and p.arrived:
            assert p.ended is not None and p.ended <= m["closed"], p.id
        # Nationality: sending-state nationals, except local staff (host's)
        # and private servants.
        if p.pos.category == "local_staff":
            assert p.person.nat == m["country"]
        elif p.pos.category != "private_servant":
            assert p.person.nat == m["sending"]
        if p.arrived:
            by_person.setdefault(p.person.key, []).append(p)
    for posts in by_person.values():
        posts.sort(key=lambda p: p.arrived)
        for a, b in zip(posts, posts[1:]):
            assert a.ended is not None and a.ended <= b.arrived, (a.id, b.id)
    for r in DEPENDENTS:
        p, who = r["posting"], r["person"]
        assert r["relation"] in RELATIONS and p.arrived is not None
        assert p.arrived <= r["joined"] <= AS_OF
        assert r["left"] is None or r["joined"] <= r["left"]
        if p.ended:
            assert r["left"] is not None and r["left"] <= p.ended, p.id
        if r["accredited"]:
            assert r["joined"] <= r["accredited"] <= AS_OF
            assert r["left"] is None or r["accredited"] <= r["left"]
        if r["revoked"]:
            assert r["accredited"] and r["accredited"] <= r["revoked"] <= AS_OF
        assert who.birth <= r["joined"]
        age = age_on(who.birth, r["joined"])
        if r["relation"] == "child":
            assert age <= 20 and age_on(who.birth, r["left"] or AS_OF) <= 24
        else:
            assert age >= 18
    # One head of mission (and one ambassador) at a time per mission.
    for mid in MISSION:
        for flag in (lambda p: p.pos.hom, lambda p: p.pos.rank == "ambassador"):
            heads = sorted((p for p in POSTINGS if p.mission == mid and
                            p.arrived and flag(p)), key=lambda p: p.arrived)
            for a, b in zip(heads, heads[1:]):
                assert a.ended is not None and a.ended <= b.arrived, (mid, a.id)
    assert all(p.pos.rank == "ambassador" for p in POSTINGS if p.pos.hom and
               MISSION[p.mission]["kind"] != "consulate_general")


def check_policies():
    known_persons = {p.id for p in PERSONS}
    for pol in POLICIES:
        for key in ("id", "title", "kind", "issuer", "target", "scope",
                    "effective", "params", "basis", "source"):
            assert pol.get(key) not in (None, ""), (pol["id"], key)
        if pol["kind"] != "departure_order":
            continue
        prm = pol["params"]
        declared, leave_by = d(prm["declared"]), d(prm["leave_by"])
        assert set(prm["persons"]) <= known_persons
        for pid in prm["persons"]:
            hits = [p for p in POSTINGS if p.person.id == pid and
                    present(p, declared) and
                    MISSION[p.mission]["sending"] == pol["target"] and
                    MISSION[p.mission]["country"] == pol["issuer"]]
            assert len(hits) == 1, (pol["id"], pid)
            p = hits[0]
            assert p.end_reason == prm["reason"], (pol["id"], pid)
            assert declared <= p.ended <= leave_by, (pol["id"], pid)


RUS_BILATERAL = ("RUS-USA-EMB", "RUS-USA-CG-NYC", "RUS-USA-CG-HOU",
                 "RUS-USA-CG-SFO", "RUS-USA-CG-SEA")
US_MISSIONS = ("USA-RUS-EMB", "USA-RUS-CG-SPB", "USA-RUS-CG-YEK",
               "USA-RUS-CG-VVO")


def nonlocal_(p):
    return p.pos.category != "local_staff"


def check_constraints():
    out = {}
    # 1. Russian embassy and consulates: 27 + 28 over three years.
    pres = [p for p in POSTINGS if present(p, AS_OF) and
            p.mission in RUS_BILATERAL and nonlocal_(p)]
    a = [p for p in pres if p.arrived <= WIN_A[1]]
    b = [p for p in pres if WIN_B[0] <= p.arrived <= WIN_B[1]]
    c = [p for p in pres if p.arrived >= WIN_C[0]]
    assert len(a) == 27 and len(b) == 28, (len(a), len(b))
    assert len(a) + len(b) + len(c) == len(pres)
    assert all(p.ended is None for p in a + b)
    assert all(p.arrived <= d("2019-01-29") - days(14) for p in a)
    # Over the P3Y cap on each wave's over_by date (rounding down).
    assert all(add_years(p.arrived, 3) < d("2022-01-30") for p in a)
    assert all(add_years(p.arrived, 3) < d("2022-06-30") for p in b)
    assert all(add_years(p.arrived, 3) >= d("2022-06-30") for p in c)
    emb = sum(1 for p in pres if p.mission == "RUS-USA-EMB")
    emb_a = sum(1 for p in a if p.mission == "RUS-USA-EMB")
    assert emb - emb_a == 184, (emb, emb_a)
    out["c1"] = (len(pres), len(a), len(b), len(c), emb, emb_a)
    # 2. US missions: ~1,200 in early 2017, <= 455 from 1 Sep 2017 (local
    # staff counted), ~120 non-local late 2021, 182 local let go.
    us = lambda p: p.mission in US_MISSIONS
    tot16 = count(d("2016-01-01"), us)
    tot17 = count(d("2017-03-01"), us)
    assert 1150 <= tot16 <= 1200 and 1150 <= tot17 <= 1200, (tot16, tot17)
    day = RUS_CAP_FROM
    while day <= AS_OF:
        assert count(day, us) <= 455, day
        day = (day.replace(day=1) + days(32)).replace(day=1)
    assert 440 <= count(RUS_CAP_FROM, us) <= 455
    us_d = count(AS_OF, lambda p: us(p) and nonlocal_(p))
    assert 115 <= us_d <= 125, us_d
    loc_before = count(LOCAL_BAN - days(1), lambda p: us(p) and not nonlocal_(p))
    loc_after = count(LOCAL_BAN, lambda p: us(p) and not nonlocal_(p))
    let_go = [p for p in POSTINGS if us(p) and not nonlocal_(p) and
              p.ended == LOCAL_BAN]
    assert loc_before == 182 and loc_after == 0 and len(let_go) == 182
    assert all(p.end_reason == "other" and p.person.nat == "RUS" for p in let_go)
    out["c2"] = (tot16, tot17, count(RUS_CAP_FROM, us), us_d, loc_before)
    # 3. Russian staff in the US: 455 incl. the UN mission (2017), the UN
    # mission near Lavrov's ~140, diplomats incl. the UN mission ~200 (Oct
    # 2021, Zakharova).
    ru = lambda p: p.mission in RUS_BILATERAL + ("RUS-UN-PM",) and nonlocal_(p)
    ru17 = count(RUS_CAP_FROM, ru)
    assert 440 <= ru17 <= 460, ru17
    pm = count(AS_OF, lambda p: p.mission == "RUS-UN-PM")
    assert 125 <= pm <= 145, pm
    dipl = count(d("2021-10-29"), lambda p: ru(p) and p.pos.category in
                 ("diplomatic_agent", "consular_officer"))
    assert 180 <= dipl <= 220, dipl
    out["c3"] = (ru17, pm, dipl)
    # Expulsion counts per FACTS.md.
    sizes = {"usa_png16": 35, "usa_png18": 60, "usa_png21": 10,
             "usa_ord21": 24, "rus_png18": 60, "rus_png21": 10}
    for name, n in sizes.items():
        assert len(GROUP[name]) == n == len(set(ids(name))), name
    split = lambda name: {m: sum(1 for p in GROUP[name] if p.mission == m)
                          for m in sorted({p.mission for p in GROUP[name]})}
    assert split("usa_png18") == {"RUS-UN-PM": 12, "RUS-USA-EMB": 48}
    assert split("rus_png18") == {"USA-RUS-CG-SPB": 2, "USA-RUS-EMB": 58}
    out["splits"] = {n: split(n) for n in sizes}
    # Local-staff ban: no Russian local staff at US missions from 2021-08-01.
    assert not any(present(p, AS_OF) for p in POSTINGS
                   if us(p) and p.pos.category == "local_staff")
    return out


def check_russian_groups():
    """Russia's two rules reach 14 and 11 US staff present on AS_OF (the
    README's figures), by the cap-date bounds the policies give them."""
    rules = {pol["id"]: pol["params"] for pol in POLICIES
             if pol["id"] in ("rus-usa-tenure", "rus-usa-tenure-2")}
    staff = [p for p in POSTINGS if present(p, AS_OF) and
             p.mission in US_MISSIONS and nonlocal_(p)]
    for pid, want in (("rus-usa-tenure", 14), ("rus-usa-tenure-2", 11)):
        lo, hi = rules[pid].get("cap_from"), rules[pid].get("cap_before")
        got = [p for p in staff
               if (lo is None or add_years(p.arrived, 3) >= d(lo)) and
               (hi is None or add_years(p.arrived, 3) < d(hi))]
        assert len(got) == want, (pid, len(got))


check_rows()
check_policies()
check_russian_groups()
RESULT = check_constraints()

# ---------------------------------------------------------------- visas

# Visa cases and consular services (DESIGN.md "visa case", "consular
# service"). They draw on their own seeded generator, so every file above is
# byte-identical to what it was before visas were added; README.md lists
# which figures they follow. Unlike the postings, the visa cases run to 2022
# (the 2022 General Assembly) and the consular rows to 2025.
RV = random.Random(SEED + 4)
VISA_END = d("2022-12-31")

# US posts abroad where Russians applied (FACTS s.3.1, s.3.3).
MISSIONS_ABROAD = [
    ("USA-POL-EMB", "Embassy of the United States of America in Warsaw",
     "USA", "POL", "POL", "Warsaw", "embassy", None),
    ("USA-KAZ-EMB", "Embassy of the United States of America in Astana",
     "USA", "KAZ", "KAZ", "Astana", "embassy", None),
    ("USA-KAZ-CG-ALA", "Consulate General of the United States in Almaty",
     "USA", "KAZ", "KAZ", "Almaty", "consulate_general", None),
    ("USA-ARE-EMB", "Embassy of the United States of America in Abu Dhabi",
     "USA", "ARE", "ARE", "Abu Dhabi", "embassy", None),
]
for _m in MISSIONS_ABROAD:
    MISSION[_m[0]] = dict(id=_m[0], name=_m[1], sending=_m[2], host=_m[3],
                          country=_m[4], city=_m[5], kind=_m[6],
                          opened=NOMINAL_OPENED, closed=_m[7])

VISAS = []   # dicts: key, person, issuing, post, class, purpose, meeting,
             # applied, decided, outcome, valid_until, previous


def visa(person, issuing, post, klass, purpose, applied, decided=None,
         outcome="pending", valid_until=None, meeting=None, previous=None):
    row = dict(key=len(VISAS), id=None, person=person, issuing=issuing,
               post=post, klass=klass, purpose=purpose, meeting=meeting,
               applied=applied, decided=decided, outcome=outcome,
               valid_until=valid_until, previous=previous)
    VISAS.append(row)
    return row


def us_class(p):
    """The US visa class of a Russian posting (FACTS s.2.6)."""
    if p.mission == "RUS-UN-PM":
        return "G-5" if p.pos.category == "private_servant" else "G-1"
    if p.pos.category == "private_servant":
        return "A-3"
    if p.pos.category in ("diplomatic_agent", "consular_officer"):
        return "A-1"
    return "A-2"


def processing_days(applied):
    """Days to decision of a staff visa: weeks in 2017-2018, months once
    replacements stalled (FACTS s.4.2)."""
    if applied < d("2019-01-01"):
        return RV.randint(7, 60)
    return RV.randint(30, 240)


def decided_before(applied, by):
    """A decision after applied, taken by `by` (arrival or joining)."""
    dec = applied + days(processing_days(applied))
    if dec >= by:
        dec = by - days(RV.randint(1, 10))
    return max(dec, applied)


def valid_3y(decided):
    return add_years(decided, 3) - days(1)


STAFF_VISA = {}   # posting key -> its visa row


def russian_staff_visas():
    """A case per Russian posting notified from 2017 (transfers keep their
    visa); issued before arrival, refused with the appointment, or pending
    while the posting waits (FACTS s.3.1 'Aug 2021', '~17 Nov 2021')."""
    moved = {p.person.key for p in POSTINGS if p.end_reason == "transferred"}
    refused = {p.key for p in GROUP["rus_refused"]}
    for p in POSTINGS:
        if MISSION[p.mission]["sending"] != "RUS" or p.notified < d("2017-01-01"):
            continue
        if p.person.key in moved and p.arrived and p.end_reason != "transferred":
            continue
        applied = p.notified - days(RV.randint(0, 20))
        if p.arrived:
            dec = decided_before(applied, p.arrived)
            row = visa(p.person, "USA", "USA-RUS-EMB", us_class(p), "posting",
                       applied, dec, "issued", valid_3y(dec))
        elif p.key in refused:
            row = visa(p.person, "USA", "USA-RUS-EMB", us_class(p), "posting",
                       applied, p.refused, "refused")
        else:
            row = visa(p.person, "USA", "USA-RUS-EMB", us_class(p), "posting",
                       applied)
        STAFF_VISA[p.key] = row
    # The 24 of September 2021 left as their visas expired.
    for p in GROUP["usa_ord21"]:
        if p.key in STAFF_VISA:
            STAFF_VISA[p.key]["valid_until"] = ORD21_LEAVE


def russian_family_visas():
    """Spouses joining from 2019: a dependent case beside the principal's."""
    for r in DEPENDENTS:
        p = r["posting"]
        if (r["relation"] != "spouse" or p.key not in STAFF_VISA or
                r["joined"] < d("2019-01-01")):
            continue
        main = STAFF_VISA[p.key]
        applied = main["applied"] + days(RV.randint(0, 10))
        if applied >= r["joined"]:
            applied = main["applied"]
        dec = decided_before(applied, r["joined"])
        visa(r["person"], "USA", "USA-RUS-EMB", main["klass"], "dependent",
             applied, dec, "issued", valid_3y(dec))


def extension_visas():
    """About 60 staff waiting for extensions in November 2021 (Antonov,
    FACTS s.3.1 '~17 Nov 2021'), with their spouses: pending cases that
    follow the visa they extend."""
    waiting = [p for p in POSTINGS if p.key in STAFF_VISA and
               present(p, d("2021-11-17")) and
               STAFF_VISA[p.key]["outcome"] == "issued" and
               STAFF_VISA[p.key]["valid_until"] <= d("2022-09-30") and
               p not in GROUP["usa_ord21"]]
    waiting.sort(key=lambda p: p.key)
    chosen = RV.sample(waiting, 60)
    for p in sorted(chosen, key=lambda p: p.key):
        old = STAFF_VISA[p.key]
        applied = min(old["valid_until"] - days(RV.randint(60, 150)),
                      d("2021-11-15"))
        applied = max(applied, old["decided"] + days(1))
        visa(p.person, "USA", "USA-RUS-EMB", old["klass"], "posting", applied,
             previous=old)
    return chosen


def delegate(meeting_name):
    """A synthetic member of a Russian delegation (no posting)."""
    sex = "M" if RV.random() < 0.7 else "F"
    first = RV.choice(RU_MALE if sex == "M" else RU_FEMALE)
    stem = RV.choice(RU_FAMILY)
    father = RU_PATRONYMIC[RV.choice(RU_MALE)]
    patr = father + ("ich" if sex == "M" else "na") if not father.endswith(
        "ich") else (father if sex == "M" else father[:-3] + "ichna")
    p = Person()
    p.key, p.id, p.sex, p.nat, p.role = len(PERSONS), None, sex, "RUS", "delegate"
    p.ru_stem, p.family = stem, ru_family(stem, sex)
    p.given = first + " " + patr
    p.birth = d("1955-01-01") + days(RV.randint(0, 35 * 365))
    while True:
        p.passport = "RD%07d" % RV.randint(0, 9999999)
        if p.passport not in PASSPORTS:
            PASSPORTS.add(p.passport)
            break
    PERSONS.append(p)
    return p


def delegation(n, lo, hi, meeting, decide):
    """n delegates applying between lo and hi for a meeting; decide(i,
    applied) gives (decided, outcome) for the i-th."""
    out = []
    for i in range(n):
        applied = rdate_v(lo, hi)
        dec, outcome = decide(i, applied)
        klass = "G-1" if i < n // 3 else "G-2"
        valid = meeting + days(30) if outcome == "issued" else None
        out.append(visa(delegate(meeting), "USA", "USA-RUS-EMB", klass,
                        "delegate", applied, dec, outcome, valid, meeting))
    return out


def rdate_v(lo, hi):
    return lo + days(RV.randint(0, (hi - lo).days))


def delegate_visas():
    """UN delegations (FACTS s.3.1, s.4.1)."""
    ga74, c1 = d("2019-09-24"), d("2019-10-07")
    # UNGA74: 18 delegates not issued visas, among them First Committee
    # members; the others issued, some after the 15-day frame.
    delegation(44, d("2019-08-01"), d("2019-09-06"), ga74,
               lambda i, a: (min(a + days(RV.randint(5, 30)),
                                 ga74 - days(1)), "issued"))
    delegation(10, d("2019-08-10"), d("2019-09-06"), ga74,
               lambda i, a: (None, "pending"))
    delegation(8, d("2019-08-20"), d("2019-09-20"), c1,
               lambda i, a: (None, "pending"))
    # February 2020: the head of delegation to the Disarmament Commission
    # had no visa and the session was postponed by 10 days (dates assumed).
    delegation(1, d("2020-01-27"), d("2020-01-27"), d("2020-02-18"),
               lambda i, a: (d("2020-02-26"), "issued"))
    # UNGA76 (2021): issued, a few late.
    ga76 = d("2021-09-21")
    delegation(40, d("2021-08-02"), d("2021-09-03"), ga76,
               lambda i, a: (min(a + days(RV.randint(8, 28)), ga76 + days(2)),
                             "issued"))
    # UNGA77 (2022): none of 56 had a visa on 1 September; some, the head
    # of delegation among them, on 13 September; the split of the rest is
    # the demo's.
    ga77 = d("2022-09-20")

    def ga77_decision(i, applied):
        if i < 24:
            return d("2022-09-13"), "issued"
        if i < 44:
            return d("2022-09-14") + days(RV.randint(0, 8)), "issued"
        return None, "pending"
    delegation(56, d("2022-07-25"), d("2022-08-25"), ga77, ga77_decision)


def us_staff_visas():
    """US staff posted to Russia from 2019 apply to Russia (post: the
    Russian Embassy in Washington); all issued before arrival."""
    for p in POSTINGS:
        if (MISSION[p.mission]["sending"] != "USA" or
                p.pos.category == "local_staff" or
                p.notified < d("2019-01-01") or not p.arrived or
                p.end_reason == "transferred" or
                any(q.person is p.person and q.end_reason == "transferred"
                    for q in POSTINGS if q is not p)):
            continue
        applied = p.notified - days(RV.randint(0, 20))
        dec = decided_before(applied, p.arrived)
        klass = ("diplomatic" if p.pos.category in
                 ("diplomatic_agent", "consular_officer") else "service")
        visa(p.person, "RUS", "RUS-USA-EMB", klass, "posting", applied, dec,
             "issued", valid_3y(dec))


russian_staff_visas()
russian_family_visas()
EXTENDING = extension_visas()
delegate_visas()
us_staff_visas()

_n = len([x for x in PERSONS if x.id])
for x in PERSONS:
    if x.id is None:
        _n += 1
        x.id = "P%05d" % _n
VISAS.sort(key=lambda v: (v["applied"], v["key"]))
for i, v in enumerate(VISAS, 1):
    v["id"] = "V%04d" % i
# A case follows the one it extends: its applied date is later, so it sorts
# after it.

# Consular services for Russians at US posts (FACTS s.3.1, s.3.3, s.3.4).
# Days of the month FACTS does not give are the 1st; waits are those FACTS
# reports, on the dates given there.
EMB, SPB, YEK, VVO = ("USA-RUS-EMB", "USA-RUS-CG-SPB", "USA-RUS-CG-YEK",
                      "USA-RUS-CG-VVO")
NIV, IV, DIP, ACS = ("nonimmigrant_visa", "immigrant_visa", "diplomatic_visa",
                     "citizen_services")
CONSULAR = [
    # post, nationality, service, status, from, to, wait, designated
    (EMB, "RUS", NIV, "open", "2016-01-01", "2017-08-22", None, None),
    (EMB, "RUS", NIV, "suspended", "2017-08-23", "2017-08-31", None, None),
    (EMB, "RUS", NIV, "limited", "2017-09-01", "2018-12-31", 85, None),
    (EMB, "RUS", NIV, "limited", "2019-01-01", "2021-05-11", 300, None),
    (EMB, "RUS", NIV, "suspended", "2021-05-12", "2025-09-05", None, None),
    (EMB, "RUS", NIV, "suspended", "2025-09-06", None, None,
     "USA-POL-EMB;USA-KAZ-EMB"),
    (EMB, "RUS", IV, "open", "2016-01-01", "2021-05-11", None, None),
    (EMB, "RUS", IV, "emergency_only", "2021-05-12", "2021-10-20", None, None),
    (EMB, "RUS", IV, "suspended", "2021-10-21", None, None, "USA-POL-EMB"),
    (EMB, "RUS", DIP, "open", "2016-01-01", None, None, None),
    (EMB, "USA", ACS, "open", "2016-01-01", "2021-05-11", None, None),
    (EMB, "USA", ACS, "emergency_only", "2021-05-12", None, None, None),
    (SPB, "RUS", NIV, "open", "2016-01-01", "2017-08-22", None, None),
    (SPB, "RUS", NIV, "suspended", "2017-08-23", "2017-12-10", None, None),
    (SPB, "RUS", NIV, "limited", "2017-12-11", "2018-03-30", None, None),
    (YEK, "RUS", NIV, "open", "2016-01-01", "2017-08-22", None, None),
    (YEK, "RUS", NIV, "suspended", "2017-08-23", "2017-12-10", None, None),
    (YEK, "RUS", NIV, "limited", "2017-12-11", "2020-02-29", 90, None),
    (YEK, "RUS", NIV, "emergency_only", "2020-03-01", "2021-03-31", None,
     None),
    (YEK, "RUS", NIV, "suspended", "2021-04-01", None, None, None),
    (YEK, "RUS", IV, "closed", "2016-01-01", None, None, None),
    (YEK, "RUS", DIP, "open", "2016-01-01", "2021-03-31", None, None),
    (YEK, "RUS", DIP, "suspended", "2021-04-01", None, None, None),
    (VVO, "RUS", NIV, "open", "2016-01-01", "2017-08-22", None, None),
    (VVO, "RUS", NIV, "suspended", "2017-08-23", "2017-12-10", None, None),
    (VVO, "RUS", NIV, "limited", "2017-12-11", "2020-02-29", 10, None),
    (VVO, "RUS", NIV, "suspended", "2020-03-01", None, None, None),
    (VVO, "RUS", IV, "closed", "2016-01-01", None, None, None),
    (VVO, "RUS", DIP, "open", "2016-01-01", "2020-02-29", None, None),
    (VVO, "RUS", DIP, "suspended", "2020-03-01", None, None, None),
    ("USA-POL-EMB", "RUS", NIV, "open", "2016-01-01", "2025-09-05", None,
     None),
    ("USA-POL-EMB", "RUS", NIV, "limited", "2025-09-06", None, None, None),
    ("USA-POL-EMB", "RUS", IV, "open", "2021-10-21", None, None, None),
    ("USA-KAZ-EMB", "RUS", NIV, "open", "2023-03-01", None, 30, None),
    ("USA-KAZ-CG-ALA", "RUS", NIV, "open", "2023-03-01", None, 27, None),
    ("USA-ARE-EMB", "RUS", NIV, "open", "2023-03-01", None, 450, None),
]


def check_visas():
    ids = {v["id"] for v in VISAS}
    assert len(ids) == len(VISAS)
    by_key = {v["key"]: v for v in VISAS}
    for v in VISAS:
        m = MISSION[v["post"]]
        assert m["sending"] == v["issuing"], v
        assert v["outcome"] in ("pending", "admin_processing", "issued",
                                "refused", "withdrawn", "annulled", "revoked")
        assert (v["decided"] is None) == (v["outcome"] == "pending"), v
        assert v["decided"] is None or v["applied"] <= v["decided"], v
        assert v["valid_until"] is None or (v["outcome"] == "issued" and
                                            v["decided"] <= v["valid_until"])
        assert v["applied"] <= VISA_END and (v["decided"] or VISA_END) <= VISA_END
        assert v["person"].id is not None
        if v["previous"] is not None:
            prev = by_key[v["previous"]["key"]]
            assert prev["id"] < v["id"] and prev["person"] is v["person"]
    # The figures README.md names.
    ga74 = [v for v in VISAS if v["meeting"] in (d("2019-09-24"),
                                                  d("2019-10-07"))]
    assert sum(1 for v in ga74 if v["outcome"] == "pending") == 18
    ga77 = [v for v in VISAS if v["meeting"] == d("2022-09-20")]
    assert len(ga77) == 56 and not any(
        v["decided"] and v["decided"] <= d("2022-09-01") for v in ga77)
    assert sum(1 for v in VISAS if v["previous"] is not None) == 60
    pend = [v for v in VISAS if v["purpose"] == "posting" and
            v["issuing"] == "USA" and v["previous"] is None and
            v["outcome"] == "pending"]
    assert len(pend) == 40 and min(v["applied"] for v in pend) < d("2020-06-01")
    repl = [v for v in VISAS if v["purpose"] == "posting" and
            v["issuing"] == "USA" and v["previous"] is None and
            v["klass"].startswith("A") and v["applied"] >= d("2021-07-01")]
    assert (sum(1 for v in repl if v["outcome"] == "issued"),
            sum(1 for v in repl if v["outcome"] == "pending")) == (13, 12)
    for c in CONSULAR:
        assert c[0] in MISSION and c[2] in (NIV, IV, DIP, ACS)
        assert c[5] is None or c[4] <= c[5]
        for dsg in (c[7] or "").split(";"):
            assert not dsg or MISSION[dsg]["sending"] == "USA"
    for a in CONSULAR:
        for b in CONSULAR:
            if a is not b and a[:3] == b[:3]:
                assert (a[5] and a[5] < b[4]) or (b[5] and b[5] < a[4]), (a, b)


check_visas()

# ---------------------------------------------------------------- output


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def write_csv(name, header, rows):
    path = os.path.join(HERE, name)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([fmt(v) for v in row])


write_csv("missions.csv",
          ["id", "name", "sending", "host", "country", "city", "kind",
           "opened", "closed"],
          [[m[k] for k in ("id", "name", "sending", "host", "country", "city",
                           "kind", "opened", "closed")]
           for m in sorted(MISSION.values(), key=lambda m: m["id"])])
write_csv("persons.csv",
          ["id", "family_name", "given_names", "sex", "birth_date",
           "nationality", "passport"],
          [[x.id, x.family, x.given, x.sex, x.birth, x.nat, x.passport]
           for x in PERSONS])
write_csv("postings.csv",
          ["id", "person", "mission", "title", "rank", "category",
           "head_of_mission", "notified", "arrived", "accredited", "refused",
           "ended", "end_reason", "credentials"],
          [[p.id, p.person.id, p.mission, p.pos.title, p.pos.rank,
            p.pos.category, p.pos.hom, p.notified, p.arrived, p.accredited,
            p.refused, p.ended, p.end_reason,
            getattr(p, "credentials", None)] for p in POSTINGS])
write_csv("dependents.csv",
          ["person", "posting", "relation", "joined", "left", "accredited",
           "revoked"],
          [[r["person"].id, r["posting"].id, r["relation"], r["joined"],
            r["left"], r["accredited"], r["revoked"]] for r in DEPENDENTS])

write_csv("visas.csv",
          ["id", "person", "issuing", "post", "class", "purpose", "meeting",
           "applied", "decided", "outcome", "valid_until", "previous"],
          [[v["id"], v["person"].id, v["issuing"], v["post"], v["klass"],
            v["purpose"], v["meeting"], v["applied"], v["decided"],
            v["outcome"], v["valid_until"],
            v["previous"]["id"] if v["previous"] else None] for v in VISAS])
write_csv("consular.csv",
          ["post", "nationality", "service", "status", "from", "to",
           "wait_days", "designated"], CONSULAR)

POLDIR = os.path.join(HERE, "policies")
os.makedirs(POLDIR, exist_ok=True)
for name in sorted(os.listdir(POLDIR)):
    if name.endswith(".json"):
        os.remove(os.path.join(POLDIR, name))
for pol in POLICIES:
    with open(os.path.join(POLDIR, pol["id"] + ".json"), "w",
              encoding="utf-8") as f:
        json.dump(pol, f, indent=2, ensure_ascii=False)
        f.write("\n")

with open(os.path.join(HERE, "announced.tsv"), "w", encoding="utf-8",
          newline="\n") as f:
    f.write("# policy\tannounced\twhy (make-demo.py ANNOUNCED; read by "
            "`chancery demo`)\n")
    for pol in POLICIES:
        day, why = ANNOUNCED.get(pol["id"], (pol["effective"]["from"],
                                             "announced as it took effect"))
        f.write("%s\t%s\t%s\n" % (pol["id"], day, why))

total = sum(os.path.getsize(os.path.join(root, n))
            for root, _, names in os.walk(HERE) for n in names)
assert total < 1_100_000, total

# ---------------------------------------------------------------- report

out = sys.stdout
out.write("seed %d, registry as of %s\n" % (SEED, AS_OF))
out.write("missions %d, persons %d, postings %d, dependents %d, policies %d, "
          "%d bytes\n" % (len(MISSION), len(PERSONS), len(POSTINGS),
                          len(DEPENDENTS), len(POLICIES), total))
c1 = RESULT["c1"]
out.write("constraint 1: %d Russian embassy/consulate staff present on %s: "
          "%d arrived by %s, %d in %s..%s, %d from %s; embassy %d, "
          "%d of them in the first wave -> %d remain\n"
          % (c1[0], AS_OF, c1[1], WIN_A[1], c1[2], WIN_B[0], WIN_B[1], c1[3],
             WIN_C[0], c1[4], c1[5], c1[4] - c1[5]))
c2 = RESULT["c2"]
out.write("constraint 2: US missions in Russia, all staff: %d on 2016-01-01, "
          "%d on 2017-03-01, %d on 2017-09-01 (cap 455); non-local on %s: %d; "
          "local staff on 2021-07-31: %d, let go 2021-08-01\n"
          % (c2[0], c2[1], c2[2], AS_OF, c2[3], c2[4]))
c3 = RESULT["c3"]
out.write("constraint 3: Russian staff in the US incl. UN mission on "
          "2017-09-01: %d; UN mission on %s: %d; diplomatic and consular "
          "officers incl. UN mission on 2021-10-29: %d\n" % (c3[0], AS_OF,
                                                              c3[1], c3[2]))
us_a = [p for p in POSTINGS if present(p, AS_OF) and p.mission in US_MISSIONS
        and nonlocal_(p) and p.arrived <= WIN_A[1]]
us_b = [p for p in POSTINGS if present(p, AS_OF) and p.mission in US_MISSIONS
        and nonlocal_(p) and WIN_B[0] <= p.arrived <= WIN_B[1]]
out.write("US staff present on %s over three years by 2022-01-31: %d; "
          "by 2022-07-01 (next group): %d\n" % (AS_OF, len(us_a), len(us_b)))
out.write("pending notifications (no arrival): %d, refused: %d\n"
          % (len(GROUP["rus_pending"]), len(GROUP["rus_refused"])))
out.write("visa cases %d (%d pending, %d linked to an earlier case), "
          "consular rows %d\n"
          % (len(VISAS), sum(1 for v in VISAS if v["outcome"] == "pending"),
             sum(1 for v in VISAS if v["previous"] is not None),
             len(CONSULAR)))

out.write("\nheadcount by mission (present postings: non-local + local)\n")
out.write("%-16s" % "mission" + "".join("%14s" % c for c in CHECKPOINTS) + "\n")
for mid in sorted(MISSION):
    cells = []
    for day in CHECKPOINTS:
        n = count(day, lambda p: p.mission == mid and nonlocal_(p))
        l = count(day, lambda p: p.mission == mid and not nonlocal_(p))
        cells.append("%d+%d" % (n, l) if l else "%d" % n)
    out.write("%-16s" % mid + "".join("%14s" % c for c in cells) + "\n")
for label, pred in (("RUS in USA", lambda p: p.mission.startswith("RUS-")),
                    ("  excl. UN", lambda p: p.mission in RUS_BILATERAL),
                    ("USA in RUS", lambda p: p.mission in US_MISSIONS)):
    cells = []
    for day in CHECKPOINTS:
        n = count(day, lambda p: pred(p) and nonlocal_(p))
        l = count(day, lambda p: pred(p) and not nonlocal_(p))
        cells.append("%d+%d" % (n, l) if l else "%d" % n)
    out.write("%-16s" % label + "".join("%14s" % c for c in cells) + "\n")

out.write("\ndeparture groups by mission: %s\n" % json.dumps(RESULT["splits"]))
out.write("\ndeparture orders\n")
for pol in POLICIES:
    if pol["kind"] == "departure_order":
        prm = pol["params"]
        out.write("%s: %d persons, declared %s, leave by %s, %s\n  %s\n"
                  % (pol["id"], len(prm["persons"]), prm["declared"],
                     prm["leave_by"], prm["reason"], " ".join(prm["persons"])))
out.write("ok\n")
