/* test_secondbest.c -- the second-best and least-subsidy programs against
 * hand-solved cases, closed forms, Myerson and Satterthwaite's values (by
 * Richardson extrapolation of the K-point discretisation), and a re-check
 * of every returned mechanism written here from the definitions. */
#include "helpers.h"
#include "oneway_mech.h"
#include "randgame.h"

/* bilateral trade (Theorem 1's reduction) with K midpoint values each */
static char *bilateral(int K)
{
    char *s = malloc(200 + (size_t)K * 160), *q = s;
    q += sprintf(q, "{\"oneway\":1,\"A\":{\"actions\":[\"keep\",\"sell\"],\"types\":{\"discrete\":[");
    for (int k = 0; k < K; k++) q += sprintf(q, "%s{\"prob\":%.17g,\"payoff\":[%.17g,0]}", k ? "," : "", 1.0 / K, (k + 0.5) / K);
    q += sprintf(q, "]}},\"B\":{\"actions\":[\"use\"],\"types\":[");
    for (int k = 0; k < K; k++) q += sprintf(q, "%s{\"name\":\"v%d\",\"prob\":%.17g,\"payoff\":[[0],[%.17g]]}", k ? "," : "", k, 1.0 / K, (k + 0.5) / K);
    sprintf(q, "]}}");
    return s;
}

static ow_secondbest *solve_sb(const ow_game *g, ow_atable **tp)
{
    ow_error e;
    ow_atable *t = ow_atable_alloc(g, 16, &e);
    if (!t) fail_msg("%s", e.msg);
    ow_secondbest_options o = { NULL, NULL, 0, 0 };
    ow_secondbest *sb = ow_secondbest_solve(g, t, &o, &e);
    if (!sb) fail_msg("%s", e.msg);
    *tp = t;
    return sb;
}

/* K = 2, values 1/4 and 3/4: trade at price 1/2 when the seller is low and
 * the buyer high is efficient, budget balanced, IC and IR, so the second
 * best is the first best (gains 1/8); the least subsidy, solved by hand
 * from the four IR and four IC constraints, is -1/8. */
static void bilateral_trade_with_two_values_should_match_the_hand_solution(void **state)
{
    (void)state;
    char *js = bilateral(2);
    ow_game *g = load_ok(js);
    ow_atable *t;
    ow_secondbest *sb = solve_sb(g, &t);
    assert_close(sb->fb_welfare - 0.5, 0.125, 1e-12);
    assert_close(sb->sb_welfare - 0.5, 0.125, 1e-9);
    assert_close(sb->subsidy, -0.125, 1e-9);
    assert_true(sb->exact_checked);
    assert_close(sb->exact_subsidy, -0.125, 1e-15);
    ow_secondbest_free(sb); ow_atable_free(t); ow_game_free(g); free(js);
}

/* First best gains on K midpoints: sum_{k<l} (l-k)/K^3 = (1 - 1/K^2)/6.
 * Myerson-Satterthwaite: second-best gains 9/64, least subsidy 1/6; the
 * discretisation errs by a/K + b/K^2 + ..., so the Richardson value
 * (8 f(4K) - 6 f(2K) + f(K)) / 3 must be close. */
static void bilateral_trade_should_converge_to_myerson_satterthwaite(void **state)
{
    (void)state;
    double sb[3], ls[3];
    int Ks[3] = { 8, 16, 32 };
    for (int r = 0; r < 3; r++) {
        char *js = bilateral(Ks[r]);
        ow_game *g = load_ok(js);
        ow_atable *t;
        ow_secondbest *s = solve_sb(g, &t);
        double K = Ks[r];
        assert_close(s->fb_welfare - 0.5, (1 - 1 / (K * K)) / 6, 1e-12);
        assert_true(s->sb_welfare < s->fb_welfare - 1e-3);          /* Theorem 1: not efficient */
        assert_true(s->subsidy > 0.05);                               /* efficiency costs money */
        sb[r] = s->sb_welfare - 0.5;
        ls[r] = s->subsidy;
        ow_secondbest_free(s); ow_atable_free(t); ow_game_free(g); free(js);
    }
    double sbx = (8 * sb[2] - 6 * sb[1] + sb[0]) / 3, lsx = (8 * ls[2] - 6 * ls[1] + ls[0]) / 3;
    if (fabs(sbx - 9.0 / 64) > 5e-4) fail_msg("second best %g, %g, %g -> %g, expected 9/64", sb[0], sb[1], sb[2], sbx);
    if (fabs(lsx - 1.0 / 6) > 5e-4) fail_msg("least subsidy %g, %g, %g -> %g, expected 1/6", ls[0], ls[1], ls[2], lsx);
    /* and the raw values approach from the right side */
    assert_true(sb[0] > sb[1] && sb[1] > sb[2] && sb[2] > 9.0 / 64);
    assert_true(ls[0] < ls[1] && ls[1] < ls[2] && ls[2] < 1.0 / 6);
}

/* With one B type, Groves payments t(i) = w(a*(i)) - h implement the
 * efficient allocation; IR holds iff N_B <= h <= min_i (OPT_i - M_i).  So
 * when min_i (OPT_i - M_i) >= N_B the second best is the first best. */
static void one_b_type_should_reach_the_first_best_when_groves_payments_fit(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 9);
    int hits = 0;
    for (int it = 0; it < 200 && hits < 20; it++) {
        bg b;
        gen(rng, &b, 1);
        b.T = 1; b.pi[0] = 1;
        /* condition: min_i (max_a (u_ia + w_a) - max_a u_ia) >= B's Nash payoff */
        double w[MAXM], q[MAXM] = { 0 }, slack = INFINITY;
        for (int a = 0; a < b.m; a++) { w[a] = -INFINITY; for (int c = 0; c < b.k; c++) w[a] = fmax(w[a], b.ub[0][a][c]); }
        for (int i = 0; i < b.n; i++) {
            int s = 0;
            double opt = -INFINITY;
            for (int a = 0; a < b.m; a++) { if (b.u[i][a] > b.u[i][s]) s = a; opt = fmax(opt, b.u[i][a] + w[a]); }
            q[s] += b.p[i];
            slack = fmin(slack, opt - b.u[i][s]);
        }
        double NB = -INFINITY;
        for (int c = 0; c < b.k; c++) { double v = 0; for (int a = 0; a < b.m; a++) v += q[a] * b.ub[0][a][c]; NB = fmax(NB, v); }
        if (slack < NB + 1e-9) continue;
        char *js = to_json(&b, 1);
        ow_game *g = load_ok(js);
        ow_atable *t;
        ow_secondbest *sb = solve_sb(g, &t);
        assert_close(sb->sb_welfare, sb->fb_welfare, 1e-9);
        hits++;
        ow_secondbest_free(sb); ow_atable_free(t); ow_game_free(g); free(js);
    }
    assert_true(hits >= 10);
    gsl_rng_free(rng);
}

/* Every constraint re-checked on the returned (x, t), from the definitions:
 * ex post payments, interim payoffs of truth and of every lie. */
static void returned_mechanisms_should_pass_an_independent_recheck(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 31);
    for (int it = 0; it < 60; it++) {
        bg b;
        gen(rng, &b, it % 2);
        char *js = to_json(&b, it % 2);
        ow_game *g = load_ok(js);
        ow_atable *t;
        ow_secondbest *sb = solve_sb(g, &t);
        int n = b.n, T = b.T, m = b.m;
        double al[MAXN], u[MAXN][MAXM], w[MAXT][MAXM], q[MAXM] = { 0 }, NB[MAXT], MA[MAXN];
        for (int i = 0; i < n; i++) {
            al[i] = ow_atable_prob(t, (size_t)i);
            int s = 0;
            for (int a = 0; a < m; a++) { u[i][a] = ow_atable_payoff(t, (size_t)i, (size_t)a); if (u[i][a] > u[i][s]) s = a; }
            q[s] += al[i];
            MA[i] = u[i][s];
        }
        for (int j = 0; j < T; j++) {
            for (int a = 0; a < m; a++) { w[j][a] = -INFINITY; for (int c = 0; c < b.k; c++) w[j][a] = fmax(w[j][a], b.ub[j][a][c]); }
            NB[j] = -INFINITY;
            for (int c = 0; c < b.k; c++) { double v = 0; for (int a = 0; a < m; a++) v += q[a] * b.ub[j][a][c]; NB[j] = fmax(NB[j], v); }
        }
        double tol = 1e-7 * 12, W = 0;
        /* payments go from B to A (spec section 3) */
        for (int c = 0; c < n * T; c++) if (sb->t[c] < 0) fail_msg("payment %d is negative: %g", c, sb->t[c]);
        /* lotteries */
        for (int c = 0; c < n * T; c++) {
            double s = 0;
            for (int a = 0; a < m; a++) { double x = sb->x[c * m + a]; assert_true(x >= -tol && x <= 1 + tol); s += x; }
            assert_close(s, 1, 1e-9);
        }
        /* A: truth vs every lie, IR */
        for (int i = 0; i < n; i++) {
            double truth = 0;
            for (int j = 0; j < T; j++) {
                double v = sb->t[i * T + j];
                for (int a = 0; a < m; a++) v += sb->x[(i * T + j) * m + a] * u[i][a];
                truth += b.pi[j] * v;
            }
            assert_true(truth >= MA[i] - tol);
            W += al[i] * truth;
            for (int r = 0; r < n; r++) {
                double lie = 0;
                for (int j = 0; j < T; j++) {
                    double v = sb->t[r * T + j];
                    for (int a = 0; a < m; a++) v += sb->x[(r * T + j) * m + a] * u[i][a];
                    lie += b.pi[j] * v;
                }
                if (lie > truth + tol) fail_msg("A type %d gains %g by reporting %d", i, lie - truth, r);
            }
        }
        /* B: truth vs every lie, IR (B pays t) */
        double WB = 0;
        for (int j = 0; j < T; j++) {
            double truth = 0;
            for (int i = 0; i < n; i++) {
                double v = -sb->t[i * T + j];
                for (int a = 0; a < m; a++) v += sb->x[(i * T + j) * m + a] * w[j][a];
                truth += al[i] * v;
            }
            assert_true(truth >= NB[j] - tol);
            WB += b.pi[j] * truth;
            for (int r = 0; r < T; r++) {
                double lie = 0;
                for (int i = 0; i < n; i++) {
                    double v = -sb->t[i * T + r];
                    for (int a = 0; a < m; a++) v += sb->x[(i * T + r) * m + a] * w[j][a];
                    lie += al[i] * v;
                }
                if (lie > truth + tol) fail_msg("B type %d gains %g by reporting %d", j, lie - truth, r);
            }
        }
        assert_close(W + WB, sb->sb_welfare, 1e-9);
        assert_true(sb->sb_welfare >= sb->nash_welfare - 1e-9);
        assert_true(sb->sb_welfare <= sb->fb_welfare + 1e-9);
        assert_true(sb->sb_violation <= 1e-7);
        assert_true(sb->ls_violation <= 1e-7);
        if (sb->exact_checked) {
            assert_close(sb->exact_sb_welfare, sb->sb_welfare, 1e-9);
            assert_close(sb->exact_subsidy, sb->subsidy, 1e-9);
        }
        ow_secondbest_free(sb); ow_atable_free(t); ow_game_free(g); free(js);
    }
    gsl_rng_free(rng);
}

/* a game whose A types come from tests/data/good.csv (two actions) */
static char *csv_game(void)
{
    return fmt("%s", "{\"oneway\":1,\"A\":{\"actions\":[\"s1\",\"s2\"],\"types\":{\"samples\":{\"csv\":\"good.csv\"}}},"
               "\"B\":{\"actions\":[\"b\"],\"payoff\":[[1],[2]]}}");
}

/* Payments of any sign can only help; with one B type and the spec's
 * non-negative payments the two programs agree on the bilateral trade. */
static void signed_payments_should_never_do_worse(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 57);
    for (int it = 0; it < 40; it++) {
        bg b;
        gen(rng, &b, 1);
        char *js = to_json(&b, 1);
        ow_game *g = load_ok(js);
        ow_error e;
        ow_atable *t = ow_atable_alloc(g, 16, &e);
        ow_secondbest_options o = { NULL, NULL, 0, 0 };
        ow_secondbest *nn = ow_secondbest_solve(g, t, &o, &e);
        o.signed_payments = 1;
        ow_secondbest *sg = ow_secondbest_solve(g, t, &o, &e);
        assert_non_null(nn); assert_non_null(sg);
        assert_true(sg->sb_welfare >= nn->sb_welfare - 1e-9 * fmax(1, fabs(nn->sb_welfare)));
        assert_true(sg->subsidy <= nn->subsidy + 1e-9 * fmax(1, fabs(nn->subsidy)));
        assert_true(sg->sb_violation <= 1e-7);
        ow_secondbest_free(nn); ow_secondbest_free(sg); ow_atable_free(t); ow_game_free(g); free(js);
    }
    gsl_rng_free(rng);
}

static void atable_should_refuse_what_the_programs_cannot_take(void **state)
{
    (void)state;
    ow_error e;
    ow_game *g = ow_game_load(OW_SOURCE_DIR "/examples/example-1.json", &e);
    assert_non_null(g);
    assert_null(ow_atable_alloc(g, 1, &e));
    assert_int_equal(e.status, OW_EINPUT);
    assert_null(ow_atable_alloc(g, OW_LP_MAX_POINTS + 1, &e));
    assert_int_equal(e.status, OW_ETOOBIG);
    ow_atable *t = ow_atable_alloc(g, 10, &e);
    assert_non_null(t);
    /* midpoint quantiles of U[0, 100]: 5, 15, ..., 95; the constant 100 */
    for (size_t i = 0; i < 10; i++) {
        assert_close(ow_atable_payoff(t, i, 0), 10.0 * (double)i + 5, 1e-12);
        assert_close(ow_atable_payoff(t, i, 1), 100, 1e-15);
    }
    ow_atable_free(t);
    ow_game_free(g);
    /* samples from CSV keep no payoff table */
    char *js = csv_game();
    ow_game *c = ow_game_load_string(js, "csv", OW_SOURCE_DIR "/tests/data", &e);
    if (!c) fail_msg("%s", e.msg);
    assert_null(ow_atable_alloc(c, 10, &e));
    assert_int_equal(e.status, OW_EINPUT);
    assert_non_null(strstr(e.msg, "CSV"));
    ow_game_free(c);
    free(js);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bilateral_trade_with_two_values_should_match_the_hand_solution),
        cmocka_unit_test(bilateral_trade_should_converge_to_myerson_satterthwaite),
        cmocka_unit_test(one_b_type_should_reach_the_first_best_when_groves_payments_fit),
        cmocka_unit_test(returned_mechanisms_should_pass_an_independent_recheck),
        cmocka_unit_test(signed_payments_should_never_do_worse),
        cmocka_unit_test(atable_should_refuse_what_the_programs_cannot_take),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
