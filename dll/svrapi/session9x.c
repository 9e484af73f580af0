/* NetSessionEnum / NetSessionGetInfo / NetSessionDel in their Windows 95/98
 * form, each one call into the API layer (api.h) plus the 9x edge: ANSI
 * strings, the caller's buffer, the session key. */
#include "sv9x.h"

#include <stdlib.h>
#include <string.h>

/* One call's sessions: the names converted to UTF-16, the API layer's block
 * and the entries pointing into it. */
typedef struct fetched {
    nt_wchar *server, *client;
    uint8_t *block;
    sv9x_entry *v;
    uint32_t n;
} fetched;

static void release(fetched *f)
{
    free(f->v);
    nt_block_free(f->block);
    free(f->client);
    free(f->server);
    memset(f, 0, sizeof(*f));
}

/* The sessions of `server` at NT level nt_level, only those of `client`
 * when it is neither NULL nor "".  Call release() afterwards in any case. */
static uint32_t fetch(const char *server, const char *client, uint32_t nt_level, fetched *f)
{
    memset(f, 0, sizeof(*f));
    if (!sv9x_a2w(server, &f->server) || !sv9x_a2w(client && client[0] ? client : NULL, &f->client))
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    uint32_t read = 0, total = 0;
    uint32_t st = api_session_enum(f->server, f->client, NULL, nt_level, &f->block, NT_MAX_PREFERRED_LENGTH,
                                   &read, &total, NULL);
    if (st != NT_OK)
        return st;
    f->v = calloc(read ? read : 1, sizeof(*f->v));
    if (!f->v)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    if (read)
        sv9x_entries_from_nt(sess_level_find(nt_level), f->block, read, f->v);
    f->n = read;
    return NT_OK;
}

uint32_t sv9x_session_enum(const char *server, int16_t level, uint8_t *buf, uint16_t cb, uint32_t base,
                           uint16_t *read, uint16_t *total)
{
    if (read)
        *read = 0;
    if (total)
        *total = 0;
    if (!read || !total || (!buf && cb))
        return NT_ERROR_INVALID_PARAMETER;
    const sv9x_layout *L = sv9x_layout_find(level);
    if (!L)
        return NT_ERROR_INVALID_LEVEL;
    fetched f;
    uint32_t st = fetch(server, NULL, L->nt_level, &f);
    if (st == NT_OK)
        st = sv9x_pack_enum(L, f.v, f.n, buf, cb, base, read, total);
    release(&f);
    return st;
}

uint32_t sv9x_session_getinfo(const char *server, const char *client, int16_t level, uint8_t *buf,
                              uint16_t cb, uint32_t base, uint16_t *avail)
{
    if (avail)
        *avail = 0;
    if (!avail || !client || !client[0] || (!buf && cb))
        return NT_ERROR_INVALID_PARAMETER;
    const sv9x_layout *L = sv9x_layout_find(level);
    if (!L)
        return NT_ERROR_INVALID_LEVEL;
    /* no user argument in the 9x form: the first of the client's sessions
     * (in the API layer's stable order) */
    fetched f;
    uint32_t st = fetch(server, client, L->nt_level, &f);
    if (st == NT_OK)
        st = f.n ? sv9x_pack_one(L, &f.v[0], buf, cb, base, avail) : NT_NERR_ClientNameNotFound;
    release(&f);
    return st;
}

/* L"\\\\" + name unless it has it already; NULL on allocation failure. */
static nt_wchar *unc_name(const nt_wchar *name)
{
    size_t len = nt_wcslen(name);
    bool has = name[0] == '\\' && name[1] == '\\';
    nt_wchar *u = calloc(len + 3, sizeof(nt_wchar));
    if (!u)
        return NULL;
    size_t k = 0;
    if (!has) {
        u[k++] = '\\';
        u[k++] = '\\';
    }
    memcpy(u + k, name, (len + 1) * sizeof(nt_wchar));
    return u;
}

/* Deletes the one session among v[0..n) whose key is `key`. */
static uint32_t del_by_key(const nt_wchar *server, const sv9x_entry *v, uint32_t n, uint16_t key)
{
    uint32_t idx = 0;
    uint32_t pairs = sv9x_key_lookup(v, n, key, &idx);
    if (pairs == 0)
        return NT_NERR_ClientNameNotFound;   /* stale or unknown key */
    /* two sessions share the key (a hash collision), or the server gave a
     * session without names: deleting by name could end the wrong one */
    if (pairs > 1 || !v[idx].cname || !v[idx].cname[0] || !v[idx].username || !v[idx].username[0])
        return NT_ERROR_INVALID_PARAMETER;
    nt_wchar *unc = unc_name(v[idx].cname);
    if (!unc)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    uint32_t st = api_session_del(server, unc, v[idx].username);
    free(unc);
    return st;
}

uint32_t sv9x_session_del(const char *server, const char *client, int16_t key)
{
    /* level 1: the same names the keys of NetSessionEnum level 50 came from */
    fetched f;
    uint32_t st = fetch(server, client, 1, &f);
    if (st == NT_OK)
        st = del_by_key(f.server, f.v, f.n, (uint16_t)key);
    else if (st == NT_NERR_UserNotFound)
        st = NT_NERR_ClientNameNotFound;
    release(&f);
    return st;
}
