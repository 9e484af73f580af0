/* A stand-in netapi32.dll for winetests/netsess/run.sh: canned sessions, so netsess's
 * output formats, level fallback, resume loop, buffer freeing and argument
 * passing can be checked without a server.  Every call is appended to the
 * file named by MOCK_LOG.  MOCK_LEVELS (e.g. "10,1,0") lists the levels it
 * accepts (others: ERROR_INVALID_LEVEL); MOCK_ERR=N makes every call fail
 * with N; MOCK_EMPTY=1 reports no sessions. */
#include <windows.h>
#include <lm.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

static LONG allocs, frees;

static void logf_(const char *fmt, ...)
{
    char path[MAX_PATH];
    if (!GetEnvironmentVariableA("MOCK_LOG", path, sizeof(path)))
        return;
    FILE *f = fopen(path, "a");
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
}

static const char *u8(const wchar_t *w, char *buf, int cap)
{
    if (!w)
        return "(null)";
    if (!WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, cap, NULL, NULL))
        return "(?)";
    return buf;
}

static DWORD env_num(const char *name)
{
    char v[32];
    if (!GetEnvironmentVariableA(name, v, sizeof(v)))
        return 0;
    return (DWORD)strtoul(v, NULL, 10);
}

static BOOL level_ok(DWORD level)
{
    char v[128];
    if (!GetEnvironmentVariableA("MOCK_LEVELS", v, sizeof(v)))
        return level == 0 || level == 1 || level == 2 || level == 10 || level == 502;
    for (char *p = strtok(v, ","); p; p = strtok(NULL, ","))
        if (strtoul(p, NULL, 10) == level)
            return TRUE;
    return FALSE;
}

static const struct {
    const wchar_t *cname, *user, *cltype, *transport;
    DWORD opens, time, idle, flags;
} S[] = {
    {L"\\\\10.0.0.1", L"alice", L"Windows 10", L"\\Device\\NetbiosSmb", 2, 3725, 59, 0},
    {L"10.0.0.2", L"bo\tb\x1b[31m\r\nFAKE", L"", L"", 0, 360000, 0, SESS_GUEST},
    {L"\\\\host-with-a-very-long-name", L"EXAMPLE\\carol", L"Samba", L"tcp", 12345, 0, 86399, 0},
};
#define NS (sizeof(S) / sizeof(S[0]))

static size_t rec_size(DWORD level)
{
    switch (level) {
    case 0: return sizeof(SESSION_INFO_0);
    case 1: return sizeof(SESSION_INFO_1);
    case 2: return sizeof(SESSION_INFO_2);
    case 10: return sizeof(SESSION_INFO_10);
    default: return sizeof(SESSION_INFO_502);
    }
}

static void fill(DWORD level, BYTE *rec, size_t i)
{
    switch (level) {
    case 0: { SESSION_INFO_0 *e = (void *)rec; e->sesi0_cname = (LPWSTR)S[i].cname; break; }
    case 1: { SESSION_INFO_1 *e = (void *)rec; e->sesi1_cname = (LPWSTR)S[i].cname; e->sesi1_username = (LPWSTR)S[i].user;
        e->sesi1_num_opens = S[i].opens; e->sesi1_time = S[i].time; e->sesi1_idle_time = S[i].idle; e->sesi1_user_flags = S[i].flags; break; }
    case 2: { SESSION_INFO_2 *e = (void *)rec; e->sesi2_cname = (LPWSTR)S[i].cname; e->sesi2_username = (LPWSTR)S[i].user;
        e->sesi2_num_opens = S[i].opens; e->sesi2_time = S[i].time; e->sesi2_idle_time = S[i].idle; e->sesi2_user_flags = S[i].flags;
        e->sesi2_cltype_name = (LPWSTR)S[i].cltype; break; }
    case 10: { SESSION_INFO_10 *e = (void *)rec; e->sesi10_cname = (LPWSTR)S[i].cname; e->sesi10_username = (LPWSTR)S[i].user;
        e->sesi10_time = S[i].time; e->sesi10_idle_time = S[i].idle; break; }
    default: { SESSION_INFO_502 *e = (void *)rec; e->sesi502_cname = (LPWSTR)S[i].cname; e->sesi502_username = (LPWSTR)S[i].user;
        e->sesi502_num_opens = S[i].opens; e->sesi502_time = S[i].time; e->sesi502_idle_time = S[i].idle; e->sesi502_user_flags = S[i].flags;
        e->sesi502_cltype_name = (LPWSTR)S[i].cltype; e->sesi502_transport = (LPWSTR)S[i].transport; break; }
    }
}

static BYTE *alloc_rec(DWORD level)
{
    BYTE *p = calloc(1, rec_size(level));
    if (p)
        InterlockedIncrement(&allocs);
    return p;
}

__declspec(dllexport) NET_API_STATUS WINAPI NetApiBufferFree(LPVOID p)
{
    if (p) {
        InterlockedIncrement(&frees);
        free(p);
    }
    return NERR_Success;
}

__declspec(dllexport) NET_API_STATUS WINAPI NetSessionEnum(LMSTR server, LMSTR client, LMSTR user, DWORD level, LPBYTE *buf,
                                                    DWORD pref, LPDWORD read, LPDWORD total, LPDWORD resume)
{
    char a[256], b[256], c[256];
    (void)pref;
    logf_("enum server=%s client=%s user=%s level=%lu resume=%lu\n", u8(server, a, 256), u8(client, b, 256),
          u8(user, c, 256), level, resume ? *resume : 0xffffffffUL);
    *buf = NULL;
    *read = *total = 0;
    if (env_num("MOCK_ERR"))
        return env_num("MOCK_ERR");
    if (!level_ok(level))
        return ERROR_INVALID_LEVEL;
    if (env_num("MOCK_EMPTY"))
        return NERR_Success;
    /* One entry per call: exercises the ERROR_MORE_DATA loop. */
    DWORD i = resume ? *resume : 0;
    if (i >= NS)
        return NERR_Success;
    *buf = alloc_rec(level);
    if (!*buf)
        return ERROR_NOT_ENOUGH_MEMORY;
    fill(level, *buf, i);
    *read = 1;
    *total = (DWORD)(NS - i);
    if (resume)
        *resume = i + 1;
    return i + 1 < NS ? ERROR_MORE_DATA : NERR_Success;
}

__declspec(dllexport) NET_API_STATUS WINAPI NetSessionGetInfo(LMSTR server, LMSTR client, LMSTR user, DWORD level, LPBYTE *buf)
{
    char a[256], b[256], c[256];
    logf_("getinfo server=%s client=%s user=%s level=%lu\n", u8(server, a, 256), u8(client, b, 256), u8(user, c, 256), level);
    *buf = NULL;
    if (env_num("MOCK_ERR"))
        return env_num("MOCK_ERR");
    if (!level_ok(level) || level == 502)
        return ERROR_INVALID_LEVEL;
    const wchar_t *cl = client;
    while (cl && *cl == L'\\')
        cl++;
    for (size_t i = 0; cl && i < NS; i++) {
        const wchar_t *n = S[i].cname;
        while (*n == L'\\')
            n++;
        if (!wcscmp(n, cl)) {
            *buf = alloc_rec(level);
            if (!*buf)
                return ERROR_NOT_ENOUGH_MEMORY;
            fill(level, *buf, i);
            return NERR_Success;
        }
    }
    return NERR_ClientNameNotFound;
}

__declspec(dllexport) NET_API_STATUS WINAPI NetSessionDel(LMSTR server, LMSTR client, LMSTR user)
{
    char a[256], b[256], c[256];
    logf_("del server=%s client=%s user=%s\n", u8(server, a, 256), u8(client, b, 256), u8(user, c, 256));
    return env_num("MOCK_ERR");
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst;
    (void)reserved;
    if (reason == DLL_PROCESS_DETACH)
        logf_("buffers allocated=%ld freed=%ld\n", allocs, frees);
    return TRUE;
}
