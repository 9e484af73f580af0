/* wt_faults.c -- NetSessionEnum against a hostile network and a hostile
 * server, run under Wine by winetests/faults/run.sh.
 *
 *   wt_faults CASEFILE START CTRL_IP CTRL_PORT SAMBA_IP TIMEOUT_MS CODES USERS PREFIX
 *
 * CASEFILE lines (cases before line START are skipped, so that the runner
 * can resume after a crash; it prints "CASE n" before each case):
 *   proxy FAULT DIR FRAME OFFSET SEED [CODES]
 *       asks tests/lib/faultproxy.py (control CTRL_IP:CTRL_PORT) to arm the
 *       fault on a fresh listener, calls NetSessionEnum level 10 through it
 *       (NETAPI32_SMB_PORT = the listener's port: a fresh cache entry, so
 *       each case starts with a new connection) with the admin credentials
 *       of the environment.  PASS when: the result is NERR_Success with sane
 *       entries (every user in USERS or empty -- a session still being set
 *       up --, client names \\127.0.0.x) or a code
 *       in CODES (the README's error table); it returned within
 *       TIMEOUT_MS + 2 s; and the next call through the same (now
 *       transparent) proxy succeeds with sane entries.  With CODES (a
 *       targeted case, e.g. a man in the middle setting IS_GUEST in the final
 *       SESSION_SETUP response) the call must fail with one of CODES.
 *   rogue NAME IP PORT CREDS CODE ENTRIES THREADS
 *       NetSessionEnum level 1 against tests/lib/rogue_smb2.py on IP:PORT;
 *       CREDS yes|no (no: the environment's credentials are removed for
 *       this call, an anonymous caller);
 *       PASS when it returns CODE within TIMEOUT_MS + 2 s (each of THREADS
 *       parallel callers), with ENTRIES entries when CODE is 0 (-1: any).
 *       Then the healthy Samba (SAMBA_IP, port 445, admin credentials) must
 *       answer NERR_Success in the same process.
 * With WT_FAULTS_BATCH=N it stops after N cases and prints "NEXT n" (the
 * runner goes on from case n in a new process).
 * At the end: the working set may not have grown by more than 64 MB over
 * the whole run, and the peak may not exceed the start by more than 256 MB.
 * Check names: PREFIX.<case>.
 */
#include <winsock2.h>
#include <windows.h>
#include <psapi.h>
#include <lm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *PREFIX = "faults";
static DWORD TIMEOUT_MS = 2000;
static char CODES[512];
static char USERS[256];
static char SAMBA_IP[64];
static wchar_t SAVED_USER[256], SAVED_PASS[256];
static SOCKET CTRL = INVALID_SOCKET;

static void out(const char *kind, const char *name, const char *why)
{
    if (why)
        printf("%s: %s.%s: %s\n", kind, PREFIX, name, why);
    else
        printf("%s: %s.%s\n", kind, PREFIX, name);
    fflush(stdout);
}

/* LIST: "5,59,1726-1918": single codes and ranges. */
static int in_list(const char *list, DWORD c)
{
    const char *p = list;
    while (p && *p) {
        char *end;
        unsigned long lo = strtoul(p, &end, 10), hi = lo;
        if (*end == '-')
            hi = strtoul(end + 1, &end, 10);
        if (c >= lo && c <= hi)
            return 1;
        p = strchr(p, ',');
        if (p)
            p++;
    }
    return 0;
}

static int code_listed(DWORD c) { return in_list(CODES, c); }

/* ---- control connection to the proxy ---- */
static int ctrl_cmd(const char *ip, int port, const char *cmd, char *reply, size_t cap)
{
    if (CTRL == INVALID_SOCKET) {
        struct sockaddr_in a;
        memset(&a, 0, sizeof(a));
        a.sin_family = AF_INET;
        a.sin_port = htons((u_short)port);
        a.sin_addr.s_addr = inet_addr(ip);
        CTRL = socket(AF_INET, SOCK_STREAM, 0);
        if (CTRL == INVALID_SOCKET || connect(CTRL, (struct sockaddr *)&a, sizeof(a)) != 0) {
            closesocket(CTRL);
            CTRL = INVALID_SOCKET;
            return 0;
        }
        DWORD tmo = 10000;
        setsockopt(CTRL, SOL_SOCKET, SO_RCVTIMEO, (const char *)&tmo, sizeof(tmo));
    }
    if (send(CTRL, cmd, (int)strlen(cmd), 0) != (int)strlen(cmd))
        return 0;
    size_t n = 0;
    while (n + 1 < cap) {
        int r = recv(CTRL, reply + n, 1, 0);
        if (r <= 0)
            return 0;
        if (reply[n] == '\n')
            break;
        n++;
    }
    reply[n] = 0;
    return 1;
}

/* ---- environment ---- */
static void set_port(int port)
{
    wchar_t b[16];
    if (port) {
        swprintf(b, 16, L"%d", port);
        SetEnvironmentVariableW(L"NETAPI32_SMB_PORT", b);
    } else {
        SetEnvironmentVariableW(L"NETAPI32_SMB_PORT", NULL);
    }
}

static void set_creds(int on)
{
    SetEnvironmentVariableW(L"NETAPI32_USER", on && SAVED_USER[0] ? SAVED_USER : NULL);
    SetEnvironmentVariableW(L"NETAPI32_PASSWORD", on && SAVED_PASS[0] ? SAVED_PASS : NULL);
}

/* ---- one call ---- */
typedef struct {
    const wchar_t *server;
    DWORD level;
    DWORD status, entries, elapsed;
    int sane;            /* entries look like the real server's */
    char first[128];     /* first user name (for messages) */
    char names[512];     /* "user," list (rogue paging) */
} call_t;

static int user_known(const char *u)
{
    char buf[300];
    snprintf(buf, sizeof(buf), ",%s,", USERS);
    char pat[140];
    snprintf(pat, sizeof(pat), ",%s,", u);
    return u[0] && strstr(buf, pat) != NULL;
}

static DWORD WINAPI do_call(void *arg)
{
    call_t *c = arg;
    LPBYTE buf = NULL;
    DWORD er = 0, te = 0, rh = 0;
    ULONGLONG t0 = GetTickCount64();
    c->status = NetSessionEnum((LPWSTR)c->server, NULL, NULL, c->level, &buf, MAX_PREFERRED_LENGTH, &er, &te, &rh);
    c->elapsed = (DWORD)(GetTickCount64() - t0);
    c->entries = er;
    c->sane = 1;
    c->first[0] = c->names[0] = 0;
    if (c->status == NERR_Success && buf) {
        for (DWORD i = 0; i < er && i < 4096; i++) {
            const wchar_t *cn, *un;
            if (c->level == 10) {
                SESSION_INFO_10 *s = (SESSION_INFO_10 *)buf + i;
                cn = s->sesi10_cname; un = s->sesi10_username;
            } else {
                SESSION_INFO_1 *s = (SESSION_INFO_1 *)buf + i;
                cn = s->sesi1_cname; un = s->sesi1_username;
            }
            char u8[128] = "", c8[128] = "";
            if (un) WideCharToMultiByte(CP_UTF8, 0, un, -1, u8, sizeof(u8) - 1, NULL, NULL);
            if (cn) WideCharToMultiByte(CP_UTF8, 0, cn, -1, c8, sizeof(c8) - 1, NULL, NULL);
            if (i == 0) snprintf(c->first, sizeof(c->first), "%s@%s", u8, c8);
            if (strlen(c->names) + strlen(u8) + 2 < sizeof(c->names)) {
                strcat(c->names, u8);
                strcat(c->names, ",");
            }
            /* an empty user name is a session still being set up (e.g. one
             * whose AUTHENTICATE a stalled case holds back): Samba lists it */
            if ((u8[0] && !user_known(u8)) || strncmp(c8, "\\\\127.0.0.", 10) != 0)
                c->sane = 0;
        }
    } else if (c->status == NERR_Success && er != 0) {
        c->sane = 0;
    }
    if (buf)
        NetApiBufferFree(buf);
    return 0;
}

static void call1(call_t *c, const wchar_t *server, DWORD level)
{
    memset(c, 0, sizeof(*c));
    c->server = server;
    c->level = level;
    do_call(c);
}

/* Recovery: the healthy path answers with sane entries. */
static int recovered(const wchar_t *server, char *why, size_t cap)
{
    call_t r;
    call1(&r, server, 10);
    if (r.status != NERR_Success || !r.sane || r.entries == 0) {
        snprintf(why, cap, "recovery call returned %lu (%lu entries, sane %d, %s) after %lu ms",
                 (unsigned long)r.status, (unsigned long)r.entries, r.sane, r.first, (unsigned long)r.elapsed);
        return 0;
    }
    return 1;
}

static void proxy_case(const char *ctrl_ip, int ctrl_port, const char *line)
{
    char fault[16], dir[8], seed[32], name[96], cmd[160], rep[256], why[600], want[64] = "";
    int frame, off;
    if (sscanf(line, "proxy %15s %7s %d %d %31s %63s", fault, dir, &frame, &off, seed, want) < 5) {
        out("FAIL", "casefile", line);
        return;
    }
    snprintf(name, sizeof(name), "%s.%s.f%d.o%d%s%s", fault, dir, frame, off, want[0] ? "." : "", want[0] ? seed : "");
    snprintf(cmd, sizeof(cmd), "arm %s %s %d %d %s\n", fault, dir, frame, off, seed);
    int port = 0;
    if (!ctrl_cmd(ctrl_ip, ctrl_port, cmd, rep, sizeof(rep)) || sscanf(rep, "port %d", &port) != 1) {
        out("FAIL", name, "the proxy did not answer its control connection");
        return;
    }
    set_port(port);
    wchar_t server[80];
    swprintf(server, 80, L"\\\\%hs", ctrl_ip); /* the proxy listens on its control address */
    call_t c;
    call1(&c, server, 10);
    char fired[8] = "?";
    if (ctrl_cmd(ctrl_ip, ctrl_port, "status\n", rep, sizeof(rep)))
        snprintf(fired, sizeof(fired), "%c", rep[6]);
    if (!strcmp(fault, "none"))
        printf("# frames %s\n", rep);
    /* the recovery call must not meet the fault (a call that ended early) */
    ctrl_cmd(ctrl_ip, ctrl_port, "disarm\n", rep, sizeof(rep));
    why[0] = 0;
    if (want[0] && !in_list(want, c.status))
        snprintf(why, sizeof(why), "returned %lu, want one of %s", (unsigned long)c.status, want);
    else if (c.status == NERR_Success && !c.sane)
        snprintf(why, sizeof(why), "NERR_Success with entries the server never sent (%s)", c.first);
    else if (c.status != NERR_Success && !code_listed(c.status))
        snprintf(why, sizeof(why), "undocumented code %lu", (unsigned long)c.status);
    else if (c.elapsed > TIMEOUT_MS + 2000)
        snprintf(why, sizeof(why), "took %lu ms (timeout %lu ms)", (unsigned long)c.elapsed, (unsigned long)TIMEOUT_MS);
    else if (!strcmp(fired, "0") && c.status != NERR_Success)
        snprintf(why, sizeof(why), "fault not reached, yet %lu", (unsigned long)c.status);
    if (!why[0])
        recovered(server, why, sizeof(why));
    if (why[0]) {
        char full[800];
        snprintf(full, sizeof(full), "%s (first call: %lu in %lu ms, fired %s)", why, (unsigned long)c.status,
                 (unsigned long)c.elapsed, fired);
        out("FAIL", name, full);
    } else {
        printf("# %s: %lu in %lu ms, fired %s\n", name, (unsigned long)c.status, (unsigned long)c.elapsed, fired);
        out("PASS", name, NULL);
    }
}

static void rogue_case(const char *line)
{
    char name[64], ip[64], creds[8], why[600] = "";
    int port, nthreads;
    long code, entries;
    if (sscanf(line, "rogue %63s %63s %d %7s %ld %ld %d", name, ip, &port, creds, &code, &entries, &nthreads) != 7 ||
        nthreads < 1 || nthreads > 4) {
        out("FAIL", "casefile", line);
        return;
    }
    wchar_t server[80];
    swprintf(server, 80, L"\\\\%hs", ip);
    set_port(port);
    set_creds(!strcmp(creds, "yes"));
    call_t c[4];
    HANDLE th[4];
    for (int i = 0; i < nthreads; i++) {
        memset(&c[i], 0, sizeof(c[i]));
        c[i].server = server;
        c[i].level = 1;
        th[i] = CreateThread(NULL, 0, do_call, &c[i], 0, NULL);
    }
    for (int i = 0; i < nthreads; i++) {
        WaitForSingleObject(th[i], INFINITE);
        CloseHandle(th[i]);
    }
    set_port(0);
    set_creds(1);
    for (int i = 0; i < nthreads && !why[0]; i++) {
        if (c[i].status != (DWORD)code)
            snprintf(why, sizeof(why), "returned %lu, want %ld (%lu entries: %s)", (unsigned long)c[i].status, code,
                     (unsigned long)c[i].entries, c[i].names);
        else if (c[i].elapsed > TIMEOUT_MS + 2000)
            snprintf(why, sizeof(why), "caller %d took %lu ms (timeout %lu ms)", i, (unsigned long)c[i].elapsed,
                     (unsigned long)TIMEOUT_MS);
        else if (code == 0 && entries >= 0 && c[i].entries != (DWORD)entries)
            snprintf(why, sizeof(why), "%lu entries, want %ld (%s)", (unsigned long)c[i].entries, entries, c[i].names);
    }
    if (!why[0]) {
        wchar_t healthy[80];
        swprintf(healthy, 80, L"\\\\%hs", SAMBA_IP);
        recovered(healthy, why, sizeof(why));
    }
    if (why[0]) {
        out("FAIL", name, why);
    } else {
        printf("# %s: %lu in %lu ms\n", name, (unsigned long)c[0].status, (unsigned long)c[0].elapsed);
        out("PASS", name, NULL);
    }
}

/* ---- watchdog: a case that never returns is a FAIL, and the runner goes on
 * with the next case in a new process ---- */
static volatile LONG64 g_case_start;
static char g_case_name[128];

static DWORD WINAPI watchdog(void *arg)
{
    (void)arg;
    DWORD limit = 2 * TIMEOUT_MS + 10000;
    for (;;) {
        Sleep(250);
        LONG64 t0 = g_case_start;
        if (t0 && GetTickCount64() - (ULONGLONG)t0 > limit) {
            char why[160];
            snprintf(why, sizeof(why), "hung: no return after %lu ms (timeout %lu ms)", (unsigned long)limit,
                     (unsigned long)TIMEOUT_MS);
            out("FAIL", g_case_name, why);
            TerminateProcess(GetCurrentProcess(), 3);
        }
    }
    return 0;
}

static SIZE_T wset(SIZE_T *peak)
{
    PROCESS_MEMORY_COUNTERS pmc;
    memset(&pmc, 0, sizeof(pmc));
    pmc.cb = sizeof(pmc);
    if (!GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof(pmc)))
        return 0;
    if (peak)
        *peak = pmc.PeakWorkingSetSize;
    return pmc.WorkingSetSize;
}

int main(int argc, char **argv)
{
    if (argc != 10) {
        fprintf(stderr, "usage: wt_faults CASEFILE START CTRL_IP CTRL_PORT SAMBA_IP TIMEOUT_MS CODES USERS PREFIX\n");
        return 2;
    }
    int start = atoi(argv[2]), ctrl_port = atoi(argv[4]);
    snprintf(SAMBA_IP, sizeof(SAMBA_IP), "%s", argv[5]);
    TIMEOUT_MS = (DWORD)strtoul(argv[6], NULL, 10);
    snprintf(CODES, sizeof(CODES), "%s", argv[7]);
    snprintf(USERS, sizeof(USERS), "%s", argv[8]);
    PREFIX = argv[9];
    GetEnvironmentVariableW(L"NETAPI32_USER", SAVED_USER, 256);
    GetEnvironmentVariableW(L"NETAPI32_PASSWORD", SAVED_PASS, 256);
    wchar_t tmo[16];
    swprintf(tmo, 16, L"%lu", (unsigned long)TIMEOUT_MS);
    SetEnvironmentVariableW(L"NETAPI32_TIMEOUT_MS", tmo);
    WSADATA wd;
    WSAStartup(MAKEWORD(2, 2), &wd);

    CloseHandle(CreateThread(NULL, 0, watchdog, NULL, 0, NULL));
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        out("FAIL", "casefile", "cannot open");
        return 1;
    }
    char line[256];
    int n = 0, ran = 0;
    /* WT_FAULTS_BATCH=N: at most N cases per process (every case leaves a
     * cached connection behind, with its socket: see winetests/faults/run.sh) */
    char bv[16] = "";
    GetEnvironmentVariableA("WT_FAULTS_BATCH", bv, sizeof(bv));
    int batch = atoi(bv);
    SIZE_T base = 0, peak0 = 0;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#')
            continue;
        if (n++ < start)
            continue;
        if (batch && ran >= batch) {
            printf("NEXT %d\n", n - 1);   /* the runner starts a new process there */
            break;
        }
        printf("CASE %d\n", n - 1);
        fflush(stdout);
        {
            char a[32] = "", b[64] = "", c2[16] = "", d[16] = "", e[16] = "";
            sscanf(line, "%31s %63s %15s %15s %15s", a, b, c2, d, e);
            if (!strcmp(a, "proxy"))
                snprintf(g_case_name, sizeof(g_case_name), "%s.%s.f%s.o%s", b, c2, d, e);
            else
                snprintf(g_case_name, sizeof(g_case_name), "%s", b);
        }
        g_case_start = (LONG64)GetTickCount64();
        if (!strncmp(line, "proxy ", 6))
            proxy_case(argv[3], ctrl_port, line);
        else if (!strncmp(line, "rogue ", 6))
            rogue_case(line);
        else
            out("FAIL", "casefile", line);
        g_case_start = 0;
        if (ran++ == 0)
            base = wset(&peak0);
    }
    fclose(f);
    SIZE_T peak = 0, now = wset(&peak);
    char why[200];
    if (ran > 1) {
        snprintf(why, sizeof(why), "working set %lu KB after the first case, %lu KB at the end, peak %lu KB",
                 (unsigned long)(base / 1024), (unsigned long)(now / 1024), (unsigned long)(peak / 1024));
        if (!base || now > base + 64u * 1024 * 1024 || peak > peak0 + 256u * 1024 * 1024)
            out("FAIL", "memory_bounded", why);
        else {
            printf("# %s\n", why);
            out("PASS", "memory_bounded", NULL);
        }
    }
    printf("DONE\n");
    return 0;
}
