/*
 * What `notify` and the `notification` family share: submitting a
 * notification file, as a new notification or again for a returned one,
 * and printing a notification.
 */
#ifndef CLI_NOTIFY_H
#define CLI_NOTIFY_H

#include "cli/cli.h"

/* Submits the notification at path: a new one, or, when id is not NULL,
 * returned notification id again (keeping its id and history). Returns
 * the exit code: 3 for an invalid notification (nothing written), 1 when
 * id is not returned. */
int notification_submit(struct cli *cli, const char *path, const char *id);

/* Prints notification n of s in cli's format (history: none). */
void notification_print(const struct cli *cli, const struct snapshot *s,
                        const struct notification *n);

#endif
