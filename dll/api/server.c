/* Server name forms accepted by the NetSession* functions. */
#include "api.h"

#include <stdlib.h>
#include <string.h>

void api_server_free(api_server *s)
{
    free(s->host);
    free(s->unc);
    memset(s, 0, sizeof(*s));
}

static bool valid_name_char(nt_wchar c, bool ipv6)
{
    if (c < 0x20 || c == 0x7F)
        return false;
    if (ipv6)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
               c == '.' || c == '%';
    /* Characters Windows rejects in computer names (and '\\', '/', ':' which
     * would change the meaning of the UNC path). */
    static const char bad[] = "\\/:*?\"<>| ,;=+[]";
    if (c < 0x80 && strchr(bad, (int)c))
        return false;
    return true;
}

uint32_t api_parse_server(const nt_wchar *server, api_server *out)
{
    memset(out, 0, sizeof(*out));
    const nt_wchar *p = server;
    size_t n = nt_wcslen(p);
    if (n == 0) {
        out->local = true;
        out->host = malloc(10);
        if (!out->host)
            return NT_ERROR_NOT_ENOUGH_MEMORY;
        strcpy(out->host, "127.0.0.1");
    } else {
        if (n >= 2 && p[0] == '\\' && p[1] == '\\') {
            p += 2;
            n -= 2;
        }
        bool bracketed = n >= 2 && p[0] == '[' && p[n - 1] == ']';
        if (bracketed) {
            p++;
            n -= 2;
        }
        if (n == 0 || n > 255)
            return NT_NERR_InvalidComputer;
        /* IPv6 literal: contains ':' (only allowed in that form). */
        bool ipv6 = false;
        for (size_t i = 0; i < n; i++)
            if (p[i] == ':')
                ipv6 = true;
        if (bracketed && !ipv6)
            return NT_NERR_InvalidComputer;
        if (p[0] == '.' || p[0] == '-')
            return NT_NERR_InvalidComputer;
        for (size_t i = 0; i < n; i++)
            if (!valid_name_char(p[i], ipv6))
                return NT_NERR_InvalidComputer;
        out->host = nt_utf16_to_utf8(p, n);
        if (!out->host)
            return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    size_t hl = strlen(out->host);
    char *unc8 = malloc(hl + 3);
    if (!unc8) {
        api_server_free(out);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    unc8[0] = unc8[1] = '\\';
    memcpy(unc8 + 2, out->host, hl + 1);
    out->unc = nt_utf8_to_utf16(unc8, NULL);
    free(unc8);
    if (!out->unc) {
        api_server_free(out);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    return NT_OK;
}
