/* test_example1.c -- Example 1 of the paper against closed forms derived by
 * hand (docs/paper-notes.md): u_A(s1) ~ U[0,100], u_A(s2) = 100, B gets x
 * from s1 and 0 from s2.  With c* = min(x/2, 100) and P = c/100:
 *   A's true payoff  100 + c^2/200        (x <= 200)
 *   B's payoff       (c/100)(x - c)
 *   W_OPT            100 + x^2/200 (x <= 100), 50 + x (x >= 100)  */
#include "helpers.h"

static ow_game *example1(double x)
{
    char *s = fmt("{\"oneway\":1,\"A\":{\"actions\":[\"s1\",\"s2\"],\"types\":{\"independent\":["
                  "{\"dist\":\"uniform\",\"low\":0,\"high\":100},{\"dist\":\"constant\",\"value\":100}]}},"
                  "\"B\":{\"actions\":[\"b\"],\"payoff\":[[%.17g],[0]]}}", x);
    ow_game *g = load_ok(s);
    free(s);
    return g;
}

static void check(double x, ow_model model)
{
    ow_game *g = example1(x);
    ow_workspace *w = ws_ok(g);
    ow_solution *s = solve_ok(w, model);
    double c = x <= 200 ? x / 2 : 100, P = c / 100;
    double pA = x <= 200 ? 100 + c * c / 200 : 150, pB = P * (x - c);
    double opt = x <= 100 ? 100 + x * x / 200 : 50 + x;
    assert_close(s->q[0], 0.0, 1e-12);
    assert_close(s->q[1], 1.0, 1e-12);
    assert_close(s->nash_welfare, 100.0, 1e-12);
    assert_close(s->opt_welfare, opt, 1e-10);
    assert_close(s->opt_welfare_ex_ante, fmax(50 + x, 100), 1e-14);
    assert_int_equal(s->offers[0].action, 0);
    assert_close(s->offers[0].payment, c, 1e-9);
    assert_close(s->offers[0].accept_prob, P, 1e-9);
    assert_close(s->offers[0].payoff_A, pA, 1e-9);
    assert_close(s->offers[0].payoff_B, pB, 1e-9);
    assert_close(s->so_welfare, pA + pB, 1e-9);
    assert_close(s->poa_single, opt / (pA + pB), 1e-9);
    assert_close(s->poa_nash, opt / 100, 1e-10);
    assert_close(s->so_transfer, c * P, 1e-9);
    /* Theorem 6 with gamma' = c/x */
    double gm = c / x;
    assert_close(s->limited[0].bound, ((gm + 1) / gm) * (1 - P * (1 - gm)), 1e-8);
    ow_solution_free(s);
    ow_workspace_free(w);
    ow_game_free(g);
}

static void example1_paper_model_should_match_closed_form(void **state)
{
    (void)state;
    static const double xs[] = { 30, 80, 150, 200, 250, 1000 };
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) check(xs[i], OW_MODEL_PAPER);
}

static void example1_bayes_model_should_match_closed_form(void **state)
{
    /* B's outside option is worth 0 here, so both models agree */
    (void)state;
    static const double xs[] = { 30, 150, 250 };
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) check(xs[i], OW_MODEL_BAYES);
}

static void example1_accept_prob_should_be_c_over_100(void **state)
{
    (void)state;
    ow_game *g = example1(150);
    ow_workspace *w = ws_ok(g);
    for (double c = -10; c <= 130; c += 7.5) {
        double P;
        assert_int_equal(ow_accept_prob(w, 0, c, &P, NULL), OW_OK);
        assert_close(P, fmin(fmax(c, 0) / 100, 1), 1e-12);
    }
    ow_workspace_free(w);
    ow_game_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example1_paper_model_should_match_closed_form),
        cmocka_unit_test(example1_bayes_model_should_match_closed_form),
        cmocka_unit_test(example1_accept_prob_should_be_c_over_100),
    };
    return cmocka_run_group_tests_name("example1", tests, NULL, NULL);
}
