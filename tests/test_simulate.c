/* test_simulate.c -- the protocol played round by round agrees with the
 * exact engine within 4 standard errors on every example and both models,
 * gives bit-identical output with 1 or 2 threads, and the batched,
 * branch-free kernel gives, bit for bit, what a plain round-by-round loop
 * over the game's own numbers gives. */
#include "helpers.h"
#include "internal.h"
#include "randgame.h"
#include <gsl/gsl_randist.h>
#include <omp.h>

static void agree(const char *file, ow_model model, uint64_t rounds)
{
    ow_error e = { OW_OK, "" };
    char *path = fmt("%s/%s", OW_SOURCE_DIR, file);
    ow_game *g = ow_game_load(path, &e);
    if (!g) fail_msg("%s", e.msg);
    ow_workspace *w = ws_ok(g);
    ow_solution *s = solve_ok(w, model);
    ow_sim_result r;
    if (ow_simulate(w, s, rounds, 42, NULL, NULL, &r, &e)) fail_msg("%s", e.msg);
    struct { const char *name; ow_estimate est; double exact; } c[] = {
        { "nash welfare", r.nash_welfare, s->nash_welfare },
        { "nash payoff A", r.nash_payoff_A, s->nash_payoff_A },
        { "nash payoff B", r.nash_payoff_B, s->nash_payoff_B },
        { "single-offer welfare", r.so_welfare, s->so_welfare },
        { "single-offer payoff A", r.so_payoff_A, s->so_payoff_A },
        { "single-offer payoff B", r.so_payoff_B, s->so_payoff_B },
        { "acceptance", r.so_accept, s->so_accept_prob },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double d = fabs(c[i].est.mean - c[i].exact);
        if (d > 4 * c[i].est.se + 1e-12 * fmax(1, fabs(c[i].exact)))
            fail_msg("%s %s (%s): simulated %.8g +- %.3g, exact %.8g", file, c[i].name,
                     ow_model_name(model), c[i].est.mean, c[i].est.se, c[i].exact);
    }
    ow_solution_free(s);
    ow_workspace_free(w);
    ow_game_free(g);
    free(path);
}

static void simulation_should_agree_with_exact_engine(void **state)
{
    (void)state;
    static const char *files[] = { "examples/example-1.json", "examples/example-2.json",
                                   "examples/restoration.json", "tests/data/good-finite.json" };
    for (size_t i = 0; i < 4; i++)
        for (int m = 0; m < 2; m++) agree(files[i], (ow_model)m, 2000000);
}

static void simulation_should_be_identical_for_any_thread_count(void **state)
{
    (void)state;
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load(OW_SOURCE_DIR "/examples/restoration.json", &e);
    ow_workspace *w = ws_ok(g);
    ow_solution *s = solve_ok(w, OW_MODEL_PAPER);
    ow_sim_result r1, r2;
    omp_set_num_threads(1);
    assert_int_equal(ow_simulate(w, s, 700001, 9, NULL, NULL, &r1, &e), OW_OK);
    omp_set_num_threads(2);
    assert_int_equal(ow_simulate(w, s, 700001, 9, NULL, NULL, &r2, &e), OW_OK);
    assert_memory_equal(&r1, &r2, sizeof r1);
    ow_sim_result r3;
    assert_int_equal(ow_simulate(w, s, 700001, 10, NULL, NULL, &r3, &e), OW_OK);
    assert_true(r3.so_welfare.mean != r1.so_welfare.mean);     /* the seed matters */
    ow_solution_free(s);
    ow_workspace_free(w);
    ow_game_free(g);
}

static void simulation_in_parts_should_equal_one_run(void **state)
{
    (void)state;
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load(OW_SOURCE_DIR "/tests/data/good-finite.json", &e);
    ow_workspace *w = ws_ok(g);
    ow_solution *s = solve_ok(w, OW_MODEL_BAYES);
    uint64_t rounds = 1000003, nb = ow_sim_num_blocks(rounds);
    ow_sim_block *b = calloc(nb, sizeof *b);
    /* three uneven parts, computed out of order */
    uint64_t cut1 = 3, cut2 = nb - 2;
    assert_int_equal(ow_simulate_blocks(w, s, rounds, 5, cut2, nb - cut2, b + cut2, NULL, NULL, &e), OW_OK);
    assert_int_equal(ow_simulate_blocks(w, s, rounds, 5, 0, cut1, b, NULL, NULL, &e), OW_OK);
    assert_int_equal(ow_simulate_blocks(w, s, rounds, 5, cut1, cut2 - cut1, b + cut1, NULL, NULL, &e), OW_OK);
    ow_sim_result r1, r2;
    ow_sim_combine(b, nb, rounds, 5, &r1);
    assert_int_equal(ow_simulate(w, s, rounds, 5, NULL, NULL, &r2, &e), OW_OK);
    assert_memory_equal(&r1, &r2, sizeof r1);
    free(b);
    ow_solution_free(s);
    ow_workspace_free(w);
    ow_game_free(g);
}

static void discrete_draw_should_equal_gsl_ran_discrete(void **state)
{
    (void)state;
    gsl_rng *gen_r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *r1 = gsl_rng_alloc(gsl_rng_taus2), *r2 = gsl_rng_alloc(gsl_rng_taus2);
    double p[300];
    for (int t = 0; t < 200; t++) {
        size_t K = 1 + gsl_rng_uniform_int(gen_r, t < 100 ? 12 : 300);
        for (size_t k = 0; k < K; k++)   /* equal, tied, zero and lopsided weights */
            p[k] = t % 4 == 0 ? 1 : t % 4 == 1 ? (double)gsl_rng_uniform_int(gen_r, 4)
                 : t % 4 == 2 ? gsl_rng_uniform(gen_r) : (k == 0 ? 1e6 : 1);
        if (t % 4 == 1) p[K - 1] += 1;   /* not all zero */
        gsl_ran_discrete_t *d = gsl_ran_discrete_preproc(K, p);
        assert_non_null(d);
        gsl_rng_set(r1, 1000 + (unsigned long)t);
        gsl_rng_set(r2, 1000 + (unsigned long)t);
        for (int i = 0; i < 20000; i++) {
            size_t a = gsl_ran_discrete(r1, d), b = ow__discrete_draw(r2, d);
            if (a != b) fail_msg("table %d (K = %zu), draw %d: GSL %zu, ours %zu", t, K, i, a, b);
        }
        gsl_ran_discrete_free(d);
    }
    gsl_rng_free(r1);
    gsl_rng_free(r2);
    gsl_rng_free(gen_r);
}

/* a generator that replays a list of 32-bit words, to put uniforms exactly
 * on a table's thresholds */
typedef struct replay { const uint32_t *x; size_t n, at; } replay;
static void replay_set(void *st, unsigned long seed) { (void)seed; ((replay *)st)->at = 0; }
static unsigned long replay_get(void *st) { replay *p = st; return p->x[p->at++ % p->n]; }
static double replay_get_double(void *st) { return (double)replay_get(st) / 4294967296.0; }
static const gsl_rng_type replay_type = { "replay", 0xffffffffUL, 0, sizeof(replay),
                                          replay_set, replay_get, replay_get_double };

static void discrete_draw_should_equal_gsl_on_thresholds(void **state)
{
    (void)state;
    /* weights whose table entries are multiples of 1/2^k: every uniform on,
     * just below and just above each threshold */
    static const double w[][6] = { { 1, 3 }, { 1, 1, 2, 4 }, { 3, 1, 0, 4 }, { 5, 1, 1, 1, 0, 0 }, { 1, 7 } };
    static const size_t K[] = { 2, 4, 4, 6, 2 };
    gsl_rng *r = gsl_rng_alloc(&replay_type);
    for (size_t t = 0; t < sizeof K / sizeof K[0]; t++) {
        gsl_ran_discrete_t *d = gsl_ran_discrete_preproc(K[t], w[t]);
        uint32_t x[3 * 6 + 3 * 6];
        size_t nx = 0;
        for (size_t c = 0; c < K[t]; c++) {
            double f = d->F[c] * 4294967296.0, e = (double)c / (double)K[t] * 4294967296.0;
            if (f < 4294967296.0) { x[nx++] = (uint32_t)f; x[nx++] = (uint32_t)f - 1; x[nx++] = (uint32_t)f + 1; }
            x[nx++] = (uint32_t)e; if (e > 0) x[nx++] = (uint32_t)e - 1; x[nx++] = (uint32_t)e + 1;
        }
        replay *st = r->state;
        st->x = x; st->n = nx; st->at = 0;
        int hits = 0;
        for (size_t i = 0; i < nx; i++) {
            double u = (double)x[i] / 4294967296.0;
            size_t c = (size_t)(u * (double)K[t]);
            hits += c < K[t] && u == d->F[c];
            st->at = i;
            size_t a = gsl_ran_discrete(r, d);
            st->at = i;
            size_t b = ow__discrete_draw(r, d);
            if (a != b) fail_msg("weights %zu, word %u: GSL %zu, ours %zu", t, x[i], a, b);
        }
        assert_true(hits > 0);   /* some uniform fell exactly on a threshold */
        gsl_ran_discrete_free(d);
    }
    gsl_rng_free(r);
}

/* uniform integer in [0, n) from 32-bit draws (Lemire's method) */
static uint32_t plain_below(gsl_rng *r, uint32_t n)
{
    uint64_t x = (uint64_t)gsl_rng_get(r) * n;
    while ((uint32_t)x < (uint32_t)(-n) % n) x = (uint64_t)gsl_rng_get(r) * n;
    return (uint32_t)(x >> 32);
}

/* block b of a finite game played one round at a time, straight from the
 * game's payoffs (b), as the protocol reads: A takes the offer iff giving
 * up her best payoff costs her at most the payment */
static void plain_block(const bg *b, const ow_game *g, const ow_solution *s, uint64_t rounds,
                        uint64_t seed, uint64_t blk, ow_sim_block *out)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_ran_discrete_t *pickB = gsl_ran_discrete_preproc(g->T, g->pi);
    gsl_ran_discrete_t *pickA = g->equal_weights ? NULL : gsl_ran_discrete_preproc(g->n, g->wt);
    gsl_rng_set(r, (unsigned long)ow__mix64(seed ^ ow__mix64(blk)));
    const double ref[7] = { s->nash_welfare, s->nash_payoff_A, s->nash_payoff_B,
                            s->so_welfare, s->so_payoff_A, s->so_payoff_B, s->so_accept_prob };
    double s1[7] = { 0 }, s2[7] = { 0 };
    uint64_t lo = blk * OW_SIM_BLOCK_ROUNDS, hi = lo + OW_SIM_BLOCK_ROUNDS < rounds ? lo + OW_SIM_BLOCK_ROUNDS : rounds;
    for (uint64_t t = lo; t < hi; t++) {
        size_t j = b->T == 1 ? 0 : gsl_ran_discrete(r, pickB);
        size_t i = pickA ? gsl_ran_discrete(r, pickA) : plain_below(r, (uint32_t)b->n);
        int sn = 0;
        for (int a = 1; a < b->m; a++) if (b->u[i][a] > b->u[i][sn]) sn = a;
        const ow_offer *o = &s->offers[j];
        double M = b->u[i][sn], delta = M - b->u[i][o->action], bestB = b->ub[j][o->action][0];
        for (int c = 1; c < b->k; c++) bestB = fmax(bestB, b->ub[j][o->action][c]);
        double x[7];
        x[1] = M;
        x[2] = b->ub[j][sn][s->nash_B[j]];
        x[0] = x[1] + x[2];
        if (delta <= o->payment) { x[4] = M + (o->payment - delta); x[5] = bestB - o->payment; x[6] = 1; }
        else { x[4] = M; x[5] = b->ub[j][sn][o->outside]; x[6] = 0; }
        x[3] = x[4] + x[5];
        for (int q = 0; q < 7; q++) { double d = x[q] - ref[q]; s1[q] += d; s2[q] += d * d; }
    }
    double nn = (double)(hi - lo);
    out->n = nn;
    for (int q = 0; q < 7; q++) { out->mean[q] = ref[q] + s1[q] / nn; out->m2[q] = fmax(s2[q] - s1[q] * s1[q] / nn, 0); }
    if (pickA) gsl_ran_discrete_free(pickA);
    gsl_ran_discrete_free(pickB);
    gsl_rng_free(r);
}

static void finite_kernel_should_equal_round_by_round_play(void **state)
{
    (void)state;
    gsl_rng *gen_r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(gen_r, 777);
    /* two blocks, the second partial and not a whole number of batches */
    const uint64_t rounds = OW_SIM_BLOCK_ROUNDS + 4001, nb = ow_sim_num_blocks(rounds);
    ow_sim_block got[2], want;
    for (int t = 0; t < 60; t++) {
        bg b;
        int discrete = t % 2;
        gen(gen_r, &b, discrete);
        if (t >= 30)   /* payoffs no longer exact in binary: the rounding of each figure counts */
            for (int i = 0; i < b.n; i++) for (int a = 0; a < b.m; a++) b.u[i][a] *= 1.1;
        char *json = to_json(&b, discrete);
        ow_game *g = load_ok(json);
        ow_workspace *w = ws_ok(g);
        ow_solution *s = solve_ok(w, (ow_model)(t / 2 % 2));
        ow_error e = { OW_OK, "" };
        assert_int_equal(nb, 2);
        assert_int_equal(ow_simulate_blocks(w, s, rounds, 31 + (uint64_t)t, 0, nb, got, NULL, NULL, &e), OW_OK);
        for (uint64_t k = 0; k < nb; k++) {
            plain_block(&b, g, s, rounds, 31 + (uint64_t)t, k, &want);
            if (memcmp(&want, &got[k], sizeof want))
                fail_msg("game %d (%s A types, T = %d, n = %d), block %d: acceptance %.17g against %.17g, "
                         "B's payoff %.17g against %.17g", t, discrete ? "weighted" : "equal", b.T, b.n, (int)k,
                         got[k].mean[6], want.mean[6], got[k].mean[5], want.mean[5]);
        }
        ow_solution_free(s);
        ow_workspace_free(w);
        ow_game_free(g);
        free(json);
    }
    gsl_rng_free(gen_r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(simulation_should_agree_with_exact_engine),
        cmocka_unit_test(simulation_should_be_identical_for_any_thread_count),
        cmocka_unit_test(simulation_in_parts_should_equal_one_run),
        cmocka_unit_test(discrete_draw_should_equal_gsl_ran_discrete),
        cmocka_unit_test(discrete_draw_should_equal_gsl_on_thresholds),
        cmocka_unit_test(finite_kernel_should_equal_round_by_round_play),
    };
    return cmocka_run_group_tests_name("simulate", tests, NULL, NULL);
}
