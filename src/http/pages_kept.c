/*
 * Which writes a page depends on (pages.h, page_relevant_seq). A kept
 * rendering (memo.h) is keyed by the registry's head, so any write
 * dropped it; but most of the web's writes are notifications and
 * decisions, and a UN report, a Diplomatic List or a forecast reads no
 * notification. So the server follows the change log's entries (those
 * between the registry it last looked at and the request's, store_log_
 * range, read once for all pages) and remembers, per kind of record,
 * the last entry that changed one; a page keys what it keeps by the last
 * entry of the kinds it reads. Its rendering is then kept across writes
 * that cannot change it, and computed again (in full) after one that
 * can. An entry of an unknown kind, or too long a gap to read, counts as
 * a change of every kind. The UN report reads a narrower set than whole
 * kinds (PAGE_KIND_UN): of the missions' staff, only those at the UN's
 * headquarters, and of persons, only their nationality.
 */
#include <jansson.h>
#include <pthread.h>
#include <string.h>

#include "core/entity.h"
#include "http/pages.h"
#include "store/store.h"
#include "visa/unreport.h"

/* More entries than this since the last look: every kind changed. */
#define GAP_MAX 4096

static struct {
    int64_t seen; /* the log read up to here; 0: not yet */
    /* Per kind, the last entry that changed one; then PAGE_KIND_UN's. */
    int64_t last[ENT__COUNT + 1];
} log_kinds;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static void changed_all(int64_t seq)
{
    for (int k = 0; k <= ENT__COUNT; k++)
        log_kinds.last[k] = seq;
}

/* The entity kind named name, or -1. */
static int kind_of(const char *name)
{
    const struct entity *x = entity_by_name(name);

    for (int k = 0; x && k < ENT__COUNT; k++)
        if (ENTITIES[k] == x)
            return k;
    return -1;
}

/* The text of field name in change log image (a JSON object), or NULL;
 * image is parsed into *o, which the caller releases. */
static const char *image_field(const char *image, const char *name, json_t **o)
{
    *o = image ? json_loads(image, 0, NULL) : NULL;
    return json_string_value(json_object_get(*o, name));
}

/* 1 when mission key of s is at the UN's headquarters, or not in s (it
 * cannot be placed). */
static int mission_at_un(const struct snapshot *s, const char *key)
{
    uint32_t m = key ? snapshot_find(s, ENT_MISSION, key) : IDMAP_NONE;

    if (key && m == IDMAP_NONE)
        return 1;
    return key && !strcmp(snap_mission(s, m)->host, UN_HQ_ORGANIZATION);
}

static int posting_at_un(const struct snapshot *s, const char *key)
{
    uint32_t t = key ? snapshot_find(s, ENT_POSTING, key) : IDMAP_NONE;

    if (key && t == IDMAP_NONE)
        return 1;
    return key && !strcmp(snap_mission(s, snap_posting(s, t)->mission)->host,
                          UN_HQ_ORGANIZATION);
}

/* 1 when image names a record at the UN: the mission of field name (or
 * its posting's). */
static int image_at_un(const struct snapshot *s, const char *image,
                       const char *name)
{
    json_t *o;
    const char *v = image_field(image, name, &o);
    int at;

    if (!strcmp(name, "host"))
        at = v && !strcmp(v, UN_HQ_ORGANIZATION);
    else
        at = !strcmp(name, "mission") ? mission_at_un(s, v)
                                      : posting_at_un(s, v);
    json_decref(o);
    return at;
}

/* 1 when a person's nationality changed in entry c (an update whose
 * before image differs from the record in s). */
static int nationality_changed(const struct snapshot *s,
                               const struct change_entry *c)
{
    uint32_t i = snapshot_find(s, ENT_PERSON, c->key);
    json_t *o;
    const char *was = image_field(c->before, "nationality", &o);
    int changed = c->before && (i == IDMAP_NONE || !was ||
                                strcmp(was, snap_person(s, i)->nationality));

    json_decref(o);
    return changed;
}

/* 1 when entry c may change the UN report (visa/unreport.h): a visa case
 * or policy, a person's nationality, a mission hosted by the UN, or a
 * posting or household there; not a notification, not a consular entry,
 * not the staff of the other missions. The record is read as it now
 * stands in s (the log keeps no after image) and as it was before. */
static int un_reads(const struct snapshot *s, const struct change_entry *c)
{
    const char *slash = strchr(c->key, '/');

    if (!strcmp(c->entity, "notification") || !strcmp(c->entity, "consular"))
        return 0;
    if (!strcmp(c->entity, "person"))
        return nationality_changed(s, c);
    if (!strcmp(c->entity, "mission"))
        return mission_at_un(s, c->key) || image_at_un(s, c->before, "host");
    if (!strcmp(c->entity, "posting"))
        return posting_at_un(s, c->key) || image_at_un(s, c->before, "mission");
    if (!strcmp(c->entity, "dependent"))
        return posting_at_un(s, slash ? slash + 1 : c->key) ||
               image_at_un(s, c->before, "posting");
    return 1;
}

/* Reads the entries from the last look to seq. */
static void follow(struct page_rq *p, int64_t seq)
{
    struct change_list l = { NULL, 0, 0 };
    struct err e;
    enum status rc;

    pthread_mutex_lock(&p->rq.res->side_mu);
    rc = store_log_range(p->rq.res->side, log_kinds.seen, seq, GAP_MAX + 1, &l,
                         &e);
    pthread_mutex_unlock(&p->rq.res->side_mu);
    if (rc || l.n > GAP_MAX)
        changed_all(seq);
    for (size_t i = 0; !rc && i < l.n && l.n <= GAP_MAX; i++) {
        int k = kind_of(l.items[i].entity);

        if (k >= 0)
            log_kinds.last[k] = l.items[i].seq;
        else
            changed_all(l.items[i].seq);
        if (un_reads(p->rq.s, &l.items[i]))
            log_kinds.last[ENT__COUNT] = l.items[i].seq;
    }
    change_list_release(&l);
    log_kinds.seen = seq;
}

int64_t page_relevant_seq(struct page_rq *p, unsigned kinds)
{
    int64_t seq = p->rq.s_seq, last = 0;

    if (p->as_known_on != DATE_NONE || !p->rq.res || !p->rq.res->side ||
        seq <= 0)
        return seq;
    pthread_mutex_lock(&log_mu);
    if (!log_kinds.seen) {
        log_kinds.seen = seq;
        changed_all(seq);
    } else if (seq > log_kinds.seen) {
        follow(p, seq);
    }
    if (seq != log_kinds.seen) {
        /* A request on a registry older than the last looked at. */
        pthread_mutex_unlock(&log_mu);
        return seq;
    }
    for (int k = 0; k <= ENT__COUNT; k++)
        if ((kinds >> k) & 1u && log_kinds.last[k] > last)
            last = log_kinds.last[k];
    pthread_mutex_unlock(&log_mu);
    return last;
}
