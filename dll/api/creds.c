/* Where credentials for a server come from (first hit wins):
 *   1. Windows Credential Manager: target = server as given without leading
 *      backslashes, type CRED_TYPE_DOMAIN_PASSWORD; then target "*";
 *   2. NETAPI32_USER ("user", "DOMAIN\\user", "user@domain") + NETAPI32_PASSWORD;
 *   3. NETAPI32_AUTH_FILE: smbclient -A format (username =, password =, domain =);
 *   4. none: the authentication layer then uses the current user's single
 *      sign-on (Kerberos ticket cache) or, without a ticket cache, anonymous
 *      (auth/negotiate.c).
 * Passwords are wiped when the credentials are cleared and never traced. */
#include "api.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define AUTH_FILE_MAX 65536u

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

bool api_parse_auth_file(const char *text, nt_creds *out)
{
    memset(out, 0, sizeof(*out));
    char *copy = dup_str(text);
    if (!copy)
        return false;
    char *user = NULL, *pass = NULL, *dom = NULL;
    bool ok = true;
    for (char *line = copy; line && *line && ok;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        char *eq = strchr(line, '=');
        if (eq) {
            *eq = 0;
            char *key = trim(line), *val = trim(eq + 1);
            for (char *k = key; *k; k++)
                *k = (char)tolower((unsigned char)*k);
            char **slot = !strcmp(key, "username") ? &user
                        : !strcmp(key, "password") ? &pass
                        : !strcmp(key, "domain")   ? &dom
                                                   : NULL;
            if (slot) {
                nt_free_secret(*slot);
                *slot = dup_str(val);
                ok = *slot != NULL;
            }
        }
        line = next;
    }
    nt_wipe(copy, strlen(text));
    free(copy);
    if (ok && user && *user) {
        ok = nt_creds_set_user(out, user);
        if (ok && dom && *dom && !out->domain) {
            out->domain = dom;
            dom = NULL;
        }
        if (ok) {
            out->password = pass ? pass : dup_str("");
            pass = NULL;
            ok = out->password != NULL;
        }
    } else {
        ok = false;
    }
    nt_free_secret(user);
    nt_free_secret(pass);
    nt_free_secret(dom);
    if (!ok)
        nt_creds_clear(out);
    return ok;
}

uint32_t api_lookup_creds(const char *server, nt_creds *out, const char **source)
{
    memset(out, 0, sizeof(*out));
    *source = "anonymous";
    if (server && api_credman_lookup(server, out)) {
        *source = "credential manager (server)";
        return NT_OK;
    }
    if (api_credman_lookup("*", out)) {
        *source = "credential manager (*)";
        return NT_OK;
    }
    char *user = nt_getenv("NETAPI32_USER");
    if (user && *user) {
        char *pass = nt_getenv("NETAPI32_PASSWORD");
        bool ok = nt_creds_set_user(out, user);
        free(user);
        if (!ok) {
            nt_free_secret(pass);
            nt_creds_clear(out);
            return NT_ERROR_NOT_ENOUGH_MEMORY;
        }
        out->password = pass ? pass : dup_str("");
        if (!out->password) {
            nt_creds_clear(out);
            return NT_ERROR_NOT_ENOUGH_MEMORY;
        }
        *source = "environment";
        return NT_OK;
    }
    free(user);
    char *path = nt_getenv("NETAPI32_AUTH_FILE");
    if (path && *path) {
        char *text = NULL;
        size_t len = 0;
        if (nt_read_file(path, AUTH_FILE_MAX, &text, &len)) {
            bool ok = api_parse_auth_file(text, out);
            nt_wipe(text, len);
            free(text);
            if (ok) {
                *source = "auth file";
                free(path);
                return NT_OK;
            }
        }
        nt_trace("auth file %s unreadable or without username; continuing", path);
    }
    free(path);
    return NT_OK; /* anonymous: all fields NULL */
}
