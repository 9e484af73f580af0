/* Bytes a warm NetSessionEnum moves with memcpy/memmove in the client
 * (1000 sessions, level 1, over the scripted srvsvc server of the unit
 * tests; the server's own encoding is not counted).  Linked with
 * count_shim.c, which replaces memcpy/memmove with counting copies.
 * bench/copies/run.sh builds and runs it; with OLD_SEAM it builds against
 * a tree from before issue 9 for the before/after figure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "api/api.h"
#include "dcerpc/dcerpc.h"
#include "srvs/srvs.h"
#include "fake_srvsvc.h"
#include "srvs_resp.h"
extern int shim_on;
void shim_report(const char *tag);
#define N 1000
static tent E[N];
static char names[N][2][24];
static void handler(void *h, unsigned nth, uint16_t opnum, const uint8_t *stub, size_t len, srv_reply *r)
{
    uint32_t zero = 0;
    int was = shim_on; shim_on = 0;
    r->stub = enc_resp(1, E, N, N, &zero, 0, NULL, &r->len);
    shim_on = was;
}
static fake_srv g;
#ifdef OLD_SEAM /* the tree before issue 9 (api_set_pipe_factory) */
static uint32_t s_open(const char *host, uint16_t port, rpc_transport *t) { fs_reset_stream(&g); fs_transport(&g, t); return 0; }
static bool s_dead(void *c) { return false; }
static void s_close(void *c) {}
static const api_pipe_factory F = {s_open, s_dead, s_close};
#endif
int main(void)
{
    for (int i = 0; i < N; i++) {
        snprintf(names[i][0], 24, "10.0.%d.%d", i / 250, i % 250);
        snprintf(names[i][1], 24, "user%d", i);
        E[i].s[SF_CNAME] = names[i][0]; E[i].s[SF_USERNAME] = names[i][1];
        E[i].s[SF_CLTYPE_NAME] = ""; E[i].s[SF_TRANSPORT] = "";
    }
    fs_init(&g, handler, NULL);
#ifdef OLD_SEAM /* the tree before issue 9 (api_set_pipe_factory) */
    api_set_pipe_factory(&F);
#else
    fs_current = &g;
    api_set_connector(fs_connect);
#endif
    nt_wchar srv[] = {'\\','\\','f',0};
    for (int k = 0; k < 21; k++) {
        if (k == 1) shim_on = 1;  /* warm: the first call connects and binds */
        uint8_t *buf = NULL; uint32_t er = 0, te = 0;
        uint32_t st = api_session_enum(srv, NULL, NULL, 1, &buf, NT_MAX_PREFERRED_LENGTH, &er, &te, NULL);
        if (st || er != N) { fprintf(stderr, "st %u er %u\n", st, er); return 1; }
        nt_block_free(buf);
    }
    shim_on = 0;
    shim_report("20 warm NetSessionEnum, 1000 sessions, level 1");
    api_cache_shutdown();
    return 0;
}
