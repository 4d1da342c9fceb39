/*
 * The entry preparer (store/prepare.h): a ring of slots filled in order by
 * a producer thread and drained in order by the writer. Both sides publish
 * their progress under one mutex, but only every BATCH entries or when they
 * would have to wait, so the lock is taken a few thousand times on a
 * million-row import rather than twice per row.
 */
#include "store/prepare.h"

#include "base/xalloc.h"
#include "store/tlog.h"

/* Change sets smaller than this are prepared in place. */
#define THREAD_MIN_CHANGES 4096
#define RING_SLOTS         4096
#define BATCH              64

const char *change_op_name(enum change_op op)
{
    static const char *const names[] = { "insert", "update", "delete" };

    return names[op];
}

/* record_key into buf, which it may leave unused for a one-field key. */
static void key_into(const struct snapshot *s, const struct entity *ent,
                     const void *rec, char buf[KEY_MAX])
{
    const char *key = record_key(s, ent, rec, buf, KEY_MAX);
    size_t n;

    if (key == buf)
        return;
    /* As snprintf "%s" would, without parsing a format once per entry. */
    n = strnlen(key, KEY_MAX - 1);
    memcpy(buf, key, n);
    buf[n] = '\0';
}

static void prepare_entry(struct preparer *p, struct prepared_entry *x,
                          const struct change *c)
{
    const struct entity *ent = ENTITIES[c->entity];
    const void *rec = snapshot_row(p->s, c->entity, c->index);

    x->change = c;
    x->ent = ent;
    key_into(p->s, ent, rec, x->key);
    record_values(p->s, ent, rec, &x->row);
    p->f.seq++;
    p->f.op = change_op_name(c->op);
    p->f.entity = ent->name;
    p->f.key = x->key;
    p->f.before = p->f.after = NULL;
    if (c->op == OP_UPDATE) {
        key_into(p->s, ent, c->before, x->old_key);
        record_image_to(&x->before, p->s, ent, c->before);
    } else if (c->op == OP_DELETE) {
        values_image_to(&x->before, ent, x->row.values);
    } else {
        buf_reset(&x->before);
    }
    if (c->op != OP_INSERT)
        p->f.before = x->before.data;
    if (c->op != OP_DELETE) {
        values_image_to(&p->after, ent, x->row.values);
        p->f.after = p->after.data;
    }
    if (entry_encode(&p->f, &p->enc))
        BUG("change %lld does not encode", (long long)p->f.seq);
    entry_hashes_raw(p->has_prev ? p->prev : NULL, &p->enc, x->hash, x->leaf);
    memcpy(p->prev, x->hash, HASH_BYTES);
    p->has_prev = 1;
}

static void publish_produced(struct preparer *p, size_t produced)
{
    pthread_mutex_lock(&p->lock);
    p->produced = produced;
    pthread_cond_broadcast(&p->moved);
    pthread_mutex_unlock(&p->lock);
}

/* Waits until slot i is free; 0 when the writer stopped instead. */
static int wait_for_room(struct preparer *p, size_t i, size_t *seen_consumed)
{
    int go;

    pthread_mutex_lock(&p->lock);
    p->produced = i;
    pthread_cond_broadcast(&p->moved);
    while (i - p->consumed >= p->n_slots && !p->stop)
        pthread_cond_wait(&p->moved, &p->lock);
    *seen_consumed = p->consumed;
    go = !p->stop;
    pthread_mutex_unlock(&p->lock);
    return go;
}

static void *produce(void *arg)
{
    struct preparer *p = arg;
    size_t seen_consumed = 0;

    for (size_t i = 0; i < p->n; i++) {
        if (i - seen_consumed >= p->n_slots &&
            !wait_for_room(p, i, &seen_consumed))
            return NULL;
        prepare_entry(p, &p->slots[i % p->n_slots], &p->changes[i]);
        if ((i + 1) % BATCH == 0 || i + 1 == p->n)
            publish_produced(p, i + 1);
    }
    return NULL;
}

void preparer_start(struct preparer *p, const struct snapshot *s,
                    const struct change *changes, size_t n,
                    const struct log_fields *f, const char prev[HASH_HEX])
{
    memset(p, 0, sizeof(*p));
    p->s = s;
    p->changes = changes;
    p->n = n;
    p->f = *f;
    p->start_seq = f->seq;
    memcpy(p->prev_hex, prev, HASH_HEX);
    p->has_prev = *prev && !hash_from_hex(prev, p->prev);
    buf_init(&p->after, BUF_MAX_DEFAULT);
    buf_init(&p->enc, BUF_MAX_DEFAULT);
    p->threaded = n >= THREAD_MIN_CHANGES;
    p->n_slots = p->threaded ? RING_SLOTS : PREPARER_HOLD;
    p->slots = xcalloc(p->n_slots, sizeof(*p->slots));
    for (size_t i = 0; i < p->n_slots; i++)
        buf_init(&p->slots[i].before, BUF_MAX_DEFAULT);
    if (!p->threaded)
        return;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->moved, NULL);
    if (pthread_create(&p->thread, NULL, produce, p)) {
        /* No thread to be had: prepare in place, one slot at a time. */
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->moved);
        p->threaded = 0;
    }
}

const struct prepared_entry *preparer_next(struct preparer *p)
{
    size_t i = p->next++;

    if (!p->threaded) {
        prepare_entry(p, &p->slots[i % p->n_slots], &p->changes[i]);
        return &p->slots[i % p->n_slots];
    }
    if (i >= p->seen_produced || i % BATCH == 0) {
        pthread_mutex_lock(&p->lock);
        /* every slot before the PREPARER_HOLD the writer may hold is free */
        p->consumed = i + 1 >= PREPARER_HOLD ? i + 1 - PREPARER_HOLD : 0;
        pthread_cond_broadcast(&p->moved);
        while (p->produced <= i)
            pthread_cond_wait(&p->moved, &p->lock);
        p->seen_produced = p->produced;
        pthread_mutex_unlock(&p->lock);
    }
    return &p->slots[i % p->n_slots];
}

void preparer_stop(struct preparer *p, int64_t *seq, char prev[HASH_HEX])
{
    if (p->threaded) {
        pthread_mutex_lock(&p->lock);
        p->stop = 1;
        pthread_cond_broadcast(&p->moved);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->thread, NULL);
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->moved);
    }
    if (p->f.seq != p->start_seq)
        hash_to_hex(p->prev, prev);
    else
        memcpy(prev, p->prev_hex, HASH_HEX);
    *seq = p->f.seq;
    for (size_t i = 0; i < p->n_slots; i++)
        buf_release(&p->slots[i].before);
    free(p->slots);
    buf_release(&p->after);
    buf_release(&p->enc);
    memset(p, 0, sizeof(*p));
}
