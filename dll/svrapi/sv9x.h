/*
 * The Windows 95/98 session API (svrapi.dll) as an adapter on the API layer.
 *
 * The 9x form differs from NT's netapi32 only at the edge: ANSI strings in
 * the ANSI code page, a caller-supplied buffer of at most 65535 bytes with
 * 16-bit counts, 1-byte packed structures with 32-bit pointers (svrapi.h),
 * level 50 with a session key, and NetSessionDel(server, client, key).
 * Everything below that edge is the API layer (api.h): this folder never
 * speaks a protocol itself.
 *
 * Portable: the code page conversion is a platform hook (cp_win.c uses the
 * ANSI code page; cp_posix.c is a Latin-1 stand-in for the native tests).
 */
#ifndef NT_SV9X_H
#define NT_SV9X_H

#include "../api/api.h"

/* 9x status codes beyond nt.h (lmerr.h values). */
#define SV9X_NERR_BufTooSmall 2123u

/* ---- layouts (svrapi.h, #pragma pack(1), 32-bit pointers) ---- */
typedef enum sv9x_kind {
    K_CNAME, K_USERNAME, K_CLTYPE,         /* char * into the caller's buffer */
    K_KEY, K_TIME, K_IDLE, K_FLAGS,        /* unsigned long */
    K_NUM_CONNS, K_NUM_OPENS, K_NUM_USERS, /* unsigned short */
    K_PROTOCOL, K_PAD                      /* unsigned char */
} sv9x_kind;

typedef struct sv9x_field {
    uint8_t kind;   /* sv9x_kind */
    uint8_t off;    /* byte offset in the packed structure */
} sv9x_field;

typedef struct sv9x_layout {
    int16_t level;     /* 0, 1, 2, 10, 50 */
    uint8_t size;      /* sizeof(struct session_info_<level>) */
    uint8_t nt_level;  /* the API-layer level whose data fills it */
    uint8_t nfields;
    sv9x_field f[10];  /* struct member order */
} sv9x_layout;

/* NULL when the level is not one of 0, 1, 2, 10, 50. */
const sv9x_layout *sv9x_layout_find(int16_t level);
size_t sv9x_kind_size(sv9x_kind k);
bool sv9x_kind_is_string(sv9x_kind k);

/* One session as the API layer returned it (pointers into its block). */
typedef struct sv9x_entry {
    const nt_wchar *cname;     /* as the server gave it (Samba: no leading \\) */
    const nt_wchar *username;
    const nt_wchar *cltype;
    uint32_t num_opens, time, idle_time, user_flags;
} sv9x_entry;

/* Reads n entries of an API-layer result block packed at NT level l
 * (this process's pointer size). */
void sv9x_entries_from_nt(const sess_level *l, const uint8_t *block, uint32_t n, sv9x_entry *out);

/* ---- session keys ---- */
/* The sesi50_key of the session (cname, username) on its server: a pure
 * function of the two names (case-insensitive for ASCII, a leading \\ on
 * the client name ignored), in 1..0x7FFF so that it survives the `short`
 * of NetSessionDel's sReserved in either signedness. */
uint16_t sv9x_key(const nt_wchar *cname, const nt_wchar *username);
/* The sessions among v whose key is `key`: returns how many DIFFERENT
 * (client, user) pairs match (0: none, 1: *idx names one of them, 2 or
 * more: a collision, refused rather than guessed). */
uint32_t sv9x_key_lookup(const sv9x_entry *v, uint32_t n, uint16_t key, uint32_t *idx);

/* ---- packing into the caller's buffer ---- */
/* Pointers written into the buffer are base + offset: base is the buffer's
 * address in the i686 DLL (a 32-bit process), any value in unit tests.
 * Fixed structures grow from the start, strings from the end; nothing is
 * written at or past cb. */
/* NetSessionEnum: as many WHOLE entries as fit.  Returns NT_OK (all of
 * them) or NT_ERROR_MORE_DATA (some or none; *read says how many). */
uint32_t sv9x_pack_enum(const sv9x_layout *L, const sv9x_entry *v, uint32_t n, uint8_t *buf, uint16_t cb,
                        uint32_t base, uint16_t *read, uint16_t *total);
/* NetSessionGetInfo: one entry.  *avail = bytes the whole entry needs.
 * SV9X_NERR_BufTooSmall (fixed part does not fit: nothing written),
 * NT_ERROR_MORE_DATA (fixed part written, strings that did not fit are
 * NULL), NT_OK. */
uint32_t sv9x_pack_one(const sv9x_layout *L, const sv9x_entry *e, uint8_t *buf, uint16_t cb, uint32_t base,
                       uint16_t *avail);

/* ---- code page hooks (cp_win.c / cp_posix.c) ---- */
/* ANSI -> UTF-16; *out NULL for NULL input.  false: allocation failure. */
bool sv9x_a2w(const char *s, nt_wchar **out);
/* UTF-16 -> ANSI into dst[cap]; returns the bytes needed including the NUL
 * (dst may be NULL to size).  0 on failure. */
size_t sv9x_w2a(const nt_wchar *s, char *dst, size_t cap);

/* ---- the three functions (session9x.c) ---- */
uint32_t sv9x_session_enum(const char *server, int16_t level, uint8_t *buf, uint16_t cb, uint32_t base,
                           uint16_t *read, uint16_t *total);
uint32_t sv9x_session_getinfo(const char *server, const char *client, int16_t level, uint8_t *buf,
                              uint16_t cb, uint32_t base, uint16_t *avail);
uint32_t sv9x_session_del(const char *server, const char *client, int16_t key);

#endif
