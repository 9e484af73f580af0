/* The exported Win32 entry points: adapt the Windows signatures (stdcall on
 * x86, LPWSTR strings, the process heap) to the portable API layer. */
#include "abi_layout.h"
#include "api.h"

#include <windows.h>
#include <lm.h>

/* Our nt_wchar strings are UTF-16 code units, exactly WCHAR on Windows. */
_Static_assert(sizeof(WCHAR) == sizeof(nt_wchar), "WCHAR is UTF-16");

/* Layout of the structures we fill, as MinGW-w64's lmshare.h defines them,
 * checked against the level table's layout rule for this architecture. */
API_ASSERT_SESSION_LAYOUTS();

NET_API_STATUS WINAPI NetSessionEnum(LMSTR servername, LMSTR UncClientName, LMSTR username, DWORD level,
                                     LPBYTE *bufptr, DWORD prefmaxlen, LPDWORD entriesread,
                                     LPDWORD totalentries, LPDWORD resume_handle)
{
    return api_session_enum((const nt_wchar *)servername, (const nt_wchar *)UncClientName,
                            (const nt_wchar *)username, level, bufptr, prefmaxlen, (uint32_t *)entriesread,
                            (uint32_t *)totalentries, (uint32_t *)resume_handle);
}

NET_API_STATUS WINAPI NetSessionGetInfo(LMSTR servername, LMSTR UncClientName, LMSTR username, DWORD level,
                                        LPBYTE *bufptr)
{
    return api_session_getinfo((const nt_wchar *)servername, (const nt_wchar *)UncClientName,
                               (const nt_wchar *)username, level, bufptr);
}

NET_API_STATUS WINAPI NetSessionDel(LMSTR servername, LMSTR UncClientName, LMSTR username)
{
    return api_session_del((const nt_wchar *)servername, (const nt_wchar *)UncClientName,
                           (const nt_wchar *)username);
}

/* ---- NetApiBuffer*: the process heap, like Windows and Wine ----
 * Every edge answers what Wine's builtin answers (winetests/exports/apibuf.c
 * compares the two in one process), except where the builtin would crash on
 * a NULL out-pointer: there we answer ERROR_INVALID_PARAMETER.  A failed
 * reallocation leaves *NewBuffer alone (Wine sets it to NULL, losing the
 * caller's block).  Blocks from HeapAlloc(GetProcessHeap()) and from Wine's
 * builtin are the same kind of block: each side frees and sizes the other's. */
static NET_API_STATUS last_error_or(DWORD fallback)
{
    DWORD e = GetLastError();
    return e ? e : fallback;
}

NET_API_STATUS WINAPI NetApiBufferAllocate(DWORD ByteCount, LPVOID *Buffer)
{
    if (!Buffer)
        return ERROR_INVALID_PARAMETER;   /* last error untouched, as on Windows */
    *Buffer = HeapAlloc(GetProcessHeap(), 0, ByteCount);
    return *Buffer ? NERR_Success : last_error_or(ERROR_NOT_ENOUGH_MEMORY);
}

NET_API_STATUS WINAPI NetapipBufferAllocate(DWORD ByteCount, LPVOID *Buffer)
{
    return NetApiBufferAllocate(ByteCount, Buffer);
}

NET_API_STATUS WINAPI NetApiBufferFree(LPVOID Buffer)
{
    if (Buffer)
        HeapFree(GetProcessHeap(), 0, Buffer);
    return NERR_Success;
}

NET_API_STATUS WINAPI NetApiBufferReallocate(LPVOID OldBuffer, DWORD NewByteCount, LPVOID *NewBuffer)
{
    if (!NewBuffer)
        return ERROR_INVALID_PARAMETER;
    if (!NewByteCount) {
        /* frees OldBuffer; (NULL, 0) is NERR_Success with *NewBuffer == NULL */
        if (OldBuffer && !HeapFree(GetProcessHeap(), 0, OldBuffer))
            return last_error_or(ERROR_INVALID_PARAMETER);
        *NewBuffer = NULL;
        return NERR_Success;
    }
    LPVOID p = OldBuffer ? HeapReAlloc(GetProcessHeap(), 0, OldBuffer, NewByteCount)
                         : HeapAlloc(GetProcessHeap(), 0, NewByteCount);
    if (!p)
        return last_error_or(ERROR_NOT_ENOUGH_MEMORY);
    *NewBuffer = p;
    return NERR_Success;
}

NET_API_STATUS WINAPI NetApiBufferSize(LPVOID Buffer, LPDWORD ByteCount)
{
    if (!Buffer || !ByteCount)
        return ERROR_INVALID_PARAMETER;
    /* not a heap block: NERR_Success with 0 bytes, as the builtin answers */
    SIZE_T s = HeapSize(GetProcessHeap(), 0, Buffer);
    *ByteCount = s == (SIZE_T)-1 ? 0 : (DWORD)s;
    return NERR_Success;
}
