/* The SMB1 client as an implementation of the pipe-transport interface
 * (pipe/pipe.h): smb1_np_connect is the SMB1 family's np_connect_fn, and
 * np_transact runs a TRANSACTION on a named pipe (RAP on \PIPE\LANMAN). */
#include "smb1_conn.h"

#include <stdlib.h>
#include <string.h>

static uint32_t p_transceive(void *ctx, const uint8_t *in, size_t inlen, uint8_t *out, size_t cap, size_t *got)
{
    return smb1_pipe_transceive(ctx, in, inlen, out, cap, got);
}

static uint32_t p_read(void *ctx, uint8_t *out, size_t cap, size_t *got)
{
    return smb1_pipe_read(ctx, out, cap, got);
}

static uint32_t p_write(void *ctx, const uint8_t *in, size_t inlen)
{
    return smb1_pipe_write(ctx, in, inlen);
}

static void p_close(void *ctx, bool polite) { smb1_pipe_close(ctx, polite); }

/* no read-ahead over SMB1; one caller per connection */
static const np_pipe_ops PIPE_OPS = {p_transceive, p_read, p_write, p_close, NULL, NULL, NULL, NULL};

/* One call per SMB1 connection: the connection's deadline, which the API
 * sets around its first pipe, covers the open (deadline_ms unused). */
static uint32_t c_open(void *ctx, const char *name, uint64_t deadline_ms, np_pipe *out)
{
    (void)deadline_ms;
    smb1_pipe *p = NULL;
    uint32_t st = smb1_pipe_open(ctx, name, &p);
    if (st == NT_OK) {
        out->ops = &PIPE_OPS;
        out->ctx = p;
    }
    return st;
}

static uint32_t c_transact(void *ctx, const np_transact_req *req, np_transact_resp *resp)
{
    bool overflow = false;
    if (!req || !req->pipe)
        return NT_ERROR_INVALID_PARAMETER;
    uint32_t st = smb1_transact(ctx, req->pipe, NULL, 0, req, resp, &overflow);
    if (st == NT_OK && overflow) {
        free(resp->param);
        free(resp->data);
        memset(resp, 0, sizeof(*resp));
        st = NT_ERROR_MORE_DATA;
    }
    return st;
}

static void c_set_deadline(void *ctx, uint64_t deadline_ms) { ((smb1_conn *)ctx)->call_deadline = deadline_ms; }

static bool c_is_dead(void *ctx)
{
    smb1_conn *c = ctx;
    return c->dead || net_is_dead(c->net);
}

static void c_info(const void *ctx, np_conn_info *out)
{
    const smb1_conn *c = ctx;
    out->family = "smb1";
    out->dialect = 0x0001; /* NT LM 0.12 */
    out->signing = c->signing;
    out->encrypting = false;
    out->round_trips = c->round_trips;
}

static void c_close(void *ctx, bool polite) { smb1_close(ctx, polite); }

static const np_conn_ops CONN_OPS = {c_open, c_transact, c_set_deadline, c_is_dead, c_info, c_close};

uint32_t smb1_np_connect(const np_target *t, const nt_creds *creds, np_conn *out)
{
    out->ops = NULL;
    out->ctx = NULL;
    if (!t)
        return NT_ERROR_INVALID_PARAMETER;
    smb1_conn *c = NULL;
    uint32_t st = smb1_connect(t, creds, &c);
    if (st == NT_OK) {
        out->ops = &CONN_OPS;
        out->ctx = c;
    }
    return st;
}
