/*
 * Shared by the API-layer RAP tests over a scripted connection
 * (test_api_rap.c, test_api_rap_bind.c): answers given as hex, the inert
 * connection callbacks, the environment reset and the teardown.
 */
#ifndef FAKE_RAP_CONN_H
#define FAKE_RAP_CONN_H

#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "test_hex.h"

static inline uint8_t *dup_hex(const char *h, size_t *n)
{
    uint8_t *p = malloc(strlen(h) / 2 + 1);
    *n = test_unhex(h, p, strlen(h) / 2 + 1);
    return p;
}

static bool c_dead(void *ctx) { (void)ctx; return false; }
static void c_info(const void *ctx, np_conn_info *o) { (void)ctx; o->family = "test"; }
static void c_close(void *ctx, bool polite) { (void)ctx; (void)polite; }

/* A RAP answer carrying only a status (and a zero converter). */
static inline void rap_status_answer(np_transact_resp *r, uint16_t status)
{
    r->param = calloc(1, 4);
    r->paramlen = 4;
    nt_put_le16(r->param, status);
}

/* The connection factory yielding the scripted connection whose operations
 * *fake_rap_ops() names (set by the test file before connecting). */
static inline const np_conn_ops **fake_rap_ops(void)
{
    static const np_conn_ops *ops;
    return &ops;
}

static inline uint32_t fake_rap_connect(const np_target *t, const nt_creds *cr, np_conn *out)
{
    (void)t;
    (void)cr;
    out->ops = *fake_rap_ops();
    out->ctx = (void *)fake_rap_ops();
    return NT_OK;
}

/* No credentials nor RAP forcing from the caller's environment. */
static void rap_test_env_reset(void)
{
    unsetenv("NETAPI32_USER");
    unsetenv("NETAPI32_PASSWORD");
    unsetenv("NETAPI32_AUTH_FILE");
    unsetenv("NETAPI32_FORCE_RAP");
}

static int rap_test_teardown(void **state)
{
    (void)state;
    api_cache_shutdown();
    api_snapshots_clear();
    api_set_connector(NULL);
    return 0;
}

#endif
