/*
 * The snapshot image's layout, shared by the files that write it
 * (store/image_write.c), check it (store/image_check.c), map it for
 * checking on touch (store/image_lazy.c) and load it (store/cache.c, which
 * describes the format). Nothing outside those files sees it.
 */
#ifndef STORE_IMAGE_H
#define STORE_IMAGE_H

#include <stdint.h>

#include "store/internal.h"

#define IMAGE_MAGIC "CHIMG006"
#define ALIGN       64
/* The unit checked on first touch: a multiple of the page size, small
 * enough that a command touching a few records checks little (see
 * above). */
#define BLOCK UINT64_C(16384)

struct image_slot {
    uint64_t key; /* the key's address at IMAGE_BASE; 0: an empty slot */
    uint32_t hash;
    uint32_t value;
};

/* The slots are decoded in place into the index's own slots. */
_Static_assert(sizeof(struct image_slot) == sizeof(struct idmap_slot) &&
                   sizeof(void *) == sizeof(uint64_t),
               "image slots have the layout of index slots");

/* The derived indexes (core/snapshot.h), each an array of 32-bit values:
 * four adjacency lists (start, items) and the presence index. */
enum {
    IX_ADJ = 0, /* 2 * j: start of adjacency j; 2 * j + 1: its items */
    IX_PRES_START = 8,
    IX_PRES_ARRIVALS,
    IX_PRES_STOPS,
    IX__COUNT
};

/* Adjacency j groups items of ADJ_ITEMS[j] by records of ADJ_GROUPS[j]:
 * postings by mission, postings by person, dependents by posting,
 * missions by sending state. */
extern const int ADJ_GROUPS[4];
extern const int ADJ_ITEMS[4];

#define SEC_STRINGS  0
#define SEC_ROWS(k)  (1 + (k))
#define SEC_SLOTS(k) (1 + ENT__COUNT + (k))
#define SEC_INDEX(j) (1 + 2 * ENT__COUNT + (j))
/* The posting rows again, grouped by mission (core/snapshot.h
 * mission_postings), last: where each mission's group starts, then the
 * copies. */
#define SEC_MISSION_AT       (1 + 2 * ENT__COUNT + IX__COUNT)
#define SEC_MISSION_POSTINGS (SEC_MISSION_AT + 1)
#define SEC_COUNT            (SEC_MISSION_POSTINGS + 1)

struct image_section {
    uint64_t offset, size, count;
};

struct image_header {
    char magic[8];
    uint64_t layout;
    uint64_t base; /* the address the pointers were written for */
    int64_t seq;
    char hash[72];
    uint64_t file_size;
    uint64_t data_end; /* blocks 1.. cover [BLOCK, data_end); sums follow */
    uint64_t sums_sum; /* of the table of block sums */
    struct image_section sec[SEC_COUNT];
    uint64_t sum; /* of every byte above */
};

_Static_assert(sizeof(struct image_header) <= BLOCK,
               "the header fits its block");

/* The image file beside st's database: PATH.snapshot. */
char *image_path(const struct store *st);
/* A fingerprint of every record layout, so that an image from another
 * build of chancery is never read as this one's. */
uint64_t image_layout(void);
/* The size of one element of section i. */
size_t image_elem_size(int i);
/* Checks the header and the sections' places for an image of size bytes;
 * 0 when sound. */
int image_check_header(const struct image_header *h, uint64_t size);
/* Points s's tables and derived indexes into the image at base, whose
 * layout h describes; the values are those of an image checked or to be
 * checked on touch. */
void image_attach(char *base, const struct image_header *h, struct snapshot *s);
/* Whether to check an image whose blocks end at data_end on touch
 * (CHANCERY_SNAPSHOT_LAZY=always|never, else from a few megabytes). */
int image_lazy_wanted(uint64_t data_end);
/* Maps the image of fd (size bytes, with the header h and the table of
 * block sums sums, both checked) at IMAGE_BASE for checking on touch and
 * attaches s to it; 0 on success, when it keeps fd and sums. */
int image_lazy_load(struct store *st, int fd, const struct image_header *h,
                    uint64_t *sums, size_t size, struct snapshot *s);
/* Checks and opens, window by window, every block of the image mapped
 * for checking on touch that is not open yet (none: returns at once); a
 * damaged one ends as a touched one would. For a long-running process,
 * so that no request pays for a first touch. Safe while another thread
 * releases the snapshot. */
void image_lazy_open_rest(void);
/* The blocks of the image mapped for checking on touch that are open, and
 * all its blocks but the header's (0 and 0 when none is mapped). */
void image_lazy_count(uint64_t *open, uint64_t *blocks);

#endif
