/* libnetapi32.so: the exported entry points for native Linux programs and
 * .NET P/Invoke callers.  Like dll/api/exports_win.c for the DLL, this file
 * only adapts the public C ABI (include/netapi32_native.h) to the portable
 * API layer; the NetApiBuffer blocks come from lowheap.c (below 2 GiB).
 * Only the functions declared NETAPI32_API are visible (-fvisibility=hidden
 * plus the version script netapi32.map). */
#define NETAPI32_BUILD 1
#include <netapi32_native.h>

#include "api/abi_layout.h"
#include "api/api.h"
#include "lowheap.h"

#include <stddef.h>

/* The public structures are those the level table packs for this pointer
 * size, and those of 64-bit Windows on LP64. */
_Static_assert(sizeof(char16_t) == sizeof(nt_wchar), "UTF-16 code units");
API_ASSERT_SESSION_LAYOUTS();
_Static_assert(ERROR_MORE_DATA == NT_ERROR_MORE_DATA && NERR_InvalidComputer == NT_NERR_InvalidComputer,
               "the public codes are the core's");

NET_API_STATUS NetSessionEnum(const char16_t *servername, const char16_t *UncClientName,
                              const char16_t *username, uint32_t level, uint8_t **bufptr, uint32_t prefmaxlen,
                              uint32_t *entriesread, uint32_t *totalentries, uint32_t *resume_handle)
{
    return api_session_enum((const nt_wchar *)servername, (const nt_wchar *)UncClientName,
                            (const nt_wchar *)username, level, bufptr, prefmaxlen, entriesread, totalentries,
                            resume_handle);
}

NET_API_STATUS NetSessionGetInfo(const char16_t *servername, const char16_t *UncClientName,
                                 const char16_t *username, uint32_t level, uint8_t **bufptr)
{
    return api_session_getinfo((const nt_wchar *)servername, (const nt_wchar *)UncClientName,
                               (const nt_wchar *)username, level, bufptr);
}

NET_API_STATUS NetSessionDel(const char16_t *servername, const char16_t *UncClientName, const char16_t *username)
{
    return api_session_del((const nt_wchar *)servername, (const nt_wchar *)UncClientName,
                           (const nt_wchar *)username);
}

/* ---- NetApiBuffer*: Windows semantics on the low heap ---- */
NET_API_STATUS NetApiBufferAllocate(uint32_t ByteCount, void **Buffer)
{
    if (!Buffer)
        return ERROR_INVALID_PARAMETER;
    *Buffer = lowheap_alloc(ByteCount);
    return *Buffer ? NERR_Success : ERROR_NOT_ENOUGH_MEMORY;
}

/* NULL is fine (as on Windows); a pointer that is not a live block (freed
 * twice, never ours) is refused instead of corrupting the heap. */
NET_API_STATUS NetApiBufferFree(void *Buffer)
{
    if (!Buffer)
        return NERR_Success;
    return lowheap_free(Buffer) ? NERR_Success : ERROR_INVALID_PARAMETER;
}

/* NULL old block: allocate; size 0: free and return NULL; failure: the old
 * block is unchanged. */
NET_API_STATUS NetApiBufferReallocate(void *OldBuffer, uint32_t NewByteCount, void **NewBuffer)
{
    if (!NewBuffer)
        return ERROR_INVALID_PARAMETER;
    if (!OldBuffer)
        return NetApiBufferAllocate(NewByteCount, NewBuffer);
    if (!lowheap_valid(OldBuffer))
        return ERROR_INVALID_PARAMETER;
    if (NewByteCount == 0) {
        lowheap_free(OldBuffer);
        *NewBuffer = NULL;
        return NERR_Success;
    }
    void *p = lowheap_realloc(OldBuffer, NewByteCount);
    if (!p)
        return ERROR_NOT_ENOUGH_MEMORY;
    *NewBuffer = p;
    return NERR_Success;
}

NET_API_STATUS NetApiBufferSize(void *Buffer, uint32_t *ByteCount)
{
    if (!Buffer || !ByteCount || !lowheap_valid(Buffer))
        return ERROR_INVALID_PARAMETER;
    *ByteCount = (uint32_t)lowheap_size(Buffer);
    return NERR_Success;
}
