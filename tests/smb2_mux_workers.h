/*
 * The client side of the threaded SMB2 tests (tests/test_smb2_mux.c,
 * tests/test_smb2_credits.c), included once by each: worker threads, each
 * with its own pipe on the one connection g_c of the scripted server
 * tests/smb2_fake_mux.h, making transceives that name themselves ("pipe
 * <id> call <seq>", echoed by the fake), so an answer handed to the wrong
 * caller is caught; the connection's setup and teardown.
 */
#ifndef TEST_SMB2_MUX_WORKERS_H
#define TEST_SMB2_MUX_WORKERS_H

#include "smb2_fake_mux.h"

#define MAXW 8

typedef struct worker {
    int id;
    smb2_pipe *p;
    int calls;              /* transceives to do */
    unsigned deadline_in;   /* ms: the pipe's deadline, set before the first call (0: none) */
    bool bind_first;        /* the first call is the pipe's first transceive (a compound) */
    int seq;                /* calls made on this pipe (they name themselves) */
    uint32_t st;            /* the first failure, else NT_OK */
    int ok, wrong;          /* answers that were this call's / another's */
    uint64_t ms;            /* how long the thread ran */
    bool done, running;
    pthread_t t;
} worker;

static worker g_w[MAXW];
static smb2_conn *g_c;
static const uint8_t BIND_ACK[] = "a bind ack from the pipe";

/* One transceive: "pipe <id> call <seq>" in, "ok:" and the same out. */
static uint32_t call_once(worker *w)
{
    char in[48];
    uint8_t out[96];
    size_t got = 0;
    int len = snprintf(in, sizeof in, "pipe %d call %d", w->id, w->seq++);
    uint32_t st = smb2_pipe_transceive(w->p, (const uint8_t *)in, (size_t)len, out, sizeof out, &got);
    if (st == NT_OK && got == (size_t)len + 3 && memcmp(out, "ok:", 3) == 0 && memcmp(out + 3, in, len) == 0)
        w->ok++;
    else if (st == NT_OK)
        w->wrong++;
    return st;
}

/* The pipe's first transceive ("bind", answered with BIND_ACK): on a
 * compounding connection it carries the pipe's CREATE. */
static uint32_t bind_once(worker *w)
{
    uint8_t out[64];
    size_t got = 0;
    uint32_t st = smb2_pipe_transceive(w->p, (const uint8_t *)"bind", 4, out, sizeof out, &got);
    if (st == NT_OK && got == sizeof BIND_ACK && memcmp(out, BIND_ACK, got) == 0)
        w->ok++;
    else if (st == NT_OK)
        w->wrong++;
    return st;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    uint64_t t0 = nt_now_ms();
    if (w->deadline_in) {
        mux_lock();
        g_mux.watched = pthread_self();
        g_mux.watching = true;
        mux_unlock();
        smb2_pipe_set_deadline(w->p, t0 + w->deadline_in);
    }
    for (int i = 0; i < w->calls && w->st == NT_OK; i++)
        w->st = w->bind_first && i == 0 ? bind_once(w) : call_once(w);
    w->ms = nt_now_ms() - t0;
    mux_lock();
    w->done = true;
    g_mux.active--;
    mux_unlock();
    return NULL;
}

static void start(worker *w, int calls, unsigned deadline_in)
{
    w->calls = calls;
    w->deadline_in = deadline_in;
    w->st = NT_OK;
    w->ok = w->wrong = 0;
    w->done = false;
    mux_lock();
    g_mux.active++;
    mux_unlock();
    w->running = true;
    assert_int_equal(pthread_create(&w->t, NULL, worker_main, w), 0);
}

static void join(worker *w)
{
    assert_true(w->running);
    pthread_join(w->t, NULL);
    w->running = false;
}

/* Waits (at most ms) until w's thread is done. */
static bool wait_done(worker *w, unsigned ms)
{
    struct timespec until = mux_in(ms);
    mux_lock();
    while (!w->done && mux_wait_until(&until))
        ;
    bool done = w->done;
    mux_unlock();
    return done;
}

/* Joins threads [from, to) and checks each made `calls` calls with its own
 * answers. */
static void join_range(int from, int to, int calls)
{
    for (int i = from; i < to; i++)
        join(&g_w[i]);
    for (int i = from; i < to; i++) {
        if (g_w[i].st != NT_OK || g_w[i].ok != calls || g_w[i].wrong)
            print_error("pipe %d: status %u, %d right, %d wrong answers\n", i, (unsigned)g_w[i].st, g_w[i].ok,
                        g_w[i].wrong);
        assert_int_equal(g_w[i].st, NT_OK);
        assert_int_equal(g_w[i].wrong, 0);
        assert_int_equal(g_w[i].ok, calls);
    }
    assert_int_equal(g_mux.bad_line, 0);
    assert_false(smb2_is_dead(g_c));
}

static void join_ok(int n, int calls) { join_range(0, n, calls); }

/* A signed 3.1.1 connection with n pipes, each bound (its compound CREATE
 * + first transceive, the first one with the TREE_CONNECT) by this thread. */
static void mux_connect(int n)
{
    free(g_srv.rx);
    memset(&g_srv, 0, sizeof g_srv);
    mux_reset();
    g_srv.dialect = SMB2_DIALECT_311;
    g_srv.password = "Password";
    for (int i = 0; i < 8; i++)
        g_srv.pipe_msg[i] = BIND_ACK, g_srv.pipe_len[i] = sizeof BIND_ACK;
    g_srv.npipe_msgs = 8;
    nt_creds cr = {(char *)"User", (char *)"Domain", (char *)"Password"};
    smb2_opts o = {.host = "srv", .unc_server = "srv", .timeout_ms = 3000, .compound = true};
    assert_int_equal(smb2_connect(&o, &cr, &g_c), NT_OK);
    assert_true(smb2_is_signing(g_c));
    for (int i = 0; i < n; i++) {
        worker *w = &g_w[i];
        memset(w, 0, sizeof *w);
        w->id = i;
        g_srv.pipe_next = 0;
        assert_int_equal(smb2_pipe_open(g_c, "srvsvc", &w->p), NT_OK);
        assert_int_equal(bind_once(w), NT_OK);
        assert_int_equal(w->ok, 1);
    }
    assert_int_equal(g_srv.compounds, n);
}

/* Closes the n pipes and the connection: politely, or (dead) silently. */
static void mux_finish(int n, bool polite)
{
    mux_hold(0);
    for (int i = 0; i < n; i++) {
        if (polite)
            smb2_pipe_close(g_w[i].p);
        else
            smb2_pipe_free(g_w[i].p);
        g_w[i].p = NULL;
    }
    if (polite)
        smb2_disconnect(g_c);
    else
        smb2_abort(g_c);
    g_c = NULL;
    assert_int_equal(g_mux.bad_line, 0);
}

static int setup(void **state)
{
    (void)state;
    alarm(30); /* a hung test ends the program (a failure to run_all.sh) */
    return 0;
}

/* Wakes and joins threads a failed test left behind, then forgets it all. */
static int teardown(void **state)
{
    (void)state;
    mux_close();
    for (int i = 0; i < MAXW; i++)
        if (g_w[i].running)
            join(&g_w[i]);
    memset(g_w, 0, sizeof g_w);
    mux_reset();
    free(g_srv.rx);
    memset(&g_srv, 0, sizeof g_srv);
    g_c = NULL;
    alarm(0);
    return 0;
}

#endif
