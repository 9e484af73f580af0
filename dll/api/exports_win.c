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

/* ---- NetApiBuffer*: the process heap, like Windows and Wine ---- */
NET_API_STATUS WINAPI NetApiBufferAllocate(DWORD ByteCount, LPVOID *Buffer)
{
    if (!Buffer)
        return ERROR_INVALID_PARAMETER;
    *Buffer = HeapAlloc(GetProcessHeap(), 0, ByteCount);
    return *Buffer ? NERR_Success : ERROR_NOT_ENOUGH_MEMORY;
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
    if (OldBuffer) {
        if (NewByteCount) {
            LPVOID p = HeapReAlloc(GetProcessHeap(), 0, OldBuffer, NewByteCount);
            if (!p)
                return ERROR_NOT_ENOUGH_MEMORY;
            *NewBuffer = p;
        } else {
            HeapFree(GetProcessHeap(), 0, OldBuffer);
            *NewBuffer = NULL;
        }
        return NERR_Success;
    }
    return NetApiBufferAllocate(NewByteCount, NewBuffer);
}

NET_API_STATUS WINAPI NetApiBufferSize(LPVOID Buffer, LPDWORD ByteCount)
{
    if (!Buffer || !ByteCount)
        return ERROR_INVALID_PARAMETER;
    SIZE_T s = HeapSize(GetProcessHeap(), 0, Buffer);
    if (s == (SIZE_T)-1)
        return ERROR_INVALID_PARAMETER;
    *ByteCount = (DWORD)s;
    return NERR_Success;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(inst);
    } else if (reason == DLL_PROCESS_DETACH && reserved == NULL) {
        /* FreeLibrary: close sockets without talking (loader lock held).
         * At process exit (reserved != NULL) the OS reclaims everything. */
        api_cache_shutdown();
        api_snapshots_clear();
    }
    return TRUE;
}
