/*
 * libpq, loaded when a registry on PostgreSQL is first opened rather than
 * linked: libpq brings libssl, libcrypto, Kerberos and LDAP with it, and
 * the dynamic linker's work on them was about 4.5 ms of every command's
 * start (6.8 ms in all for `chancery help` on this machine), although only
 * a postgresql:// registry uses them. So chancery is not linked with
 * libpq; this file defines the libpq functions store/sql_pg.c calls, each
 * of which loads libpq.so.5 once (dlopen, under pthread_once, so any
 * thread may be first) and calls libpq's own. The prototypes come from
 * libpq-fe.h, so the compiler checks that each matches libpq's.
 *
 * When libpq cannot be loaded, PQconnectdb returns NULL, PQstatus says
 * CONNECTION_BAD and PQerrorMessage gives dlerror's reason, so that the
 * open fails with that message; nothing else is reachable without a
 * connection.
 */
#include <dlfcn.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/status.h"

#define LIBPQ "libpq.so.5"

/* X(return type, name, parameters, arguments) for each function called. */
#define PQ_FUNCTIONS(X)                                                        \
    X(ExecStatusType, PQresultStatus, (const PGresult *res), (res))            \
    X(PGresult *, PQexec, (PGconn * conn, const char *query), (conn, query))   \
    X(char *, PQresultErrorField, (const PGresult *res, int fieldcode),        \
      (res, fieldcode))                                                        \
    X(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num),   \
      (res, tup_num, field_num))                                               \
    X(unsigned char *, PQunescapeBytea,                                        \
      (const unsigned char *strtext, size_t *retbuflen), (strtext, retbuflen)) \
    X(PQnoticeProcessor, PQsetNoticeProcessor,                                 \
      (PGconn * conn, PQnoticeProcessor proc, void *arg), (conn, proc, arg))   \
    X(int, PQputCopyEnd, (PGconn * conn, const char *errormsg),                \
      (conn, errormsg))                                                        \
    X(int, PQputCopyData, (PGconn * conn, const char *buffer, int nbytes),     \
      (conn, buffer, nbytes))                                                  \
    X(int, PQntuples, (const PGresult *res), (res))                            \
    X(int, PQnfields, (const PGresult *res), (res))                            \
    X(int, PQgetlength, (const PGresult *res, int tup_num, int field_num),     \
      (res, tup_num, field_num))                                               \
    X(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num),     \
      (res, tup_num, field_num))                                               \
    X(PGresult *, PQgetResult, (PGconn * conn), (conn))                        \
    X(Oid, PQftype, (const PGresult *res, int field_num), (res, field_num))    \
    X(PGresult *, PQexecParams,                                                \
      (PGconn * conn, const char *command, int nParams, const Oid *paramTypes, \
       const char *const *paramValues, const int *paramLengths,                \
       const int *paramFormats, int resultFormat),                             \
      (conn, command, nParams, paramTypes, paramValues, paramLengths,          \
       paramFormats, resultFormat))                                            \
    X(char *, PQcmdTuples, (PGresult * res), (res))                            \
    X(int, PQconsumeInput, (PGconn * conn), (conn))                            \
    X(char *, PQescapeIdentifier,                                              \
      (PGconn * conn, const char *str, size_t len), (conn, str, len))          \
    X(int, PQgetCopyData, (PGconn * conn, char **buffer, int async),           \
      (conn, buffer, async))                                                   \
    X(PGnotify *, PQnotifies, (PGconn * conn), (conn))                         \
    X(const char *, PQparameterStatus,                                         \
      (const PGconn *conn, const char *paramName), (conn, paramName))          \
    X(int, PQsetnonblocking, (PGconn * conn, int arg), (conn, arg))            \
    X(int, PQsocket, (const PGconn *conn), (conn))                             \
    X(int, PQbackendPID, (const PGconn *conn), (conn))                         \
    X(int, PQenterPipelineMode, (PGconn * conn), (conn))                       \
    X(int, PQexitPipelineMode, (PGconn * conn), (conn))                        \
    X(int, PQpipelineSync, (PGconn * conn), (conn))                            \
    X(int, PQsendQueryParams,                                                  \
      (PGconn * conn, const char *command, int nParams, const Oid *paramTypes, \
       const char *const *paramValues, const int *paramLengths,                \
       const int *paramFormats, int resultFormat),                             \
      (conn, command, nParams, paramTypes, paramValues, paramLengths,          \
       paramFormats, resultFormat))                                            \
    X(int, PQsendPrepare,                                                      \
      (PGconn * conn, const char *stmtName, const char *query, int nParams,    \
       const Oid *paramTypes),                                                 \
      (conn, stmtName, query, nParams, paramTypes))                            \
    X(int, PQsendQueryPrepared,                                                \
      (PGconn * conn, const char *stmtName, int nParams,                       \
       const char *const *paramValues, const int *paramLengths,                \
       const int *paramFormats, int resultFormat),                             \
      (conn, stmtName, nParams, paramValues, paramLengths, paramFormats,       \
       resultFormat))                                                          \
    X(PGTransactionStatusType, PQtransactionStatus, (const PGconn *conn),      \
      (conn))

/* Those that return nothing, X(name, parameters, arguments). */
#define PQ_PROCEDURES(X)                \
    X(PQclear, (PGresult * res), (res)) \
    X(PQfreemem, (void *ptr), (ptr))    \
    X(PQreset, (PGconn * conn), (conn))

#define POINTER(ret, name, params, args) ret(*name) params;
#define PROC_POINTER(name, params, args) void(*name) params;

static struct {
    PQ_FUNCTIONS(POINTER)
    PQ_PROCEDURES(PROC_POINTER)
    PGconn *(*PQconnectdb)(const char *conninfo);
    ConnStatusType (*PQstatus)(const PGconn *conn);
    char *(*PQerrorMessage)(const PGconn *conn);
    void (*PQfinish)(PGconn *conn);
    int loaded;
    char why[256]; /* when not loaded */
} pq;

static pthread_once_t pq_once = PTHREAD_ONCE_INIT;

/* dlsym's answer as a function pointer (POSIX guarantees the cast). */
#define RESOLVE(name)                        \
    do {                                     \
        void *sym = dlsym(lib, #name);       \
        if (!sym)                            \
            ok = 0;                          \
        memcpy(&pq.name, &sym, sizeof(sym)); \
    } while (0)
#define RESOLVE_FN(ret, name, params, args) RESOLVE(name);
#define RESOLVE_PROC(name, params, args)    RESOLVE(name);

static void pq_load(void)
{
    void *lib = dlopen(LIBPQ, RTLD_NOW | RTLD_LOCAL);
    int ok = 1;

    if (!lib) {
        const char *why = dlerror();

        snprintf(pq.why, sizeof(pq.why), "%s cannot be loaded: %s\n", LIBPQ,
                 why ? why : "unknown error");
        return;
    }
    PQ_FUNCTIONS(RESOLVE_FN)
    PQ_PROCEDURES(RESOLVE_PROC)
    RESOLVE(PQconnectdb);
    RESOLVE(PQstatus);
    RESOLVE(PQerrorMessage);
    RESOLVE(PQfinish);
    if (!ok) {
        snprintf(pq.why, sizeof(pq.why), "%s lacks a function chancery calls\n",
                 LIBPQ);
        return;
    }
    pq.loaded = 1;
}

static int pq_ready(void)
{
    pthread_once(&pq_once, pq_load);
    return pq.loaded;
}

/* Any function but those below is only reached with a connection, so
 * with libpq loaded. */
#define DEFINE_FN(ret, name, params, args)         \
    ret name params                                \
    {                                              \
        if (!pq_ready())                           \
            BUG("%s called without libpq", #name); \
        return pq.name args;                       \
    }
#define DEFINE_PROC(name, params, args)            \
    void name params                               \
    {                                              \
        if (!pq_ready())                           \
            BUG("%s called without libpq", #name); \
        pq.name args;                              \
    }

PQ_FUNCTIONS(DEFINE_FN)
PQ_PROCEDURES(DEFINE_PROC)

PGconn *PQconnectdb(const char *conninfo)
{
    return pq_ready() ? pq.PQconnectdb(conninfo) : NULL;
}

ConnStatusType PQstatus(const PGconn *conn)
{
    return pq_ready() ? pq.PQstatus(conn) : CONNECTION_BAD;
}

char *PQerrorMessage(const PGconn *conn)
{
    return pq_ready() ? pq.PQerrorMessage(conn) : pq.why;
}

void PQfinish(PGconn *conn)
{
    if (pq_ready())
        pq.PQfinish(conn);
}
