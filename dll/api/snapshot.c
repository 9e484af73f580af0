/*
 * Resume snapshots behind NetSessionEnum's resume handle.
 *
 * A walk with the resume handle must return every entry exactly once even
 * when the server ignores paging and sessions come and go meanwhile, so the
 * first page's filtered list is kept and later pages are served from it.
 * Handle = (snapshot id << 16) | index, ids 1..0x7FFF.  Snapshots expire
 * after SNAP_TTL_MS (at most SNAP_MAX are kept, the oldest evicted).
 *
 * Which ids were ever issued is remembered (one bit each), so a handle this
 * DLL never issued (0xDEADBEEF, 0xFFFFFFFF, 0x80000000, an id not yet
 * reached, index 0) is refused instead of silently restarting or ending the
 * walk, and a handle we did issue whose snapshot is gone continues in a
 * fresh list.
 */
#include "session_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNAP_MAX 16
#define SNAP_TTL_MS 120000u
#define SNAP_ID_MAX 0x7FFFu

typedef struct snapshot {
    uint16_t id;           /* 0 = free slot */
    uint64_t stamp;
    char *key;             /* snap_key() */
    sess_list list;
} snapshot;

static nt_mutex g_snap_lock = NT_MUTEX_INIT;
static snapshot g_snaps[SNAP_MAX];
static uint16_t g_snap_next = 1;
static uint8_t g_issued[(SNAP_ID_MAX + 1) / 8]; /* bit per id ever issued */

static void put_hex_units(char *p, const nt_wchar *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++)
        for (int k = 3; k >= 0; k--)
            *p++ = hex[(s[i] >> (4 * k)) & 0xF];
    *p = 0;
}

char *snap_key(const api_server *srv, uint32_t level, const nt_wchar *client, const nt_wchar *user)
{
    size_t nc = client ? nt_wcslen(client) : 0, nu = user ? nt_wcslen(user) : 0;
    size_t n = strlen(srv->host) + 4 * (nc + nu) + 32;
    char *k = malloc(n);
    if (!k)
        return NULL;
    int h = snprintf(k, n, "%s|%u|%c", srv->host, (unsigned)level, client ? 'c' : '-');
    put_hex_units(k + h, client, nc);
    h += (int)(4 * nc);
    h += snprintf(k + h, n - (size_t)h, "|%c", user ? 'u' : '-');
    put_hex_units(k + h, user, nu);
    return k;
}

static void snap_free(snapshot *s)
{
    free(s->key);
    sess_list_free(&s->list);
    memset(s, 0, sizeof(*s));
}

static bool issued(uint16_t id)
{
    return id >= 1 && id <= SNAP_ID_MAX && (g_issued[id / 8] & (1u << (id % 8)));
}

snap_resume_kind snap_resume(uint32_t handle, const char *key, sess_list *list, uint16_t *id, uint32_t *start)
{
    memset(list, 0, sizeof(*list));
    *id = 0;
    *start = 0;
    if (handle == 0)
        return SNAP_START;
    uint16_t hid = (uint16_t)(handle >> 16);
    uint32_t index = handle & 0xFFFFu;
    snap_resume_kind kind = SNAP_INVALID;
    uint64_t now = nt_now_ms();
    nt_mutex_lock(&g_snap_lock);
    bool known = issued(hid) && index != 0; /* an issued handle always points past the first page */
    for (int i = 0; i < SNAP_MAX; i++) {
        snapshot *s = &g_snaps[i];
        if (s->id && now - s->stamp > SNAP_TTL_MS)
            snap_free(s);
        if (!known || !s->id || s->id != hid || kind != SNAP_INVALID)
            continue;
        if (key && strcmp(s->key, key) == 0) {
            *list = s->list;
            free(s->key);
            memset(s, 0, sizeof(*s));
            kind = SNAP_CONTINUE;
        } else {
            known = false; /* a live walk of another query: not this caller's handle */
        }
    }
    nt_mutex_unlock(&g_snap_lock);
    if (kind == SNAP_INVALID && known)
        kind = SNAP_REBUILD;
    if (kind != SNAP_INVALID) {
        *id = kind == SNAP_CONTINUE ? hid : 0;
        *start = index;
    }
    return kind;
}

uint16_t snap_put(uint16_t id, char *key, sess_list *list)
{
    nt_mutex_lock(&g_snap_lock);
    if (!id) {
        id = g_snap_next++;
        if (g_snap_next == 0 || g_snap_next > SNAP_ID_MAX)
            g_snap_next = 1;
        g_issued[id / 8] |= (uint8_t)(1u << (id % 8));
    }
    int slot = 0;
    for (int i = 0; i < SNAP_MAX; i++) {
        if (!g_snaps[i].id) {
            slot = i;
            break;
        }
        if (g_snaps[i].stamp < g_snaps[slot].stamp)
            slot = i; /* evict the oldest when full */
    }
    if (g_snaps[slot].id)
        snap_free(&g_snaps[slot]);
    g_snaps[slot].id = id;
    g_snaps[slot].stamp = nt_now_ms();
    g_snaps[slot].key = key;
    g_snaps[slot].list = *list;
    memset(list, 0, sizeof(*list));
    nt_mutex_unlock(&g_snap_lock);
    return id;
}

/* Forgets every snapshot (DLL unload, tests); handles already issued stay
 * recognised, so a walk in progress continues in a fresh list. */
void api_snapshots_clear(void)
{
    nt_mutex_lock(&g_snap_lock);
    for (int i = 0; i < SNAP_MAX; i++)
        if (g_snaps[i].id)
            snap_free(&g_snaps[i]);
    nt_mutex_unlock(&g_snap_lock);
}
