/*
 * svrapi.dll under Wine against a real Samba: the 9x session API as a
 * Windows 95/98 program calls it (<svrapi.h>, MinGW-w64's -lsvrapi).
 * One PASS:/FAIL: line per check; exit status 1 when any failed.
 *
 *   sv9x_test levels SERVER CLIENT USER   every level; CLIENT/USER: a held session
 *   sv9x_test small  SERVER               small buffers, nothing past cbBuffer
 *   sv9x_test args   SERVER               wrong levels, NULL pointers, unknown keys
 *   sv9x_test expect SERVER LEVEL STATUS NAME   NetSessionEnum returns STATUS
 *   sv9x_test del    SERVER CLIENT USER   key round trip into NetSessionDel
 *   sv9x_test fwd                         every export resolves at its ordinal
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <svrapi.h>

#define CANARY 0xA5
static int failed;

static void check(int ok, const char *name, const char *fmt, ...)
{
    if (ok) {
        printf("PASS: %s\n", name);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: %s: ", name);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    failed = 1;
}

static const char *bare(const char *s) { while (s && *s == '\\') s++; return s; }
static int same(const char *a, const char *b) { return a && b && _stricmp(bare(a), bare(b)) == 0; }

/* every string pointer of the n entries lies inside buf[0, cb) */
static int strings_inside(const char *buf, unsigned cb, const char *const *ptrs, int n)
{
    for (int i = 0; i < n; i++)
        if (ptrs[i] && (ptrs[i] < buf || ptrs[i] + strlen(ptrs[i]) >= buf + cb))
            return 0;
    return 1;
}

static int canary_ok(const unsigned char *p, unsigned from, unsigned to)
{
    for (unsigned i = from; i < to; i++)
        if (p[i] != CANARY)
            return 0;
    return 1;
}

#define BIG 16384
static char big[BIG];

static unsigned short enum50(const char *srv, struct session_info_50 **out)
{
    unsigned short r = 0, t = 0;
    NET_API_STATUS st = NetSessionEnum(srv, 50, big, BIG, &r, &t);
    *out = (struct session_info_50 *)big;
    return st == NERR_Success ? r : 0;
}

static void do_levels(const char *srv, const char *client, const char *user)
{
    static const short levels[] = {0, 1, 2, 10, 50};
    char name[96];
    int count0 = -1;
    for (int k = 0; k < 5; k++) {
        short lv = levels[k];
        unsigned short r = 0, t = 0;
        memset(big, 0, BIG);
        NET_API_STATUS st = NetSessionEnum(srv, lv, big, BIG, &r, &t);
        snprintf(name, sizeof(name), "levels.enum%d.status", lv);
        check(st == NERR_Success && r == t && r >= 2, name, "status %lu read %u total %u", st, r, t);
        if (count0 < 0) count0 = r;
        snprintf(name, sizeof(name), "levels.enum%d.same_count", lv);
        check(r == count0, name, "level %d: %u entries, level 0: %d", lv, r, count0);
        int found = 0, inside = 1, fields = 1;
        for (int i = 0; i < r; i++) {
            const char *c = NULL, *u = NULL, *p[3] = {0};
            if (lv == 0) { struct session_info_0 *e = (void *)big; c = e[i].sesi0_cname; }
            if (lv == 1) { struct session_info_1 *e = (void *)big; c = e[i].sesi1_cname; u = e[i].sesi1_username;
                           fields &= e[i].sesi1_num_users == 1 && e[i].sesi1_user_flags <= 3; }
            if (lv == 2) { struct session_info_2 *e = (void *)big; c = e[i].sesi2_cname; u = e[i].sesi2_username;
                           p[2] = e[i].sesi2_cltype_name; fields &= p[2] != NULL; }
            if (lv == 10) { struct session_info_10 *e = (void *)big; c = e[i].sesi10_cname; u = e[i].sesi10_username; }
            if (lv == 50) { struct session_info_50 *e = (void *)big; c = e[i].sesi50_cname; u = e[i].sesi50_username;
                            fields &= e[i].sesi50_key >= 1 && e[i].sesi50_key <= 0x7FFF && e[i].sesi50_protocol == 0; }
            p[0] = c; p[1] = u;
            inside &= strings_inside(big, BIG, p, 3) && c != NULL;
            if (same(c, client) && (lv == 0 || same(u, user)))
                found = 1;
        }
        snprintf(name, sizeof(name), "levels.enum%d.held_session_listed", lv);
        check(found, name, "%s / %s not among %u entries", client, user, r);
        snprintf(name, sizeof(name), "levels.enum%d.strings_in_buffer", lv);
        check(inside, name, "a string pointer outside the caller's buffer");
        snprintf(name, sizeof(name), "levels.enum%d.fields", lv);
        check(fields, name, "num_users/user_flags/cltype/key/protocol out of range");
    }
    /* keys: distinct per (client, user), the same in GetInfo */
    struct session_info_50 *e;
    unsigned short n = enum50(srv, &e);
    int distinct = 1;
    unsigned long key = 0;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < i; j++)
            if (e[i].sesi50_key == e[j].sesi50_key &&
                !(same(e[i].sesi50_cname, e[j].sesi50_cname) && same(e[i].sesi50_username, e[j].sesi50_username)))
                distinct = 0;
        if (same(e[i].sesi50_cname, client) && same(e[i].sesi50_username, user))
            key = e[i].sesi50_key;
    }
    check(distinct, "levels.keys_distinct", "two sessions share a key");
    unsigned short r2 = 0, t2 = 0;
    static char again[BIG];
    NetSessionEnum(srv, 50, again, BIG, &r2, &t2);
    int stable = r2 == n;
    for (int i = 0; i < n && i < r2; i++)
        stable &= ((struct session_info_50 *)again)[i].sesi50_key == e[i].sesi50_key;
    check(stable, "levels.keys_stable_across_calls", "keys changed between two enumerations");
    /* GetInfo finds by client name; level 50 carries the same key */
    char info[512];
    unsigned short avail = 0;
    NET_API_STATUS st = NetSessionGetInfo(srv, client, 50, info, sizeof(info), &avail);
    struct session_info_50 *gi = (void *)info;
    check(st == NERR_Success && same(gi->sesi50_cname, client), "getinfo50.status", "status %lu", st);
    if (st == NERR_Success) {
        unsigned need = sizeof(*gi) + strlen(gi->sesi50_cname) + 1 + strlen(gi->sesi50_username) + 1;
        check(avail == need, "getinfo50.total_avail_bytes", "avail %u want %u", avail, need);
        int match = 0;
        for (int i = 0; i < n; i++)
            match |= same(e[i].sesi50_cname, gi->sesi50_cname) && same(e[i].sesi50_username, gi->sesi50_username) &&
                     e[i].sesi50_key == gi->sesi50_key;
        check(match, "getinfo50.key_equals_enum_key", "key %lu not the enumerated key of its session", gi->sesi50_key);
        (void)key;
    }
    for (int k = 0; k < 4; k++) {
        st = NetSessionGetInfo(srv, client, levels[k], info, sizeof(info), &avail);
        snprintf(name, sizeof(name), "getinfo%d.status", levels[k]);
        check(st == NERR_Success && same(*(char **)info, client), name, "status %lu", st);
    }
}

static void do_small(const char *srv)
{
    struct session_info_50 *e;
    unsigned short n = enum50(srv, &e);
    check(n >= 2, "small.setup", "need 2 sessions, have %u", n);
    if (n < 2) return;
    unsigned one = sizeof(*e) + strlen(e[0].sesi50_cname) + 1 + strlen(e[0].sesi50_username) + 1;
    unsigned all = 0;
    for (int i = 0; i < n; i++)
        all += sizeof(*e) + strlen(e[i].sesi50_cname) + 1 + strlen(e[i].sesi50_username) + 1;
    static unsigned char buf[BIG + 64];
    struct { unsigned cb; NET_API_STATUS st; unsigned short read; const char *name; } c[] = {
        {0, ERROR_MORE_DATA, 0, "small.enum.0_bytes"},
        {1, ERROR_MORE_DATA, 0, "small.enum.1_byte"},
        {one - 1, ERROR_MORE_DATA, 0, "small.enum.one_byte_short_of_one_entry"},
        {one, ERROR_MORE_DATA, 1, "small.enum.exactly_one_entry"},
        {all - 1, ERROR_MORE_DATA, (unsigned short)(n - 1), "small.enum.one_byte_short_of_all"},
        {all, NERR_Success, n, "small.enum.exactly_all"},
    };
    for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        memset(buf, CANARY, sizeof(buf));
        unsigned short r = 99, t = 99;
        NET_API_STATUS st = NetSessionEnum(srv, 50, (char *)buf, (unsigned short)c[i].cb, &r, &t);
        check(st == c[i].st && r == c[i].read && t == n && canary_ok(buf, c[i].cb, sizeof(buf)), c[i].name,
              "cb %u: status %lu (want %lu) read %u (want %u) total %u (want %u) canary %d", c[i].cb, st, c[i].st,
              r, c[i].read, t, n, canary_ok(buf, c[i].cb, sizeof(buf)));
    }
    unsigned short r = 9, t = 9;
    NET_API_STATUS st = NetSessionEnum(srv, 50, NULL, 0, &r, &t);
    check(st == ERROR_MORE_DATA && r == 0 && t == n, "small.enum.null_buffer_sizes", "status %lu read %u total %u", st, r, t);
    /* GetInfo: the client of entry 0 */
    const char *cl = e[0].sesi50_cname;
    char client[256];
    snprintf(client, sizeof(client), "%s", cl);
    struct { unsigned cb; NET_API_STATUS st; const char *name; } g[] = {
        {0, NERR_BufTooSmall, "small.getinfo.0_bytes"},
        {1, NERR_BufTooSmall, "small.getinfo.1_byte"},
        {sizeof(*e) - 1, NERR_BufTooSmall, "small.getinfo.fixed_part_minus_1"},
        {sizeof(*e), ERROR_MORE_DATA, "small.getinfo.fixed_part_only"},
        {one - 1, ERROR_MORE_DATA, "small.getinfo.one_byte_short"},
        {one, NERR_Success, "small.getinfo.exact"},
    };
    for (unsigned i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
        memset(buf, CANARY, sizeof(buf));
        unsigned short avail = 0;
        st = NetSessionGetInfo(srv, client, 50, (char *)buf, (unsigned short)g[i].cb, &avail);
        int ok = st == g[i].st && avail == one && canary_ok(buf, g[i].cb, sizeof(buf));
        if (g[i].st == NERR_BufTooSmall) ok &= canary_ok(buf, 0, sizeof(buf));   /* nothing written */
        check(ok, g[i].name, "cb %u: status %lu (want %lu) avail %u (want %u)", g[i].cb, st, g[i].st, avail, one);
    }
}

static void do_args(const char *srv)
{
    static char buf[4096];
    unsigned short r, t, a;
    const short bad[] = {3, 502, -1, 51};
    for (int i = 0; i < 4; i++) {
        char name[64];
        snprintf(name, sizeof(name), "args.enum.level_%d", bad[i]);
        NET_API_STATUS st = NetSessionEnum(srv, bad[i], buf, sizeof(buf), &r, &t);
        check(st == ERROR_INVALID_LEVEL, name, "status %lu", st);
    }
    NET_API_STATUS st = NetSessionEnum(srv, 50, buf, sizeof(buf), NULL, &t);
    check(st == ERROR_INVALID_PARAMETER, "args.enum.null_entries_read", "status %lu", st);
    st = NetSessionEnum(srv, 50, buf, sizeof(buf), &r, NULL);
    check(st == ERROR_INVALID_PARAMETER, "args.enum.null_total_avail", "status %lu", st);
    st = NetSessionEnum(srv, 50, NULL, 100, &r, &t);
    check(st == ERROR_INVALID_PARAMETER, "args.enum.null_buffer_with_size", "status %lu", st);
    st = NetSessionGetInfo(srv, NULL, 50, buf, sizeof(buf), &a);
    check(st == ERROR_INVALID_PARAMETER, "args.getinfo.null_client", "status %lu", st);
    st = NetSessionGetInfo(srv, "\\\\192.0.2.77", 50, buf, sizeof(buf), &a);
    check(st == NERR_ClientNameNotFound, "args.getinfo.unknown_client_2312", "status %lu", st);
    st = NetSessionGetInfo(srv, "\\\\192.0.2.77", 7, buf, sizeof(buf), &a);
    check(st == ERROR_INVALID_LEVEL, "args.getinfo.level_7", "status %lu", st);
    st = NetSessionGetInfo(srv, "x", 50, buf, sizeof(buf), NULL);
    check(st == ERROR_INVALID_PARAMETER, "args.getinfo.null_total_avail", "status %lu", st);
    /* keys nobody holds */
    struct session_info_50 *e;
    unsigned short n = enum50(srv, &e);
    short unused = 1;
    for (int again = 1; again;) {
        again = 0;
        for (int i = 0; i < n; i++)
            if (e[i].sesi50_key == (unsigned long)unused) { unused++; again = 1; }
    }
    st = NetSessionDel(srv, NULL, unused);
    check(st == NERR_ClientNameNotFound, "args.del.unknown_key_2312", "status %lu", st);
    st = NetSessionDel(srv, NULL, 0);
    check(st == NERR_ClientNameNotFound, "args.del.key_0_2312", "status %lu", st);
    if (n > 0) {
        st = NetSessionDel(srv, "\\\\192.0.2.77", (short)e[0].sesi50_key);
        check(st == NERR_ClientNameNotFound, "args.del.key_of_another_client_2312", "status %lu", st);
    }
    check(enum50(srv, &e) == n, "args.nothing_deleted", "sessions changed from %u", n);
}

static void do_del(const char *srv, const char *client, const char *user)
{
    struct session_info_50 *e;
    unsigned short n = enum50(srv, &e);
    char cname[256] = "";
    unsigned long key = 0;
    for (int i = 0; i < n; i++)
        if (same(e[i].sesi50_cname, client) && same(e[i].sesi50_username, user)) {
            snprintf(cname, sizeof(cname), "%s", e[i].sesi50_cname);
            key = e[i].sesi50_key;
        }
    check(key != 0, "del.key_found", "%s / %s not listed", client, user);
    if (!key) return;
    printf("# key %lu for %s %s\n", key, cname, user);
    NET_API_STATUS st = NetSessionDel(srv, cname, (short)key);
    check(st == NERR_Success, "del.by_key", "status %lu", st);
    /* Samba ends the session asynchronously (a message to the smbd serving
     * it): poll for up to 10 s */
    int gone = 0;
    for (int tries = 0; tries < 100 && !gone; tries++) {
        if (tries)
            Sleep(100);
        gone = 1;
        n = enum50(srv, &e);
        for (int i = 0; i < n; i++)
            gone &= !(same(e[i].sesi50_cname, client) && same(e[i].sesi50_username, user));
    }
    check(gone, "del.not_listed_any_more", "still enumerated after 10 s");
    st = NetSessionDel(srv, cname, (short)key);
    check(st == NERR_ClientNameNotFound, "del.stale_key_2312", "status %lu", st);
}

/* every export resolves: ours in svrapi.dll, the rest forwarded into Wine's
 * builtin (wine_svrapi.dll); ordinals as in spec/svrapi.exports */
static void do_fwd(void)
{
    static const char *names[] = {
        "NetAccessAdd", "NetAccessCheck", "NetAccessDel", "NetAccessEnum", "NetAccessGetInfo",
        "NetAccessGetUserPerms", "NetAccessSetInfo", "NetConnectionEnum", "NetFileClose2", "NetFileEnum",
        "NetSecurityGetInfo", "NetServerGetInfo", "NetSessionDel", "NetSessionEnum", "NetSessionGetInfo",
        "NetShareAdd", "NetShareDel", "NetShareEnum", "NetShareGetInfo", "NetShareSetInfo", "NetFileClose"};
    HMODULE h = GetModuleHandleA("svrapi.dll");
    check(h != NULL, "fwd.svrapi_loaded", "GetModuleHandle failed");
    if (!h) return;
    for (int i = 0; i < 21; i++) {
        char name[96], file[MAX_PATH] = "";
        FARPROC p = GetProcAddress(h, names[i]);
        FARPROC po = GetProcAddress(h, (LPCSTR)(ULONG_PTR)(i + 1));
        HMODULE m = NULL;
        if (p)
            GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                               (LPCSTR)p, &m);
        if (m)
            GetModuleFileNameA(m, file, sizeof(file));
        int ours = i >= 12 && i <= 14;
        int where = ours ? m == h : strstr(_strlwr(file), "wine_svrapi.dll") != NULL;
        snprintf(name, sizeof(name), "fwd.%s_at_%d", names[i], i + 1);
        check(p != NULL && p == po && where, name, "address %p, by ordinal %p, module %s", (void *)p, (void *)po, file);
    }
}

int main(int argc, char **argv)
{
    if (argc >= 6 && !strcmp(argv[1], "expect")) {
        static char buf[4096];
        unsigned short r, t;
        NET_API_STATUS st = NetSessionEnum(argv[2], (short)atoi(argv[3]), buf, sizeof(buf), &r, &t);
        check(st == strtoul(argv[4], NULL, 10), argv[5], "status %lu want %s", st, argv[4]);
    } else if (argc >= 5 && !strcmp(argv[1], "levels")) {
        do_levels(argv[2], argv[3], argv[4]);
    } else if (argc >= 3 && !strcmp(argv[1], "small")) {
        do_small(argv[2]);
    } else if (argc >= 3 && !strcmp(argv[1], "args")) {
        do_args(argv[2]);
    } else if (argc >= 2 && !strcmp(argv[1], "fwd")) {
        do_fwd();
    } else if (argc >= 5 && !strcmp(argv[1], "del")) {
        do_del(argv[2], argv[3], argv[4]);
    } else {
        fprintf(stderr, "usage: see the comment at the top of sv9x_test.c\n");
        return 2;
    }
    return failed;
}
