/* Compile-time check of SESSION_INFO_0/1/2/10/502 as MinGW-w64's <lm.h>
 * (lmshare.h) defines them, against literal expected sizes and offsets.
 * Built with -fsyntax-only by BOTH x86_64-w64-mingw32-gcc and
 * i686-w64-mingw32-gcc (tests/static/struct_abi.sh). */
#include <stddef.h>
#include <windows.h>
#include <lm.h>
#include "struct_abi.h"

#if defined(_WIN64)
#define EXP(v32, v64) (v64)
#elif defined(_WIN32)
#define EXP(v32, v64) (v32)
#else
#error "build this with a MinGW-w64 compiler"
#endif

#define CHECK_SIZE(level, st, nf, s32, s64) \
    _Static_assert(sizeof(st) == EXP(s32, s64), "sizeof(" #st ")");
#define CHECK_FIELD(level, st, m, idx, sf, o32, o64) \
    _Static_assert(offsetof(st, m) == EXP(o32, o64), "offsetof(" #st ", " #m ")");

ABI_SIZES(CHECK_SIZE)
ABI_FIELDS(CHECK_FIELD)

/* Every structure must also be reachable through LPBYTE casts without
 * over-alignment surprises: pointer alignment on both ABIs. */
_Static_assert(_Alignof(SESSION_INFO_502) == sizeof(void *), "SESSION_INFO_502 alignment");
_Static_assert(_Alignof(SESSION_INFO_10) == sizeof(void *), "SESSION_INFO_10 alignment");
