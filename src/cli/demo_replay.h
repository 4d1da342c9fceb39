/*
 * The demo's replay (cli/demo.c), shared by its parts: demo.c reads the
 * bundled files and plans the days each record and each learned date is
 * recorded on, cli/demo_write.c writes those days to the store, and
 * cli/demo_tour.c prints what was recorded and the registry on the day of
 * the seed report. One plan, three files: each part stays short enough to
 * read in one sitting.
 */
#ifndef CLI_DEMO_REPLAY_H
#define CLI_DEMO_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "base/date.h"
#include "cli/cli.h"
#include "core/snapshot.h"
#include "store/store.h"

#define TOUR_DATE "2021-12-04"

/* One step of the replay: a record inserted as known on day, or the
 * fields learned on day set. */
struct event {
    int32_t day;
    int update;
    enum entity_kind kind;
    uint32_t index;
};

struct replay {
    struct snapshot *s;
    uint32_t start[ENT__COUNT]; /* the demo's first record, per kind */
    void *final[ENT__COUNT];    /* the demo's records as read */
    int32_t *known[ENT__COUNT]; /* the day each is first recorded */
    int32_t floor, today;       /* days outside are recorded on these */
    size_t max_size;            /* of a record of any kind */
    char floor_at[32];          /* the change log's last recorded time */
    struct event *events;
    size_t n_events, alloc;
};

/* What a replay recorded, for the tour to say. */
struct replay_stats {
    size_t n_changes, n_sets;
    char first[DATE_BUF], last[DATE_BUF];
    char begun[32]; /* when the log was begun, when after the demo's start */
};

/* Record i of kind k as read, with every date it will come to carry. */
void *replay_final(const struct replay *r, enum entity_kind k, uint32_t i);

/* Sets in record i the fields learned on day. */
void replay_learn(struct replay *r, enum entity_kind k, uint32_t i,
                  int32_t day);

/* Writes the planned days as one batch; *n_sets counts the change sets.
 * Returns an exit code. */
int replay_write(struct replay *r, struct store *st, size_t *n_sets);

/* Prints the tour of s after a replay that recorded rs. */
void demo_print_tour(const struct cli *cli, const struct snapshot *s,
                     const struct replay_stats *rs);

#endif
