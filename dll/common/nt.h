/*
 * Common definitions shared by every layer of the portable core.
 *
 * The core is C11 and builds both natively (POSIX, for unit tests, sanitizers
 * and fuzzers) and with MinGW-w64 (the DLL).  Every layer reports failures as
 * Win32 / NERR codes (values below, identical to winerror.h and lmerr.h), so
 * no translation table is needed between layers; the API layer only folds a
 * few internal codes (connection refused, connection dropped) into the
 * documented ones.
 */
#ifndef NT_COMMON_H
#define NT_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- status codes (Win32 / NERR values) -------------------------------- */
#define NT_OK                          0u
#define NT_ERROR_ACCESS_DENIED         5u
#define NT_ERROR_NOT_ENOUGH_MEMORY     8u
#define NT_ERROR_INVALID_DATA          13u
#define NT_ERROR_NOT_SUPPORTED         50u
#define NT_ERROR_BAD_NETPATH           53u
#define NT_ERROR_UNEXP_NET_ERR         59u  /* protocol violation / lost mid-call */
#define NT_ERROR_NETNAME_DELETED       64u  /* internal: peer closed the connection */
#define NT_ERROR_NETWORK_ACCESS_DENIED 65u
#define NT_ERROR_BAD_NET_NAME          67u
#define NT_ERROR_INVALID_PARAMETER     87u
#define NT_ERROR_SEM_TIMEOUT           121u
#define NT_ERROR_INVALID_LEVEL         124u
#define NT_ERROR_MORE_DATA             234u
#define NT_ERROR_CONNECTION_REFUSED    1225u /* internal: TCP RST on connect */
#define NT_ERROR_SMB_GUEST_LOGON_BLOCKED 1272u /* guest/null session offered to a logon with credentials */
#define NT_ERROR_LOGON_FAILURE         1326u
#define NT_ERROR_NTLM_BLOCKED          1937u /* ERROR_NTLM_BLOCKED: the server refuses NTLM */
#define NT_ERROR_ACCOUNT_RESTRICTION   1327u
#define NT_ERROR_INVALID_LOGON_HOURS   1328u
#define NT_ERROR_PASSWORD_EXPIRED      1330u
#define NT_ERROR_ACCOUNT_DISABLED      1331u
#define NT_ERROR_ACCOUNT_LOCKED_OUT    1909u
#define NT_ERROR_PASSWORD_MUST_CHANGE  1907u
#define NT_RPC_S_SERVER_UNAVAILABLE    1722u
#define NT_RPC_S_PROTOCOL_ERROR        1728u
#define NT_RPC_S_UNKNOWN_IF            1717u
#define NT_RPC_S_CALL_FAILED           1726u
#define NT_RPC_S_PROCNUM_OUT_OF_RANGE  1745u
#define NT_NERR_UserNotFound           2221u
#define NT_NERR_ServerNotStarted       2114u
#define NT_NERR_ClientNameNotFound     2312u
#define NT_NERR_InvalidComputer        2351u

/* Largest allocation any network-supplied length may cause. */
#define NT_MAX_ALLOC (16u * 1024u * 1024u)

/* UTF-16 code unit, independent of the platform's wchar_t. */
typedef uint16_t nt_wchar;

/* ---- bounds-checked little-endian reader ------------------------------- */
/* Every getter returns false and sets the sticky `bad` flag (the output is
 * zeroed) when the read would leave the buffer. */
typedef struct nt_rd {
    const uint8_t *p;
    size_t len;
    size_t pos;
    bool bad;
} nt_rd;

void nt_rd_init(nt_rd *r, const void *p, size_t len);
bool nt_rd_u8(nt_rd *r, uint8_t *v);
bool nt_rd_u16(nt_rd *r, uint16_t *v);
bool nt_rd_u32(nt_rd *r, uint32_t *v);
bool nt_rd_u64(nt_rd *r, uint64_t *v);
bool nt_rd_bytes(nt_rd *r, void *dst, size_t n);
/* Returns a pointer to the next n bytes inside the buffer and advances. */
const uint8_t *nt_rd_ptr(nt_rd *r, size_t n);
bool nt_rd_skip(nt_rd *r, size_t n);
bool nt_rd_seek(nt_rd *r, size_t pos);
/* Aligns pos to a multiple of a (relative to the buffer start). */
bool nt_rd_align(nt_rd *r, size_t a);
size_t nt_rd_left(const nt_rd *r);

/* ---- growable little-endian writer ------------------------------------- */
/* Grows up to `max` bytes; any failure (allocation, cap) sets the sticky
 * `bad` flag and later writes are ignored. */
typedef struct nt_wr {
    uint8_t *p;
    size_t len;
    size_t cap;
    size_t max;
    bool bad;
} nt_wr;

void nt_wr_init(nt_wr *w, size_t max);
void nt_wr_free(nt_wr *w);      /* wipes, then frees */
/* Makes room for n more bytes at once, so a writer whose final size is
 * known does not grow (and copy) step by step; false (w->bad) beyond max. */
bool nt_wr_presize(nt_wr *w, size_t n);
bool nt_wr_u8(nt_wr *w, uint8_t v);
bool nt_wr_u16(nt_wr *w, uint16_t v);
bool nt_wr_u32(nt_wr *w, uint32_t v);
bool nt_wr_u64(nt_wr *w, uint64_t v);
bool nt_wr_bytes(nt_wr *w, const void *src, size_t n);
bool nt_wr_zeros(nt_wr *w, size_t n);
bool nt_wr_align(nt_wr *w, size_t a);   /* pads with zeros */
/* Patch already written bytes; false (and bad) when out of range. */
bool nt_wr_put_u16_at(nt_wr *w, size_t pos, uint16_t v);
bool nt_wr_put_u32_at(nt_wr *w, size_t pos, uint32_t v);
/* Hands the buffer to the caller (who frees it) and resets the writer. */
uint8_t *nt_wr_take(nt_wr *w, size_t *len);

static inline uint16_t nt_le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t nt_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t nt_le64(const uint8_t *p) { return nt_le32(p) | ((uint64_t)nt_le32(p + 4) << 32); }
static inline void nt_put_le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void nt_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void nt_put_le64(uint8_t *p, uint64_t v) { nt_put_le32(p, (uint32_t)v); nt_put_le32(p + 4, (uint32_t)(v >> 32)); }

/* ---- memory ------------------------------------------------------------- */
/* Overwrites memory in a way the compiler may not elide (secrets). */
void nt_wipe(void *p, size_t n);
/* Wipes a NUL-terminated string and frees it; NULL is fine. */
void nt_free_secret(char *s);
/* calloc that refuses n*size overflow and anything above NT_MAX_ALLOC. */
void *nt_calloc(size_t n, size_t size);

/* ---- strings: UTF-8 <-> UTF-16LE ----------------------------------------- */
size_t nt_wcslen(const nt_wchar *s);
nt_wchar *nt_wcsdup(const nt_wchar *s);
int nt_wcscmp(const nt_wchar *a, const nt_wchar *b);
/* Case-insensitive compare (ASCII and Latin-1 folding; what SMB names use). */
int nt_wcsicmp(const nt_wchar *a, const nt_wchar *b);
/* s after a leading "\\" (a computer name given as "\\name"), else s; NULL stays NULL. */
const nt_wchar *nt_skip_unc(const nt_wchar *s);
nt_wchar nt_wupper(nt_wchar c);
/* Malloc'd conversions; NULL on invalid input or allocation failure.
 * out_units / out_len (optional) receive the length without terminator. */
nt_wchar *nt_utf8_to_utf16(const char *s, size_t *out_units);
char *nt_utf16_to_utf8(const nt_wchar *s, size_t units);

/* ---- platform (platform_posix.c / platform_win.c) ------------------------ */
#ifdef _WIN32
typedef void *nt_mutex;            /* an SRWLOCK, pointer-sized */
#define NT_MUTEX_INIT NULL
#else
#include <pthread.h>
typedef pthread_mutex_t nt_mutex;
#define NT_MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
#endif
void nt_mutex_lock(nt_mutex *m);
void nt_mutex_unlock(nt_mutex *m);

/* A condition variable for an nt_mutex (zero-initialised, NT_COND_INIT,
 * never destroyed): nt_cond_wait releases m while it waits and holds it
 * again when it returns, woken or not (callers re-check their condition);
 * false once deadline_ms (nt_now_ms() time, 0 = none) has passed. */
#ifdef _WIN32
typedef void *nt_cond;             /* a CONDITION_VARIABLE, pointer-sized */
#define NT_COND_INIT NULL
#else
typedef pthread_cond_t nt_cond;
#define NT_COND_INIT PTHREAD_COND_INITIALIZER
#endif
bool nt_cond_wait(nt_cond *cv, nt_mutex *m, uint64_t deadline_ms);
void nt_cond_broadcast(nt_cond *cv);

/* A lock whose acquisition can give up at a deadline (nt_now_ms() time):
 * the per-server connection lock, so that a thread never waits for another
 * thread's call beyond its own deadline.  Zero-initialised (NT_TLOCK_INIT),
 * never destroyed; released by the thread that acquired it. */
#ifdef _WIN32
typedef struct nt_tlock {
    void *srw;   /* SRWLOCK guarding `held` */
    void *cv;    /* CONDITION_VARIABLE signalled on release */
    int held;
} nt_tlock;
#define NT_TLOCK_INIT {NULL, NULL, 0}
#else
typedef struct nt_tlock {
    pthread_mutex_t m;
    pthread_cond_t cv;
    int held;
} nt_tlock;
#define NT_TLOCK_INIT {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0}
#endif
/* True once acquired; false when `deadline_ms` passed first (0 = no deadline). */
bool nt_tlock_acquire(nt_tlock *l, uint64_t deadline_ms);
void nt_tlock_release(nt_tlock *l);

uint64_t nt_now_ms(void);          /* monotonic milliseconds */
uint64_t nt_filetime_now(void);    /* 100 ns units since 1601-01-01 UTC */
bool nt_random(void *buf, size_t n);
/* Environment variable as malloc'd UTF-8, NULL when unset. */
char *nt_getenv(const char *name);
/* Reads a whole file (at most max bytes) into a malloc'd NUL-terminated buffer. */
bool nt_read_file(const char *path_utf8, size_t max, char **data, size_t *len);
/* The NetApiBuffer heap: the process heap on Windows (so blocks from Wine's
 * builtin functions and ours are interchangeable), malloc natively. */
void *nt_block_alloc(size_t n);
void *nt_block_realloc(void *p, size_t n);
void nt_block_free(void *p);
size_t nt_block_size(const void *p);   /* usable size, as NetApiBufferSize reports */
/* This machine's NetBIOS-style name (upper case, <= 15 chars), malloc'd. */
char *nt_hostname(void);

/* ---- tracing -------------------------------------------------------------- */
/* Enabled by NETAPI32_TRACE=1.  One line per call; never pass secrets. */
bool nt_trace_enabled(void);
void nt_trace(const char *fmt, ...)
#if defined(__MINGW32__)
    __attribute__((format(gnu_printf, 1, 2)))
#elif defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
