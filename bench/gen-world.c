/*
 * gen-world: writes a synthetic, seeded registry of diplomatic missions
 * (missions.csv, persons.csv, postings.csv, dependents.csv in the interchange
 * format of DESIGN.md) for the benchmarks.
 *
 *     gen-world [--seed N] [--postings N] [--persons N] [--states N] OUTDIR
 *
 * Why it is built this way:
 * - It stands alone (libc and jansson) so that a benchmark can make its input
 *   before chancery builds, and so that it shares no code with what it tests.
 * - One xoshiro256** stream seeded through splitmix64 from --seed, one
 *   thread, and no calls into libm: the same seed gives the same bytes on
 *   every machine. The seed is printed with the summary.
 * - Rows are valid by construction, not filtered afterwards. A career (the
 *   successive postings of one person) is laid out backward from its last
 *   posting, so it always fits the 1996-2025 window; a mission is used only
 *   when it is open on the day of arrival, and a posting there is cut at the
 *   mission's closure. bench/check-world.py checks every rule independently.
 * - Output streams: one household (a career, its principal, spouse and
 *   children) is built in a small struct, written and forgotten: memory
 *   holds the missions and the planned heads of mission, not the postings.
 * - The row counts asked for are met exactly. Each career's length is
 *   steered by the postings and persons still to place, and a reserve keeps
 *   enough persons to hold the postings left (at most KMAX each); persons
 *   the careers do not need are written last, as persons with no posting.
 *
 * The world: every ordered pair of distinct states has an embassy, a few
 * pairs a consulate general or a consulate, every state a permanent mission
 * to the UN in New York. States are ranked by importance (a fixed list of
 * large ones first, the rest shuffled; --states N keeps the first N); a
 * mission's weight is the product of its two states' weights, so a few
 * missions hold hundreds of staff and most a handful. The heaviest missions
 * get an unbroken line of heads of mission. Postings arrive from 1996-01-01
 * to 2025-12-31 ("today"), and about 30% are still open today.
 */
#define _POSIX_C_SOURCE 200809L

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISO_3166_FILE "/usr/share/iso-codes/json/iso_3166-1.json"

/* Days since 1970-01-01 of the fixed dates (checked in check_calendar). */
enum {
    DAY_1950 = -7305,         /* 1950-01-01: the usual opening date */
    DAY_WINDOW = 9496,        /* 1996-01-01: the first arrival */
    DAY_LAST_OPENING = 16800, /* 2015-12-31: the latest opening */
    DAY_LAST_CLOSING = 20269, /* 2025-06-30: the latest closure */
    DAY_TODAY = 20453,        /* 2025-12-31: the last arrival, "today" */
};
#define NO_DATE INT32_MIN

#define KMAX           6 /* most postings in one career */
#define MAX_KIDS       3
#define N_CITIES       4    /* towns besides the capital, per state */
#define RANK_OFFSET    8    /* state weight is 1 / (rank + RANK_OFFSET) */
#define HEAD_SHARE     0.06 /* postings that are heads of mission */
#define OPEN_SHARE     0.30 /* postings still open today */
#define LOCAL_SHARE    0.12 /* careers of locally engaged staff */
#define SPOUSE_SHARE   0.72 /* careers of sent staff with a spouse */
#define PERSONS_PRIOR  2.2  /* expected persons per career, at first */
#define P_REFUSED      0.004
#define P_JOINS        0.95 /* a dependent joins a given tour */
#define P_LEAVES_EARLY 0.04
#define P_REVOKED      0.005
#define PICK_TRIES     8
#define OUT_CAP        (1u << 20)

enum kind {
    KIND_EMBASSY,
    KIND_CONSULATE_GENERAL,
    KIND_CONSULATE,
    KIND_PERMANENT_MISSION
};
static const char *const kind_names[] = { "embassy", "consulate_general",
                                          "consulate", "permanent_mission" };

enum rank {
    R_AMBASSADOR,
    R_MINISTER,
    R_MINISTER_COUNSELOR,
    R_COUNSELOR,
    R_FIRST_SECRETARY,
    R_SECOND_SECRETARY,
    R_THIRD_SECRETARY,
    R_ATTACHE,
    R_CONSUL_GENERAL,
    R_CONSUL,
    R_VICE_CONSUL,
    R_NONE
};
static const char *const rank_names[] = {
    "ambassador",      "minister",         "minister_counselor", "counselor",
    "first_secretary", "second_secretary", "third_secretary",    "attache",
    "consul_general",  "consul",           "vice_consul",        "none"
};
static const char *const rank_titles[] = {
    "Ambassador",      "Minister",         "Minister-Counselor", "Counselor",
    "First Secretary", "Second Secretary", "Third Secretary",    "Attache",
    "Consul General",  "Consul",           "Vice Consul",        ""
};

enum category {
    CAT_DIPLOMATIC_AGENT,
    CAT_ADMIN_TECHNICAL,
    CAT_SERVICE_STAFF,
    CAT_CONSULAR_OFFICER,
    CAT_CONSULAR_EMPLOYEE,
    CAT_LOCAL_STAFF
};
static const char *const category_names[] = {
    "diplomatic_agent", "admin_technical",   "service_staff",
    "consular_officer", "consular_employee", "local_staff"
};

/* Titles of staff without a diplomatic or consular rank, per category. */
static const char *const plain_titles[][6] = {
    [CAT_ADMIN_TECHNICAL] = { "Administrative Officer",
                              "Communications Officer", "Security Officer",
                              "Finance Officer", "IT Officer", "Archivist" },
    [CAT_SERVICE_STAFF] = { "Driver", "Cook", "Maintenance Technician", "Guard",
                            "Housekeeper", "Messenger" },
    [CAT_CONSULAR_EMPLOYEE] = { "Consular Assistant", "Visa Clerk",
                                "Passport Clerk", "Registry Clerk",
                                "Consular Secretary", "Cashier" },
    [CAT_LOCAL_STAFF] = { "Local Driver", "Translator", "Receptionist",
                          "Local Clerk", "Gardener", "Interpreter" },
};

enum end_reason {
    END_NONE,
    END_TOUR_COMPLETED,
    END_RECALLED,
    END_PERSONA_NON_GRATA,
    END_ORDERED_DEPARTURE,
    END_TRANSFERRED
};
static const char *const end_reason_names[] = { "",
                                                "tour_completed",
                                                "recalled",
                                                "persona_non_grata",
                                                "ordered_departure",
                                                "transferred" };
static const unsigned end_reason_weights[] = { 0, 840, 40, 5, 15, 100 };

/* What a person does across a career; it fixes the category per mission. */
enum track {
    TRACK_DIPLOMAT,
    TRACK_ADMIN,
    TRACK_SERVICE,
    TRACK_CONSULAR_OFFICER,
    TRACK_CONSULAR_EMPLOYEE,
    TRACK_LOCAL
};
static const unsigned track_weights[] = { 45, 25, 10, 10, 10 };

enum relation { REL_PRINCIPAL, REL_SPOUSE, REL_CHILD };
static const char *const relation_names[] = { "", "spouse", "child" };

/* Weights of tour lengths in whole years 0..5 (0 never drawn). */
static const unsigned tour_years[] = { 0, 10, 25, 40, 20, 5 };
static const unsigned head_years[] = { 0, 0, 25, 50, 20, 5 };
static const unsigned short_years[] = { 0, 40, 40, 20 };
/* Diplomatic level 0 (attache) .. 6 (minister) at a career's start. */
static const unsigned start_levels[] = { 30, 25, 20, 12, 8, 4, 1 };
static const unsigned kid_counts[] = { 78, 14, 6, 2 };

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The states that weigh most in diplomacy lead the importance ranking. */
static const char *const major_states[] = {
    "USA", "RUS", "CHN", "GBR", "FRA", "DEU", "JPN", "IND", "ITA", "CAN",
    "BRA", "TUR", "KOR", "ESP", "AUS", "SAU", "MEX", "IDN", "NLD", "CHE",
    "POL", "EGY", "ZAF", "NGA", "ARG", "ISR", "IRN", "PAK", "UKR", "SWE"
};

static const char *const syllables[] = {
    "ka",  "lo",  "mi",  "ra",  "te",   "so",  "vin", "dar", "el",  "an",
    "ber", "cor", "dus", "fen", "gal",  "hor", "is",  "jan", "kel", "lan",
    "mor", "nor", "ol",  "par", "quin", "ros", "sel", "tor", "ul",  "var",
    "wen", "yor", "zel", "bra", "chi",  "den", "est", "fra", "gri", "ham"
};
static const char *const female_names[] = {
    "Anna", "Maria", "Elena",  "Sofia",  "Olga",  "Claire", "Fatima", "Aisha",
    "Mei",  "Yuki",  "Ingrid", "Laura",  "Nadia", "Priya",  "Amara",  "Lucia",
    "Hana", "Irina", "Sara",   "Zeynep", "Grace", "Leila",  "Ana",    "Marta"
};
static const char *const male_names[] = {
    "John",  "Ivan", "Pierre", "Hans",   "Ahmed", "Wei",   "Kenji",  "Carlos",
    "Luca",  "Omar", "Rahul",  "Sergei", "Peter", "David", "Mehmet", "Jan",
    "Pablo", "Ali",  "Yusuf",  "Tomas",  "Erik",  "Kwame", "Daniel", "Mikhail"
};

/* ---- errors and memory ------------------------------------------------ */

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Prints "gen-world: error: ..." and exits 1. */
static void die(const char *fmt, ...)
{
    va_list ap;

    fputs("gen-world: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        die("out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

/* ---- random numbers ----------------------------------------------------- */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna). */
static uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n) by Lemire's multiply-shift (bias below 2^-32). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi], both included. */
static int32_t rng_range(struct rng *r, int32_t lo, int32_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int32_t)rng_below(r, (uint32_t)(hi - lo) + 1);
}

static double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1p-53;
}

static int rng_chance(struct rng *r, double p)
{
    return rng_unit(r) < p;
}

/* An index into a small table of integer weights. */
static unsigned rng_pick(struct rng *r, const unsigned *weights, unsigned n)
{
    unsigned total = 0, i;
    uint32_t x;

    for (i = 0; i < n; i++)
        total += weights[i];
    x = rng_below(r, total);
    for (i = 0; weights[i] <= x; i++)
        x -= weights[i];
    return i;
}

/* ---- civil dates (Howard Hinnant's algorithms) -------------------------- */

static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* The same day n years later (earlier if n < 0); 29 February rounds down. */
static int32_t add_years(int32_t day, int n)
{
    int y, m, d;

    civil_from_days(day, &y, &m, &d);
    if (m == 2 && d == 29 && !is_leap(y + n))
        d = 28;
    return days_from_civil(y + n, m, d);
}

static void check_calendar(void)
{
    if (days_from_civil(1950, 1, 1) != DAY_1950 ||
        days_from_civil(1996, 1, 1) != DAY_WINDOW ||
        days_from_civil(2015, 12, 31) != DAY_LAST_OPENING ||
        days_from_civil(2025, 6, 30) != DAY_LAST_CLOSING ||
        days_from_civil(2025, 12, 31) != DAY_TODAY)
        die("calendar constants are wrong");
}

static int32_t min32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

static int32_t max32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

/* ---- buffered CSV output ------------------------------------------------ */

/* Rows are formatted by hand into a 1 MiB buffer handed to fwrite whole:
   printf per field would cost more than generating the world. */
struct out {
    FILE *f;
    char *buf;
    size_t len;
    char path[4096];
};

static void out_flush(struct out *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
        die("cannot write '%s': %s", o->path, strerror(errno));
    o->len = 0;
}

static char *out_room(struct out *o, size_t n)
{
    if (o->len + n > OUT_CAP)
        out_flush(o);
    return o->buf + o->len;
}

static void out_mem(struct out *o, const char *s, size_t n)
{
    memcpy(out_room(o, n), s, n);
    o->len += n;
}

static void out_str(struct out *o, const char *s)
{
    out_mem(o, s, strlen(s));
}

static void out_char(struct out *o, char c)
{
    *out_room(o, 1) = c;
    o->len++;
}

/* v in decimal, zero-padded to at least width digits. */
static void out_uint(struct out *o, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;

    do {
        tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v || n < width);
    out_mem(o, tmp + sizeof(tmp) - n, (size_t)n);
}

/* YYYY-MM-DD, or nothing for NO_DATE (an empty field). */
static void out_date(struct out *o, int32_t day)
{
    int y, m, d;

    if (day == NO_DATE)
        return;
    civil_from_days(day, &y, &m, &d);
    out_uint(o, (uint64_t)y, 4);
    out_char(o, '-');
    out_uint(o, (uint64_t)m, 2);
    out_char(o, '-');
    out_uint(o, (uint64_t)d, 2);
}

static void out_id(struct out *o, const char *prefix, uint64_t n)
{
    out_str(o, prefix);
    out_uint(o, n, 7);
}

static void out_open(struct out *o, const char *dir, const char *name,
                     const char *header)
{
    int n = snprintf(o->path, sizeof(o->path), "%s/%s", dir, name);

    if (n < 0 || (size_t)n >= sizeof(o->path))
        die("output path too long: '%s'", dir);
    o->f = fopen(o->path, "w");
    if (!o->f)
        die("cannot create '%s': %s", o->path, strerror(errno));
    o->buf = xmalloc(OUT_CAP);
    o->len = 0;
    out_str(o, header);
    out_char(o, '\n');
}

static void out_close(struct out *o)
{
    out_flush(o);
    if (fclose(o->f) != 0)
        die("cannot write '%s': %s", o->path, strerror(errno));
    free(o->buf);
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", path, strerror(errno));
}

/* mkdir -p. */
static void make_dirs(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof(buf))
        die("bad output directory '%s'", path);
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        make_dir(buf);
        *p = '/';
    }
    make_dir(buf);
}

/* ---- options ------------------------------------------------------------ */

struct options {
    uint64_t seed;
    uint64_t postings;
    uint64_t persons;
    uint64_t states; /* 0: all of them */
    const char *outdir;
};

static void usage(const char *why) __attribute__((noreturn));

/* Prints why (when given) and the usage, and exits 2. */
static void usage(const char *why)
{
    if (why)
        fprintf(stderr, "gen-world: error: %s\n", why);
    fputs("usage: gen-world [--seed N] [--postings N] [--persons N] "
          "[--states N] OUTDIR\n",
          stderr);
    exit(2);
}

static uint64_t parse_count(const char *flag, const char *s)
{
    char *end;
    unsigned long long v;

    if (!s)
        usage("a flag wants a number");
    errno = 0;
    v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno) {
        fprintf(stderr, "gen-world: error: %s wants a number, not '%s'\n", flag,
                s);
        usage(NULL);
    }
    return v;
}

static void parse_options(int argc, char **argv, struct options *o)
{
    static const char *const flags[] = { "--seed", "--postings", "--persons",
                                         "--states" };
    uint64_t *slots[] = { &o->seed, &o->postings, &o->persons, &o->states };

    *o = (struct options){ 1, 1000000, 1500000, 0, NULL };
    for (int i = 1; i < argc; i++) {
        size_t f;

        for (f = 0; f < LEN(flags) && strcmp(argv[i], flags[f]); f++)
            ;
        if (f < LEN(flags)) {
            *slots[f] = parse_count(argv[i], argv[i + 1]);
            i++;
        } else if (argv[i][0] == '-' || o->outdir) {
            usage(NULL);
        } else {
            o->outdir = argv[i];
        }
    }
    if (!o->outdir)
        usage("no output directory");
    if (o->persons < o->postings / KMAX + (o->postings % KMAX != 0))
        usage("too few persons: a person holds at most 6 postings");
}

/* ---- states ------------------------------------------------------------- */

struct state {
    char code[4];
    char name[96];                /* English short name without commas */
    char towns[1 + N_CITIES][24]; /* [0] is the capital */
    double weight;          /* importance: heavier states send and host more */
    uint32_t first_mission; /* its missions, contiguous in world.missions */
    uint32_t n_missions;
    uint32_t permanent_mission; /* always open: the fallback for careers */
};

static void copy_name(char *buf, size_t size, const char *s)
{
    if (strlen(s) >= size)
        die("state name too long: '%s'", s);
    memcpy(buf, s, strlen(s) + 1);
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);

    return n >= t && strcmp(s + n - t, tail) == 0;
}

/* "Congo, The Democratic Republic of the" becomes "The Democratic Republic
   of the Congo"; "Saint Helena, Ascension and Tristan da Cunha" becomes
   "Saint Helena and Ascension and Tristan da Cunha". */
static void uncomma(char *buf, size_t size, const char *name)
{
    const char *comma = strchr(name, ',');
    const char *tail;
    int head, n;

    if (!comma) {
        copy_name(buf, size, name);
        return;
    }
    head = (int)(comma - name);
    for (tail = comma + 1; *tail == ' '; tail++)
        ;
    if (ends_with(tail, " of") || ends_with(tail, " of the"))
        n = snprintf(buf, size, "%s %.*s", tail, head, name);
    else
        n = snprintf(buf, size, "%.*s and %s", head, name, tail);
    if (n < 0 || (size_t)n >= size)
        die("state name too long: '%s'", name);
}

/* The files are written without quoting, so a name may hold neither comma
   nor double quote: prefer the common name, then the short name, then the
   official name, the first of them without a comma; else turn the short
   name around. */
static void state_name(json_t *entry, char *buf, size_t size)
{
    const char *common =
        json_string_value(json_object_get(entry, "common_name"));
    const char *official =
        json_string_value(json_object_get(entry, "official_name"));
    const char *name = json_string_value(json_object_get(entry, "name"));

    if (common && !strchr(common, ','))
        copy_name(buf, size, common);
    else if (name && !strchr(name, ','))
        copy_name(buf, size, name);
    else if (official && !strchr(official, ','))
        copy_name(buf, size, official);
    else if (name)
        uncomma(buf, size, name);
    else
        die("'%s': a state without a name", ISO_3166_FILE);
    for (char *p = buf; *p; p++)
        if (*p == ',' || *p == '"')
            *p = ' ';
}

/* Reads every state of ISO 3166-1; returns how many, *out a new array. */
static size_t iso_load(struct state **out)
{
    json_error_t err;
    json_t *root = json_load_file(ISO_3166_FILE, 0, &err);
    json_t *list, *entry;
    struct state *s;
    size_t i;

    if (!root)
        die("cannot read '%s': %s", ISO_3166_FILE, err.text);
    list = json_object_get(root, "3166-1");
    if (!json_is_array(list) || json_array_size(list) < 2)
        die("'%s': no \"3166-1\" list of states", ISO_3166_FILE);
    s = xmalloc(json_array_size(list) * sizeof(*s));
    json_array_foreach(list, i, entry)
    {
        const char *code = json_string_value(json_object_get(entry, "alpha_3"));
        if (!code || strlen(code) != 3)
            die("'%s': entry %zu has no alpha_3 code", ISO_3166_FILE, i);
        memset(&s[i], 0, sizeof(s[i]));
        memcpy(s[i].code, code, 4);
        state_name(entry, s[i].name, sizeof(s[i].name));
    }
    *out = s;
    i = json_array_size(list);
    json_decref(root);
    return i;
}

static void swap_states(struct state *a, struct state *b)
{
    struct state t = *a;

    *a = *b;
    *b = t;
}

/* Orders states by importance: the major ones as listed, the rest shuffled;
   the weight falls with the rank like a Zipf-Mandelbrot law. */
static void rank_states(struct state *s, size_t n, struct rng *r)
{
    size_t next = 0;

    for (size_t k = 0; k < LEN(major_states); k++)
        for (size_t i = next; i < n; i++)
            if (strcmp(s[i].code, major_states[k]) == 0) {
                swap_states(&s[next++], &s[i]);
                break;
            }
    for (size_t i = n - 1; i > next; i--)
        swap_states(&s[i], &s[next + rng_below(r, (uint32_t)(i - next + 1))]);
    for (size_t i = 0; i < n; i++)
        s[i].weight = 1.0 / (double)(i + RANK_OFFSET);
}

static int state_cmp(const void *a, const void *b)
{
    return strcmp(((const struct state *)a)->code,
                  ((const struct state *)b)->code);
}

/* A made-up name of two or three syllables, capitalised. */
static void make_name(struct rng *r, char *buf, size_t size)
{
    int n = 2 + (int)rng_below(r, 2);
    size_t len = 0;

    for (int i = 0; i < n; i++) {
        const char *s = syllables[rng_below(r, LEN(syllables))];
        size_t k = strlen(s);

        if (len + k >= size)
            break;
        memcpy(buf + len, s, k);
        len += k;
    }
    buf[len] = '\0';
    buf[0] = (char)(buf[0] - 'a' + 'A');
}

/* ---- missions ----------------------------------------------------------- */

#define HOST_UN UINT16_MAX

struct mission {
    char id[12];      /* E-FRA-DEU, CG-FRA-DEU, C-..., PM-FRA-UN */
    uint16_t sending; /* index into world.states */
    uint16_t host;    /* index into world.states, or HOST_UN */
    uint8_t kind;
    uint8_t town; /* index into the host's towns */
    int32_t opened;
    int32_t closed; /* NO_DATE while open */
    double weight;  /* share of staff it draws */
};

struct world {
    struct state *states;
    uint32_t n_states;
    struct mission *missions;
    uint32_t n_missions;
    uint32_t n_kind[4];
    double *cum; /* cum[i]: weight of missions 0..i */
};

/* Loads the states and keeps the n most important (all when n is 0), in
   the order of their codes, each with a capital and towns. */
static void world_states(struct world *w, struct rng *r, uint64_t n)
{
    size_t all = iso_load(&w->states);

    if (n == 0)
        n = all;
    if (n < 2 || n > all)
        usage("--states wants 2 to the number of ISO 3166-1 states");
    rank_states(w->states, all, r);
    w->n_states = (uint32_t)n;
    qsort(w->states, n, sizeof(*w->states), state_cmp);
    for (uint32_t i = 0; i < w->n_states; i++)
        for (int t = 0; t <= N_CITIES; t++)
            make_name(r, w->states[i].towns[t], sizeof(w->states[i].towns[t]));
}

/* Most missions date from before the window; a few opened later, and a
   few closed inside it (so that careers meet closures). */
static void mission_dates(struct mission *m, struct rng *r, double p_old,
                          double p_closed)
{
    m->opened = rng_chance(r, p_old) ? DAY_1950
                                     : rng_range(r, DAY_1950, DAY_LAST_OPENING);
    m->closed = NO_DATE;
    if (rng_chance(r, p_closed))
        m->closed = rng_range(r, max32(m->opened + 365, DAY_WINDOW + 180),
                              DAY_LAST_CLOSING);
}

static struct mission *mission_add(struct world *w, enum kind kind, uint32_t s,
                                   uint32_t h)
{
    static const char *const prefixes[] = { "E", "CG", "C", "PM" };
    struct mission *m = &w->missions[w->n_missions++];
    const char *host = h == HOST_UN ? "UN" : w->states[h].code;

    memset(m, 0, sizeof(*m));
    snprintf(m->id, sizeof(m->id), "%s-%s-%s", prefixes[kind],
             w->states[s].code, host);
    m->kind = (uint8_t)kind;
    m->sending = (uint16_t)s;
    m->host = (uint16_t)h;
    w->n_kind[kind]++;
    return m;
}

/* The embassy of s in h, and sometimes a consulate general or consulate. */
static void pair_missions(struct world *w, struct rng *r, uint32_t s,
                          uint32_t h)
{
    double pair = w->states[s].weight * w->states[h].weight;
    struct mission *m = mission_add(w, KIND_EMBASSY, s, h);

    m->weight = pair * (0.5 + rng_unit(r));
    mission_dates(m, r, 0.85, 0.02);
    if (rng_chance(r, 0.05)) {
        m = mission_add(w, KIND_CONSULATE_GENERAL, s, h);
        m->weight = 0.3 * pair * (0.5 + rng_unit(r));
        m->town = (uint8_t)(1 + rng_below(r, N_CITIES));
        mission_dates(m, r, 0.5, 0.05);
    }
    if (rng_chance(r, 0.02)) {
        m = mission_add(w, KIND_CONSULATE, s, h);
        m->weight = 0.12 * pair * (0.5 + rng_unit(r));
        m->town = (uint8_t)(1 + rng_below(r, N_CITIES));
        mission_dates(m, r, 0.5, 0.05);
    }
}

static void world_missions(struct world *w, struct rng *r)
{
    uint32_t n = w->n_states;
    double total = 0;

    w->missions = xmalloc(((size_t)n * (n - 1) * 3 + n) * sizeof(*w->missions));
    for (uint32_t s = 0; s < n; s++) {
        struct state *st = &w->states[s];
        struct mission *pm;

        st->first_mission = w->n_missions;
        for (uint32_t h = 0; h < n; h++)
            if (h != s)
                pair_missions(w, r, s, h);
        st->permanent_mission = w->n_missions;
        pm = mission_add(w, KIND_PERMANENT_MISSION, s, HOST_UN);
        pm->weight = st->weight / (double)(2 + RANK_OFFSET);
        pm->opened = DAY_1950;
        pm->closed = NO_DATE;
        st->n_missions = w->n_missions - st->first_mission;
    }
    w->cum = xmalloc(w->n_missions * sizeof(*w->cum));
    for (uint32_t i = 0; i < w->n_missions; i++)
        w->cum[i] = total += w->missions[i].weight;
}

static const char *mission_country(const struct world *w,
                                   const struct mission *m)
{
    return m->host == HOST_UN ? "USA" : w->states[m->host].code;
}

/* Missions [lo, hi) weighted: the first whose running weight passes u. */
static uint32_t pick_in(const double *cum, uint32_t lo, uint32_t hi, double u)
{
    uint32_t end = hi;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (cum[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo < end ? lo : end - 1;
}

static uint32_t pick_any(const struct world *w, struct rng *r)
{
    return pick_in(w->cum, 0, w->n_missions,
                   rng_unit(r) * w->cum[w->n_missions - 1]);
}

static uint32_t pick_of(const struct world *w, struct rng *r, uint32_t s)
{
    const struct state *st = &w->states[s];
    uint32_t lo = st->first_mission, hi = lo + st->n_missions;
    double base = lo ? w->cum[lo - 1] : 0;

    return pick_in(w->cum, lo, hi,
                   base + rng_unit(r) * (w->cum[hi - 1] - base));
}

static int mission_admits(const struct mission *m, int32_t arrived)
{
    return m->opened <= arrived &&
           (m->closed == NO_DATE || arrived < m->closed);
}

/* ---- the generator ------------------------------------------------------ */

enum file { F_MISSIONS, F_PERSONS, F_POSTINGS, F_DEPENDENTS, N_FILES };
static const char *const file_names[N_FILES] = { "missions.csv", "persons.csv",
                                                 "postings.csv",
                                                 "dependents.csv" };
static const char *const file_headers[N_FILES] = {
    "id,name,sending,host,country,city,kind,opened,closed",
    "id,family_name,given_names,sex,birth_date,nationality,passport",
    "id,person,mission,title,rank,category,head_of_mission,notified,arrived,"
    "accredited,refused,ended,end_reason",
    "person,posting,relation,joined,left,accredited,revoked"
};

/* A slot in a mission's unbroken line of heads, planned ahead. */
struct head {
    uint32_t mission;
    int32_t arrived;
    int32_t ended;
    uint8_t end_reason;
};

struct gen {
    struct rng rng;
    struct world w;
    struct out out[N_FILES];
    struct head *heads;
    size_t n_heads, next_head;
    uint64_t postings_left, persons_left;
    int64_t open_left; /* open postings still wanted */
    uint64_t next_person, next_posting;
    uint64_t n_careers, n_career_persons;
    uint64_t n_open, n_head_postings, n_dependents, n_unposted;
};

static void write_mission(struct gen *g, const struct mission *m)
{
    static const char *const names[] = { "Embassy of ", "Consulate General of ",
                                         "Consulate of ",
                                         "Permanent Mission of " };
    struct out *o = &g->out[F_MISSIONS];
    const struct world *w = &g->w;
    int un = m->host == HOST_UN;

    out_str(o, m->id);
    out_char(o, ',');
    out_str(o, names[m->kind]);
    out_str(o, w->states[m->sending].name);
    out_str(o, un ? " to the United Nations" : " in ");
    if (!un)
        out_str(o, m->kind == KIND_EMBASSY ? w->states[m->host].name
                                           : w->states[m->host].towns[m->town]);
    out_char(o, ',');
    out_str(o, w->states[m->sending].code);
    out_char(o, ',');
    out_str(o, un ? "UN" : w->states[m->host].code);
    out_char(o, ',');
    out_str(o, mission_country(w, m));
    out_char(o, ',');
    out_str(o, un ? "New York" : w->states[m->host].towns[m->town]);
    out_char(o, ',');
    out_str(o, kind_names[m->kind]);
    out_char(o, ',');
    out_date(o, m->opened);
    out_char(o, ',');
    out_date(o, m->closed);
    out_char(o, '\n');
}

/* A tour length in days, one to five years give or take a month. */
static int32_t tour_days(struct rng *r, const unsigned *years, unsigned n)
{
    int32_t days = 365 * (int32_t)rng_pick(r, years, n) + rng_range(r, -30, 30);

    return max32(365, min32(days, 5 * 365));
}

static void heads_push(struct gen *g, const struct head *h)
{
    if ((g->n_heads & (g->n_heads - 1)) == 0)
        g->heads = xrealloc(g->heads, 2 * (g->n_heads + 1) * sizeof(*h));
    g->heads[g->n_heads++] = *h;
}

/* One head after another from the mission's first years in the window to
   today or its closure, a few months of charge d'affaires in between. */
static void head_line(struct gen *g, uint32_t mi)
{
    const struct mission *m = &g->w.missions[mi];
    struct rng *r = &g->rng;
    int32_t t = max32(m->opened, DAY_WINDOW) + rng_range(r, 0, 730);

    while (t <= DAY_TODAY && (m->closed == NO_DATE || t < m->closed)) {
        struct head h = { mi, t, t + tour_days(r, head_years, LEN(head_years)),
                          END_NONE };

        if (m->closed != NO_DATE && h.ended >= m->closed) {
            h.ended = m->closed;
            h.end_reason = END_RECALLED;
        } else if (h.ended > DAY_TODAY) {
            h.ended = NO_DATE;
        } else {
            h.end_reason = (uint8_t)rng_pick(r, end_reason_weights,
                                             LEN(end_reason_weights));
        }
        heads_push(g, &h);
        if (h.ended == NO_DATE)
            break;
        t = h.ended + rng_range(r, 1, 180);
    }
}

struct ranked {
    double weight;
    uint32_t mission;
};

static int ranked_cmp(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;

    if (x->weight != y->weight)
        return x->weight < y->weight ? 1 : -1;
    return x->mission < y->mission ? -1 : x->mission > y->mission;
}

/* Lines of heads for the heaviest missions until about HEAD_SHARE of the
   postings are heads; shuffled so that they mix with the other careers. */
static void plan_heads(struct gen *g, uint64_t postings)
{
    uint32_t n = g->w.n_missions;
    struct ranked *order = xmalloc(n * sizeof(*order));
    double budget = (double)postings * HEAD_SHARE;

    for (uint32_t i = 0; i < n; i++)
        order[i] = (struct ranked){ g->w.missions[i].weight, i };
    qsort(order, n, sizeof(*order), ranked_cmp);
    for (uint32_t i = 0; i < n && (double)g->n_heads < budget; i++)
        head_line(g, order[i].mission);
    free(order);
    for (size_t i = g->n_heads; i > 1; i--) {
        size_t j = rng_below(&g->rng, (uint32_t)i);
        struct head t = g->heads[i - 1];

        g->heads[i - 1] = g->heads[j];
        g->heads[j] = t;
    }
}

/* ---- careers and households --------------------------------------------- */

struct tour {
    uint32_t mission;
    int32_t notified, arrived, accredited, refused, ended;
    uint8_t rank, category, end_reason, head;
    const char *title;
};

struct person {
    int32_t birth;
    char sex;
    uint8_t relation;
    const char *nationality;
    char family[24];
};

struct dependent {
    uint8_t who;  /* index into household.people */
    uint8_t tour; /* index into household.tours */
    int32_t joined, left, accredited, revoked;
};

struct household {
    struct tour tours[KMAX];
    int n_tours;
    int track;
    uint32_t sending;                   /* for sent staff */
    struct person people[2 + MAX_KIDS]; /* [0] holds the postings */
    int n_people;
    struct dependent deps[KMAX * (1 + MAX_KIDS)];
    int n_deps;
};

/* Tour lengths and the gaps after each tour but the last. */
struct layout {
    int32_t len[KMAX];
    int32_t gap[KMAX];
};

static int32_t ended_or_today(const struct tour *t)
{
    return t->ended != NO_DATE ? t->ended : DAY_TODAY;
}

static double persons_per_career(const struct gen *g)
{
    return ((double)g->n_career_persons + 100 * PERSONS_PRIOR) /
           ((double)g->n_careers + 100);
}

/* How many careers remain: the persons left over those a career takes,
   but no more than one per posting left. */
static double careers_left(const struct gen *g)
{
    double n = (double)g->persons_left / persons_per_career(g);

    if (n > (double)g->postings_left)
        n = (double)g->postings_left;
    return n > 1 ? n : 1;
}

/* Short gaps are transfers; long ones a stint at headquarters. */
static void draw_layout(struct rng *r, struct layout *l, int k, int tight)
{
    for (int i = 0; i < k; i++) {
        if (tight) {
            l->len[i] = tour_days(r, short_years, LEN(short_years));
            l->gap[i] = rng_range(r, 1, 90);
        } else {
            l->len[i] = tour_days(r, tour_years, LEN(tour_years));
            l->gap[i] = rng_chance(r, 0.6) ? rng_range(r, 1, 120)
                                           : rng_range(r, 365, 3 * 365);
        }
    }
}

/* Days from the first tour's arrival to the last tour's. */
static int32_t layout_before_last(const struct layout *l, int k)
{
    int32_t span = 0;

    for (int i = 0; i < k - 1; i++)
        span += l->len[i] + l->gap[i];
    return span;
}

/* Lays tours backward from the last one (arrived a, ended e); stops before
   a tour that would arrive before the window. Returns the tours laid, which
   are left in time order. */
static int lay_backward(struct household *h, const struct layout *l, int k,
                        int32_t a, int32_t e)
{
    struct tour rev[KMAX];
    int n = 1;

    memset(rev, 0, sizeof(rev));
    rev[0].arrived = a;
    rev[0].ended = e;
    for (int i = k - 2; i >= 0; i--) {
        int32_t end = rev[n - 1].arrived - l->gap[i];

        if (end - l->len[i] < DAY_WINDOW)
            break;
        rev[n].ended = end;
        rev[n].arrived = end - l->len[i];
        n++;
    }
    for (int i = 0; i < n; i++) {
        h->tours[i] = rev[n - 1 - i];
        h->tours[i].refused = NO_DATE;
        h->tours[i].rank = R_NONE;
    }
    return h->n_tours = n;
}

/* A day in [lo, DAY_TODAY], later days likelier (the larger of two uniform
   draws): a third of all postings are open today, so the staff present
   must grow over the window, and a steady growth reads better in a parity
   series than a flat line that jumps in the last tour. */
static int32_t late_day(struct rng *r, int32_t lo)
{
    return max32(rng_range(r, lo, DAY_TODAY), rng_range(r, lo, DAY_TODAY));
}

/* The dates of a career of k tours that ends today (open) or before. */
static void lay_career(struct gen *g, struct household *h, int k, int open)
{
    struct rng *r = &g->rng;
    struct layout l;
    int32_t before, a, e;

    draw_layout(r, &l, k, 0);
    before = layout_before_last(&l, k);
    if (DAY_WINDOW + before + (open ? 0 : l.len[k - 1]) > DAY_TODAY) {
        draw_layout(r, &l, k, 1);
        before = layout_before_last(&l, k);
    }
    if (open) {
        a = rng_range(r,
                      max32(DAY_TODAY - l.len[k - 1] + 1, DAY_WINDOW + before),
                      DAY_TODAY);
        e = NO_DATE;
    } else {
        e = late_day(r, DAY_WINDOW + before + l.len[k - 1]);
        a = e - l.len[k - 1];
    }
    lay_backward(h, &l, k, a, e);
}

/* A mission of the sending state open on the day; its permanent mission to
   the UN (open since 1950) when the draws keep missing. */
static uint32_t pick_staff_mission(struct gen *g, uint32_t s, int32_t arrived)
{
    for (int i = 0; i < PICK_TRIES; i++) {
        uint32_t m = pick_of(&g->w, &g->rng, s);

        if (mission_admits(&g->w.missions[m], arrived))
            return m;
    }
    return g->w.states[s].permanent_mission;
}

/* Local staff serve one mission, open on their first and last arrival. */
static uint32_t pick_local_mission(struct gen *g, const struct household *h)
{
    uint32_t m = 0;

    for (int i = 0; i < PICK_TRIES; i++) {
        const struct mission *ms;

        m = pick_any(&g->w, &g->rng);
        ms = &g->w.missions[m];
        if (mission_admits(ms, h->tours[0].arrived) &&
            mission_admits(ms, h->tours[h->n_tours - 1].arrived))
            return m;
    }
    return g->w.states[g->w.missions[m].sending].permanent_mission;
}

/* Staff leave when their mission closes. */
static void clip_to_closure(struct tour *t, const struct mission *m)
{
    if (m->closed != NO_DATE && (t->ended == NO_DATE || t->ended > m->closed)) {
        t->ended = m->closed;
        t->end_reason = END_RECALLED;
    }
}

static void assign_missions(struct gen *g, struct household *h)
{
    uint32_t local = 0;

    if (h->track == TRACK_LOCAL)
        local = pick_local_mission(g, h);
    for (int i = 0; i < h->n_tours; i++) {
        struct tour *t = &h->tours[i];

        if (!t->head)
            t->mission = h->track == TRACK_LOCAL
                             ? local
                             : pick_staff_mission(g, h->sending, t->arrived);
        clip_to_closure(t, &g->w.missions[t->mission]);
    }
}

/* Diplomatic level 0..6 (attache .. minister) of each tour: rising along an
   ordinary career, falling backward from a head of mission's last post. */
static void career_levels(struct rng *r, const struct household *h, int *lv)
{
    int n = h->n_tours;

    if (h->tours[n - 1].head) {
        if (n > 1)
            lv[n - 2] = rng_range(r, 4, 6);
        for (int i = n - 3; i >= 0; i--)
            lv[i] = max32(0, lv[i + 1] - (int)rng_below(r, 2));
        return;
    }
    lv[0] = (int)rng_pick(r, start_levels, LEN(start_levels));
    for (int i = 1; i < n; i++)
        lv[i] = min32(6, lv[i - 1] + (int)rng_below(r, 2));
}

static void set_role(struct tour *t, enum category c, enum rank rank)
{
    t->category = (uint8_t)c;
    t->rank = (uint8_t)rank;
}

/* Category and rank of one tour, from the track and the mission's kind:
   consular work happens at consulates and embassies, not at the UN. */
static void tour_role(struct tour *t, int track, int level, enum kind kind)
{
    int consular = kind == KIND_CONSULATE_GENERAL || kind == KIND_CONSULATE;
    enum rank consul = level >= 3 ? R_CONSUL : R_VICE_CONSUL;

    if (track == TRACK_DIPLOMAT && consular)
        set_role(t, CAT_CONSULAR_OFFICER, consul);
    else if (track == TRACK_DIPLOMAT || (track == TRACK_CONSULAR_OFFICER &&
                                         kind == KIND_PERMANENT_MISSION))
        set_role(t, CAT_DIPLOMATIC_AGENT, (enum rank)(R_ATTACHE - level));
    else if (track == TRACK_CONSULAR_OFFICER)
        set_role(t, CAT_CONSULAR_OFFICER, consul);
    else if (track == TRACK_CONSULAR_EMPLOYEE)
        set_role(t,
                 kind == KIND_PERMANENT_MISSION ? CAT_ADMIN_TECHNICAL
                                                : CAT_CONSULAR_EMPLOYEE,
                 R_NONE);
    else if (track == TRACK_ADMIN)
        set_role(t, CAT_ADMIN_TECHNICAL, R_NONE);
    else if (track == TRACK_SERVICE)
        set_role(t, CAT_SERVICE_STAFF, R_NONE);
    else
        set_role(t, CAT_LOCAL_STAFF, R_NONE);
}

/* The head of a mission: ambassador (permanent representative at the UN),
   or consul general / consul at a consulate. */
static void head_role(struct tour *t, enum kind kind)
{
    if (kind == KIND_CONSULATE_GENERAL || kind == KIND_CONSULATE) {
        set_role(t, CAT_CONSULAR_OFFICER,
                 kind == KIND_CONSULATE ? R_CONSUL : R_CONSUL_GENERAL);
        t->title = rank_titles[t->rank];
        return;
    }
    set_role(t, CAT_DIPLOMATIC_AGENT, R_AMBASSADOR);
    t->title = kind == KIND_PERMANENT_MISSION ? "Permanent Representative"
                                              : "Ambassador";
}

static void assign_roles(struct gen *g, struct household *h)
{
    int level[KMAX];

    career_levels(&g->rng, h, level);
    for (int i = 0; i < h->n_tours; i++) {
        struct tour *t = &h->tours[i];
        enum kind kind = (enum kind)g->w.missions[t->mission].kind;

        if (t->head) {
            head_role(t, kind);
            continue;
        }
        tour_role(t, h->track, level[i], kind);
        t->title = t->rank != R_NONE
                       ? rank_titles[t->rank]
                       : plain_titles[t->category][rng_below(&g->rng, 6)];
    }
}

/* A refusal ends the tour within weeks of arrival; the sending state
   recalls the person. Returns whether the tour could take it. */
static int refuse(struct rng *r, struct tour *t)
{
    int32_t refused = t->arrived + rng_range(r, 5, 60);
    int32_t ended = refused + rng_range(r, 0, 30);

    if (t->ended == NO_DATE || ended > t->ended)
        return 0;
    t->refused = refused;
    t->ended = ended;
    t->end_reason = END_RECALLED;
    t->accredited = NO_DATE;
    return 1;
}

/* Notified before arrival, accredited soon after unless refused; a tour
   that ended has a reason. Accreditation never postdates the end or today. */
static void tour_milestones(struct rng *r, struct tour *t)
{
    int32_t accredited;

    t->notified =
        t->arrived - (t->head ? rng_range(r, 30, 150) : rng_range(r, 0, 90));
    if (t->ended != NO_DATE && t->end_reason == END_NONE)
        t->end_reason =
            (uint8_t)rng_pick(r, end_reason_weights, LEN(end_reason_weights));
    if (!t->head && rng_chance(r, P_REFUSED) && refuse(r, t))
        return;
    accredited =
        t->arrived + (t->head ? rng_range(r, 1, 30) : rng_range(r, 0, 45));
    t->accredited = accredited <= ended_or_today(t) ? accredited : NO_DATE;
}

static void finish_career(struct gen *g, struct household *h)
{
    assign_missions(g, h);
    assign_roles(g, h);
    for (int i = 0; i < h->n_tours; i++)
        tour_milestones(&g->rng, &h->tours[i]);
}

/* An ordinary career: sent staff of a state drawn by its missions' weight,
   or local staff; open today with the probability that keeps about
   OPEN_SHARE of all postings open. */
static void ordinary_career(struct gen *g, struct household *h, int k)
{
    struct rng *r = &g->rng;
    double p_open = (double)g->open_left / careers_left(g);

    memset(h, 0, sizeof(*h));
    h->track = rng_chance(r, LOCAL_SHARE)
                   ? TRACK_LOCAL
                   : (int)rng_pick(r, track_weights, LEN(track_weights));
    h->sending = g->w.missions[pick_any(&g->w, r)].sending;
    lay_career(g, h, k, rng_chance(r, p_open));
    finish_career(g, h);
}

/* A career ending in the next planned head-of-mission slot, when chance
   and the budget allow; earlier tours that would start before the window
   are dropped, and the slot waits if fewer than k_min tours remain. */
static int head_career(struct gen *g, struct household *h, int k, int k_min)
{
    struct rng *r = &g->rng;
    double p = (double)(g->n_heads - g->next_head) / careers_left(g);
    const struct head *hd;
    struct layout l;

    if (g->next_head == g->n_heads || !rng_chance(r, p))
        return 0;
    hd = &g->heads[g->next_head];
    memset(h, 0, sizeof(*h));
    draw_layout(r, &l, k, 0);
    if (lay_backward(h, &l, k, hd->arrived, hd->ended) < k_min)
        return 0;
    g->next_head++;
    h->track = TRACK_DIPLOMAT;
    h->sending = g->w.missions[hd->mission].sending;
    h->tours[h->n_tours - 1].head = 1;
    h->tours[h->n_tours - 1].mission = hd->mission;
    h->tours[h->n_tours - 1].end_reason = hd->end_reason;
    finish_career(g, h);
    return 1;
}

/* ---- people ------------------------------------------------------------- */

static char draw_sex(struct rng *r, double p_female)
{
    double u = rng_unit(r);

    return u < 0.005 ? 'X' : u < 0.005 + p_female ? 'F' : 'M';
}

static const char *random_nationality(struct gen *g)
{
    return g->w.states[rng_below(&g->rng, g->w.n_states)].code;
}

/* The principal is 25 to 60 on every arrival, a head of mission at least
   42 on taking up the post. */
static void principal_make(struct gen *g, struct household *h)
{
    struct person *p = &h->people[0];
    const struct tour *first = &h->tours[0], *last = &h->tours[h->n_tours - 1];
    int32_t lo = add_years(last->arrived, -60);
    int32_t hi = add_years(first->arrived, -25);

    if (last->head)
        hi = min32(hi, add_years(last->arrived, -42));
    p->birth = rng_range(&g->rng, lo, hi);
    p->sex = draw_sex(&g->rng, 0.44);
    p->relation = REL_PRINCIPAL;
    p->nationality =
        h->track == TRACK_LOCAL
            ? mission_country(&g->w, &g->w.missions[first->mission])
            : g->w.states[h->sending].code;
    make_name(&g->rng, p->family, sizeof(p->family));
    h->n_people = 1;
}

/* A spouse near the principal's age and at least 21 on the first arrival,
   mostly of the other sex and the same nationality. */
static void spouse_make(struct gen *g, struct household *h)
{
    struct rng *r = &g->rng;
    const struct person *pr = &h->people[0];
    struct person *p = &h->people[h->n_people++];
    int32_t cap = add_years(h->tours[0].arrived, -21);

    p->relation = REL_SPOUSE;
    p->birth = pr->birth + rng_range(r, -6 * 365, 8 * 365);
    if (p->birth > cap)
        p->birth = cap - rng_range(r, 0, 2000);
    p->sex = pr->sex == 'X'        ? draw_sex(r, 0.5)
             : rng_chance(r, 0.95) ? (pr->sex == 'F' ? 'M' : 'F')
                                   : pr->sex;
    p->nationality =
        rng_chance(r, 0.85) ? pr->nationality : random_nationality(g);
    if (rng_chance(r, 0.7))
        memcpy(p->family, pr->family, sizeof(p->family));
    else
        make_name(r, p->family, sizeof(p->family));
}

/* Children born while the principal is 20 to 48, at most 17 at the first
   arrival and before the last tour ends. */
static void children_make(struct gen *g, struct household *h)
{
    struct rng *r = &g->rng;
    const struct person *pr = &h->people[0];
    int n = (int)rng_pick(r, kid_counts, LEN(kid_counts));
    int32_t end = ended_or_today(&h->tours[h->n_tours - 1]);
    int32_t lo =
        max32(add_years(pr->birth, 20), add_years(h->tours[0].arrived, -17));
    int32_t hi = min32(add_years(pr->birth, 48), end - 1);

    for (int i = 0; i < n && lo <= hi; i++) {
        struct person *p = &h->people[h->n_people++];

        p->relation = REL_CHILD;
        p->birth = rng_range(r, lo, hi);
        p->sex = draw_sex(r, 0.5);
        p->nationality = pr->nationality;
        memcpy(p->family, pr->family, sizeof(p->family));
    }
}

/* When dependent p joins tour t, if at all: on arrival or a little later,
   a child at birth when born during the tour, never a child of 18. */
static int join_date(struct rng *r, const struct person *p,
                     const struct tour *t, int32_t *joined)
{
    int32_t lim = ended_or_today(t);
    int32_t j = t->arrived + (rng_chance(r, 0.6) ? 0 : rng_range(r, 1, 90));

    if (t->refused != NO_DATE || !rng_chance(r, P_JOINS))
        return 0;
    j = min32(j, lim);
    if (p->relation == REL_CHILD) {
        if (p->birth > lim)
            return 0;
        j = max32(j, p->birth);
        if (p->birth <= add_years(j, -18))
            return 0;
    }
    *joined = j;
    return 1;
}

/* A dependent leaves with the principal, sometimes earlier; is accredited
   within a month of joining; rarely has it revoked. */
static void dependent_dates(struct rng *r, struct dependent *d,
                            const struct tour *t, int32_t joined)
{
    int32_t stop, accredited;

    d->joined = joined;
    d->left = t->ended;
    if (rng_chance(r, P_LEAVES_EARLY))
        d->left = rng_range(r, joined, ended_or_today(t));
    stop = d->left != NO_DATE ? d->left : DAY_TODAY;
    accredited = joined + rng_range(r, 0, 30);
    d->accredited = accredited <= stop ? accredited : NO_DATE;
    d->revoked = NO_DATE;
    if (d->accredited != NO_DATE && rng_chance(r, P_REVOKED))
        d->revoked = rng_range(r, d->accredited, stop);
}

static void dependents_join(struct gen *g, struct household *h)
{
    for (int t = 0; t < h->n_tours; t++)
        for (int p = 1; p < h->n_people; p++) {
            struct dependent *d = &h->deps[h->n_deps];
            int32_t joined;

            if (!join_date(&g->rng, &h->people[p], &h->tours[t], &joined))
                continue;
            d->who = (uint8_t)p;
            d->tour = (uint8_t)t;
            dependent_dates(&g->rng, d, &h->tours[t], joined);
            h->n_deps++;
        }
}

/* Drops the dependents who joined no tour, and those the persons budget
   cannot pay for while keeping one person per KMAX postings left. */
static void household_trim(struct gen *g, struct household *h)
{
    uint64_t rest = g->postings_left - (uint64_t)h->n_tours;
    uint64_t room = g->persons_left - 1 - (rest + KMAX - 1) / KMAX;
    int map[2 + MAX_KIDS] = { 0 }, used[2 + MAX_KIDS] = { 0 }, n = 1, k = 0;

    for (int d = 0; d < h->n_deps; d++)
        used[h->deps[d].who] = 1;
    for (int p = 1; p < h->n_people; p++) {
        map[p] = -1;
        if (used[p] && (uint64_t)(n - 1) < room) {
            h->people[n] = h->people[p];
            map[p] = n++;
        }
    }
    h->n_people = n;
    for (int d = 0; d < h->n_deps; d++) {
        if (map[h->deps[d].who] < 0)
            continue;
        h->deps[k] = h->deps[d];
        h->deps[k++].who = (uint8_t)map[h->deps[d].who];
    }
    h->n_deps = k;
}

static void household_people(struct gen *g, struct household *h)
{
    principal_make(g, h);
    if (h->track != TRACK_LOCAL) {
        if (rng_chance(&g->rng, SPOUSE_SHARE))
            spouse_make(g, h);
        children_make(g, h);
    }
    h->n_deps = 0;
    dependents_join(g, h);
    household_trim(g, h);
}

/* ---- writing households ------------------------------------------------- */

static void write_given_names(struct gen *g, struct out *o, char sex)
{
    int n = rng_chance(&g->rng, 0.3) ? 2 : 1;

    for (int i = 0; i < n; i++) {
        int female = sex == 'F' || (sex == 'X' && rng_chance(&g->rng, 0.5));

        if (i)
            out_char(o, ' ');
        out_str(o, female ? female_names[rng_below(&g->rng, LEN(female_names))]
                          : male_names[rng_below(&g->rng, LEN(male_names))]);
    }
}

static void write_person(struct gen *g, const struct person *p, uint64_t id)
{
    struct out *o = &g->out[F_PERSONS];
    char passport[10];

    out_id(o, "PER", id);
    out_char(o, ',');
    out_str(o, p->family);
    out_char(o, ',');
    write_given_names(g, o, p->sex);
    out_char(o, ',');
    out_char(o, p->sex);
    out_char(o, ',');
    out_date(o, p->birth);
    out_char(o, ',');
    out_str(o, p->nationality);
    out_char(o, ',');
    for (int i = 0; i < 9; i++)
        passport[i] = (char)(i < 2 ? 'A' + rng_below(&g->rng, 26)
                                   : '0' + rng_below(&g->rng, 10));
    out_mem(o, passport, 9);
    out_char(o, '\n');
}

static void write_posting(struct gen *g, const struct tour *t, uint64_t id,
                          uint64_t person)
{
    struct out *o = &g->out[F_POSTINGS];
    const int32_t dates[] = { t->notified, t->arrived, t->accredited,
                              t->refused, t->ended };

    out_id(o, "PST", id);
    out_char(o, ',');
    out_id(o, "PER", person);
    out_char(o, ',');
    out_str(o, g->w.missions[t->mission].id);
    out_char(o, ',');
    out_str(o, t->title);
    out_char(o, ',');
    out_str(o, rank_names[t->rank]);
    out_char(o, ',');
    out_str(o, category_names[t->category]);
    out_str(o, t->head ? ",true," : ",false,");
    for (size_t i = 0; i < LEN(dates); i++) {
        out_date(o, dates[i]);
        out_char(o, ',');
    }
    out_str(o, end_reason_names[t->end_reason]);
    out_char(o, '\n');
}

static void write_dependent(struct gen *g, const struct household *h,
                            const struct dependent *d)
{
    struct out *o = &g->out[F_DEPENDENTS];

    out_id(o, "PER", g->next_person + d->who);
    out_char(o, ',');
    out_id(o, "PST", g->next_posting + d->tour);
    out_char(o, ',');
    out_str(o, relation_names[h->people[d->who].relation]);
    out_char(o, ',');
    out_date(o, d->joined);
    out_char(o, ',');
    out_date(o, d->left);
    out_char(o, ',');
    out_date(o, d->accredited);
    out_char(o, ',');
    out_date(o, d->revoked);
    out_char(o, '\n');
}

static void household_write(struct gen *g, const struct household *h)
{
    for (int p = 0; p < h->n_people; p++)
        write_person(g, &h->people[p], g->next_person + (uint64_t)p);
    for (int t = 0; t < h->n_tours; t++) {
        write_posting(g, &h->tours[t], g->next_posting + (uint64_t)t,
                      g->next_person);
        g->n_open += h->tours[t].ended == NO_DATE;
        g->open_left -= h->tours[t].ended == NO_DATE;
        g->n_head_postings += h->tours[t].head;
    }
    for (int d = 0; d < h->n_deps; d++)
        write_dependent(g, h, &h->deps[d]);
    g->next_person += (uint64_t)h->n_people;
    g->next_posting += (uint64_t)h->n_tours;
    g->persons_left -= (uint64_t)h->n_people;
    g->postings_left -= (uint64_t)h->n_tours;
    g->n_dependents += (uint64_t)h->n_deps;
    g->n_careers++;
    g->n_career_persons += (uint64_t)h->n_people;
}

/* The next career's length: a binomial around the mean that places the
   postings left on the persons left, but never so short that the persons
   left could not hold the postings left. */
static int career_length(struct gen *g, int *k_min)
{
    double mu = (double)g->postings_left * persons_per_career(g) /
                (double)g->persons_left;
    double p = mu > 1 ? (mu - 1) / (KMAX - 1) : 0;
    uint64_t spare = (g->persons_left - 1) * KMAX;
    int k = 1;

    for (int i = 1; i < KMAX; i++)
        k += rng_chance(&g->rng, p);
    *k_min = g->postings_left > spare ? (int)(g->postings_left - spare) : 1;
    k = k < *k_min ? *k_min : k;
    return (uint64_t)k > g->postings_left ? (int)g->postings_left : k;
}

static void write_careers(struct gen *g)
{
    struct household *h = xmalloc(sizeof(*h));

    while (g->postings_left > 0) {
        int k_min, k = career_length(g, &k_min);

        if (!head_career(g, h, k, k_min))
            ordinary_career(g, h, k);
        household_people(g, h);
        household_write(g, h);
    }
    free(h);
}

/* Persons the careers did not need: visa applicants, former staff. */
static void write_unposted(struct gen *g)
{
    struct person p;

    memset(&p, 0, sizeof(p));
    for (; g->persons_left > 0; g->persons_left--) {
        p.birth = rng_range(&g->rng, days_from_civil(1940, 1, 1),
                            days_from_civil(2005, 12, 31));
        p.sex = draw_sex(&g->rng, 0.5);
        p.nationality = random_nationality(g);
        make_name(&g->rng, p.family, sizeof(p.family));
        write_person(g, &p, g->next_person++);
        g->n_unposted++;
    }
}

static void summary(const struct gen *g, const struct options *o)
{
    const struct world *w = &g->w;

    fprintf(stderr,
            "gen-world: seed %" PRIu64 ": %" PRIu32 " states, %" PRIu32
            " missions (%" PRIu32 " embassies, %" PRIu32 " consulates general, "
            "%" PRIu32 " consulates, %" PRIu32 " permanent), %" PRIu64
            " persons (%" PRIu64 " without posting), %" PRIu64
            " postings (%" PRIu64 " open, %" PRIu64 " heads), %" PRIu64
            " dependents in %s\n",
            o->seed, w->n_states, w->n_missions, w->n_kind[KIND_EMBASSY],
            w->n_kind[KIND_CONSULATE_GENERAL], w->n_kind[KIND_CONSULATE],
            w->n_kind[KIND_PERMANENT_MISSION], g->next_person - 1,
            g->n_unposted, g->next_posting - 1, g->n_open, g->n_head_postings,
            g->n_dependents, o->outdir);
}

int main(int argc, char **argv)
{
    struct options opt;
    static struct gen g;

    parse_options(argc, argv, &opt);
    check_calendar();
    rng_seed(&g.rng, opt.seed);
    world_states(&g.w, &g.rng, opt.states);
    world_missions(&g.w, &g.rng);
    make_dirs(opt.outdir);
    for (int f = 0; f < N_FILES; f++)
        out_open(&g.out[f], opt.outdir, file_names[f], file_headers[f]);
    for (uint32_t i = 0; i < g.w.n_missions; i++)
        write_mission(&g, &g.w.missions[i]);
    plan_heads(&g, opt.postings);
    g.postings_left = opt.postings;
    g.persons_left = opt.persons;
    g.open_left = (int64_t)((double)opt.postings * OPEN_SHARE);
    g.next_person = g.next_posting = 1;
    write_careers(&g);
    write_unposted(&g);
    for (int f = 0; f < N_FILES; f++)
        out_close(&g.out[f]);
    summary(&g, &opt);
    return 0;
}
