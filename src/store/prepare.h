/*
 * Preparing change-log entries ahead of the writer. Everything an entry
 * needs besides SQLite (its key, its field texts, its images and its link
 * in the hash chain) depends only on the snapshot, which does not change
 * while a change set is written. So for a large change set a second thread
 * prepares entries into a ring of slots while the writing thread binds and
 * steps SQLite's statements: on an import that takes a third of the work
 * off the thread SQLite runs on. Small change sets prepare each entry in
 * place, without a thread.
 */
#ifndef STORE_PREPARE_H
#define STORE_PREPARE_H

#include <pthread.h>

#include "store/internal.h"

#define KEY_MAX 256

/* One change, ready to write. */
struct prepared_entry {
    const struct change *change;
    const struct entity *ent;
    char key[KEY_MAX];
    char old_key[KEY_MAX];  /* an update: the key of the row it replaces */
    struct record_text row; /* the row to insert or update with */
    struct buf before;      /* the before image; empty for an insert */
    unsigned char hash[HASH_BYTES];
    unsigned char leaf[HASH_BYTES]; /* its Merkle leaf (store/tlog.h) */
};

struct preparer {
    const struct snapshot *s;
    const struct change *changes;
    size_t n;
    struct log_fields f; /* the change set's fields; seq of the last entry */
    /* The hash of the last entry prepared, in bytes (has_prev: there is
     * one), so that no entry pays for hex both ways; prev_hex is the one
     * the set started from, given back when nothing was prepared. */
    unsigned char prev[HASH_BYTES];
    int has_prev;
    char prev_hex[HASH_HEX];
    int64_t start_seq; /* f.seq before the first entry */
    struct buf after;  /* the after image being hashed */
    struct buf enc;    /* the entry's encoding being hashed */
    struct prepared_entry *slots;
    size_t n_slots;
    size_t next;          /* the writer's next entry */
    size_t seen_produced; /* the writer's last look at produced */
    int threaded;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t moved;
    size_t produced, consumed; /* under lock */
    int stop;                  /* under lock */
};

/* The change log's name of op: "insert", "update" or "delete". */
const char *change_op_name(enum change_op op);

/* Starts preparing the n changes of s. f holds the change set's time,
 * actor and reason, and the seq of the log's last entry, whose hash is
 * prev. */
void preparer_start(struct preparer *p, const struct snapshot *s,
                    const struct change *changes, size_t n,
                    const struct log_fields *f, const char prev[HASH_HEX]);
/* The entries the writer may hold on to: an entry stays valid until
 * PREPARER_HOLD more were taken after it, so that a writer can gather
 * rows for one statement (store/write.c). */
#define PREPARER_HOLD 33

/* The next entry, in order, waiting for it if need be; it stays valid
 * while the next PREPARER_HOLD - 1 are taken. */
const struct prepared_entry *preparer_next(struct preparer *p);
/* Stops the preparing thread (the writer may stop early, on an error)
 * and frees everything. OUT: *seq and prev, the seq and hash of the last
 * entry prepared, where the chain goes on from. */
void preparer_stop(struct preparer *p, int64_t *seq, char prev[HASH_HEX]);

#endif
