/* NETAPI32_TRACE=1: one line per call and per network step.  Windows: through
 * OutputDebugStringA (visible with WINEDEBUG=+debugstr); native: stderr. */
#include "nt.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#endif

/* -1 unknown, 0 off, 1 on; atomic, since the first calls of several threads
 * may all read the environment (same answer, but not a data race). */
static _Atomic int trace_state = -1;

bool nt_trace_enabled(void)
{
    int v = atomic_load_explicit(&trace_state, memory_order_relaxed);
    if (v < 0) {
        char *e = nt_getenv("NETAPI32_TRACE");
        v = (e && e[0] && strcmp(e, "0") != 0) ? 1 : 0;
        free(e);
        atomic_store_explicit(&trace_state, v, memory_order_relaxed);
    }
    return v == 1;
}

void nt_trace(const char *fmt, ...)
{
    if (!nt_trace_enabled())
        return;
    char line[1024];
    int n = snprintf(line, sizeof(line), "netapi32: ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n - 2, fmt, ap);
    va_end(ap);
    size_t l = strlen(line);
    line[l] = '\n';
    line[l + 1] = 0;
#ifdef _WIN32
    OutputDebugStringA(line);
#else
    fputs(line, stderr);
#endif
}
