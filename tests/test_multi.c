/* test_multi.c -- multi-offer schedules against independent derivations:
 * a type-by-type brute force that asks ow_schedule_accepts (the plain
 * backward recursion) at every step, the paper's conditions (3)-(4)
 * written out, a Monte Carlo run of the protocol with a strategic A, a
 * hand-computed example, and Theorem 10 on random games. */
#include "helpers.h"
#include "oneway_mech.h"
#include "randgame.h"

static double tolr(double x) { return 1e-9 * fmax(1, fabs(x)); }

/* brute force: every A type walks the schedule */
static void brute(const bg *b, const ow_workspace *w, size_t j, const ow_schedule *s, ow_model model,
                  int cond4, double *acc, double *pA, double *pB)
{
    int a = (int)s->action, n = (int)s->n;
    double wa = -INFINITY;
    for (int c = 0; c < b->k; c++) wa = fmax(wa, b->ub[j][a][c]);
    size_t bO;
    double uO;
    ow_outside_option(w, j, (size_t)a, &bO, &uO);
    double dB = wa - uO, c[OW_MAX_OFFERS];
    for (int i = 0; i < n; i++) { c[i] = s->gamma[i] * fmax(dB, 0); acc[i] = 0; }
    double A = 0, Bacc = 0, Brej[MAXK] = { 0 };
    for (int r = 0; r < b->n; r++) {
        int sN = 0;
        for (int x = 1; x < b->m; x++) if (b->u[r][x] > b->u[r][sN]) sN = x;
        double M = b->u[r][sN], d = M - b->u[r][a], reach = 1, took = 0;
        for (int i = 0; i < n; i++) {
            if (i) reach *= s->prob[i];
            int yes;
            if (cond4) yes = d <= c[i] && (i == n - 1 || c[i] - d >= s->prob[i + 1] * (c[i + 1] - d));
            else yes = ow_schedule_accepts(d, c, s->prob, (size_t)n, (size_t)i);
            if (yes) {
                acc[i] += b->p[r] * reach;
                A += b->p[r] * reach * (c[i] - d);
                Bacc += b->p[r] * reach * (wa - c[i]);
                took = reach;
                break;
            }
        }
        A += b->p[r] * M;
        for (int o = 0; o < b->k; o++) Brej[o] += b->p[r] * (1 - took) * b->ub[j][sN][o];
    }
    size_t bb = bO;
    if (model == OW_MODEL_BAYES) { bb = 0; for (int o = 1; o < b->k; o++) if (Brej[o] > Brej[bb] + 1e-12) bb = (size_t)o; }
    *pA = A;
    *pB = Bacc + Brej[bb];
}

static void schedule_eval_should_match_brute_force_on_random_games(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 77);
    int checked = 0;
    for (int it = 0; it < 400; it++) {
        bg b;
        gen(rng, &b, it % 2);
        char *js = to_json(&b, it % 2);
        ow_game *g = load_ok(js);
        ow_workspace *w = ws_ok(g);
        for (size_t j = 0; j < (size_t)b.T; j++) {
            ow_schedule s;
            memset(&s, 0, sizeof s);
            s.action = gsl_rng_uniform_int(rng, (unsigned long)b.m);
            s.n = 1 + gsl_rng_uniform_int(rng, 4);
            for (size_t i = 0; i < s.n; i++) {
                /* many ties: gammas on a coarse grid, some repeated */
                s.gamma[i] = (double)gsl_rng_uniform_int(rng, 9) / 8.0;
                s.prob[i] = i ? (double)gsl_rng_uniform_int(rng, 5) / 4.0 : 1.0;
            }
            for (int model = 0; model < 2; model++)
                for (int rule = 0; rule < 2; rule++) {
                    ow_schedule_value v;
                    ow_error e;
                    if (ow_schedule_eval(w, j, &s, (ow_model)model, (ow_a_rule)rule, &v, &e)) fail_msg("%s", e.msg);
                    double acc[OW_MAX_OFFERS], pA, pB;
                    brute(&b, w, j, &s, (ow_model)model, rule, acc, &pA, &pB);
                    for (size_t i = 0; i < s.n; i++) assert_close(v.accept_by_step[i], acc[i], 1e-12);
                    assert_close(v.payoff_A, pA, 1e-12);
                    assert_close(v.payoff_B, pB, 1e-12);
                    checked++;
                }
        }
        ow_workspace_free(w);
        ow_game_free(g);
        free(js);
    }
    assert_true(checked > 1000);
    gsl_rng_free(rng);
}

/* Example 1, x = 150: Delta_A(s1) = 100 - u ~ U[0,100], Delta_B = 150;
 * offers 45, 90, 135 with p = 1, 1/2, 1/2: step 2 takes delta in (0, 45]
 * (reached with 1/2), step 3 delta in (45, 100] (reached with 1/4). */
static void schedule_eval_should_match_the_hand_computed_example(void **state)
{
    (void)state;
    ow_game *g = load_file_ok(EXAMPLE1_FILE);
    ow_workspace *w = ws_ok(g);
    ow_schedule s = { .action = 0, .n = 3, .gamma = { 0.3, 0.6, 0.9 }, .prob = { 1, 0.5, 0.5 } };
    ow_schedule_value v;
    ow_error e;
    assert_int_equal(ow_schedule_eval(w, 0, &s, OW_MODEL_PAPER, OW_RULE_BACKWARD, &v, &e), OW_OK);
    assert_close(v.accept_by_step[0], 0, 1e-12);
    assert_close(v.accept_by_step[1], 0.5 * 0.45, 1e-10);
    assert_close(v.accept_by_step[2], 0.25 * 0.55, 1e-10);
    /* A: 100 + 1/2 int_0^45 (90 - d) dd/100 + 1/4 int_45^100 (135 - d) dd/100 */
    double pA = 100 + 0.5 * (90 * 45 - 45 * 45 / 2.0) / 100 + 0.25 * (135 * 55 - (100 * 100 - 45 * 45) / 2.0) / 100;
    assert_close(v.payoff_A, pA, 1e-10);
    assert_close(v.payoff_B, 0.225 * (150 - 90) + 0.1375 * (150 - 135), 1e-10);
    ow_workspace_free(w);
    ow_game_free(g);
}

/* The protocol played: sampled types, the broker's coins, A deciding at
 * each step by backward induction. */
static void schedule_eval_should_match_a_monte_carlo_of_the_protocol(void **state)
{
    (void)state;
    ow_game *g = load_file_ok(EXAMPLE1_FILE);
    ow_workspace *w = ws_ok(g);
    ow_schedule s = { .action = 0, .n = 4, .gamma = { 0.2, 0.5, 0.4, 0.8 }, .prob = { 1, 0.7, 0.9, 0.4 } };
    ow_schedule_value v;
    ow_error e;
    assert_int_equal(ow_schedule_eval(w, 0, &s, OW_MODEL_PAPER, OW_RULE_BACKWARD, &v, &e), OW_OK);
    double c[4];
    for (int i = 0; i < 4; i++) c[i] = s.gamma[i] * 150;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    size_t N = 400000;
    double sa = 0, sa2 = 0, sb = 0, sb2 = 0;
    for (size_t t = 0; t < N; t++) {
        double u = 100 * gsl_rng_uniform(r), d = 100 - u, A = 100, B = 0;
        for (size_t i = 0; i < 4; i++) {
            if (i && gsl_rng_uniform(r) >= s.prob[i]) break;        /* the broker's coin */
            if (ow_schedule_accepts(d, c, s.prob, 4, i)) { A = u + c[i]; B = 150 - c[i]; break; }
        }
        sa += A; sa2 += A * A; sb += B; sb2 += B * B;
    }
    double ma = sa / N, mb = sb / N;
    double sea = sqrt((sa2 / N - ma * ma) / N), seb = sqrt((sb2 / N - mb * mb) / N);
    if (fabs(ma - v.payoff_A) > 4 * sea) fail_msg("A: MC %g +- %g, exact %g", ma, sea, v.payoff_A);
    if (fabs(mb - v.payoff_B) > 4 * seb) fail_msg("B: MC %g +- %g, exact %g", mb, seb, v.payoff_B);
    gsl_rng_free(r);
    ow_workspace_free(w);
    ow_game_free(g);
}

static void one_offer_schedule_should_equal_the_single_offer(void **state)
{
    (void)state;
    ow_game *g = load_file_ok(EXAMPLE1_FILE);
    ow_workspace *w = ws_ok(g);
    ow_schedule s = { .action = 0, .n = 1, .gamma = { 0.37 }, .prob = { 1 } };
    ow_schedule_value v;
    ow_offer o;
    ow_error e;
    assert_int_equal(ow_schedule_eval(w, 0, &s, OW_MODEL_PAPER, OW_RULE_BACKWARD, &v, &e), OW_OK);
    assert_int_equal(ow_offer_eval(w, 0, 0, 0.37 * 150, 0, &o, &e), OW_OK);
    assert_close(v.accept_prob, o.accept_prob, 1e-12);
    assert_close(v.payoff_A, o.payoff_A, 1e-12);
    assert_close(v.payoff_B, o.payoff_B, 1e-12);
    ow_workspace_free(w);
    ow_game_free(g);
}

/* Theorem 10, seen rather than assumed: the search never beats the single
 * offer (paper model: its objective; bayes model: B's true payoff). */
static void theorem10_no_schedule_should_beat_the_single_offer(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 1010);
    int searched = 0;
    for (int it = 0; it < 25; it++) {
        bg b;
        gen(rng, &b, 1);
        for (int i = 0; i < b.n; i++) for (int a = 0; a < b.m; a++) b.u[i][a] += gsl_rng_uniform(rng);  /* fewer ties */
        char *js = to_json(&b, 1);
        ow_game *g = load_ok(js);
        ow_workspace *w = ws_ok(g);
        for (size_t j = 0; j < (size_t)b.T; j++)
            for (int model = 0; model < 2; model++) {
                ow_multi_options o;
                ow_multi_options_default(&o);
                o.model = (ow_model)model;
                o.offers = 2 + (size_t)(it % 2);
                o.restarts = 8;
                ow_schedule s;
                ow_schedule_value v;
                ow_offer so;
                ow_error e;
                if (ow_multi_optimise(w, j, &o, &s, &v, &e)) fail_msg("%s", e.msg);
                assert_int_equal(ow_offer_solve(w, j, (ow_model)model, &so, &e), OW_OK);
                double ref = model ? so.payoff_B : so.outside_value + so.accept_prob * (so.delta_B - so.payment);
                if (v.objective > ref + tolr(ref)) fail_msg("game %d type %zu model %d: schedule %.17g beats the single offer %.17g (action %zu gammas %.17g %.17g %.17g probs %.17g %.17g %.17g; single a %zu c %.17g)\n%s", it, j, model, v.objective, ref, s.action, s.gamma[0], s.gamma[1], s.gamma[2], s.prob[0], s.prob[1], s.prob[2], so.action, so.payment, js);
                /* and the search finds the single offer's value (paper model) */
                if (model == 0 && v.objective < ref - 1e-6 * fmax(1, fabs(ref)))
                    fail_msg("game %d type %zu: search found %.17g, single offer %.17g", it, j, v.objective, ref);
                searched++;
            }
        ow_workspace_free(w);
        ow_game_free(g);
        free(js);
    }
    assert_true(searched >= 50);
    gsl_rng_free(rng);
}

static void schedule_check_should_refuse_bad_schedules(void **state)
{
    (void)state;
    ow_game *g = load_file_ok(EXAMPLE1_FILE);
    ow_error e;
    ow_schedule s = { .action = 0, .n = 2, .gamma = { 0.3, 0.5 }, .prob = { 0.9, 0.5 } };
    assert_int_equal(ow_schedule_check(g, &s, &e), OW_EINPUT);
    assert_non_null(strstr(e.msg, "p_1"));
    s.prob[0] = 1; s.gamma[1] = 1.5;
    assert_int_equal(ow_schedule_check(g, &s, &e), OW_EINPUT);
    assert_non_null(strstr(e.msg, "gamma_2"));
    s.gamma[1] = 0.5; s.prob[1] = -0.1;
    assert_int_equal(ow_schedule_check(g, &s, &e), OW_EINPUT);
    s.prob[1] = 0.5; s.n = 0;
    assert_int_equal(ow_schedule_check(g, &s, &e), OW_EINPUT);
    s.n = 2; s.action = 7;
    assert_int_equal(ow_schedule_check(g, &s, &e), OW_EINPUT);
    s.action = 1; s.gamma[0] = NAN;
    assert_int_equal(ow_schedule_check(g, &s, &e), OW_EINPUT);
    s.gamma[0] = 0.3;
    assert_int_equal(ow_schedule_check(g, &s, &e), OW_OK);
    ow_game_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schedule_eval_should_match_brute_force_on_random_games),
        cmocka_unit_test(schedule_eval_should_match_the_hand_computed_example),
        cmocka_unit_test(schedule_eval_should_match_a_monte_carlo_of_the_protocol),
        cmocka_unit_test(one_offer_schedule_should_equal_the_single_offer),
        cmocka_unit_test(theorem10_no_schedule_should_beat_the_single_offer),
        cmocka_unit_test(schedule_check_should_refuse_bad_schedules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
