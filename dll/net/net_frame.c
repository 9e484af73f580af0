/*
 * Session-message framing over net_recv_all, shared by the SMB1 and SMB2
 * transports (net.h net_recv_frame).
 */
#include "net.h"

#include "../common/deadline.h"

#include <stdlib.h>

uint32_t net_recv_frame(net_conn *c, size_t min_len, size_t max_len, uint64_t deadline, uint8_t **out,
                        size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    for (;;) {
        uint8_t h[4];
        uint32_t ms;
        if (!nt_ms_left(deadline, &ms))
            return NT_ERROR_SEM_TIMEOUT;
        uint32_t st = net_recv_all(c, h, 4, ms);
        if (st)
            return st;
        size_t len = ((size_t)h[1] << 16) | ((size_t)h[2] << 8) | h[3];
        if (h[0] == 0x85 && len == 0)
            continue; /* NetBIOS keep-alive */
        if (h[0] != 0 || len < min_len || len > max_len)
            return NT_ERROR_UNEXP_NET_ERR;
        uint8_t *b = malloc(len);
        if (!b)
            return NT_ERROR_NOT_ENOUGH_MEMORY;
        st = nt_ms_left(deadline, &ms) ? net_recv_all(c, b, len, ms) : NT_ERROR_SEM_TIMEOUT;
        if (st) {
            free(b);
            return st;
        }
        *out = b;
        *outlen = len;
        return NT_OK;
    }
}
