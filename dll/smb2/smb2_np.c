/* The SMB2 client as an implementation of the pipe-transport interface
 * (pipe/pipe.h): smb2_np_connect is the SMB2 family's np_connect_fn. */
#include "smb2.h"

#include <stdlib.h>
#include <string.h>

static uint32_t p_transceive(void *ctx, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap, size_t *got)
{
    return smb2_pipe_transceive(ctx, in, inlen, out, cap, got);
}

static uint32_t p_read(void *ctx, uint8_t *out, size_t cap, size_t *got)
{
    return smb2_pipe_read(ctx, out, cap, got);
}

static uint32_t p_read_ahead(void *ctx, unsigned count, size_t each)
{
    return smb2_pipe_read_ahead(ctx, count, each);
}

static uint32_t p_write(void *ctx, const uint8_t *in, size_t inlen)
{
    return smb2_pipe_write(ctx, in, inlen);
}

static void p_close(void *ctx, bool polite)
{
    if (polite)
        smb2_pipe_close(ctx);
    else
        smb2_pipe_free(ctx);
}

static void p_drop(void *ctx) { smb2_pipe_drop(ctx); }

static void p_set_deadline(void *ctx, uint64_t deadline_ms) { smb2_pipe_set_deadline(ctx, deadline_ms); }
static bool p_is_dead(void *ctx) { return smb2_pipe_is_dead(ctx); }

static const np_pipe_ops PIPE_OPS = {p_transceive, p_read,         p_write,  p_close,
                                     p_read_ahead, p_set_deadline, p_is_dead, p_drop};

static uint32_t c_open(void *ctx, const char *name, uint64_t deadline_ms, np_pipe *out)
{
    smb2_pipe *p = NULL;
    uint32_t st = smb2_pipe_open_at(ctx, name, deadline_ms, &p);
    if (st == NT_OK) {
        out->ops = &PIPE_OPS;
        out->ctx = p;
    }
    return st;
}

static void c_set_deadline(void *ctx, uint64_t deadline_ms) { smb2_set_deadline(ctx, deadline_ms); }
static bool c_is_dead(void *ctx) { return smb2_is_dead(ctx); }

static void c_info(const void *ctx, np_conn_info *out)
{
    out->family = "smb2";
    out->dialect = smb2_dialect(ctx);
    out->signing = smb2_is_signing(ctx);
    out->encrypting = smb2_is_encrypting(ctx);
    out->round_trips = smb2_round_trips(ctx);
    out->requests = smb2_requests(ctx);
    out->concurrent = true;
}

static void c_close(void *ctx, bool polite)
{
    if (polite)
        smb2_disconnect(ctx);
    else
        smb2_abort(ctx);
}

/* No transact: SMB2 has no TRANSACTION (RAP needs an SMB1 connection). */
static const np_conn_ops CONN_OPS = {c_open, NULL, c_set_deadline, c_is_dead, c_info, c_close};

uint32_t smb2_np_connect(const np_target *t, const nt_creds *creds, np_conn *out)
{
    out->ops = NULL;
    out->ctx = NULL;
    if (!t)
        return NT_ERROR_INVALID_PARAMETER;
    smb2_opts o = {0};
    o.host = t->host;
    o.unc_server = t->unc_server;
    o.port = t->port;
    o.connect_timeout_ms = t->connect_timeout_ms;
    o.timeout_ms = t->timeout_ms;
    o.deadline_ms = t->deadline_ms;
    o.mech = t->mech;
    char *env = nt_getenv("NETAPI32_SMB2_COMPOUND");
    o.compound = !env || strcmp(env, "0") != 0;
    free(env);
    smb2_conn *c = NULL;
    uint32_t st = smb2_connect(&o, creds, &c);
    if (st == NT_OK) {
        out->ops = &CONN_OPS;
        out->ctx = c;
    }
    return st;
}
