/*
 * A large snapshot image checked on first touch (store/cache.c describes
 * the format). It is mapped with no access at all (PROT_NONE): the first
 * touch of a block faults, and the SIGSEGV handler reads that block from
 * the file (pread, so that checking adds no resident memory), checks it
 * against its sum and opens it (read and write: the mapping is private)
 * and lets the command go on; when the block before it was open already
 * and the touch is at the block's start (a scan) it checks and opens up to
 * RUN blocks at once. A roster of one
 * mission in a registry of a million postings so checks a few hundred
 * kilobytes, not the half gigabyte of the image. A window of WINDOW
 * blocks (4 MiB) touched in many of its blocks is checked and opened whole
 * in one pass (open_window), cheaper per block than a fault each. BLOCK
 * (16 KiB) weighs the
 * roster's memory against the faults of a scan (8 KiB: 11 MiB and check
 * 255 ms of CPU on the 1M world; 16 KiB: 13 MiB, 205 ms; 32 KiB: 17 MiB,
 * 181 ms). A block that fails its checksum is never used: the process
 * starts again with the image turned off (it reads the tables and writes a
 * new image), or, when it has begun to write, stops with an error and
 * removes the image (docs/registry.md).
 *
 * Threads. The handler is process-wide, and several threads may touch
 * the image at once: `serve`'s pool reads the resident snapshot, and an
 * import's preparing thread (store/prepare.c) reads the snapshot the
 * writer writes. It is safe so:
 *  - Two threads faulting on unchecked blocks (the same or overlapping
 *    runs) each check and open what they touched; the work may be done
 *    twice, never wrongly: a block is opened (mprotect, which the kernel
 *    serializes) only after its sum was checked, and marked checked (an
 *    atomic store, after the mprotect) only once open, so a thread that
 *    sees the mark finds the block open; one that does not checks it
 *    itself. The marks are atomics, as a signal handler may touch.
 *  - A window is opened whole by the one thread whose touch is due first
 *    (an atomic exchange); another touching an unchecked block of it
 *    meanwhile checks and opens that block itself, as above.
 *  - The handler keeps errno, which pread and mprotect may change under
 *    the interrupted code.
 *  - A fault that is not the image's (outside the checked blocks' range,
 *    the header's block, or with no image mapped) is a genuine crash: the
 *    handler puts back the handler it found and returns, the access runs
 *    again and the process dies of it as it would have without this file.
 *    The handler is installed once per process and what it found is kept
 *    from that first time: installing it again for the next image (`serve`
 *    maps one after each reload) used to record itself as the previous
 *    handler, so that a genuine crash faulted forever instead of dying
 *    (tests/unit/test-store.c, test_image_crash_still_crashes).
 *  - The image is unmapped only when its snapshot is released, which no
 *    thread still reads (`serve` counts its readers).
 * Mappings. Each open block apart from its neighbours is a mapping of
 * its own, and a process may have only so many (vm.max_map_count): when
 * mprotect finds no room, the whole image is checked and opened, one
 * mapping again (open_all), rather than taken for damaged.
 * What stays process-wide: a damaged block found by any thread starts the
 * whole process again (execve: `serve` restarts and loads from the tables)
 * unless a write has begun in it, when the process stops. A pointer into
 * an unopened block passed to a system call (write(2) straight from the
 * image) would fail with EFAULT rather than fault; chancery copies what it
 * prints through stdio, which touches the block first.
 */
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "store/image.h"

/* A scan opens up to this many blocks at a time. */
#define RUN 32
/* A run of at least this many blocks is summed through a mapping, not
 * read. */
#define VIEW_MIN 4
/* A scan enters a block at its start, the previous one open: a fault
 * in the block's first SCAN_ENTRY bytes with the block before it open is
 * taken for one. A lookup lands anywhere in a block, so that one that
 * merely follows an open block (common when many records are looked up)
 * checks one block, not RUN (a roster of 1,233 postings read 5,554 blocks,
 * 87 MB, before). */
#define SCAN_ENTRY 1024
/* The image is cut into windows of WINDOW blocks (4 MiB): a window is
 * opened whole (open_window) at its WINDOW_DUE-th block checked one by
 * one (an eighth of it). */
#define WINDOW     256
#define WINDOW_DUE 32
/* Images below this size are checked whole at load. */
#define LAZY_MIN (UINT64_C(4) << 20)

/* The image mapped for checking on touch: at most one per process (it
 * lies at IMAGE_BASE). The fault handler reads these, so they are set
 * before it can run and cleared only after the mapping is gone. */
struct lazy_image {
    char *map; /* at IMAGE_BASE; a block opens once checked */
    int fd;    /* the same file, read (pread) to check a block */
    uint64_t size, data_end;
    uint64_t *sums;        /* the table of block sums, read and checked */
    atomic_uchar *checked; /* per block: checked and open */
    char *path;            /* the image's file */
    char **argv, **envp;   /* to start again without it */
    struct image_header h; /* its sections */
    /* Per window: blocks checked one by one, and 1 once opened whole. */
    atomic_uint *touches;
    atomic_uchar *whole;
    /* The blocks checked one by one at which a window is opened whole
     * (CHANCERY_SNAPSHOT_WHOLE, 0: never; else WINDOW_DUE). */
    unsigned long whole_at;
};

static struct lazy_image lazy;
static volatile sig_atomic_t lazy_on, lazy_writing;
/* Held by image_lazy_open_rest between its windows and by lazy_unmap:
 * the one may run on a thread that holds no reference to the snapshot
 * the other releases. */
static pthread_mutex_t rest_mu = PTHREAD_MUTEX_INITIALIZER;
/* The SIGSEGV handler found when this one was installed. */
static struct sigaction previous_segv;

void cache_writing(void)
{
    lazy_writing = 1;
}

static void say(const char *msg)
{
    if (write(STDERR_FILENO, msg, strlen(msg)) < 0)
        return;
}

/* A block failed its checksum: the command cannot go on with the image.
 * Unless it has begun to write, it starts again reading the tables (which
 * also writes a new image); else it stops, leaving no image behind. */
static void lazy_damaged(void)
{
    if (!lazy_writing && lazy.argv) {
        if (getenv("CHANCERY_DEBUG_LOAD"))
            say("snapshot: damaged image block, starting again\n");
        execve("/proc/self/exe", lazy.argv, lazy.envp);
    }
    unlink(lazy.path);
    say("chancery: error: the snapshot image is damaged; it was removed "
        "and the next command rebuilds it (see 'chancery audit verify')\n");
    _exit(1);
}

static int is_checked(uint64_t b)
{
    return atomic_load_explicit(&lazy.checked[b], memory_order_acquire);
}

/* Marked only once open: a thread that sees the mark may read. */
static void mark_open(uint64_t b, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        atomic_store_explicit(&lazy.checked[b + i], 1, memory_order_release);
}

/* Each open block apart from its neighbours is a mapping of its own, and
 * a process may have only so many (vm.max_map_count, 65,530 by default):
 * an image of two gigabytes has 137,000 blocks. When mprotect finds no
 * room for another, every block is checked and the image opened whole,
 * which makes it one mapping again; 0 when every block is sound. block is
 * the caller's buffer of BLOCK bytes. */
static int open_all(char *block)
{
    uint64_t end = lazy.data_end / BLOCK;

    for (uint64_t b = 1; b < end; b++)
        if (!is_checked(b) && (pread(lazy.fd, block, BLOCK,
                                     (off_t)(b * BLOCK)) != (ssize_t)BLOCK ||
                               image_sum(block, BLOCK) != lazy.sums[b]))
            return 1;
    if (mprotect(lazy.map + BLOCK, lazy.data_end - BLOCK,
                 PROT_READ | PROT_WRITE))
        return 1;
    mark_open(1, end - 1);
    return 0;
}

/* Sums blocks [b, b + n) through a read-only mapping of the file: how
 * many are sound before the first that is not (n when all are), or
 * UINT64_MAX when the mapping could not be made (the caller reads them).
 * Safe in a signal handler. */
static uint64_t view_sums(uint64_t b, uint64_t n)
{
    size_t len = (size_t)(n * BLOCK);
    const char *view =
        mmap(NULL, len, PROT_READ, MAP_SHARED, lazy.fd, (off_t)(b * BLOCK));
    uint64_t i = 0;

    if (view == MAP_FAILED)
        return UINT64_MAX;
    while (i < n && image_sum(view + i * BLOCK, BLOCK) == lazy.sums[b + i])
        i++;
    munmap((void *)(uintptr_t)view, len);
    return i;
}

/* Sums blocks [b, b + n) read from the file into block (BLOCK bytes), not
 * through a second mapping, so that checking a lookup's block adds
 * nothing to the process's resident memory: how many are sound before the
 * first that is not. Safe in a signal handler. */
static uint64_t read_sums(uint64_t b, uint64_t n, char *block)
{
    uint64_t i = 0;

    while (i < n &&
           pread(lazy.fd, block, BLOCK, (off_t)((b + i) * BLOCK)) ==
               (ssize_t)BLOCK &&
           image_sum(block, BLOCK) == lazy.sums[b + i])
        i++;
    return i;
}

/* Checks block b and opens it, with the blocks after it when the touch
 * looks like a scan's and the block before is open (up to RUN blocks in one
 * call, each checked, stopping at one that fails, which is not opened); 0
 * when b is sound. Safe in a signal handler. */
static int lazy_check(uint64_t b, int scan)
{
    char block[BLOCK];
    uint64_t n = 1, end = lazy.data_end / BLOCK, good;

    if (is_checked(b))
        return 0;
    if (scan && is_checked(b - 1))
        while (n < RUN && b + n < end && !is_checked(b + n))
            n++;
    /* A run is summed through a read-only mapping of its part of the
     * file, as a window is (open_window): the page cache's pages where
     * they lie, no copy (reading them cost check a fifth of its CPU). */
    good = n >= VIEW_MIN ? view_sums(b, n) : UINT64_MAX;
    if (good == UINT64_MAX)
        good = read_sums(b, n, block);
    if (!good)
        return 1;
    n = good;
    if (mprotect(lazy.map + b * BLOCK, n * BLOCK, PROT_READ | PROT_WRITE))
        return errno == ENOMEM ? open_all(block) : 1;
    mark_open(b, n);
    return 0;
}

/* Opens blocks [from, to) that are not open yet, checked already: one
 * mprotect per run of them. Their pages are mapped as they are read (a
 * fault maps the 64 KiB around it: mapping them all at once,
 * MADV_POPULATE_READ, cost as much and made every page resident). 0 on
 * success. */
static int open_checked(uint64_t from, uint64_t to)
{
    uint64_t b = from;

    while (b < to) {
        uint64_t e;

        if (is_checked(b)) {
            b++;
            continue;
        }
        for (e = b; e < to && !is_checked(e); e++)
            ;
        if (mprotect(lazy.map + b * BLOCK, (e - b) * BLOCK,
                     PROT_READ | PROT_WRITE))
            return 1;
        mark_open(b, e - b);
        b = e;
    }
    return 0;
}

/* Checks and opens every block of window w in one pass: a command that
 * has touched many blocks of a window (check walks every posting, a
 * parity the postings of two states, scattered over them) would touch
 * most of the rest too, and one pass sums them at memory speed where a
 * block at a time costs a fault, a read and a mprotect each (about 12
 * microseconds on the 2-core VM, against about 3 in a pass; a million
 * postings' rows are 3,900 blocks). The blocks are read through a
 * mapping of the window's part of the file of their own, shared and read
 * only, so the page cache's pages are summed where they lie (the kernel
 * maps them 64 KiB a fault), then dropped: reading them with pread, 256
 * KiB at a time, cost a copy and 3 ms more of check's CPU, mapping them
 * all at once (MAP_POPULATE) more still. A damaged block anywhere in the
 * window is then found before the command reads on, with the same outcome
 * as one touched (lazy_damaged). 0 when every block is sound; -1 when it could
 * not be done (the caller checks the touched block alone). */
static int open_window(uint64_t w)
{
    uint64_t from = w * WINDOW, to = from + WINDOW;
    const char *view;
    size_t len;
    int bad = 0;

    if (to > lazy.data_end / BLOCK)
        to = lazy.data_end / BLOCK;
    len = (size_t)((to - from) * BLOCK);
    view =
        mmap(NULL, len, PROT_READ, MAP_SHARED, lazy.fd, (off_t)(from * BLOCK));
    if (view == MAP_FAILED)
        return -1;
    for (uint64_t b = from; b < to && !bad; b++)
        bad = !is_checked(b) &&
              image_sum(view + (b - from) * BLOCK, BLOCK) != lazy.sums[b];
    munmap((void *)(uintptr_t)view, len);
    if (!bad && open_checked(from, to)) {
        char block[BLOCK];

        bad = errno == ENOMEM ? open_all(block) : 1;
    }
    return bad;
}

/* Checks block b (and more, see lazy_check and open_window) for a touch;
 * 0 when sound. */
static int lazy_touch(uint64_t b, int scan)
{
    uint64_t w = b / WINDOW;
    int got;

    if (is_checked(b))
        return 0;
    if (lazy.whole_at && !atomic_load(&lazy.whole[w]) &&
        atomic_fetch_add(&lazy.touches[w], 1) + 1 >= lazy.whole_at &&
        !atomic_exchange(&lazy.whole[w], 1)) {
        got = open_window(w);
        if (got >= 0)
            return got;
    }
    return lazy_check(b, scan);
}

static void on_fault(int sig, siginfo_t *info, void *ctx)
{
    char *at = info->si_addr;
    int saved = errno;

    (void)sig;
    (void)ctx;
    if (lazy_on && at >= lazy.map + BLOCK && at < lazy.map + lazy.data_end) {
        uint64_t off = (uint64_t)(at - lazy.map);

        if (lazy_touch(off / BLOCK, off % BLOCK < SCAN_ENTRY))
            lazy_damaged();
        errno = saved;
        return; /* the access runs again, on the opened block */
    }
    /* Not the image's: as if this handler were not there. */
    sigaction(SIGSEGV, &previous_segv, NULL);
    errno = saved;
}

/* Installs on_fault unless it is SIGSEGV's handler already (the handler
 * stays when an image is unmapped), keeping the handler it replaces: were
 * it installed again, it would keep itself as the one to put back, and a
 * genuine crash would fault forever. */
static void install_handler(void)
{
    struct sigaction sa, now;

    if (!sigaction(SIGSEGV, NULL, &now) && (now.sa_flags & SA_SIGINFO) &&
        now.sa_sigaction == on_fault)
        return;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous_segv);
}

/* The command line and the environment to start again with, the image
 * turned off to reading (CHANCERY_SNAPSHOT_CACHE=rebuild). */
static void prepare_restart(void)
{
    extern char **environ;
    struct buf cmd;
    char chunk[4096];
    size_t n = 0, argc = 0;
    ssize_t got;
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return;
    buf_init(&cmd, 1 << 20);
    while ((got = read(fd, chunk, sizeof(chunk))) > 0)
        if (buf_add(&cmd, chunk, (size_t)got))
            break;
    close(fd);
    if (got != 0 || !cmd.len || cmd.data[cmd.len - 1] != '\0') {
        buf_release(&cmd);
        return;
    }
    for (size_t i = 0; i < cmd.len; i++)
        argc += cmd.data[i] == '\0';
    lazy.argv = xcalloc(argc + 1, sizeof(*lazy.argv));
    for (size_t i = 0; i < cmd.len; i += strlen(cmd.data + i) + 1)
        lazy.argv[n++] = cmd.data + i; /* cmd's memory is kept */
    for (n = 0; environ[n]; n++)
        ;
    lazy.envp = xcalloc(n + 2, sizeof(*lazy.envp));
    n = 0;
    for (size_t i = 0; environ[i]; i++)
        if (strncmp(environ[i], "CHANCERY_SNAPSHOT_CACHE=", 24))
            lazy.envp[n++] = environ[i];
    lazy.envp[n] = "CHANCERY_SNAPSHOT_CACHE=rebuild";
}

/* CHANCERY_DEBUG_LOAD: when the image is unmapped, how many blocks each section
 * had checked (a block two sections share counts for both). */
static void report_blocks(void)
{
    static const char *const kinds[] = { "strings", "rows", "slots", "index",
                                         "postings by mission" };
    char line[128];
    uint64_t total = 0, windows = 0;

    if (!lazy_on)
        return;
    for (int i = 0; i < SEC_COUNT; i++) {
        const struct image_section *x = &lazy.h.sec[i];
        uint64_t n = 0, first = x->offset / BLOCK,
                 last = (x->offset + x->size - 1) / BLOCK, blocks;
        int kind = i == SEC_STRINGS     ? 0
                   : i < SEC_SLOTS(0)   ? 1
                   : i < SEC_INDEX(0)   ? 2
                   : i < SEC_MISSION_AT ? 3
                                        : 4;

        if (!x->size)
            continue;
        for (uint64_t b = first; b <= last; b++)
            n += is_checked(b);
        total += n;
        blocks = last - first + 1;
        if (!n)
            continue;
        snprintf(line, sizeof(line),
                 "snapshot: section %d (%s): %llu of %llu blocks checked\n", i,
                 kinds[kind], (unsigned long long)n,
                 (unsigned long long)blocks);
        say(line);
    }
    for (uint64_t w = 0; w <= lazy.data_end / BLOCK / WINDOW; w++)
        windows += atomic_load(&lazy.whole[w]);
    snprintf(line, sizeof(line),
             "snapshot: %llu blocks checked, %llu windows opened whole\n",
             (unsigned long long)total, (unsigned long long)windows);
    say(line);
}

static void lazy_unmap(void *map, size_t size)
{
    if (getenv("CHANCERY_DEBUG_LOAD"))
        report_blocks();
    pthread_mutex_lock(&rest_mu);
    lazy_on = 0;
    munmap(map, size);
    close(lazy.fd);
    free(lazy.sums);
    free(lazy.checked);
    free(lazy.touches);
    free(lazy.whole);
    free(lazy.path);
    lazy.map = NULL;
    lazy.sums = NULL;
    lazy.checked = NULL;
    lazy.touches = NULL;
    lazy.whole = NULL;
    lazy.path = NULL;
    pthread_mutex_unlock(&rest_mu);
}

void image_lazy_open_rest(void)
{
    for (uint64_t w = 0;; w++) {
        int bad = 0, done;

        pthread_mutex_lock(&rest_mu);
        done = !lazy_on || w * WINDOW >= lazy.data_end / BLOCK;
        if (!done && !atomic_load(&lazy.whole[w]) &&
            !atomic_exchange(&lazy.whole[w], 1))
            bad = open_window(w) > 0;
        pthread_mutex_unlock(&rest_mu);
        if (bad)
            lazy_damaged();
        if (done)
            return;
    }
}

void image_lazy_count(uint64_t *open, uint64_t *blocks)
{
    *open = *blocks = 0;
    pthread_mutex_lock(&rest_mu);
    if (lazy_on) {
        *blocks = lazy.data_end / BLOCK - 1;
        for (uint64_t b = 1; b <= *blocks; b++)
            *open += is_checked(b);
    }
    pthread_mutex_unlock(&rest_mu);
}

/* CHANCERY_SNAPSHOT_WHOLE=N (0: never), for tests and measures, else
 * WINDOW_DUE. */
static unsigned long whole_at(void)
{
    const char *v = getenv("CHANCERY_SNAPSHOT_WHOLE");

    return v && *v ? strtoul(v, NULL, 10) : WINDOW_DUE;
}

int image_lazy_wanted(uint64_t size)
{
    const char *mode = getenv("CHANCERY_SNAPSHOT_LAZY");

    if (mode && !strcmp(mode, "always"))
        return 1;
    if (mode && !strcmp(mode, "never"))
        return 0;
    return size >= LAZY_MIN;
}

int image_lazy_load(struct store *st, int fd, const struct image_header *h,
                    uint64_t *sums, size_t size, struct snapshot *s)
{
    const struct image_section *strings = &h->sec[SEC_STRINGS];
    char *map;

    if (lazy_on || h->base != IMAGE_BASE)
        return 1;
    map = mmap((void *)(uintptr_t)IMAGE_BASE, size, PROT_NONE,
               MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
    if (map == MAP_FAILED)
        return 1;
    if (map != (void *)(uintptr_t)IMAGE_BASE) {
        munmap(map, size); /* a kernel that ignores the flag */
        return 1;
    }
    if (!lazy.argv)
        prepare_restart();
    lazy.map = map;
    lazy.fd = fd;
    lazy.size = size;
    lazy.data_end = h->data_end;
    lazy.sums = sums;
    lazy.checked = xcalloc(h->data_end / BLOCK, sizeof(*lazy.checked));
    /* The header's block, checked apart and never opened: lazy_check
     * reads checked[b - 1]. */
    atomic_init(&lazy.checked[0], 1);
    lazy.path = image_path(st);
    lazy.h = *h;
    lazy.touches =
        xcalloc(h->data_end / BLOCK / WINDOW + 1, sizeof(*lazy.touches));
    lazy.whole = xcalloc(h->data_end / BLOCK / WINDOW + 1, sizeof(*lazy.whole));
    lazy.whole_at = whole_at();
    install_handler();
    lazy_on = 1;
    /* The strings end with a NUL, so that none runs off their end. */
    if (strings->size &&
        (lazy_check((strings->offset + strings->size - 1) / BLOCK, 0) ||
         map[strings->offset + strings->size - 1] != '\0')) {
        lazy.fd = -1;
        lazy.sums = NULL;
        lazy_unmap(map, size);
        return 1;
    }
    image_attach(map, h, s);
    s->map = map;
    s->map_size = size;
    s->unmap = lazy_unmap;
    return 0;
}
