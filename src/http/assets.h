/*
 * The files of web/ (style sheet, script), compiled into the binary at
 * build time by scripts/embed-web.sh, so the pages fetch nothing from
 * elsewhere and the server needs no files beside itself.
 */
#ifndef HTTP_ASSETS_H
#define HTTP_ASSETS_H

#include <stddef.h>

struct web_asset {
    const char *name; /* "style.css" */
    const char *type; /* its Content-Type */
    const unsigned char *data;
    size_t size;
};

/* Every asset, ended by one whose name is NULL. */
extern const struct web_asset WEB_ASSETS[];

#endif
