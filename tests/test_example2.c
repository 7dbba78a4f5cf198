/* test_example2.c -- Example 2 against first principles: n actions iid
 * U[0,1].  Pr[Delta_A(s1) <= c] = int_0^1 min(1, u + c)^(n-1) du
 * = c + (1 - c^n)/n;  q_a = 1/n;  E[max] = n/(n+1);  and for n = 2,
 * W_OPT = E[max(U1 + mu, U2)] = 1/2 + mu + (1 - mu)^3 / 6 for mu in [0,1]. */
#include "helpers.h"

static ow_game *example2(int n, double mu)
{
    char *s = malloc(200 + 80 * (size_t)n), *p = s;
    p += sprintf(p, "{\"oneway\":1,\"A\":{\"actions\":[");
    for (int i = 0; i < n; i++) p += sprintf(p, "%s\"s%d\"", i ? "," : "", i);
    p += sprintf(p, "],\"types\":{\"independent\":[");
    for (int i = 0; i < n; i++) p += sprintf(p, "%s{\"dist\":\"uniform\",\"low\":0,\"high\":1}", i ? "," : "");
    p += sprintf(p, "]}},\"B\":{\"actions\":[\"b\"],\"payoff\":[");
    for (int i = 0; i < n; i++) p += sprintf(p, "%s[%.17g]", i ? "," : "", i ? 0.0 : mu);
    sprintf(p, "]}}");
    ow_game *g = load_ok(s);
    free(s);
    return g;
}

static void example2_accept_prob_should_match_first_principles(void **state)
{
    (void)state;
    static const int ns[] = { 2, 3, 5, 10 };
    static const double cs[] = { 0, 0.1, 0.3, 0.5, 0.9, 1, 1.5 };
    for (size_t i = 0; i < 4; i++) {
        ow_game *g = example2(ns[i], 1.0);
        ow_workspace *w = ws_ok(g);
        int n = ns[i];
        for (size_t k = 0; k < sizeof cs / sizeof cs[0]; k++) {
            double c = fmin(cs[k], 1), P, expect = c + (1 - pow(c, n)) / n;
            assert_int_equal(ow_accept_prob(w, 0, cs[k], &P, NULL), OW_OK);
            assert_close(P, expect, 1e-10);
        }
        for (int a = 0; a < n; a++) assert_close(ow_nash_prob(w, (size_t)a), 1.0 / n, 1e-10);
        assert_close(ow_nash_payoff_A(w), n / (n + 1.0), 1e-10);
        ow_workspace_free(w);
        ow_game_free(g);
    }
}

static void example2_optimum_should_match_closed_form_for_two_actions(void **state)
{
    (void)state;
    static const double mus[] = { 0, 0.25, 0.5, 0.9 };
    for (size_t i = 0; i < 4; i++) {
        double mu = mus[i];
        ow_game *g = example2(2, mu);
        ow_workspace *w = ws_ok(g);
        ow_solution *s = solve_ok(w, OW_MODEL_PAPER);
        assert_close(s->opt_welfare, 0.5 + mu + pow(1 - mu, 3) / 6, 1e-10);
        assert_close(s->nash_welfare, 2.0 / 3.0 + mu / 2, 1e-10);
        ow_solution_free(s);
        ow_workspace_free(w);
        ow_game_free(g);
    }
}

static void example2_offer_should_maximise_the_true_objective(void **state)
{
    /* n = 2: u^O(s1) = 0 and V(c) = (c + (1 - c^2)/2)(mu - c); its maximiser
     * solves V'(c) = (1 - c)(mu - c) - (c + (1 - c^2)/2) = 0, found here by
     * bisection (V' is decreasing on [0, 1] for mu = 1.2). */
    (void)state;
    double mu = 1.2;
    ow_game *g = example2(2, mu);
    ow_workspace *w = ws_ok(g);
    ow_solution *s = solve_ok(w, OW_MODEL_PAPER);
    double lo = 0, hi = 1;
    for (int it = 0; it < 200; it++) {
        double c = 0.5 * (lo + hi);
        double d = (1 - c) * (mu - c) - (c + (1 - c * c) / 2);
        if (d > 0) lo = c; else hi = c;
    }
    assert_close(s->offers[0].payment, 0.5 * (lo + hi), 1e-9);
    ow_solution_free(s);
    ow_workspace_free(w);
    ow_game_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example2_accept_prob_should_match_first_principles),
        cmocka_unit_test(example2_optimum_should_match_closed_form_for_two_actions),
        cmocka_unit_test(example2_offer_should_maximise_the_true_objective),
    };
    return cmocka_run_group_tests_name("example2", tests, NULL, NULL);
}
