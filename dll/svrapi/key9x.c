/* sesi50_key: the 9x session key, and its way back to a session.
 *
 * srvsvc (MS-SRVS) names a session by (client name, user name) and has no
 * session number, so the key is derived from those two names: stable for
 * as long as the session exists, the same in every process and every
 * enumeration, and NetSessionDel finds its session again by enumerating the
 * server and recomputing the keys.  README "svrapi.dll" documents it. */
#include "sv9x.h"

static nt_wchar fold(nt_wchar c)
{
    return (c >= 'a' && c <= 'z') ? (nt_wchar)(c - 'a' + 'A') : c;
}

static uint32_t fnv1a_wstr(uint32_t h, const nt_wchar *s)
{
    for (; s && *s; s++) {
        nt_wchar c = fold(*s);
        h = (h ^ (uint8_t)c) * 16777619u;
        h = (h ^ (uint8_t)(c >> 8)) * 16777619u;
    }
    return h;
}

uint16_t sv9x_key(const nt_wchar *cname, const nt_wchar *username)
{
    uint32_t h = 2166136261u;
    h = fnv1a_wstr(h, nt_skip_unc(cname));
    h = (h ^ 0xFFu) * 16777619u;   /* separator: ("ab","c") != ("a","bc") */
    h = fnv1a_wstr(h, username);
    h ^= h >> 15;
    return (uint16_t)(h % 0x7FFFu + 1u);   /* 1 .. 0x7FFF */
}

static bool same_name(const nt_wchar *a, const nt_wchar *b)
{
    a = nt_skip_unc(a);
    b = nt_skip_unc(b);
    if (!a || !b)
        return a == b;
    for (; *a && *b; a++, b++)
        if (fold(*a) != fold(*b))
            return false;
    return *a == *b;
}

uint32_t sv9x_key_lookup(const sv9x_entry *v, uint32_t n, uint16_t key, uint32_t *idx)
{
    uint32_t pairs = 0, first = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (sv9x_key(v[i].cname, v[i].username) != key)
            continue;
        if (pairs == 0) {
            first = i;
            pairs = 1;
        } else if (!same_name(v[i].cname, v[first].cname) || !same_name(v[i].username, v[first].username)) {
            pairs++;
        }
    }
    if (pairs)
        *idx = first;
    return pairs;
}
