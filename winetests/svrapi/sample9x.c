/*
 * A Windows 95/98-style session manager, written as a 9x programmer would
 * from the Platform SDK's svrapi.h documentation (seed 001: "the session key
 * is returned by NetSessionEnum or NetSessionGetInfo in sesi50_key; pass it
 * as sReserved to NetSessionDel").  It knows nothing of this project: plain
 * <svrapi.h>, linked with MinGW-w64's own -lsvrapi.
 *
 *   sample9x \\server                 list the sessions at level 50
 *   sample9x \\server client          ... then read that client's session
 *                                     and end it by its key
 */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>
#include <svrapi.h>

#define MAX_ENTRIES 20
#define NAME_ROOM 64   /* room for the strings of one entry */

int main(int argc, char FAR *argv[])
{
    char FAR *pszServerName;
    struct session_info_50 *pBuf, *pTmpBuf, *pInfo;
    unsigned short cbBuffer;
    unsigned short nEntriesRead = 0, nTotalEntries = 0, cbTotalAvail = 0;
    NET_API_STATUS nStatus;
    int i;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "Usage: %s \\\\ServerName [ClientName]\n", argv[0]);
        exit(1);
    }
    pszServerName = argv[1];

    cbBuffer = MAX_ENTRIES * (sizeof(struct session_info_50) + NAME_ROOM);
    pBuf = (struct session_info_50 *)malloc(cbBuffer);
    if (pBuf == NULL) {
        fprintf(stderr, "No memory\n");
        exit(1);
    }
    nStatus = NetSessionEnum(pszServerName, 50, (char FAR *)pBuf, cbBuffer, &nEntriesRead, &nTotalEntries);
    if ((nStatus == NERR_Success) || (nStatus == ERROR_MORE_DATA)) {
        pTmpBuf = pBuf;
        for (i = 0; i < nEntriesRead; i++) {
            printf("Client: %s\tUser: %s\tKey: %lu\tOpens: %u\tActive: %lu\tIdle: %lu\n",
                   pTmpBuf->sesi50_cname, pTmpBuf->sesi50_username, pTmpBuf->sesi50_key,
                   pTmpBuf->sesi50_num_opens, pTmpBuf->sesi50_time, pTmpBuf->sesi50_idle_time);
            pTmpBuf++;
        }
        fprintf(stderr, "Total of %d entries enumerated (%d available)\n", nEntriesRead, nTotalEntries);
    } else {
        fprintf(stderr, "A system error has occurred: %lu\n", nStatus);
        free(pBuf);
        return 1;
    }
    free(pBuf);
    if (argc < 3)
        return 0;

    /* Read the client's session, then end it by its session key. */
    cbBuffer = sizeof(struct session_info_50) + NAME_ROOM;
    pInfo = (struct session_info_50 *)malloc(cbBuffer);
    if (pInfo == NULL)
        return 1;
    nStatus = NetSessionGetInfo(pszServerName, argv[2], 50, (char FAR *)pInfo, cbBuffer, &cbTotalAvail);
    if (nStatus != NERR_Success) {
        fprintf(stderr, "A system error has occurred: %lu\n", nStatus);
        free(pInfo);
        return 1;
    }
    printf("Session: Client: %s\tUser: %s\tKey: %lu\n", pInfo->sesi50_cname, pInfo->sesi50_username,
           pInfo->sesi50_key);
    nStatus = NetSessionDel(pszServerName, pInfo->sesi50_cname, (short)pInfo->sesi50_key);
    if (nStatus == NERR_Success)
        fprintf(stderr, "The specified session has been successfully deleted\n");
    else
        fprintf(stderr, "A system error has occurred: %lu\n", nStatus);
    free(pInfo);
    return nStatus == NERR_Success ? 0 : 1;
}
