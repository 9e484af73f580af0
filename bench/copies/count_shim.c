/* Linked first: memcpy/memmove that count the bytes they move while shim_on. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static unsigned long long cp_bytes, cp_calls;
int shim_on;
void *memcpy(void *d, const void *s, size_t n)
{
    if (shim_on) { cp_bytes += n; cp_calls++; }
    unsigned char *dd = d; const unsigned char *ss = s;
    while (n--) *dd++ = *ss++;
    return d;
}
void *memmove(void *d, const void *s, size_t n)
{
    if (shim_on) { cp_bytes += n; cp_calls++; }
    unsigned char *dd = d; const unsigned char *ss = s;
    if (dd < ss) while (n--) *dd++ = *ss++;
    else { dd += n; ss += n; while (n--) *--dd = *--ss; }
    return d;
}
void shim_report(const char *tag)
{
    fprintf(stderr, "%s: memcpy/memmove %llu calls %llu bytes\n", tag, cp_calls, cp_bytes);
}
