/* test_pricing.c -- item pricing against exhaustive search and closed forms.
 *
 * With integer payoffs the optimal rewards are integers (for a fixed
 * assignment of types to actions the constraints are differences of
 * rewards with integer bounds: a totally unimodular system), and never
 * exceed (m-1) times A's largest payoff spread, so scanning every integer
 * reward vector finds the optimum.  The scan below evaluates A's choice
 * from the definition, sharing nothing with the library. */
#include "helpers.h"
#include "oneway_mech.h"
#include "randgame.h"

static double brute_payoff_B(const bg *b, int j, const double *r)
{
    double s = 0;
    for (int i = 0; i < b->n; i++) {
        double best = -INFINITY;
        for (int a = 0; a < b->m; a++) best = fmax(best, b->u[i][a] + r[a]);
        double bv = -INFINITY;
        for (int a = 0; a < b->m; a++) {
            if (b->u[i][a] + r[a] != best) continue;          /* integers: exact ties */
            double w = -INFINITY;
            for (int c = 0; c < b->k; c++) w = fmax(w, b->ub[j][a][c]);
            bv = fmax(bv, w - r[a]);                           /* ties go B's way */
        }
        s += b->p[i] * bv;
    }
    return s;
}

static double brute_best(const bg *b, int j)
{
    double span = 0;
    for (int i = 0; i < b->n; i++) {
        double lo = INFINITY, hi = -INFINITY;
        for (int a = 0; a < b->m; a++) { lo = fmin(lo, b->u[i][a]); hi = fmax(hi, b->u[i][a]); }
        span = fmax(span, hi - lo);
    }
    int R = (int)((b->m - 1) * span), idx[MAXM] = { 0 };
    double best = -INFINITY, r[MAXM];
    for (;;) {
        for (int a = 0; a < b->m; a++) r[a] = idx[a];
        best = fmax(best, brute_payoff_B(b, j, r));
        int a = 0;
        while (a < b->m && ++idx[a] > R) idx[a++] = 0;
        if (a == b->m) break;
    }
    return best;
}

static void pricing_should_match_exhaustive_search_on_tiny_games(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 4242);
    for (int it = 0; it < 150; it++) {
        bg b;
        gen(rng, &b, it % 2);
        char *js = to_json(&b, it % 2);
        ow_game *g = load_ok(js);
        ow_workspace *w = ws_ok(g);
        ow_pricing_options o;
        ow_pricing_options_default(&o);
        ow_error e;
        ow_pricing *p = ow_pricing_solve(w, &o, &e);
        if (!p) fail_msg("%s", e.msg);
        o.exact = -1;
        ow_pricing *loc = ow_pricing_solve(w, &o, &e);
        if (!loc) fail_msg("%s", e.msg);
        assert_true(p->all_optimal);
        assert_false(loc->all_optimal);
        for (int j = 0; j < b.T; j++) {
            double bf = brute_best(&b, j), zero[MAXM] = { 0 };
            if (fabs(p->payoff_B_type[j] - bf) > 1e-9 * fmax(1, fabs(bf)))
                fail_msg("game %d type %d: exact search %.17g, exhaustive %.17g\n%s", it, j, p->payoff_B_type[j], bf, js);
            /* the library's payoff of its rewards, recomputed here */
            assert_close(brute_payoff_B(&b, j, p->rewards + j * b.m), p->payoff_B_type[j], 1e-9);
            /* the local search: no better than the optimum, no worse than no rewards */
            assert_true(loc->payoff_B_type[j] <= bf + 1e-9 * fmax(1, fabs(bf)));
            assert_true(loc->payoff_B_type[j] >= brute_payoff_B(&b, j, zero) - 1e-9);
        }
        ow_pricing_free(p); ow_pricing_free(loc);
        ow_workspace_free(w); ow_game_free(g); free(js);
    }
    gsl_rng_free(rng);
}

/* Example 1 with reward r on s1: A takes s1 iff u + r >= 100, so
 * B = (r/100)(150 - r), maximal at r = 75, and
 * A = (100 - r) + int_{100-r}^{100} (u + r) du / 100. */
static void pricing_should_match_the_closed_form_on_example_1(void **state)
{
    (void)state;
    ow_game *g = load_file_ok(EXAMPLE1_FILE);
    ow_workspace *w = ws_ok(g);
    ow_error e;
    for (double r = 0; r <= 100; r += 12.5) {
        double rw[2] = { r, 0 }, pA, pB;
        assert_int_equal(ow_pricing_eval(w, 0, rw, &pA, &pB, &e), OW_OK);
        assert_close(pB, r / 100 * (150 - r), 1e-10);
        double lo = 100 - r;
        assert_close(pA, (100 - r) + (0.5 * (100 * 100 - lo * lo) + r * r) / 100, 1e-10);
    }
    ow_pricing_options o;
    ow_pricing_options_default(&o);
    o.restarts = 8;
    ow_pricing *p = ow_pricing_solve(w, &o, &e);
    assert_non_null(p);
    assert_false(p->all_optimal);                 /* continuous: labelled local */
    assert_close(p->rewards[0] - p->rewards[1], 75, 1e-4);
    assert_close(p->payoff_B, 56.25, 1e-9);
    double bad[2] = { -1, 0 }, pA, pB;
    assert_int_equal(ow_pricing_eval(w, 0, bad, &pA, &pB, &e), OW_EINPUT);
    ow_pricing_free(p);
    ow_workspace_free(w);
    ow_game_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pricing_should_match_exhaustive_search_on_tiny_games),
        cmocka_unit_test(pricing_should_match_the_closed_form_on_example_1),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
