/*
 * SMB2 credits on a connection shared by several callers (dll/smb2/smb2_conn.c
 * lock_and_credit, smb2_send_ahead; smb2_recv.c grant), against the
 * scripted server of tests/smb2_fake_mux.h whose CreditResponse the test
 * sets (srv_grant, srv_grant_next in tests/smb2_fake_server.h):
 *  - the balance at 0 with answers held: three threads transceive, the
 *    server sees their requests one at a time, each only after the answer
 *    before it (granting 1) was released; all get their own answers, well
 *    before the request timeout (woken by the grant, not by a timeout);
 *  - the grant in a late answer (its caller gave up at its deadline) counts
 *    when it arrives, though the answer is dropped, and wakes the waiter;
 *  - a sender waiting for a credit whose pipe deadline passes:
 *    NT_ERROR_SEM_TIMEOUT, nothing sent, the connection lives;
 *  - no credits and nothing in flight: the next request is not sent,
 *    NT_ERROR_UNEXP_NET_ERR, the connection is dead;
 *  - read-ahead with a low balance: only the READs that keep it above 4 go
 *    ahead, every message is still read (the rest by plain READs);
 *  - a stale answer that is not authentic (bad signature, or unsigned on
 *    the signed session) grants nothing and is not taken for a late answer
 *    that was due; an authentic one grants its credits;
 *  - late answers that were due (more than the 64 stale answers one call
 *    tolerates) do not break the connection.
 * The balance is set by draining it with answers that grant nothing and
 * read from the connection (smb2_conn.h, white box).  alarm() ends a test
 * that hangs.
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

/* the harness's scripts these tests do not use (shuffles, strays) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "smb2_mux_workers.h"
#pragma GCC diagnostic pop
#include "smb2/smb2_conn.h"

#define TIMEOUT_MS 3000u /* the connection's request timeout (mux_connect) */
#define CRW 3            /* threads of credit_wait_woken_by_grant */

/* The connection's credit balance (white box, under its lock). */
static uint32_t balance(void)
{
    smb2_lock(g_c);
    uint32_t b = g_c->cr.balance;
    smb2_unlock(g_c);
    return b;
}

/* From now on every answer grants `each` credits (under the fake's lock:
 * client threads build answers). */
static void grant(uint16_t each)
{
    mux_lock();
    srv_grant(each);
    mux_unlock();
}

/* Brings the balance to `target` with transceives on pipe 0 (nothing in
 * flight): answers that grant nothing while it is above, one that grants
 * the difference when below.  The steady grant is 0 afterwards. */
static void set_balance(uint32_t target)
{
    grant(0);
    for (int i = 0; i < 1000 && balance() > target; i++)
        assert_int_equal(call_once(&g_w[0]), NT_OK);
    uint32_t b = balance();
    if (b < target) {
        mux_lock();
        srv_grant_next(1, (uint16_t)(target - b + 1));
        mux_unlock();
        assert_int_equal(call_once(&g_w[0]), NT_OK);
    }
    assert_int_equal(balance(), target);
}

/* Closes the n pipes and the connection: politely (credits granted
 * again), or (dead) silently. */
static void cr_finish(int n, bool polite)
{
    grant(32);
    mux_finish(n, polite);
}

/* ---- tests ------------------------------------------------------------------------- */

/* Balance 1, every answer grants 1 and is held: CRW threads transceive at
 * once.  One takes the credit; the others wait for one (their requests are
 * not at the server 50 ms later); each release of the answer in flight
 * lets exactly one more request out.  All get their own answers, long
 * before the 3 s request timeout, and the connection lives. */
static void credit_wait_woken_by_grant(void **state)
{
    (void)state;
    mux_connect(CRW);
    set_balance(1);
    grant(1);
    unsigned b = mux_hold(-1), echoes = g_mux.echoes;
    uint64_t t0 = nt_now_ms();
    for (int i = 0; i < CRW; i++)
        start(&g_w[i], 1, 0);
    for (unsigned k = 0; k < CRW; k++) {
        assert_true(mux_wait_for(b + k + 1, 1, 2000)); /* one more request, its sender receiving */
        usleep(50000);                                 /* time for the others to send, could they */
        mux_lock();
        unsigned held = g_mux.nheld;
        mux_unlock();
        assert_int_equal(held, b + k + 1); /* they could not: no credit */
        assert_int_equal(balance(), 0);
        mux_release(b + k); /* grants 1: the next waiter sends */
    }
    for (int i = 0; i < CRW; i++)
        join(&g_w[i]);
    uint64_t elapsed = nt_now_ms() - t0;
    for (int i = 0; i < CRW; i++) {
        assert_int_equal(g_w[i].st, NT_OK);
        assert_int_equal(g_w[i].ok, 1);
        assert_int_equal(g_w[i].wrong, 0);
        assert_true(g_w[i].ms < TIMEOUT_MS / 2);
    }
    print_message("%d calls on one credit in %u ms\n", CRW, (unsigned)elapsed);
    assert_true(elapsed < TIMEOUT_MS / 2); /* woken by the grants, not by a timeout */
    assert_int_equal(g_mux.echoes - echoes, CRW);
    assert_false(smb2_is_dead(g_c));
    assert_int_equal(balance(), 1);
    cr_finish(CRW, true);
}

/* Balance `bal`, every answer granting 1 and held: A's request goes out
 * (A receiving), then B (pipe deadline 200 ms) gives up with
 * NT_ERROR_SEM_TIMEOUT within done_ms.  The first held answer's index. */
static unsigned a_waits_b_gives_up(worker *a, worker *bw, uint32_t bal, unsigned done_ms)
{
    set_balance(bal);
    grant(1);
    unsigned b = mux_hold(-1);
    start(a, 1, 0);
    assert_true(mux_wait_for(b + 1, 1, 2000)); /* A's request held, A receiving */
    start(bw, 1, 200);
    assert_true(wait_done(bw, done_ms));
    join(bw);
    assert_int_equal(bw->st, NT_ERROR_SEM_TIMEOUT);
    return b;
}

/* The grant comes in a late answer: B gave up waiting for it (its pipe
 * deadline passed while A was receiving), so nobody awaits it when it
 * arrives.  Balance 2, every answer grants 1, answers held: A and B take
 * the two credits, B times out, C waits for a credit.  B's late answer is
 * released: A receives it, drops it as stale, but its grant counts
 * (smb2_recv.c grant) and wakes C, whose request reaches the server while
 * A's answer is still held.  Before, a stale answer's grant was lost: C
 * waited until its deadline and the balance never recovered. */
static void late_grant_wakes_waiter(void **state)
{
    (void)state;
    mux_connect(3);
    worker *a = &g_w[0], *bw = &g_w[1], *cw = &g_w[2];
    unsigned b = a_waits_b_gives_up(a, bw, 2, 2000);
    assert_int_equal(balance(), 0);
    start(cw, 1, 0);
    usleep(50000);
    mux_lock();
    unsigned held = g_mux.nheld;
    mux_unlock();
    assert_int_equal(held, b + 2); /* C waits for a credit */
    uint64_t t0 = nt_now_ms();
    mux_release(b + 1);                        /* B's late answer, granting 1 */
    assert_true(mux_wait_for(b + 3, 1, 2000)); /* C sent, A's answer still held */
    uint64_t waited = nt_now_ms() - t0;
    mux_hold(0);
    mux_release(b);
    mux_release(b + 2);
    join(a);
    join(cw);
    assert_int_equal(a->st, NT_OK);
    assert_int_equal(a->ok, 1);
    assert_int_equal(cw->st, NT_OK);
    assert_int_equal(cw->ok, 1);
    print_message("C sent %u ms after the late grant\n", (unsigned)waited);
    assert_true(waited < 50); /* woken by the grant (a missed wake-up costs 100 ms here) */
    assert_int_equal(balance(), 2); /* nothing lost */
    assert_false(smb2_is_dead(g_c));
    cr_finish(3, true);
}

/* Balance 1, taken by A's request (answer held).  B (pipe deadline 200 ms)
 * waits for a credit and gives up at its deadline: NT_ERROR_SEM_TIMEOUT,
 * nothing sent, never in net_recv_all.  The connection lives: A gets its
 * answer (granting 1) and B's next call (no deadline) works. */
static void credit_wait_deadline(void **state)
{
    (void)state;
    mux_connect(2);
    worker *a = &g_w[0], *bw = &g_w[1];
    unsigned b = a_waits_b_gives_up(a, bw, 1, 1500);
    assert_in_range(bw->ms, 150, 1200);
    mux_lock();
    unsigned held = g_mux.nheld, b_recv_timeouts = g_mux.watched_timeouts;
    bool a_done = a->done;
    g_mux.watching = false;
    mux_unlock();
    assert_int_equal(held, b + 1);        /* B sent nothing */
    assert_int_equal(b_recv_timeouts, 0); /* B never received */
    assert_false(a_done);
    assert_false(smb2_is_dead(g_c));
    assert_int_equal(balance(), 0);
    mux_hold(0);
    mux_release(b);
    join(a);
    assert_int_equal(a->st, NT_OK);
    assert_int_equal(a->ok, 1);
    assert_int_equal(balance(), 1);
    smb2_pipe_set_deadline(bw->p, 0);
    assert_int_equal(call_once(bw), NT_OK);
    assert_int_equal(bw->ok, 1);
    assert_int_equal(bw->wrong + a->wrong, 0);
    assert_false(smb2_is_dead(g_c));
    cr_finish(2, true);
}

/* The server granted nothing and the last credit's answer is in: with
 * nothing in flight no grant can come, so the next request is not sent,
 * NT_ERROR_UNEXP_NET_ERR, and the connection is dead (later calls fail at
 * once with NT_ERROR_NETNAME_DELETED, as every call but the one that broke
 * it does). */
static void no_credit_nothing_in_flight(void **state)
{
    (void)state;
    mux_connect(1);
    set_balance(0);
    unsigned echoes = g_mux.echoes;
    assert_int_equal(call_once(&g_w[0]), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(g_mux.echoes, echoes); /* nothing sent */
    assert_true(smb2_is_dead(g_c));
    assert_int_equal(call_once(&g_w[0]), NT_ERROR_NETNAME_DELETED); /* the connection is gone */
    assert_int_equal(g_mux.echoes, echoes);
    cr_finish(1, false);
}

/* Stale answers (MessageIds never sent) granting 100 each arrive while A
 * waits for its own: one with a bad signature and one unsigned are
 * dropped and grant nothing (smb2_recv.c signature_bad: only an authentic
 * answer's credits count), then an authentic one grants its 100.  A gets
 * its answer, the connection lives. */
static void forged_stale_grants_nothing(void **state)
{
    (void)state;
    mux_connect(1);
    set_balance(5);
    unsigned b = mux_hold(1);
    worker *a = &g_w[0];
    start(a, 1, 0);
    assert_true(mux_wait_for(b + 1, 1, 2000)); /* A's request held, A receiving */
    uint64_t id = g_mux.held[b].msg_id;
    smb2_lock(g_c);
    unsigned late = g_c->late = 2; /* two late answers due (white box) */
    smb2_unlock(g_c);
    mux_stray_as(b, id + 1000, 100, STRAY_BAD_SIGNATURE);
    mux_stray_as(b, id + 1001, 100, STRAY_UNSIGNED);
    mux_release(b);
    join(a);
    assert_int_equal(a->st, NT_OK);
    assert_int_equal(a->ok, 1);
    assert_int_equal(balance(), 4); /* A's request took 1, its answer granted 0 */
    assert_false(smb2_is_dead(g_c));
    smb2_lock(g_c);
    assert_int_equal(g_c->late, late); /* not taken for the answers due */
    g_c->late = 0;
    smb2_unlock(g_c);
    b = mux_hold(1);
    start(a, 1, 0);
    assert_true(mux_wait_for(b + 1, 1, 2000));
    mux_stray_as(b, g_mux.held[b].msg_id + 1000, 100, STRAY_SIGNED);
    mux_release(b);
    join(a);
    assert_int_equal(a->st, NT_OK);
    assert_int_equal(balance(), 3 + 100);
    assert_false(smb2_is_dead(g_c));
    cr_finish(1, true);
}

/* 100 late answers are due (white box: as after pipes dropped with their
 * READs pending) and come, authentic, before A's own answer: A gets its
 * answer and the connection lives; the count of answers due is back to 0.
 * Stale answers beyond those due still count against the budget of 64. */
static void late_answers_due_not_counted(void **state)
{
    (void)state;
    enum { DUE = 100 };
    mux_connect(1);
    unsigned b = mux_hold(1);
    worker *a = &g_w[0];
    start(a, 1, 0);
    assert_true(mux_wait_for(b + 1, 1, 2000)); /* A's request held, A receiving */
    smb2_lock(g_c);
    g_c->late = DUE;
    smb2_unlock(g_c);
    uint64_t id = g_mux.held[b].msg_id;
    for (unsigned i = 0; i < DUE; i++)
        mux_stray_as(b, id + 1000 + i, 0, STRAY_SIGNED);
    mux_release(b);
    join(a);
    assert_int_equal(a->st, NT_OK);
    assert_int_equal(a->ok, 1);
    assert_false(smb2_is_dead(g_c));
    smb2_lock(g_c);
    unsigned late = g_c->late;
    smb2_unlock(g_c);
    assert_int_equal(late, 0);
    /* none due now: 65 stale answers before B's own break the connection */
    b = mux_hold(1);
    start(a, 1, 0);
    assert_true(mux_wait_for(b + 1, 1, 2000));
    id = g_mux.held[b].msg_id;
    for (unsigned i = 0; i < 65; i++)
        mux_stray_as(b, id + 1000 + i, 0, STRAY_SIGNED);
    mux_release(b);
    join(a);
    assert_int_equal(a->st, NT_ERROR_UNEXP_NET_ERR);
    assert_true(smb2_is_dead(g_c));
    cr_finish(1, false);
}

/* smb2_pipe_read_ahead(p, 10, 100) at a given balance, every answer
 * granting 1: a READ goes ahead only while the balance is above 4 (so
 * min(10, balance - 4) of them, in one round trip), the call still returns
 * NT_OK, and the 10 messages are all read in order -- the rest by plain
 * READs, one round trip each.  The balance ends where it began. */
static void read_ahead_low_balance(void **state)
{
    (void)state;
    enum { N = 10 };
    static const struct { uint32_t balance; unsigned ahead; } cases[] = {
        {7, 3}, {5, 1}, {4, 0}, {2, 0}, {9, 5}, {20, 10},
    };
    static char msg[N][40];
    mux_connect(1);
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        set_balance(cases[k].balance);
        grant(1);
        mux_lock();
        for (int i = 0; i < N; i++) {
            int len = snprintf(msg[i], sizeof msg[i], "case %u message %d%.*s", k, i, i, "xxxxxxxxxx");
            g_srv.pipe_msg[i] = (const uint8_t *)msg[i], g_srv.pipe_len[i] = (size_t)len;
        }
        g_srv.npipe_msgs = N;
        g_srv.pipe_next = 0;
        g_srv.pipe_off = 0;
        unsigned reads = g_srv.reads;
        mux_unlock();
        uint32_t rt = smb2_round_trips(g_c), rq = smb2_requests(g_c);
        assert_int_equal(smb2_pipe_read_ahead(g_w[0].p, N, 100), NT_OK);
        assert_int_equal(g_srv.reads - reads, cases[k].ahead); /* counted at the server */
        assert_int_equal(smb2_round_trips(g_c) - rt, cases[k].ahead ? 1 : 0);
        assert_int_equal(balance(), cases[k].balance - cases[k].ahead);
        for (int i = 0; i < N; i++) {
            uint8_t buf[100];
            size_t got = 0;
            assert_int_equal(smb2_pipe_read(g_w[0].p, buf, sizeof buf, &got), NT_OK);
            assert_int_equal(got, g_srv.pipe_len[i]);
            assert_memory_equal(buf, msg[i], got);
        }
        assert_int_equal(g_srv.reads - reads, N);
        assert_int_equal(smb2_requests(g_c) - rq, N);
        assert_int_equal(smb2_round_trips(g_c) - rt, (cases[k].ahead ? 1 : 0) + N - cases[k].ahead);
        assert_int_equal(balance(), cases[k].balance);
        assert_false(smb2_pipe_is_dead(g_w[0].p));
    }
    assert_false(smb2_is_dead(g_c));
    cr_finish(1, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(credit_wait_woken_by_grant, setup, teardown),
        cmocka_unit_test_setup_teardown(late_grant_wakes_waiter, setup, teardown),
        cmocka_unit_test_setup_teardown(credit_wait_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(no_credit_nothing_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(read_ahead_low_balance, setup, teardown),
        cmocka_unit_test_setup_teardown(forged_stale_grants_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(late_answers_due_not_counted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
