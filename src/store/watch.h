/*
 * Watching a PostgreSQL registry for writes (store/listen_pg.c): every
 * write transaction on PostgreSQL sends a notification as it commits
 * (NOTIFY on STORE_WATCH_CHANNEL), and a watch keeps a connection of its
 * own that LISTENs, counts them in a data version and tells its owner
 * (a thread of its own calls changed). A store attached to a watch
 * answers store_data_version from that count, with no query, while the
 * watch listens (else as before, by a query); its own commits count at
 * once. On SQLite there is nothing to watch: store_watch_start gives NULL.
 */
#ifndef STORE_WATCH_H
#define STORE_WATCH_H

#include <stdint.h>

#include "base/status.h"

#define STORE_WATCH_CHANNEL "chancery_changes"

struct store;
struct store_watch;

/* Starts watching the registry db (a path or URL) when it is on
 * PostgreSQL: changed(ctx) is called from the watch's thread after each
 * batch of notifications, and whenever the watch (re)connects, since it
 * may have missed some meanwhile. *out NULL on SQLite. The connection is
 * made by the thread, and made again when it drops. */
enum status store_watch_start(const char *db, void (*changed)(void *ctx),
                              void *ctx, struct store_watch **out,
                              struct err *e);
/* Stops the thread (it is joined) and frees w; NULL is a no-op. */
void store_watch_stop(struct store_watch *w);
/* st's data version comes from w from now on (w NULL: a no-op). w must
 * outlive st's use of it. */
void store_watch_attach(struct store *st, struct store_watch *w);
/* Whether w is listening now; its version, which moves at each
 * notification, each (re)connection and each store_watch_touch. */
int store_watch_listening(struct store_watch *w);
int64_t store_watch_version(struct store_watch *w);
void store_watch_touch(struct store_watch *w);
/* The server backend pid of one of this process's connections, whose
 * commits touch w themselves (own 1; 0 once one may have committed
 * without: its commit failed). w then takes that backend's notifications
 * for its own and ignores them: the process knows of those writes
 * already, and a server need not read the log's head again for them
 * (docs/registry.md, "PostgreSQL"). A few pids are kept; others count. */
void store_watch_own(struct store_watch *w, int pid, int own);

#endif
