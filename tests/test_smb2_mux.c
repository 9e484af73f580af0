/*
 * One SMB2 connection, several threads: each thread transceives on its own
 * pipe (smb2_pipe_open on the same smb2_conn) of one signed 3.1.1
 * connection, against the scripted server made safe for threads
 * (tests/smb2_fake_mux.h), which holds the pipe's answers and releases
 * them in the order a test says.  Every request names its pipe and call
 * and the pipe echoes it, so an answer handed to the wrong caller fails:
 *  - two answers in swapped order: each caller gets its own;
 *  - the same with an interim STATUS_PENDING for the one answered last;
 *  - a duplicate of an answer already read, or an answer for a MessageId
 *    nobody sent, between them: dropped, both calls work, the connection
 *    lives;
 *  - a pipe deadline (smb2_pipe_set_deadline) passing while another thread
 *    receives: NT_ERROR_SEM_TIMEOUT for that caller only, the connection
 *    lives, the late answer is dropped and later calls work;
 *  - the peer closing while both wait: both fail at once, connection dead;
 *  - a send that blocks (a peer not reading) while another caller's
 *    answer comes: that caller gets it at once (no lock across the send);
 *    and a caller whose deadline passes waiting to send gives up alone
 *    (no message id taken, the connection lives);
 *  - 8 threads x 50 transceives, the answers released shuffled in batches;
 *  - four pipes' first transceives (compounds) at once.
 * Otherwise each pipe's first transceive (the compound TREE_CONNECT/CREATE
 * + IOCTL) is done before the threads start.  alarm() ends a test that
 * hangs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smb2_mux_workers.h"
#include "smb2/smb2_conn.h" /* white box: the connection still compounds */

/* ---- tests ------------------------------------------------------------------------- */

/* Two callers, the answers in the reverse order of the requests: each gets
 * its own.  With pending: an interim STATUS_PENDING first for the one
 * answered last. */
static void two_swapped(bool pending)
{
    mux_connect(2);
    for (int round = 0; round < 10; round++) {
        unsigned b = mux_hold(2);
        start(&g_w[0], 1, 0);
        start(&g_w[1], 1, 0);
        assert_true(mux_wait_for(b + 2, 0, 2000));
        if (pending)
            mux_pending(b);
        mux_release(b + 1);
        if (round % 2)
            usleep(20000); /* the first answer read before the last comes, or both together */
        mux_release(b);
        join_ok(2, 1);
    }
    mux_finish(2, true);
}

static void swapped_answers(void **state)
{
    (void)state;
    two_swapped(false);
}

static void swapped_answers_pending(void **state)
{
    (void)state;
    two_swapped(true);
}

/* Between the two answers, a copy of one of them (re-signed) for a
 * MessageId that is not outstanding: one already answered and read (a
 * duplicate), or (unsent) one never sent.  Dropped: both calls work and
 * the connection lives.  MS-SMB2 3.2.5.1.2: a response whose MessageId is
 * not in OutstandingRequests is discarded. */
static void stray_between(bool unsent)
{
    mux_connect(2);
    for (int round = 0; round < 10; round++) {
        unsigned b = mux_hold(2);
        start(&g_w[0], 1, 0);
        start(&g_w[1], 1, 0);
        assert_true(mux_wait_for(b + 2, 0, 2000));
        uint64_t hi = g_mux.held[b].msg_id > g_mux.held[b + 1].msg_id ? g_mux.held[b].msg_id : g_mux.held[b + 1].msg_id;
        mux_release(b + (round & 1));
        if (unsent)
            mux_stray(b, hi + 1000);
        else if (round == 0) /* the bind's answer of pipe 1, read long ago */
            mux_stray(b, g_mux.held[b].msg_id - 3);
        else
            mux_stray(b - 2, g_mux.held[b - 2].msg_id);
        mux_release(b + 1 - (round & 1));
        join_ok(2, 1);
    }
    mux_finish(2, true);
}

static void duplicate_answer_dropped(void **state)
{
    (void)state;
    stray_between(false);
}

static void unsent_id_answer_dropped(void **state)
{
    (void)state;
    stray_between(true);
}

/* Thread A (pipe deadline 200 ms) gets no answer while thread B, started
 * first, is the one blocked in net_recv_all waiting for its own (held).
 * A gives up at its deadline with NT_ERROR_SEM_TIMEOUT, the connection
 * lives, B then gets its answer, A's late answer is dropped, both pipes
 * work.  Which thread receives is the core's business: B is seen blocked
 * in the fake net_recv_all before A starts, so B should be the receiver;
 * if A nevertheless timed out inside net_recv_all itself (by contract that
 * kills the connection), only the weaker property is asserted: A times out
 * and B gets its own answer or an error, never another's. */
/* Starts B, whose send blocks in the socket (a peer that stopped
 * reading), and waits until it does. */
static void start_stalled_sender(worker *bw)
{
    mux_lock();
    g_mux.stall_sends = true;
    mux_unlock();
    start(bw, 1, 0);
    struct timespec until = mux_in(2000);
    mux_lock();
    while (g_mux.in_send < 1 && mux_wait_until(&until))
        ;
    unsigned sending = g_mux.in_send;
    mux_unlock();
    assert_int_equal(sending, 1); /* B is stuck in its send */
}

/* Lets B's send through and checks B got its answer; whether B was done
 * before. */
static bool finish_stalled_sender(worker *bw)
{
    mux_lock();
    bool b_done = bw->done;
    g_mux.stall_sends = false;
    pthread_cond_broadcast(&g_mux.cv);
    mux_unlock();
    join(bw);
    assert_int_equal(bw->st, NT_OK);
    assert_int_equal(bw->ok, 1);
    return b_done;
}

/* A's request is out (answer held, A receiving) when B's send blocks in
 * the socket (a peer that stopped reading).  A's answer then comes: A gets
 * it while B is still sending (the receiver never waits for a send; it
 * used to wait for mu, which the sender held).  B's send then completes
 * and B gets its answer too. */
static void receive_during_stalled_send(void **state)
{
    (void)state;
    mux_connect(2);
    worker *a = &g_w[0], *bw = &g_w[1];
    unsigned b = mux_hold(1);
    start(a, 1, 0);
    assert_true(mux_wait_for(b + 1, 1, 2000)); /* A's request held, A receiving */
    start_stalled_sender(bw);
    mux_release(b);
    assert_true(wait_done(a, 1000)); /* A got its answer meanwhile */
    join(a);
    assert_int_equal(a->st, NT_OK);
    assert_int_equal(a->ok, 1);
    assert_false(finish_stalled_sender(bw));
    assert_int_equal(a->wrong + bw->wrong, 0);
    assert_false(smb2_is_dead(g_c));
    mux_finish(2, true);
}

/* B's send blocks in the socket; A (pipe deadline 200 ms) waits to send
 * meanwhile and gives up at its deadline: NT_ERROR_SEM_TIMEOUT, nothing
 * of A's sent, and the connection lives (A took no message id: a hole in
 * the server's window would have broken it).  B's send then completes and
 * B gets its answer; A's next call works. */
static void deadline_while_other_sends(void **state)
{
    (void)state;
    mux_connect(2);
    worker *a = &g_w[0], *bw = &g_w[1];
    unsigned echoes = g_mux.echoes;
    start_stalled_sender(bw);
    start(a, 1, 200);
    assert_true(wait_done(a, 1500));
    join(a);
    assert_int_equal(a->st, NT_ERROR_SEM_TIMEOUT);
    assert_false(smb2_is_dead(g_c));
    finish_stalled_sender(bw);
    assert_int_equal(g_mux.echoes - echoes, 1); /* only B's request reached the server */
    smb2_pipe_set_deadline(a->p, 0);
    assert_int_equal(call_once(a), NT_OK);
    assert_int_equal(a->wrong + bw->wrong, 0);
    assert_false(smb2_is_dead(g_c));
    mux_finish(2, true);
}

static void deadline_while_other_reads(void **state)
{
    (void)state;
    mux_connect(2);
    worker *a = &g_w[0], *bw = &g_w[1];
    unsigned b = mux_hold(2);
    start(bw, 1, 0);
    assert_true(mux_wait_for(b + 1, 1, 2000)); /* B's request held, B receiving */
    start(a, 1, 200);
    assert_true(mux_wait_for(b + 2, 0, 2000));
    assert_true(wait_done(a, 1500)); /* A gave up at its deadline */
    join(a);
    assert_int_equal(a->st, NT_ERROR_SEM_TIMEOUT);
    assert_in_range(a->ms, 150, 1200);
    mux_lock();
    bool a_received = g_mux.watched_timeouts > 0, b_done = bw->done;
    g_mux.watching = false;
    mux_unlock();
    assert_false(b_done); /* B still waits for its answer */
    mux_release(b);
    join(bw);
    assert_int_equal(bw->wrong, 0);
    if (a_received) {
        print_message("A timed out as the receiving thread: weaker checks\n");
        assert_true(bw->st == NT_OK || smb2_is_dead(g_c));
        mux_finish(2, !smb2_is_dead(g_c));
        return;
    }
    assert_int_equal(bw->st, NT_OK);
    assert_int_equal(bw->ok, 1);
    assert_false(smb2_is_dead(g_c));
    mux_release(b + 1); /* A's late answer */
    smb2_pipe_set_deadline(a->p, 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(call_once(&g_w[i]), NT_OK);
        assert_int_equal(call_once(&g_w[1 - i]), NT_OK);
    }
    assert_int_equal(a->wrong + bw->wrong, 0);
    assert_false(smb2_is_dead(g_c));
    mux_finish(2, true);
}

/* The peer closes while both callers wait: both fail at once (well before
 * the 3 s request timeout) and the connection is dead. */
static void peer_closes_while_both_wait(void **state)
{
    (void)state;
    mux_connect(2);
    unsigned b = mux_hold(2);
    start(&g_w[0], 1, 0);
    start(&g_w[1], 1, 0);
    assert_true(mux_wait_for(b + 2, 1, 2000));
    usleep(20000);
    mux_close();
    for (int i = 0; i < 2; i++) {
        join(&g_w[i]);
        print_message("pipe %d: status %u after %u ms\n", i, (unsigned)g_w[i].st, (unsigned)g_w[i].ms);
        assert_int_not_equal(g_w[i].st, NT_OK);
        assert_true(g_w[i].ms < 2000);
        assert_int_equal(g_w[i].wrong, 0);
    }
    assert_true(smb2_is_dead(g_c));
    mux_finish(2, false);
}

/* 8 threads x 50 transceives, the answers released in batches (when every
 * running thread has one waiting, or after 50 ms) in a shuffled order,
 * every third batch with an interim STATUS_PENDING first. */
static void eight_threads_shuffled(void **state)
{
    (void)state;
    enum { CALLS = 50 };
    mux_connect(MAXW);
    mux_hold(-1);
    for (int i = 0; i < MAXW; i++)
        start(&g_w[i], CALLS, 0);
    unsigned seed = 20240611, batches = 0, released = 0;
    for (;;) {
        mux_wait_batch(50);
        mux_lock();
        int active = g_mux.active;
        mux_unlock();
        released += mux_release_shuffled(&seed, batches % 3 == 2);
        batches++;
        if (active == 0)
            break;
        assert_true(batches < 20000);
    }
    join_ok(MAXW, CALLS);
    assert_int_equal(released, MAXW * CALLS);
    assert_int_equal(g_mux.echoes, MAXW * CALLS);
    print_message("%u answers in %u batches\n", released, batches);
    mux_finish(MAXW, true);
}

/* Four pipes' first transceives at once (pipe 0, bound first, carried the
 * TREE_CONNECT): each is a compound CREATE + IOCTL answered in one frame;
 * the four answers are held, then queued back to back in a shuffled order,
 * and each pipe echoes 3 more calls.  One caller's compound answer may
 * still sit half-read in the connection's queue when another has all of
 * its own: that is not "more responses than requests". */
static void first_transceives_at_once(void **state)
{
    (void)state;
    enum { N = 4 };
    unsigned seed = 7;
    mux_connect(1);
    for (int round = 0; round < 100; round++) {
        for (int i = 1; i <= N; i++) {
            memset(&g_w[i], 0, sizeof g_w[i]);
            g_w[i].id = i;
            g_w[i].bind_first = true;
            assert_int_equal(smb2_pipe_open(g_c, "srvsvc", &g_w[i].p), NT_OK);
        }
        mux_lock();
        g_srv.pipe_next = 0;
        mux_unlock();
        unsigned b = mux_hold(N);
        for (int i = 1; i <= N; i++)
            start(&g_w[i], 4, 0);
        assert_true(mux_wait_for(b + N, 0, 2000));
        assert_int_equal(mux_release_shuffled(&seed, false), N);
        join_range(1, N + 1, 4);
        for (int i = 1; i <= N; i++) {
            smb2_pipe_close(g_w[i].p);
            g_w[i].p = NULL;
        }
    }
    mux_finish(1, true);
}

/* A new pipe's first transceive (its compound CREATE + bind) whose caller
 * (pipe deadline 200 ms) gives up while another thread receives: A gets
 * NT_ERROR_SEM_TIMEOUT, and that is no refusal of compounds: the
 * connection lives (nothing sent after the deadline, compounding still on)
 * and B, the receiver, gets its answer. */
static void follower_timeout_in_first_compound(void **state)
{
    (void)state;
    mux_connect(1);
    worker *a = &g_w[1], *bw = &g_w[0];
    memset(a, 0, sizeof *a);
    a->id = 1;
    a->bind_first = true;
    g_srv.pipe_next = 0;
    assert_int_equal(smb2_pipe_open(g_c, "srvsvc", &a->p), NT_OK);
    unsigned compounds = g_srv.compounds;
    unsigned b = mux_hold(2);
    start(bw, 1, 0);
    assert_true(mux_wait_for(b + 1, 1, 2000)); /* B's request held, B receiving */
    start(a, 1, 200);
    assert_true(mux_wait_for(b + 2, 1, 2000)); /* A's compound sent, its IOCTL answer held */
    assert_true(wait_done(a, 2500));
    join(a);
    assert_int_equal(a->st, NT_ERROR_SEM_TIMEOUT);
    assert_false(smb2_is_dead(g_c));
    assert_int_equal(g_srv.compounds, compounds + 1);
    smb2_lock(g_c);
    bool compound = g_c->compound;
    smb2_unlock(g_c);
    assert_true(compound); /* a deadline is no refusal: no one-by-one retry */
    mux_release(b);
    join(bw);
    assert_int_equal(bw->st, NT_OK);
    assert_int_equal(bw->ok, 1);
    assert_false(smb2_is_dead(g_c));
    mux_hold(0);
    smb2_pipe_drop(a->p); /* its CREATE's answer was never read: dropped */
    a->p = NULL;
    assert_int_equal(call_once(bw), NT_OK); /* the connection goes on */
    mux_finish(1, true);
}

/* A pipe dropped while another goes on (its call failed, the connection
 * lives): its CLOSE goes out unanswered, so the server frees the handle;
 * the answer is dropped when it comes and the other pipe's calls go on.
 * A pipe freed (FreeLibrary) sends nothing. */
static void dropped_pipe_closes_unanswered(void **state)
{
    (void)state;
    mux_connect(3);
    unsigned closes = g_mux.closes;
    int ok = g_w[0].ok;
    smb2_pipe_drop(g_w[1].p);
    g_w[1].p = NULL;
    assert_int_equal(g_mux.closes, closes + 1);
    assert_int_equal(call_once(&g_w[0]), NT_OK); /* the CLOSE's answer comes first: dropped */
    assert_int_equal(g_w[0].ok, ok + 1);
    smb2_lock(g_c);
    unsigned late = g_c->late, nout = g_c->nout;
    smb2_unlock(g_c);
    assert_int_equal(late, 0);
    assert_int_equal(nout, 0);
    assert_false(smb2_is_dead(g_c));
    smb2_pipe_free(g_w[2].p);
    g_w[2].p = NULL;
    assert_int_equal(g_mux.closes, closes + 1);
    mux_finish(1, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(swapped_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(swapped_answers_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(duplicate_answer_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(unsent_id_answer_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(deadline_while_other_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(receive_during_stalled_send, setup, teardown),
        cmocka_unit_test_setup_teardown(deadline_while_other_sends, setup, teardown),
        cmocka_unit_test_setup_teardown(peer_closes_while_both_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(eight_threads_shuffled, setup, teardown),
        cmocka_unit_test_setup_teardown(first_transceives_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(follower_timeout_in_first_compound, setup, teardown),
        cmocka_unit_test_setup_teardown(dropped_pipe_closes_unanswered, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
