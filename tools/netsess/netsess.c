/* netsess: list and end the SMB sessions on a server, and manage the
 * Credential Manager entries the netapi32 drop-in reads -- in the spirit of
 * `net session`.
 *
 * It calls only public APIs: netapi32 (NetSessionEnum, NetSessionGetInfo,
 * NetSessionDel, NetApiBufferFree) and advapi32's Credential Manager
 * (CredWriteW, CredReadW, CredEnumerateW, CredDeleteW, CredFree), so it runs
 * unchanged on Windows and under Wine (with our DLL or Wine's builtin).
 *
 * Everything a server sends is printed with control characters replaced, so
 * a hostile name cannot forge lines or drive the terminal.  Passwords are
 * never printed and are wiped with SecureZeroMemory after use.
 *
 * Usage and the exact output format: docs/netsess.md.
 */
#include <windows.h>
#include <lm.h>
#include <wincred.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define EXIT_USAGE    2u
#define PASSWORD_MAX  512u /* characters */

static const wchar_t usage_text[] =
    L"Lists and ends the sessions on a server (like NET SESSION) and stores\n"
    L"the credentials the netapi32 drop-in uses to reach it.\n"
    L"\n"
    L"NETSESS [\\\\server] [\\\\client] [/client:\\\\client] [/user:name] [/level:N] [/tab]\n"
    L"NETSESS [\\\\server] \\\\client /user:name [/level:N] [/tab]\n"
    L"NETSESS [\\\\server] [\\\\client | /client:\\\\client] [/user:name] /delete\n"
    L"NETSESS /cred:add \\\\server user [password]\n"
    L"NETSESS /cred:list [/tab]\n"
    L"NETSESS /cred:del \\\\server\n"
    L"NETSESS /helpmsg:N\n"
    L"\n"
    L"  \\\\server        the server to ask (default: this computer)\n"
    L"  \\\\client        a client computer; with /user: shows that one session\n"
    L"                  (NetSessionGetInfo), alone it filters the list\n"
    L"  /client:\\\\c     list only the sessions from client c\n"
    L"  /user:name      list (or end) only the sessions of that user\n"
    L"  /level:N        information level 0, 1, 2, 10 or 502; default: the list\n"
    L"                  tries 502, then 10, 1, 0; a single session uses 10\n"
    L"  /tab            one TAB-separated UTF-8 line per entry, no headers\n"
    L"  /delete, /d     end the sessions selected by client and/or user; with\n"
    L"                  neither, end EVERY session on the server (no question)\n"
    L"  /cred:add       store user and password for server in Windows Credential\n"
    L"                  Manager (type domain password); server * is the default\n"
    L"                  for all servers; user may be DOMAIN\\user; the password is\n"
    L"                  asked without echo when omitted (or read as one line from\n"
    L"                  standard input when that is not a console)\n"
    L"  /cred:list      list the stored entries (never the passwords)\n"
    L"  /cred:del       delete the entry stored for server\n"
    L"  /helpmsg:N      the Windows text for error code N\n"
    L"  /?              this text\n"
    L"\n"
    L"Exit status: 0 on success, the Windows error code on failure, 2 for a\n"
    L"usage error.\n";

/* ------------------------------------------------------------------------ */
/* Output                                                                    */

static bool g_tab; /* /tab: UTF-8, TAB-separated, no headers */

/* Writes s (n characters) to h: WriteConsoleW on a console, otherwise the
 * console code page (UTF-8 in /tab mode) with CRLF line ends. */
static void write_w(HANDLE h, const wchar_t *s, size_t n)
{
    DWORD mode, done;
    if (h == NULL || h == INVALID_HANDLE_VALUE || n == 0)
        return;
    if (GetConsoleMode(h, &mode)) {
        while (n) {
            DWORD chunk = n > 8192 ? 8192 : (DWORD)n;
            if (!WriteConsoleW(h, s, chunk, &done, NULL) || done == 0)
                return;
            s += done;
            n -= done;
        }
        return;
    }
    size_t lf = 0;
    for (size_t i = 0; i < n; i++)
        lf += s[i] == L'\n';
    if (n + lf > 0x3fffffffu)
        return;
    wchar_t *w = malloc((n + lf) * sizeof(wchar_t));
    if (!w)
        return;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == L'\n' && (i == 0 || s[i - 1] != L'\r'))
            w[k++] = L'\r';
        w[k++] = s[i];
    }
    UINT cp = g_tab ? CP_UTF8 : GetConsoleOutputCP();
    if (cp == 0)
        cp = CP_OEMCP;
    int bytes = WideCharToMultiByte(cp, 0, w, (int)k, NULL, 0, NULL, NULL);
    char *b = bytes > 0 ? malloc((size_t)bytes) : NULL;
    if (b && WideCharToMultiByte(cp, 0, w, (int)k, b, bytes, NULL, NULL) == bytes) {
        const char *p = b;
        DWORD left = (DWORD)bytes;
        while (left && WriteFile(h, p, left, &done, NULL) && done) {
            p += done;
            left -= done;
        }
    }
    free(b);
    free(w);
}

static void vprint(DWORD which, const wchar_t *fmt, va_list ap)
{
    wchar_t stackbuf[512];
    wchar_t *buf = stackbuf;
    size_t cap = sizeof(stackbuf) / sizeof(stackbuf[0]);
    for (;;) {
        va_list aq;
        va_copy(aq, ap);
        int n = vswprintf(buf, cap, fmt, aq);
        va_end(aq);
        if (n >= 0 && (size_t)n < cap) {
            write_w(GetStdHandle(which), buf, (size_t)n);
            break;
        }
        if (buf != stackbuf)
            free(buf);
        if (cap >= (1u << 20))
            return;
        cap *= 4;
        buf = malloc(cap * sizeof(wchar_t));
        if (!buf)
            return;
    }
    if (buf != stackbuf)
        free(buf);
}

static void out(const wchar_t *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(STD_OUTPUT_HANDLE, fmt, ap);
    va_end(ap);
}

static void err(const wchar_t *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(STD_ERROR_HANDLE, fmt, ap);
    va_end(ap);
}

/* A heap copy of a string that came from a server (or the store) with every
 * control character replaced by '?'.  NULL in, "" out; NULL when out of
 * memory (print it through q()). */
static wchar_t *clean(const wchar_t *s)
{
    if (!s)
        s = L"";
    size_t n = wcslen(s);
    wchar_t *c = malloc((n + 1) * sizeof(wchar_t));
    if (!c)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        c[i] = (i < n && (s[i] < 0x20 || s[i] == 0x7f)) ? L'?' : s[i];
    return c;
}

static const wchar_t *q(const wchar_t *s)
{
    return s ? s : L"?";
}

/* ------------------------------------------------------------------------ */
/* Error texts                                                               */

static const struct {
    DWORD code;
    const wchar_t *text;
} builtin_texts[] = {
    {5, L"Access is denied."},
    {8, L"Not enough memory resources are available to process this command."},
    {13, L"The data is invalid."},
    {38, L"Reached the end of the file."},
    {50, L"The request is not supported."},
    {53, L"The network path was not found."},
    {59, L"An unexpected network error occurred."},
    {64, L"The specified network name is no longer available."},
    {65, L"Network access is denied."},
    {67, L"The network name cannot be found."},
    {87, L"The parameter is incorrect."},
    {121, L"The semaphore timeout period has expired."},
    {124, L"The system call level is not correct."},
    {234, L"More data is available."},
    {1004, L"Invalid flags."},
    {1168, L"Element not found."},
    {1225, L"The remote computer refused the network connection."},
    {1312, L"A specified logon session does not exist. It may already have been terminated."},
    {1272, L"You can't access this shared folder because your organization's security policies block "
           L"unauthenticated guest access. These policies help protect your PC from unsafe or malicious devices on "
           L"the network."},
    {1326, L"The user name or password is incorrect."},
    {1327, L"Account restrictions are preventing this user from signing in."},
    {1328, L"Your account has time restrictions that keep you from signing in right now."},
    {1330, L"The password for this account has expired."},
    {1331, L"This user can't sign in because this account is currently disabled."},
    {1717, L"The interface is unknown."},
    {1722, L"The RPC server is unavailable."},
    {1726, L"The remote procedure call failed."},
    {1728, L"An RPC protocol error occurred."},
    {1745, L"The procedure number is out of range."},
    {1907, L"The user's password must be changed before signing in."},
    {1909, L"The referenced account is currently locked out and may not be logged on to."},
    {2114, L"The Server service is not started."},
    {2202, L"The specified username is invalid."},
    {2221, L"The user name could not be found."},
    {2312, L"A session does not exist with that computer name."},
    {2351, L"The computer name is invalid."},
};

static void trim_end(wchar_t *s)
{
    size_t n = wcslen(s);
    while (n && (s[n - 1] == L'\r' || s[n - 1] == L'\n' || s[n - 1] == L' ' || s[n - 1] == L'\t'))
        s[--n] = 0;
}

/* The Windows text for code: the system message table (and netmsg.dll for
 * NERR codes), else the built-in table.  Caller frees with LocalFree when
 * *local, else it is static. */
static const wchar_t *error_text(DWORD code, bool *local)
{
    *local = false;
    const DWORD flags = FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_IGNORE_INSERTS;
    wchar_t *msg = NULL;
    DWORD n = 0;
    if (code >= 2100 && code <= 2999) {
        HMODULE mod = LoadLibraryExW(L"netmsg.dll", NULL, LOAD_LIBRARY_AS_DATAFILE);
        if (mod) {
            n = FormatMessageW(flags | FORMAT_MESSAGE_FROM_HMODULE, mod, code, 0, (LPWSTR)&msg, 0, NULL);
            FreeLibrary(mod);
        }
    }
    if (n == 0 || !msg) {
        if (msg)
            LocalFree(msg);
        msg = NULL;
        n = FormatMessageW(flags | FORMAT_MESSAGE_FROM_SYSTEM, NULL, code, 0, (LPWSTR)&msg, 0, NULL);
    }
    if (n && msg) {
        trim_end(msg);
        if (msg[0]) {
            *local = true;
            return msg;
        }
    }
    if (msg)
        LocalFree(msg);
    for (size_t i = 0; i < sizeof(builtin_texts) / sizeof(builtin_texts[0]); i++)
        if (builtin_texts[i].code == code)
            return builtin_texts[i].text;
    return NULL;
}

static void print_error(DWORD code)
{
    bool local;
    const wchar_t *text = error_text(code, &local);
    err(L"System error %lu has occurred.\n\n", (unsigned long)code);
    if (text) {
        wchar_t *c = clean(text);
        err(L"%ls\n\n", q(c));
        free(c);
    }
    if (local)
        LocalFree((HLOCAL)text);
}

/* Under Wine the Unix exit status keeps only the low 8 bits: a failure
 * whose code is a multiple of 256 would look like success there. */
static int exit_status(DWORD code)
{
    if (code != 0 && (code & 0xffu) == 0) {
        HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
        if (ntdll && GetProcAddress(ntdll, "wine_get_version"))
            return 1;
    }
    return (int)code;
}

/* ------------------------------------------------------------------------ */
/* Options                                                                   */

enum mode { M_LIST, M_HELP, M_HELPMSG, M_CRED_ADD, M_CRED_LIST, M_CRED_DEL };

typedef struct {
    enum mode mode;
    wchar_t *server;  /* \\server or NULL */
    wchar_t *client;  /* \\client (positional or /client:) or NULL */
    wchar_t *user;    /* /user: or NULL */
    bool client_pos;  /* client came from the second positional argument */
    bool have_level;
    DWORD level;
    bool del;
    wchar_t *pos[4]; /* positional arguments (cred modes) */
    int npos;
} opts;

static bool is_unc(const wchar_t *s)
{
    return s[0] == L'\\' && s[1] == L'\\' && s[2] != 0 && s[2] != L'\\';
}

/* "/name" or "/name:value": *val = value or NULL. */
static bool opt_is(const wchar_t *arg, const wchar_t *name, wchar_t **val)
{
    size_t n = wcslen(name);
    if (arg[0] != L'/' || _wcsnicmp(arg + 1, name, n) != 0)
        return false;
    const wchar_t *rest = arg + 1 + n;
    if (*rest == 0) {
        if (val)
            *val = NULL;
        return true;
    }
    if (*rest == L':' && val) {
        *val = (wchar_t *)rest + 1;
        return true;
    }
    return false;
}

static bool g_usage_error; /* a usage error was reported: exit status 2 */

static DWORD usage_error(const wchar_t *fmt, const wchar_t *arg)
{
    g_usage_error = true;
    err(L"netsess: ");
    err(fmt, arg ? arg : L"");
    err(L"\n\n");
    err(L"%ls", usage_text);
    return EXIT_USAGE;
}

static bool parse_level(const wchar_t *s, DWORD *level)
{
    if (!s || !*s || wcslen(s) > 10)
        return false;
    unsigned long long v = 0;
    for (const wchar_t *p = s; *p; p++) {
        if (*p < L'0' || *p > L'9')
            return false;
        v = v * 10 + (unsigned)(*p - L'0');
    }
    if (v > 0xffffffffull)
        return false;
    *level = (DWORD)v;
    return true;
}

/* Returns 0 when o is filled, else the usage error status (already printed). */
static DWORD parse_args(int argc, wchar_t **argv, opts *o)
{
    memset(o, 0, sizeof(*o));
    o->mode = M_LIST;
    bool cred = false, tab_given = false;
    wchar_t *val;
    for (int i = 1; i < argc; i++) {
        wchar_t *a = argv[i];
        if (!wcscmp(a, L"/?") || !wcscmp(a, L"-?") || !_wcsicmp(a, L"/help") || !_wcsicmp(a, L"--help")) {
            o->mode = M_HELP;
            return 0;
        }
        if (opt_is(a, L"helpmsg", &val)) {
            if (argc != 2 || !parse_level(val, &o->level))
                return usage_error(L"use /helpmsg:N alone, N a Windows error code", NULL);
            o->mode = M_HELPMSG;
            return 0;
        }
        if (opt_is(a, L"cred", &val)) {
            if (cred)
                return usage_error(L"more than one /cred: option", NULL);
            if (!val)
                return usage_error(L"/cred needs :add, :list or :del", NULL);
            if (!_wcsicmp(val, L"add"))
                o->mode = M_CRED_ADD;
            else if (!_wcsicmp(val, L"list"))
                o->mode = M_CRED_LIST;
            else if (!_wcsicmp(val, L"del") || !_wcsicmp(val, L"delete"))
                o->mode = M_CRED_DEL;
            else
                return usage_error(L"unknown option %ls", a);
            cred = true;
        } else if (opt_is(a, L"level", &val)) {
            if (o->have_level)
                return usage_error(L"/level given twice", NULL);
            if (!parse_level(val, &o->level))
                return usage_error(L"bad level in %ls (a number: 0, 1, 2, 10 or 502)", a);
            o->have_level = true;
        } else if (opt_is(a, L"client", &val)) {
            if (!val || !*val)
                return usage_error(L"/client needs a computer name, as /client:\\\\name", NULL);
            if (o->client)
                return usage_error(L"the client is given twice (%ls)", a);
            o->client = val;
        } else if (opt_is(a, L"user", &val)) {
            if (!val || !*val)
                return usage_error(L"/user needs a user name, as /user:name", NULL);
            if (o->user)
                return usage_error(L"/user given twice", NULL);
            o->user = val;
        } else if (opt_is(a, L"delete", NULL) || opt_is(a, L"d", NULL)) {
            o->del = true;
        } else if (opt_is(a, L"tab", NULL)) {
            tab_given = true;
        } else if (a[0] == L'/') {
            return usage_error(L"unknown option %ls", a);
        } else {
            if (o->npos >= 4)
                return usage_error(L"too many arguments (%ls)", a);
            o->pos[o->npos++] = a;
        }
    }
    g_tab = tab_given;

    if (cred) {
        if (o->have_level || o->client || o->user || o->del)
            return usage_error(L"/cred: takes no /level, /client, /user or /delete", NULL);
        if (tab_given && o->mode != M_CRED_LIST)
            return usage_error(L"/tab only applies to listings", NULL);
        int want_min = o->mode == M_CRED_ADD ? 2 : o->mode == M_CRED_DEL ? 1 : 0;
        int want_max = o->mode == M_CRED_ADD ? 3 : want_min;
        if (o->npos < want_min)
            return usage_error(L"missing arguments for /cred:%ls",
                               o->mode == M_CRED_ADD ? L"add" : L"del");
        if (o->npos > want_max)
            return usage_error(L"too many arguments (%ls)", o->pos[want_max]);
        return 0;
    }

    /* Session commands: \\server [\\client] */
    if (o->npos > 2)
        return usage_error(L"too many arguments (%ls)", o->pos[2]);
    if (o->npos >= 1) {
        if (!is_unc(o->pos[0]))
            return usage_error(L"the server must be given as \\\\name (got %ls)", o->pos[0]);
        o->server = o->pos[0];
    }
    if (o->npos == 2) {
        if (!is_unc(o->pos[1]))
            return usage_error(L"the client must be given as \\\\name (got %ls)", o->pos[1]);
        if (o->client)
            return usage_error(L"the client is given twice (%ls)", o->pos[1]);
        o->client = o->pos[1];
        o->client_pos = true;
    }
    if (o->del && o->have_level)
        return usage_error(L"/level does not apply to /delete", NULL);
    if (o->del && tab_given)
        return usage_error(L"/tab only applies to listings", NULL);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Sessions                                                                  */

enum { H_USER = 1, H_OPENS = 2, H_TIME = 4, H_CLTYPE = 8, H_FLAGS = 16, H_TRANSPORT = 32 };

typedef struct {
    const wchar_t *cname, *user, *cltype, *transport;
    DWORD opens, time, idle, flags;
    unsigned have;
} sess;

static bool level_known(DWORD level)
{
    return level == 0 || level == 1 || level == 2 || level == 10 || level == 502;
}

static sess entry_at(DWORD level, const BYTE *buf, DWORD i)
{
    sess s;
    memset(&s, 0, sizeof(s));
    switch (level) {
    case 0: {
        const SESSION_INFO_0 *e = (const SESSION_INFO_0 *)buf + i;
        s.cname = e->sesi0_cname;
        break;
    }
    case 1: {
        const SESSION_INFO_1 *e = (const SESSION_INFO_1 *)buf + i;
        s.cname = e->sesi1_cname;
        s.user = e->sesi1_username;
        s.opens = e->sesi1_num_opens;
        s.time = e->sesi1_time;
        s.idle = e->sesi1_idle_time;
        s.flags = e->sesi1_user_flags;
        s.have = H_USER | H_OPENS | H_TIME | H_FLAGS;
        break;
    }
    case 2: {
        const SESSION_INFO_2 *e = (const SESSION_INFO_2 *)buf + i;
        s.cname = e->sesi2_cname;
        s.user = e->sesi2_username;
        s.opens = e->sesi2_num_opens;
        s.time = e->sesi2_time;
        s.idle = e->sesi2_idle_time;
        s.flags = e->sesi2_user_flags;
        s.cltype = e->sesi2_cltype_name;
        s.have = H_USER | H_OPENS | H_TIME | H_FLAGS | H_CLTYPE;
        break;
    }
    case 10: {
        const SESSION_INFO_10 *e = (const SESSION_INFO_10 *)buf + i;
        s.cname = e->sesi10_cname;
        s.user = e->sesi10_username;
        s.time = e->sesi10_time;
        s.idle = e->sesi10_idle_time;
        s.have = H_USER | H_TIME;
        break;
    }
    case 502: {
        const SESSION_INFO_502 *e = (const SESSION_INFO_502 *)buf + i;
        s.cname = e->sesi502_cname;
        s.user = e->sesi502_username;
        s.opens = e->sesi502_num_opens;
        s.time = e->sesi502_time;
        s.idle = e->sesi502_idle_time;
        s.flags = e->sesi502_user_flags;
        s.cltype = e->sesi502_cltype_name;
        s.transport = e->sesi502_transport;
        s.have = H_USER | H_OPENS | H_TIME | H_FLAGS | H_CLTYPE | H_TRANSPORT;
        break;
    }
    default:
        break;
    }
    return s;
}

static void fmt_hms(wchar_t *b, size_t cap, DWORD secs)
{
    swprintf(b, cap, L"%02lu:%02lu:%02lu", (unsigned long)(secs / 3600), (unsigned long)(secs / 60 % 60),
             (unsigned long)(secs % 60));
}

/* Display strings of one session; "-" for what the level lacks.  The
 * computer name is shown as \\name (added when the server left it out). */
typedef struct {
    wchar_t *cname, *user, *cltype, *transport;
    wchar_t opens[16], active[24], idle[24], guest[4];
} shown;

static void show_make(const sess *s, shown *d)
{
    wchar_t *c = clean(s->cname);
    d->cname = NULL;
    if (c) {
        size_t n = wcslen(c);
        bool bs = n >= 2 && c[0] == L'\\' && c[1] == L'\\';
        d->cname = malloc((n + 3) * sizeof(wchar_t));
        if (d->cname)
            swprintf(d->cname, n + 3, L"%ls%ls", bs ? L"" : L"\\\\", c);
        free(c);
    }
    d->user = (s->have & H_USER) ? clean(s->user) : NULL;
    d->cltype = (s->have & H_CLTYPE) ? clean(s->cltype) : NULL;
    d->transport = (s->have & H_TRANSPORT) ? clean(s->transport) : NULL;
    if (s->have & H_OPENS)
        swprintf(d->opens, 16, L"%lu", (unsigned long)s->opens);
    else
        wcscpy(d->opens, L"-");
    if (s->have & H_TIME) {
        fmt_hms(d->active, 24, s->time);
        fmt_hms(d->idle, 24, s->idle);
    } else {
        wcscpy(d->active, L"-");
        wcscpy(d->idle, L"-");
    }
    if (s->have & H_FLAGS)
        wcscpy(d->guest, (s->flags & SESS_GUEST) ? L"Yes" : L"No");
    else
        wcscpy(d->guest, L"-");
}

static void show_free(shown *d)
{
    free(d->cname);
    free(d->user);
    free(d->cltype);
    free(d->transport);
}

static const wchar_t *or_dash(const wchar_t *s)
{
    return s ? s : L"-";
}

/* As wide as the session table's header line (84 columns). */
static const wchar_t rule[] =
    L"------------------------------------------------------------------------------------\n";

static void print_header(void)
{
    out(L"%-21ls %-20ls %-15ls %5ls %9ls %9ls\n", L"Computer", L"User name", L"Client type", L"Opens",
        L"Active", L"Idle");
    out(L"%ls", rule);
}

static void print_row(const sess *s)
{
    shown d;
    show_make(s, &d);
    const wchar_t *cname = d.cname ? d.cname : L"?";
    if (g_tab)
        out(L"%ls\t%ls\t%ls\t%ls\t%ls\t%ls\n", cname, or_dash(d.user), or_dash(d.cltype), d.opens, d.active,
            d.idle);
    else
        out(L"%-21ls %-20ls %-15ls %5ls %9ls %9ls\n", cname, or_dash(d.user), or_dash(d.cltype), d.opens,
            d.active, d.idle);
    show_free(&d);
}

static void print_block(const sess *s)
{
    shown d;
    show_make(s, &d);
    const wchar_t *cname = d.cname ? d.cname : L"?";
    if (g_tab) {
        out(L"%ls\t%ls\t%ls\t%ls\t%ls\t%ls\n", cname, or_dash(d.user), or_dash(d.cltype), d.opens, d.active,
            d.idle);
    } else {
        out(L"%-20ls%ls\n", L"Computer", cname);
        out(L"%-20ls%ls\n", L"User name", or_dash(d.user));
        out(L"%-20ls%ls\n", L"Guest logon", d.guest);
        out(L"%-20ls%ls\n", L"Client type", or_dash(d.cltype));
        out(L"%-20ls%ls\n", L"Transport", or_dash(d.transport));
        out(L"%-20ls%ls\n", L"Opens", d.opens);
        out(L"%-20ls%ls\n", L"Active time", d.active);
        out(L"%-20ls%ls\n", L"Idle time", d.idle);
    }
    show_free(&d);
}

static DWORD do_list(const opts *o)
{
    static const DWORD auto_levels[] = {502, 10, 1, 0};
    DWORD levels[4];
    size_t nlevels = 0;
    if (o->have_level)
        levels[nlevels++] = o->level;
    else
        for (size_t i = 0; i < 4; i++)
            levels[nlevels++] = auto_levels[i];

    LPBYTE buf = NULL;
    DWORD read = 0, total = 0, resume = 0, level = 0;
    NET_API_STATUS st = ERROR_INVALID_LEVEL;
    for (size_t li = 0; li < nlevels; li++) {
        level = levels[li];
        buf = NULL;
        read = total = resume = 0;
        st = NetSessionEnum(o->server, o->client, o->user, level, &buf, MAX_PREFERRED_LENGTH, &read, &total,
                            &resume);
        if (st != ERROR_INVALID_LEVEL)
            break;
        if (buf)
            NetApiBufferFree(buf);
        buf = NULL;
    }

    unsigned long shown_count = 0;
    for (;;) {
        if (st != NERR_Success && st != ERROR_MORE_DATA) {
            if (buf)
                NetApiBufferFree(buf);
            return st;
        }
        if (read && buf && !level_known(level)) {
            /* The DLL accepted a level this program cannot decode. */
            NetApiBufferFree(buf);
            return ERROR_INVALID_LEVEL;
        }
        for (DWORD i = 0; buf && i < read; i++) {
            if (shown_count == 0 && !g_tab)
                print_header();
            sess s = entry_at(level, buf, i);
            print_row(&s);
            shown_count++;
        }
        if (buf)
            NetApiBufferFree(buf);
        buf = NULL;
        if (st == NERR_Success)
            break;
        if (read == 0)
            return ERROR_MORE_DATA; /* no progress: do not loop forever */
        read = total = 0;
        st = NetSessionEnum(o->server, o->client, o->user, level, &buf, MAX_PREFERRED_LENGTH, &read, &total,
                            &resume);
    }
    if (!g_tab) {
        if (shown_count == 0)
            out(L"There are no entries in the list.\n");
        else
            out(L"The command completed successfully.\n");
    }
    return 0;
}

static DWORD do_getinfo(const opts *o)
{
    DWORD level = o->have_level ? o->level : 10;
    LPBYTE buf = NULL;
    NET_API_STATUS st = NetSessionGetInfo(o->server, o->client, o->user, level, &buf);
    if (st != NERR_Success) {
        if (buf)
            NetApiBufferFree(buf);
        return st;
    }
    if (!buf)
        return ERROR_INVALID_DATA;
    if (!level_known(level)) {
        NetApiBufferFree(buf);
        return ERROR_INVALID_LEVEL;
    }
    sess s = entry_at(level, buf, 0);
    print_block(&s);
    NetApiBufferFree(buf);
    if (!g_tab)
        out(L"The command completed successfully.\n");
    return 0;
}

static DWORD do_delete(const opts *o)
{
    NET_API_STATUS st = NetSessionDel(o->server, o->client, o->user);
    if (st != NERR_Success)
        return st;
    out(L"The command completed successfully.\n");
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Credentials                                                               */

static wchar_t *cred_target(wchar_t *server)
{
    while (*server == L'\\')
        server++;
    return server;
}

static HANDLE g_con_in;
static DWORD g_con_mode;
static volatile LONG g_con_changed;

static BOOL WINAPI restore_echo(DWORD type)
{
    (void)type;
    if (InterlockedExchange(&g_con_changed, 0))
        SetConsoleMode(g_con_in, g_con_mode);
    return FALSE; /* let the default handler end the process */
}

/* One line from the console without echo, or from a non-console stdin.
 * buf holds PASSWORD_MAX + 1 characters.  Returns 0, or an error code. */
static DWORD read_password(const wchar_t *user, const wchar_t *target, wchar_t *buf, size_t *len)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode, got, rc = 0;
    size_t n = 0;
    bool eol = false, too_long = false;
    *len = 0;
    if (in == NULL || in == INVALID_HANDLE_VALUE)
        return ERROR_INVALID_HANDLE;
    if (GetConsoleMode(in, &mode)) {
        wchar_t *c1 = clean(user), *c2 = clean(target);
        err(L"Enter the password for '%ls' on '%ls': ", q(c1), q(c2));
        free(c1);
        free(c2);
        g_con_in = in;
        g_con_mode = mode;
        InterlockedExchange(&g_con_changed, 1);
        SetConsoleCtrlHandler(restore_echo, TRUE);
        SetConsoleMode(in, (mode & ~(DWORD)ENABLE_ECHO_INPUT) | ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT);
        wchar_t chunk[128];
        while (!eol) {
            if (!ReadConsoleW(in, chunk, 128, &got, NULL)) {
                rc = GetLastError();
                break;
            }
            if (got == 0)
                break; /* end of input */
            for (DWORD i = 0; i < got && !eol; i++) {
                if (chunk[i] == L'\n' || chunk[i] == L'\r')
                    eol = true;
                else if (n < PASSWORD_MAX)
                    buf[n++] = chunk[i];
                else
                    too_long = true;
            }
        }
        SecureZeroMemory(chunk, sizeof(chunk));
        if (InterlockedExchange(&g_con_changed, 0))
            SetConsoleMode(in, mode);
        SetConsoleCtrlHandler(restore_echo, FALSE);
        err(L"\n");
        if (!rc && !eol && n == 0)
            rc = ERROR_HANDLE_EOF;
    } else {
        /* One line of bytes: UTF-8 when valid, else the ANSI code page. */
        char line[PASSWORD_MAX * 4 + 1];
        size_t bytes = 0;
        char ch;
        for (;;) {
            if (!ReadFile(in, &ch, 1, &got, NULL)) {
                DWORD e = GetLastError();
                if (e != ERROR_BROKEN_PIPE && e != ERROR_HANDLE_EOF)
                    rc = e;
                break;
            }
            if (got == 0)
                break;
            if (ch == '\n') {
                eol = true;
                break;
            }
            if (bytes < sizeof(line) - 1)
                line[bytes++] = ch;
            else
                too_long = true;
        }
        ch = 0;
        if (bytes && line[bytes - 1] == '\r')
            bytes--;
        if (!rc && !eol && bytes == 0)
            rc = ERROR_HANDLE_EOF;
        if (!rc && !too_long && bytes) {
            int w = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, line, (int)bytes, NULL, 0);
            UINT cp = w > 0 ? CP_UTF8 : CP_ACP;
            DWORD fl = w > 0 ? MB_ERR_INVALID_CHARS : 0;
            w = MultiByteToWideChar(cp, fl, line, (int)bytes, NULL, 0);
            if (w <= 0)
                rc = ERROR_INVALID_DATA;
            else if ((size_t)w > PASSWORD_MAX)
                too_long = true;
            else
                n = (size_t)MultiByteToWideChar(cp, fl, line, (int)bytes, buf, (int)PASSWORD_MAX);
        }
        SecureZeroMemory(line, sizeof(line));
    }
    if (!rc && too_long) {
        err(L"netsess: the password is longer than %u characters.\n", PASSWORD_MAX);
        rc = ERROR_INVALID_PARAMETER;
    }
    if (rc) {
        SecureZeroMemory(buf, (PASSWORD_MAX + 1) * sizeof(wchar_t));
        return rc;
    }
    buf[n] = 0;
    *len = n;
    return 0;
}

static DWORD do_cred_add(const opts *o)
{
    wchar_t *target = cred_target(o->pos[0]);
    wchar_t *user = o->pos[1];
    if (!*target)
        return usage_error(L"empty server name in %ls", o->pos[0]);
    if (!*user)
        return usage_error(L"empty user name", NULL);

    wchar_t *pw = calloc(PASSWORD_MAX + 1, sizeof(wchar_t));
    if (!pw)
        return ERROR_NOT_ENOUGH_MEMORY;
    size_t len = 0;
    DWORD rc = 0;
    if (o->npos == 3) {
        /* From the command line (visible to other processes: prefer the
         * prompt).  Our copy of the argument is wiped too. */
        wchar_t *arg = o->pos[2];
        len = wcslen(arg);
        if (len > PASSWORD_MAX) {
            err(L"netsess: the password is longer than %u characters.\n", PASSWORD_MAX);
            rc = ERROR_INVALID_PARAMETER;
        } else {
            memcpy(pw, arg, len * sizeof(wchar_t));
        }
        SecureZeroMemory(arg, wcslen(arg) * sizeof(wchar_t));
    } else {
        rc = read_password(user, target, pw, &len);
    }
    if (!rc) {
        CREDENTIALW c;
        memset(&c, 0, sizeof(c));
        c.Type = CRED_TYPE_DOMAIN_PASSWORD;
        c.TargetName = target;
        c.UserName = user;
        c.CredentialBlobSize = (DWORD)(len * sizeof(wchar_t)); /* UTF-16LE, no terminator */
        c.CredentialBlob = len ? (LPBYTE)pw : NULL;
        c.Persist = CRED_PERSIST_LOCAL_MACHINE;
        if (!CredWriteW(&c, 0))
            rc = GetLastError();
        SecureZeroMemory(&c, sizeof(c));
    }
    SecureZeroMemory(pw, (PASSWORD_MAX + 1) * sizeof(wchar_t));
    free(pw);
    if (rc)
        return rc;
    out(L"The command completed successfully.\n");
    return 0;
}

static int cmp_cred(const void *a, const void *b)
{
    const CREDENTIALW *x = *(const CREDENTIALW *const *)a, *y = *(const CREDENTIALW *const *)b;
    const wchar_t *tx = x->TargetName ? x->TargetName : L"", *ty = y->TargetName ? y->TargetName : L"";
    int r = _wcsicmp(tx, ty);
    return r ? r : wcscmp(tx, ty);
}

static DWORD do_cred_list(void)
{
    DWORD count = 0;
    PCREDENTIALW *creds = NULL;
    if (!CredEnumerateW(NULL, 0, &count, &creds)) {
        DWORD e = GetLastError();
        if (e != ERROR_NOT_FOUND)
            return e;
        count = 0;
        creds = NULL;
    }
    PCREDENTIALW *mine = count ? calloc(count, sizeof(*mine)) : NULL;
    DWORD n = 0;
    for (DWORD i = 0; i < count; i++) {
        /* Never keep a password around longer than needed. */
        if (creds[i]->CredentialBlob && creds[i]->CredentialBlobSize)
            SecureZeroMemory(creds[i]->CredentialBlob, creds[i]->CredentialBlobSize);
        if (creds[i]->Type == CRED_TYPE_DOMAIN_PASSWORD && mine)
            mine[n++] = creds[i];
    }
    if (count && !mine) {
        CredFree(creds);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (n)
        qsort(mine, n, sizeof(*mine), cmp_cred);
    if (n && !g_tab) {
        out(L"%-30ls %ls\n", L"Target", L"User name");
        out(L"%ls", rule);
    }
    for (DWORD i = 0; i < n; i++) {
        wchar_t *t = clean(mine[i]->TargetName), *u = clean(mine[i]->UserName);
        if (g_tab)
            out(L"%ls\t%ls\n", q(t), q(u));
        else
            out(L"%-30ls %ls\n", q(t), q(u));
        free(t);
        free(u);
    }
    if (!g_tab)
        out(n ? L"The command completed successfully.\n" : L"There are no entries in the list.\n");
    free(mine);
    if (creds)
        CredFree(creds);
    return 0;
}

static DWORD do_cred_del(const opts *o)
{
    wchar_t *target = cred_target(o->pos[0]);
    if (!*target)
        return usage_error(L"empty server name in %ls", o->pos[0]);
    if (!CredDeleteW(target, CRED_TYPE_DOMAIN_PASSWORD, 0))
        return GetLastError();
    out(L"The command completed successfully.\n");
    return 0;
}

/* ------------------------------------------------------------------------ */

int wmain(int argc, wchar_t **argv)
{
    opts o;
    DWORD rc = parse_args(argc, argv, &o);
    if (rc)
        return (int)rc;
    switch (o.mode) {
    case M_HELP:
        out(L"%ls", usage_text);
        return 0;
    case M_HELPMSG: {
        bool local;
        const wchar_t *text = error_text(o.level, &local);
        if (!text) {
            err(L"netsess: no text for error %lu\n", (unsigned long)o.level);
            return (int)ERROR_MR_MID_NOT_FOUND;
        }
        wchar_t *c = clean(text);
        out(L"%ls\n", q(c));
        free(c);
        if (local)
            LocalFree((HLOCAL)text);
        return 0;
    }
    case M_CRED_ADD:
        rc = do_cred_add(&o);
        break;
    case M_CRED_LIST:
        rc = do_cred_list();
        break;
    case M_CRED_DEL:
        rc = do_cred_del(&o);
        break;
    case M_LIST:
        if (o.del)
            rc = do_delete(&o);
        else if (o.client_pos && o.user)
            rc = do_getinfo(&o);
        else
            rc = do_list(&o);
        break;
    }
    if (g_usage_error)
        return (int)EXIT_USAGE; /* already explained with the usage text */
    if (rc)
        print_error(rc);
    return exit_status(rc);
}
