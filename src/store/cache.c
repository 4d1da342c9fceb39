/*
 * The snapshot image: a binary image of a snapshot kept beside the
 * database as PATH.snapshot (a PostgreSQL registry's, in this machine's
 * cache folder: store/pg_image.c), mapped into memory (mmap, private) and used
 * in place, so that a read neither runs SQL over the tables nor parses or
 * copies the records: the rows, the strings, the key indexes and the
 * derived indexes (postings by mission and by person, dependents by
 * posting, missions by sending state, presence) are used where they lie.
 * The string pointers in rows and index slots are written for an image
 * mapped at IMAGE_BASE, where a load asks to map it (MAP_FIXED_NOREPLACE).
 *
 * It is this machine's memory layout, not an interchange format. Layout
 * (docs/registry.md, "The snapshot image"; store/image.h):
 *
 *     header | strings | rows | key slots | derived indexes | block sums
 *
 * The header (alone in the first block) names the change-log head the
 * image holds (seq and hash) and every section's offset, size and count;
 * it has a checksum of its own, and so has the table of block sums at the
 * end. Everything between is cut into blocks of BLOCK bytes, each with its
 * checksum in that table.
 *
 * The image is in four files, one purpose each:
 *  - this one: the checksum, the format's shared facts, and the load,
 *    which reads and checks the header and the table of sums (so that no
 *    count can make a load allocate anything) and then maps the image
 *    either for checking on touch or checked whole;
 *  - store/image_write.c: the writer;
 *  - store/image_check.c: the whole check of an image (every block, then
 *    every value), for a small image or one mapped away from IMAGE_BASE,
 *    and the fuzzer;
 *  - store/image_lazy.c: a large image checked block by block on first
 *    touch, by a SIGSEGV handler (its top comment says why that is safe
 *    with several threads).
 *
 * The checksum is a 64-bit one of four multiply-xor lanes over 8-byte
 * words (image_sum), not BLAKE2b: it runs at memory speed, and since each
 * step is a bijection of the lane for a given word, a change confined to
 * one word (any flipped byte) always changes the sum; other damage escapes
 * it with odds of about 2^-64. It guards against accident (a torn write, a
 * flipped bit, an edit), not malice: an image forged with matching sums is
 * caught by `audit verify`, which compares the image with the tables.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "store/image.h"

/* Adjacency j groups items of ADJ_ITEMS[j] by records of ADJ_GROUPS[j]:
 * postings by mission, postings by person, dependents by posting,
 * missions by sending state. */
const int ADJ_GROUPS[4] = { ENT_MISSION, ENT_PERSON, ENT_POSTING, ENT_STATE };
const int ADJ_ITEMS[4] = { ENT_POSTING, ENT_POSTING, ENT_DEPENDENT,
                           ENT_MISSION };

#define PRIME1 0x9E3779B185EBCA87u
#define PRIME2 0xC2B2AE3D27D4EB4Fu

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/* Reads the 8-byte word at p. */
static uint64_t word(const unsigned char *p)
{
    uint64_t w;

    memcpy(&w, p, sizeof(w));
    return w;
}

/* The four lanes are four variables, not an array: GCC kept an array's
 * lanes in memory, and each step then waited on a store (1.6 GB/s, against
 * about 10 GB/s so). */
uint64_t image_sum(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t l0 = PRIME1, l1 = PRIME2, l2 = ~PRIME1, l3 = ~PRIME2, h;
    size_t i = 0;

    for (; i + 32 <= n; i += 32) {
        l0 = (l0 ^ word(p + i)) * PRIME1;
        l1 = (l1 ^ word(p + i + 8)) * PRIME1;
        l2 = (l2 ^ word(p + i + 16)) * PRIME1;
        l3 = (l3 ^ word(p + i + 24)) * PRIME1;
    }
    for (; i + 8 <= n; i += 8)
        l0 = (l0 ^ word(p + i)) * PRIME1;
    for (; i < n; i++)
        l1 = (l1 ^ p[i]) * PRIME1;
    h = n * PRIME2;
    h = (rotl(h, 27) ^ (l0 * PRIME2)) * PRIME1;
    h = (rotl(h, 27) ^ (l1 * PRIME2)) * PRIME1;
    h = (rotl(h, 27) ^ (l2 * PRIME2)) * PRIME1;
    h = (rotl(h, 27) ^ (l3 * PRIME2)) * PRIME1;
    return h ^ (h >> 29);
}

char *image_path(const struct store *st)
{
    if (st->pg && !st->image_file)
        BUG("a PostgreSQL registry with no image file");
    if (st->pg)
        return xstrdup(st->image_file);
    return xasprintf("%s.snapshot", st->path);
}

/* CHANCERY_SNAPSHOT_CACHE: unset, "never" (no image) or "rebuild" (write
 * one, never read it: a process started again after a damaged block). */
int cache_wanted(void)
{
    const char *mode = getenv("CHANCERY_SNAPSHOT_CACHE");

    return !(mode && !strcmp(mode, "never"));
}

int cache_readable(void)
{
    const char *mode = getenv("CHANCERY_SNAPSHOT_CACHE");

    return !(mode && (!strcmp(mode, "never") || !strcmp(mode, "rebuild")));
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 1099511628211u;
}

uint64_t image_layout(void)
{
    uint64_t h = mix(14695981039346656037u, sizeof(void *));

    for (int k = 0; k < ENT__COUNT; k++) {
        const struct entity *ent = ENTITIES[k];

        h = mix(mix(h, ent->size), (uint64_t)ent->n_fields);
        for (int i = 0; i < ent->n_fields; i++) {
            const struct field *f = &ent->fields[i];

            h = mix(mix(mix(h, f->offset), f->type), f->flags);
            h = mix(mix(h, f->ref), f->names ? (uint64_t)f->names->count : 0);
        }
    }
    return h;
}

size_t image_elem_size(int i)
{
    if (i == SEC_STRINGS)
        return 1;
    if (i < SEC_SLOTS(0))
        return ENTITIES[i - SEC_ROWS(0)]->size;
    if (i < SEC_INDEX(0))
        return sizeof(struct image_slot);
    if (i == SEC_MISSION_POSTINGS)
        return sizeof(struct posting);
    return sizeof(uint32_t);
}

/* Reads the header and the table of block sums of the image of fd (size
 * bytes) and checks them; 0 when sound, with *sums allocated. */
static int read_layout(int fd, size_t size, struct image_header *h,
                       uint64_t **sums)
{
    uint64_t n;

    if (pread(fd, h, sizeof(*h), 0) != (ssize_t)sizeof(*h) ||
        image_check_header(h, size))
        return 1;
    n = size - h->data_end;
    *sums = xmalloc(n + 1);
    if (pread(fd, *sums, n, (off_t)h->data_end) != (ssize_t)n ||
        image_sum(*sums, n) != h->sums_sum) {
        free(*sums);
        *sums = NULL;
        return 1;
    }
    return 0;
}

/* Maps the whole image writable and checks it all (image_decode). */
static int eager_load(int fd, size_t size, struct snapshot *s,
                      struct image_info *info)
{
    void *map =
        mmap((void *)(uintptr_t)IMAGE_BASE, size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);

    if (map == MAP_FAILED)
        map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        return 1;
    if (image_decode(map, size, s, info)) {
        snapshot_release(s);
        snapshot_init(s);
        munmap(map, size);
        return 1;
    }
    s->map = map;
    s->map_size = size;
    return 0;
}

int cache_load(struct store *st, struct snapshot *s, struct image_info *info)
{
    char *path = image_path(st);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct image_header h;
    uint64_t *sums = NULL;
    struct stat sb;
    size_t size;
    int bad;

    free(path);
    if (fd < 0)
        return 1;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size < (off_t)BLOCK ||
        (uint64_t)sb.st_size > SIZE_MAX / 2) {
        close(fd);
        return 1;
    }
    size = (size_t)sb.st_size;
    bad = read_layout(fd, size, &h, &sums);
    if (!bad) {
        info->seq = h.seq;
        snprintf(info->hash, sizeof(info->hash), "%s", h.hash);
        if (image_lazy_wanted(h.data_end) &&
            !image_lazy_load(st, fd, &h, sums, size, s))
            return 0; /* fd and sums stay, for the checks on touch */
        free(sums);
        bad = eager_load(fd, size, s, info);
    }
    close(fd);
    return bad;
}

int cache_head(struct store *st, struct image_info *info)
{
    char *path = image_path(st);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct image_header h;
    struct stat sb;
    int bad;

    free(path);
    if (fd < 0)
        return 1;
    bad = fstat(fd, &sb) || !S_ISREG(sb.st_mode) ||
          pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
          image_check_header(&h, (uint64_t)sb.st_size);
    close(fd);
    if (!bad) {
        info->seq = h.seq;
        snprintf(info->hash, sizeof(info->hash), "%s", h.hash);
    }
    return bad;
}

void store_image_open_rest(void)
{
    image_lazy_open_rest();
}
