/* test_multimodal.c -- the payment search must find the global maximum of
 * a multimodal objective.  A's other action is a two-point mixture, so
 * Delta_A has two separated bumps and P(c)(Delta_B - c) two local maxima;
 * a dense scan of the exact objective (100001 points of ow_accept_prob)
 * is the independent reference. */
#include "helpers.h"

static void check_global(const char *json, double lo_expect_gap)
{
    ow_game *g = load_ok(json);
    ow_workspace *w = ws_ok(g);
    ow_solution *s = solve_ok(w, OW_MODEL_PAPER);
    const ow_offer *o = &s->offers[0];
    assert_int_equal(o->action, 0);
    double x = o->delta_B, best = -1, cb = 0;
    for (int i = 0; i <= 100000; i++) {
        double c = x * i / 100000.0, P;
        assert_int_equal(ow_accept_prob(w, 0, c, &P, NULL), OW_OK);
        if (P * (x - c) > best) { best = P * (x - c); cb = c; }
    }
    double got = o->accept_prob * (x - o->payment);
    /* at least as good as the scan, and at the scan's mode */
    assert_true(got >= best - 1e-9 * fmax(1, best));
    assert_true(fabs(o->payment - cb) <= x * 2e-5 + lo_expect_gap);
    ow_solution_free(s);
    ow_workspace_free(w);
    ow_game_free(g);
}

static void offer_should_find_global_maximum_of_bimodal_objective(void **state)
{
    (void)state;
    /* u(s1) ~ U[0,1]; u(s2) = 1 w.p. 0.6, 8 w.p. 0.4: Delta_A in [0,1] or [7,8] */
    check_global("{\"oneway\":1,\"A\":{\"actions\":[\"s1\",\"s2\"],\"types\":{\"independent\":["
                 "{\"dist\":\"uniform\",\"low\":0,\"high\":1},"
                 "{\"dist\":\"discrete\",\"values\":[1,8],\"probs\":[0.6,0.4]}]}},"
                 "\"B\":{\"actions\":[\"b\"],\"payoff\":[[20],[0]]}}", 0);
    /* the far mode wins when B's stake is large */
    check_global("{\"oneway\":1,\"A\":{\"actions\":[\"s1\",\"s2\"],\"types\":{\"independent\":["
                 "{\"dist\":\"uniform\",\"low\":0,\"high\":1},"
                 "{\"dist\":\"discrete\",\"values\":[1,8],\"probs\":[0.6,0.4]}]}},"
                 "\"B\":{\"actions\":[\"b\"],\"payoff\":[[9.2],[0]]}}", 0);
}

static void offer_should_find_global_maximum_with_narrow_normal_bumps(void **state)
{
    (void)state;
    /* a sum of two narrow normal bumps via max with a discrete action */
    check_global("{\"oneway\":1,\"A\":{\"actions\":[\"s1\",\"s2\"],\"types\":{\"independent\":["
                 "{\"dist\":\"normal\",\"mean\":0,\"sd\":0.05},"
                 "{\"dist\":\"discrete\",\"values\":[0.5,3],\"probs\":[0.7,0.3]}]}},"
                 "\"B\":{\"actions\":[\"b\"],\"payoff\":[[6.5],[0]]}}", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(offer_should_find_global_maximum_of_bimodal_objective),
        cmocka_unit_test(offer_should_find_global_maximum_with_narrow_normal_bumps),
    };
    return cmocka_run_group_tests_name("multimodal", tests, NULL, NULL);
}
