/*
 * The parts of the scenario parser (forecast/scenario.c, the policies in
 * spolicies.c, replacements in sreplace.c) and what they share: the field
 * readers of the policy parser (rules/parse.h), whose messages are already
 * "FILE: field 'PATH': message", plus readers for the scenario's own kinds
 * of value. Internal to forecast/.
 */
#ifndef FORECAST_SPARSE_H
#define FORECAST_SPARSE_H

#include <jansson.h>

#include "forecast/scenario.h"
#include "rules/parse.h"

#define SPATH_MAX 256

/* A number (whole or not) in min..max, reported as "must be between MIN
 * and MAX" otherwise. */
int sparse_real(struct parser *ps, json_t *obj, const char *prefix,
                const char *key, int required, double min, double max,
                double *out);
/* "prefix[i]" into out. */
void sparse_index(char *out, size_t size, const char *prefix, size_t i);

/* Reads a replacement object at obj[key] into out; visa histories are
 * read as known on start. */
int sparse_replacement(struct parser *ps, json_t *obj, const char *prefix,
                       const char *key, int required, int32_t start,
                       struct replacement *out);
/* Reads "policies": the rules that apply and the conditions assumed. */
void sparse_policies(struct parser *ps, json_t *obj, struct scenario *sc);

#endif
