/* NETAPI32_TRACE=1: one line per call and per network step.  Windows: through
 * OutputDebugStringA (visible with WINEDEBUG=+debugstr); native: stderr. */
#include "nt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#endif

static int trace_state = -1; /* -1 unknown, 0 off, 1 on; benign race: idempotent */

bool nt_trace_enabled(void)
{
    if (trace_state < 0) {
        char *v = nt_getenv("NETAPI32_TRACE");
        trace_state = (v && v[0] && strcmp(v, "0") != 0) ? 1 : 0;
        free(v);
    }
    return trace_state == 1;
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
