/*
 * The pages' kept texts (memo.h): a small ring of slots under one mutex,
 * searched in full (a few dozen), the oldest replaced. Copies in and out,
 * so no text is shared between the threads that render pages.
 */
#include "http/memo.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

static struct {
    char *key, *text;
} slots[MEMO_SLOTS];
static size_t next;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

char *memo_get(const char *key)
{
    char *text = NULL;

    pthread_mutex_lock(&mu);
    for (size_t i = 0; i < MEMO_SLOTS && !text; i++)
        if (slots[i].key && !strcmp(slots[i].key, key))
            text = xstrdup(slots[i].text);
    pthread_mutex_unlock(&mu);
    return text;
}

void memo_put(const char *key, const char *text)
{
    if (strlen(text) > MEMO_TEXT_MAX)
        return;
    pthread_mutex_lock(&mu);
    free(slots[next].key);
    free(slots[next].text);
    slots[next].key = xstrdup(key);
    slots[next].text = xstrdup(text);
    next = (next + 1) % MEMO_SLOTS;
    pthread_mutex_unlock(&mu);
}
