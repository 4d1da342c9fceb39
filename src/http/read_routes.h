/*
 * The read routes of read_routes.c, which routes.c's table lists: explain,
 * plan, policies, visas, the UN visa report, the consular list and the
 * checkpoint. Each handler maps its query parameters to the command's
 * options and calls the view the command calls, so a GET answers the
 * bytes of the command with `--format json`. The parameter lists are the
 * table's: a parameter a route does not list is 400.
 */
#ifndef HTTP_READ_ROUTES_H
#define HTTP_READ_ROUTES_H

#include "http/http.h"

enum status route_explain(struct request *rq, struct buf *out, struct err *e);
enum status route_plan(struct request *rq, struct buf *out, struct err *e);
enum status route_policies(struct request *rq, struct buf *out, struct err *e);
enum status route_policy(struct request *rq, struct buf *out, struct err *e);
enum status route_visas(struct request *rq, struct buf *out, struct err *e);
enum status route_visa(struct request *rq, struct buf *out, struct err *e);
enum status route_visa_report(struct request *rq, struct buf *out,
                              struct err *e);
enum status route_consular_list(struct request *rq, struct buf *out,
                                struct err *e);
enum status route_checkpoint(struct request *rq, struct buf *out,
                             struct err *e);

/* GET /api/v1/parity/{s1}/{s2}.svg: the bytes `parity S1 S2 --svg` writes. */
enum status route_parity_svg(struct request *rq, struct buf *out,
                             struct err *e);
/* routes.c: the parity query of rq's captures and parameters, as
 * `parity` reads its options (assumed: room for MAX_PARAMS); a liaison's
 * pair without its state is ST_NOT_FOUND. */
struct parity_query;
enum status route_parity_query(const struct request *rq, struct parity_query *q,
                               const char **assumed, struct err *e);

extern const char *const PARAMS_PARITY_SVG[];
extern const char *const PARAMS_EXPLAIN[];
extern const char *const PARAMS_PLAN[];
extern const char *const PARAMS_POLICIES[];
extern const char *const PARAMS_VISAS[];
extern const char *const PARAMS_VISA_REPORT[];
extern const char *const PARAMS_CONSULAR_LIST[];

#endif
