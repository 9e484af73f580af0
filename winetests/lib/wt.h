/* winetests/lib/wt.h -- tiny helpers shared by the Windows-side test programs.
 *
 * The programs are ordinary Windows clients: they include <lm.h>, link
 * MinGW's own -lnetapi32 import library and know nothing of this project.
 * Output protocol: one line per check, "PASS: name", "FAIL: name: why",
 * "SKIPPED: name: why".
 *
 * Truth file (written by winetests/run.sh from the server's own view):
 *   S <tab> cname <tab> user <tab> num_opens <tab> time <tab> idle <tab> user_flags
 *       one per session, from impacket NetrSessionEnum level 1; any field may
 *       be "*" (matches anything; used for our own session whose counters move)
 *   U <tab> user <tab> client-ip      one per session, from smbstatus -b
 * cname is stored without leading backslashes.
 */
#ifndef WT_H
#define WT_H

#ifndef UNICODE
#define UNICODE
#endif
#include <windows.h>
#include <lm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <stdarg.h>

static int wt_failed, wt_passed;

static void wt_pass(const char *name)
{
    printf("PASS: %s\n", name);
    fflush(stdout);
    wt_passed++;
}

static void wt_fail(const char *name, const char *fmt, ...)
{
    va_list ap;
    printf("FAIL: %s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    wt_failed++;
}

static void wt_skip(const char *name, const char *why)
{
    printf("SKIPPED: %s: %s\n", name, why);
    fflush(stdout);
}

/* "prefix.what" in a rotating static buffer (check names). */
static const char *wt_name(const char *prefix, const char *what)
{
    static char bufs[4][256];
    static int k;
    char *b = bufs[k++ & 3];
    snprintf(b, sizeof(bufs[0]), "%s.%s", prefix, what);
    return b;
}

/* check helper: cond true -> PASS, else FAIL with the formatted reason */
#define WT_CHECK(name, cond, ...) \
    do { if (cond) wt_pass(name); else wt_fail(name, __VA_ARGS__); } while (0)

/* UTF-16 -> UTF-8 in a rotating static buffer (for messages). */
static const char *wt_u8(const wchar_t *w)
{
    static char bufs[8][512];
    static int idx;
    char *b = bufs[idx++ & 7];
    if (!w) return "(null)";
    if (!WideCharToMultiByte(CP_UTF8, 0, w, -1, b, (int)sizeof(bufs[0]), NULL, NULL))
        strcpy(b, "(unconvertible)");
    return b;
}

static wchar_t *wt_wdup(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w = (wchar_t *)calloc((size_t)(n > 0 ? n : 1), sizeof(wchar_t));
    if (w && n > 0) MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

/* ---- truth ---------------------------------------------------------------- */
#define WT_MAXS 64
typedef struct {
    char cname[128], user[128];
    char opens[16], time[16], idle[16], flags[16];   /* "*" = any */
    int used;                                         /* matching bookkeeping */
} wt_sess;

typedef struct {
    wt_sess s[WT_MAXS];
    int ns;
    char uuser[WT_MAXS][128], uip[WT_MAXS][128];
    int nu;
} wt_truth;

static void wt_field(char **p, char *out, size_t cap)
{
    char *t = *p;
    size_t n = 0;
    while (*t && *t != '\t' && *t != '\n' && *t != '\r') {
        if (n + 1 < cap) out[n++] = *t;
        t++;
    }
    out[n] = 0;
    if (*t == '\t') t++;
    *p = t;
}

static int wt_read_truth(const char *path, wt_truth *t)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    memset(t, 0, sizeof(*t));
    if (!f) return -1;
    while (fgets(line, sizeof(line), f)) {
        char *p = line + 2;
        if (line[0] == 'S' && line[1] == '\t' && t->ns < WT_MAXS) {
            wt_sess *s = &t->s[t->ns++];
            wt_field(&p, s->cname, sizeof(s->cname));
            wt_field(&p, s->user, sizeof(s->user));
            wt_field(&p, s->opens, sizeof(s->opens));
            wt_field(&p, s->time, sizeof(s->time));
            wt_field(&p, s->idle, sizeof(s->idle));
            wt_field(&p, s->flags, sizeof(s->flags));
        } else if (line[0] == 'U' && line[1] == '\t' && t->nu < WT_MAXS) {
            wt_field(&p, t->uuser[t->nu], sizeof(t->uuser[0]));
            wt_field(&p, t->uip[t->nu], sizeof(t->uip[0]));
            t->nu++;
        }
    }
    fclose(f);
    return 0;
}

/* "\\name" -> "name" (UTF-8), for comparing with the truth */
static const char *wt_strip_unc(const wchar_t *w)
{
    const char *s = wt_u8(w);
    while (*s == '\\') s++;
    return s;
}

static int wt_ieq(const char *a, const char *b)
{
    return _stricmp(a, b) == 0;
}

static int wt_num_ok(const char *want, unsigned long got)
{
    if (strcmp(want, "*") == 0) return 1;
    return strtoul(want, NULL, 10) == got;
}

/* time: the entry was read after the truth; allow it to have grown */
static int wt_time_ok(const char *want, unsigned long got, unsigned long slack)
{
    unsigned long w;
    if (strcmp(want, "*") == 0) return 1;
    w = strtoul(want, NULL, 10);
    return got + 1 >= w && got <= w + slack;
}

/* ---- common argument-error expectations ----------------------------------- */
#define WT_SENTINEL ((LPBYTE)(ULONG_PTR)0x5a5a5a50)

static const char *wt_errname(DWORD e)
{
    switch (e) {
    case 0: return "NERR_Success";
    case 5: return "ERROR_ACCESS_DENIED";
    case 8: return "ERROR_NOT_ENOUGH_MEMORY";
    case 53: return "ERROR_BAD_NETPATH";
    case 59: return "ERROR_UNEXP_NET_ERR";
    case 87: return "ERROR_INVALID_PARAMETER";
    case 121: return "ERROR_SEM_TIMEOUT";
    case 124: return "ERROR_INVALID_LEVEL";
    case 234: return "ERROR_MORE_DATA";
    case 1326: return "ERROR_LOGON_FAILURE";
    case 1722: return "RPC_S_SERVER_UNAVAILABLE";
    case 2114: return "NERR_ServerNotStarted";
    case 2221: return "NERR_UserNotFound";
    case 2312: return "NERR_ClientNameNotFound";
    case 2351: return "NERR_InvalidComputer";
    default: return "?";
    }
}

/* NULL for "-" or "NULL", L"" for "EMPTY", else the string */
static wchar_t *wt_arg(const wchar_t *a)
{
    if (!a || wcscmp(a, L"-") == 0 || wcscmp(a, L"NULL") == 0) return NULL;
    if (wcscmp(a, L"EMPTY") == 0) return (wchar_t *)L"";
    return (wchar_t *)a;
}

static int wt_summary(const char *prog)
{
    fprintf(stderr, "%s: %d passed, %d failed\n", prog, wt_passed, wt_failed);
    return wt_failed ? 1 : 0;
}

#endif
