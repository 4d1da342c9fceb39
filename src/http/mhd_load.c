/*
 * libmicrohttpd, loaded when `serve` starts its daemon rather than linked:
 * it brings GnuTLS and its libraries with it, and the dynamic linker's work
 * on them was about 1.3 ms of every command's start, although only `serve`
 * uses them. So chancery is not linked with libmicrohttpd; this file
 * defines the functions http/ calls, each of which loads
 * libmicrohttpd.so.12 once (dlopen under pthread_once: any thread may be
 * first) and calls the library's own. The prototypes come from
 * microhttpd.h, so the compiler checks that each matches the library's.
 * (store/pq_load.c does the same for libpq.)
 *
 * When the library cannot be loaded, MHD_start_daemon returns NULL, as it
 * does when it cannot listen, and `serve` fails; nothing else is reached
 * without a daemon. The two variadic info queries are passed on without
 * their optional arguments, which no info type http/ asks for takes.
 */
#include <sys/socket.h>

#include <dlfcn.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "base/status.h"

#define LIBMHD "libmicrohttpd.so.12"

/* X(return type, name, parameters, arguments) for each function called. */
#define MHD_FUNCTIONS(X)                                             \
    X(enum MHD_Result, MHD_add_response_header,                      \
      (struct MHD_Response * response, const char *header,           \
       const char *content),                                         \
      (response, header, content))                                   \
    X(struct MHD_Response *, MHD_create_response_from_buffer,        \
      (size_t size, void *buffer, enum MHD_ResponseMemoryMode mode), \
      (size, buffer, mode))                                          \
    X(int, MHD_get_connection_values,                                \
      (struct MHD_Connection * connection, enum MHD_ValueKind kind,  \
       MHD_KeyValueIterator iterator, void *iterator_cls),           \
      (connection, kind, iterator, iterator_cls))                    \
    X(size_t, MHD_http_unescape, (char *val), (val))                 \
    X(const char *, MHD_lookup_connection_value,                     \
      (struct MHD_Connection * connection, enum MHD_ValueKind kind,  \
       const char *key),                                             \
      (connection, kind, key))                                       \
    X(enum MHD_Result, MHD_queue_response,                           \
      (struct MHD_Connection * connection, unsigned int status_code, \
       struct MHD_Response *response),                               \
      (connection, status_code, response))                           \
    X(MHD_socket, MHD_quiesce_daemon, (struct MHD_Daemon * daemon), (daemon))

/* Those that return nothing, X(name, parameters, arguments). */
#define MHD_PROCEDURES(X)                                                 \
    X(MHD_destroy_response, (struct MHD_Response * response), (response)) \
    X(MHD_stop_daemon, (struct MHD_Daemon * daemon), (daemon))            \
    X(MHD_suspend_connection, (struct MHD_Connection * connection),       \
      (connection))                                                       \
    X(MHD_resume_connection, (struct MHD_Connection * connection), (connection))

#define POINTER(ret, name, params, args) ret(*name) params;
#define PROC_POINTER(name, params, args) void(*name) params;

static struct {
    MHD_FUNCTIONS(POINTER)
    MHD_PROCEDURES(PROC_POINTER)
    const union MHD_ConnectionInfo *(*MHD_get_connection_info)(
        struct MHD_Connection *connection,
        enum MHD_ConnectionInfoType info_type, ...);
    const union MHD_DaemonInfo *(*MHD_get_daemon_info)(
        struct MHD_Daemon *daemon, enum MHD_DaemonInfoType info_type, ...);
    struct MHD_Daemon *(*MHD_start_daemon_va)(unsigned int flags, uint16_t port,
                                              MHD_AcceptPolicyCallback apc,
                                              void *apc_cls,
                                              MHD_AccessHandlerCallback dh,
                                              void *dh_cls, va_list ap);
    int loaded;
} mhd;

static pthread_once_t mhd_once = PTHREAD_ONCE_INIT;

/* dlsym's answer as a function pointer (POSIX guarantees the cast). */
#define RESOLVE(name)                         \
    do {                                      \
        void *sym = dlsym(lib, #name);        \
        if (!sym)                             \
            ok = 0;                           \
        memcpy(&mhd.name, &sym, sizeof(sym)); \
    } while (0)
#define RESOLVE_FN(ret, name, params, args) RESOLVE(name);
#define RESOLVE_PROC(name, params, args)    RESOLVE(name);

static void mhd_load(void)
{
    void *lib = dlopen(LIBMHD, RTLD_NOW | RTLD_LOCAL);
    int ok = 1;

    if (!lib)
        return;
    MHD_FUNCTIONS(RESOLVE_FN)
    MHD_PROCEDURES(RESOLVE_PROC)
    RESOLVE(MHD_get_connection_info);
    RESOLVE(MHD_get_daemon_info);
    RESOLVE(MHD_start_daemon_va);
    mhd.loaded = ok;
}

static int mhd_ready(void)
{
    pthread_once(&mhd_once, mhd_load);
    return mhd.loaded;
}

/* Any function but MHD_start_daemon is only reached with a daemon, so
 * with the library loaded. */
#define DEFINE_FN(ret, name, params, args)                 \
    ret name params                                        \
    {                                                      \
        if (!mhd_ready())                                  \
            BUG("%s called without libmicrohttpd", #name); \
        return mhd.name args;                              \
    }
#define DEFINE_PROC(name, params, args)                    \
    void name params                                       \
    {                                                      \
        if (!mhd_ready())                                  \
            BUG("%s called without libmicrohttpd", #name); \
        mhd.name args;                                     \
    }

MHD_FUNCTIONS(DEFINE_FN)
MHD_PROCEDURES(DEFINE_PROC)

const union MHD_ConnectionInfo *
MHD_get_connection_info(struct MHD_Connection *connection,
                        enum MHD_ConnectionInfoType info_type, ...)
{
    if (!mhd_ready())
        BUG("MHD_get_connection_info called without libmicrohttpd");
    return mhd.MHD_get_connection_info(connection, info_type);
}

const union MHD_DaemonInfo *
MHD_get_daemon_info(struct MHD_Daemon *daemon,
                    enum MHD_DaemonInfoType info_type, ...)
{
    if (!mhd_ready())
        BUG("MHD_get_daemon_info called without libmicrohttpd");
    return mhd.MHD_get_daemon_info(daemon, info_type);
}

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port,
                                    MHD_AcceptPolicyCallback apc, void *apc_cls,
                                    MHD_AccessHandlerCallback dh, void *dh_cls,
                                    ...)
{
    struct MHD_Daemon *d;
    va_list ap;

    if (!mhd_ready())
        return NULL;
    va_start(ap, dh_cls);
    d = mhd.MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
    va_end(ap);
    return d;
}
