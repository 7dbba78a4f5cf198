/* test_integration.c -- the integration engine (continuous `independent`
 * models) against two independent derivations:
 *  1. the same finite `independent` game solved by exact enumeration and by
 *     the integration path (atoms, ties and jumps of P all exercised);
 *  2. Monte Carlo estimates of q, E[max u_A] and P(a, c) for every kind of
 *     distribution, which must agree within 4 standard errors. */
#include "helpers.h"
#include "internal.h"
#include <gsl/gsl_rng.h>

static const char *finite_game =
    "{\"oneway\":1,\"A\":{\"actions\":[\"x\",\"y\",\"z\"],\"types\":{\"independent\":["
    "{\"dist\":\"discrete\",\"values\":[1,2,4],\"probs\":[0.3,0.3,0.4]},"
    "{\"dist\":\"discrete\",\"values\":[2,3],\"probs\":[0.5,0.5]},"
    "{\"dist\":\"constant\",\"value\":2}]}},"
    "\"B\":{\"actions\":[\"p\",\"q\"],\"types\":["
    "{\"name\":\"hi\",\"prob\":0.6,\"payoff\":[[9,1],[0,2],[3,3]]},"
    "{\"name\":\"lo\",\"prob\":0.4,\"payoff\":[[1,5],[4,0],[2,2]]}]}}";

static void integration_should_equal_enumeration_on_finite_games(void **state)
{
    (void)state;
    ow_game *gf = load_ok(finite_game), *gc = load_ok(finite_game);
    assert_int_equal(ow_game_is_finite(gf), 1);
    assert_int_equal(ow__game_force_integration(gc), 0);
    assert_int_equal(ow_game_is_finite(gc), 0);
    ow_workspace *wf = ws_ok(gf), *wc = ws_ok(gc);
    for (size_t a = 0; a < 3; a++) {
        assert_close(ow_nash_prob(wc, a), ow_nash_prob(wf, a), 1e-12);
        for (double c = 0; c <= 4; c += 0.25) {
            double pf, pc;
            assert_int_equal(ow_accept_prob(wf, a, c, &pf, NULL), OW_OK);
            assert_int_equal(ow_accept_prob(wc, a, c, &pc, NULL), OW_OK);
            assert_close(pc, pf, 1e-12);
        }
    }
    assert_close(ow_nash_payoff_A(wc), ow_nash_payoff_A(wf), 1e-12);
    for (int model = 0; model < 2; model++) {
        ow_solution *sf = solve_ok(wf, (ow_model)model), *sc = solve_ok(wc, (ow_model)model);
        assert_close(sc->opt_welfare, sf->opt_welfare, 1e-12);
        assert_close(sc->nash_welfare, sf->nash_welfare, 1e-12);
        for (size_t j = 0; j < 2; j++) {
            assert_int_equal(sc->offers[j].action, sf->offers[j].action);
            assert_close(sc->offers[j].payment, sf->offers[j].payment, 1e-12);
            assert_close(sc->offers[j].payoff_A, sf->offers[j].payoff_A, 1e-12);
            assert_close(sc->offers[j].payoff_B, sf->offers[j].payoff_B, 1e-12);
            assert_int_equal(sc->offers[j].outside, sf->offers[j].outside);
            assert_close(sc->limited[j].offer.welfare, sf->limited[j].offer.welfare, 1e-12);
        }
        ow_solution_free(sf);
        ow_solution_free(sc);
    }
    ow_workspace_free(wf); ow_workspace_free(wc);
    ow_game_free(gf); ow_game_free(gc);
}

static const char *mixed_game =
    "{\"oneway\":1,\"A\":{\"actions\":[\"u\",\"n\",\"b\",\"p\",\"e\",\"d\",\"c\"],\"types\":{\"independent\":["
    "{\"dist\":\"uniform\",\"low\":0,\"high\":3},"
    "{\"dist\":\"normal\",\"mean\":1.5,\"sd\":0.7},"
    "{\"dist\":\"beta\",\"a\":0.7,\"b\":2,\"low\":0.5,\"high\":3.5},"
    "{\"dist\":\"power\",\"beta\":0.5,\"high\":2.8},"
    "{\"dist\":\"exponential\",\"rate\":0.8},"
    "{\"dist\":\"discrete\",\"values\":[0.5,1.7,2.2],\"probs\":[0.2,0.5,0.3]},"
    "{\"dist\":\"constant\",\"value\":1.9}]}},"
    "\"B\":{\"actions\":[\"x\"],\"payoff\":[[1],[0],[0],[0],[0],[0],[0]]}}";

static void integration_should_agree_with_monte_carlo_for_every_distribution(void **state)
{
    (void)state;
    ow_game *g = load_ok(mixed_game);
    ow_workspace *w = ws_ok(g);
    const ow_game *gi = g;
    size_t m = 7, N = 400000;
    static const double cs[] = { 0, 0.3, 1.0 };
    double q[7] = { 0 }, em = 0, em2 = 0, P[7][3] = { { 0 } };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2024);
    for (size_t t = 0; t < N; t++) {
        double u[7];
        size_t sn = 0;
        for (size_t a = 0; a < m; a++) {
            u[a] = ow__dist_sample(&gi->dists[a], r);
            if (u[a] > u[sn]) sn = a;
        }
        q[sn] += 1;
        em += u[sn];
        em2 += u[sn] * u[sn];
        for (size_t a = 0; a < m; a++)
            for (size_t i = 0; i < 3; i++) P[a][i] += (u[sn] - u[a] <= cs[i]);
    }
    gsl_rng_free(r);
    double mean = em / N, se = sqrt((em2 / N - mean * mean) / N);
    if (fabs(mean - ow_nash_payoff_A(w)) > 4 * se)
        fail_msg("E[max]: MC %.6f +- %.6f, exact %.6f", mean, se, ow_nash_payoff_A(w));
    for (size_t a = 0; a < m; a++) {
        double p = q[a] / N, s = sqrt(fmax(p * (1 - p), 1e-12) / N);
        if (fabs(p - ow_nash_prob(w, a)) > 4 * s) fail_msg("q[%zu]: MC %.6f, exact %.6f", a, p, ow_nash_prob(w, a));
        for (size_t i = 0; i < 3; i++) {
            double pe, pm = P[a][i] / N, sp = sqrt(fmax(pm * (1 - pm), 1e-12) / N);
            assert_int_equal(ow_accept_prob(w, a, cs[i], &pe, NULL), OW_OK);
            if (fabs(pm - pe) > 4 * sp) fail_msg("P(%zu, %g): MC %.6f, exact %.6f", a, cs[i], pm, pe);
        }
    }
    double sum = 0;
    for (size_t a = 0; a < m; a++) sum += ow_nash_prob(w, a);
    assert_close(sum, 1.0, 1e-10);
    ow_workspace_free(w);
    ow_game_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integration_should_equal_enumeration_on_finite_games),
        cmocka_unit_test(integration_should_agree_with_monte_carlo_for_every_distribution),
    };
    return cmocka_run_group_tests_name("integration", tests, NULL, NULL);
}
