/* test_hull.c -- the paper model's envelope per action (finite.c) against
 * the brute maximum over every entry: for payments x across [0, hmax] and
 * at every breakpoint d, the envelope's value is max(0, max_p W_p (x - d_p))
 * and the position it returns attains it.  Games are large enough for the
 * sampled build (thousands of entries per action), with ties (integer
 * payoffs), without (three decimals), skewed (log-normal), with unequal
 * weights (discrete types), and with entries at Delta_A = 0. */
#include "helpers.h"
#include "internal.h"
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

enum { TIES, DECIMALS, LOGNORMAL, N_KINDS };

static char *game(gsl_rng *r, int kind, int discrete, size_t n, size_t m)
{
    size_t cap = 4096 + n * m * 24 + n * 32;
    char *js = malloc(cap), *p = js;
    p += sprintf(p, "{\"oneway\":1,\"A\":{\"actions\":[");
    p = put_names(p, "a", m);
    p += sprintf(p, "],\"types\":{\"%s\":[", discrete ? "discrete" : "samples");
    double *wt = malloc(n * sizeof *wt), sum = 0;
    for (size_t i = 0; i < n; i++) sum += wt[i] = 0.1 + gsl_rng_uniform(r);
    for (size_t i = 0; i < n; i++) {
        p += sprintf(p, "%s", i ? "," : "");
        if (discrete) p += sprintf(p, "{\"prob\":%.17g,\"payoff\":", wt[i] / sum);
        p += sprintf(p, "[");
        for (size_t a = 0; a < m; a++) {
            double u = kind == TIES ? (double)gsl_rng_uniform_int(r, 40)
                     : kind == DECIMALS ? floor(gsl_rng_uniform(r) * 100000) / 1000
                     : floor(exp(3 + 0.5 * gsl_ran_gaussian(r, 1)) * 1000) / 1000;
            p += sprintf(p, "%s%.17g", a ? "," : "", u);
        }
        p += sprintf(p, "]%s", discrete ? "}" : "");
    }
    free(wt);
    /* B gains a lot from every action but the last, so hmax is large */
    p += sprintf(p, "]}},\"B\":{\"actions\":[\"b0\",\"b1\"],\"types\":[");
    for (int j = 0; j < 2; j++) {
        p += sprintf(p, "%s{\"prob\":0.5,\"payoff\":[", j ? "," : "");
        for (size_t a = 0; a < m; a++)
            p += sprintf(p, "%s[%.6g,%.6g]", a ? "," : "", a + 1 < m ? 20 + 100 * gsl_rng_uniform(r) : 0.0,
                         gsl_rng_uniform(r));
        p += sprintf(p, "]}");
    }
    sprintf(p, "]}}");
    return js;
}

static double brute(const ow_workspace *w, size_t a, double x)
{
    double best = 0;          /* nobody accepting, or the entries at 0 with x >= 0 */
    for (size_t p = 0; p < w->K[a] && w->D[a][p] < w->hmax[a]; p++) {
        double W = w->g->equal_weights ? (double)(p + 1) / (double)w->n : w->cumw[a][p];
        best = fmax(best, W * (x - w->D[a][p]));
    }
    return best;
}

static void check(const ow_workspace *w, size_t a, double x)
{
    uint32_t pos;
    double v = ow__hull_query(w, a, x, &pos), b = brute(w, a, x);
    assert_close(v, b, 1e-12);
    if (pos != UINT32_MAX) {
        double W = w->g->equal_weights ? (double)(pos + 1) / (double)w->n : w->cumw[a][pos];
        assert_close(W * (x - w->D[a][pos]), b, 1e-12);
    } else {
        assert_true(fabs(b) <= 1e-12);
    }
}

static void envelope_should_be_the_brute_maximum(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2024);
    size_t sampled = 0;
    for (int kind = 0; kind < N_KINDS; kind++)
        for (int discrete = 0; discrete < 2; discrete++) {
            size_t n = 3000 + gsl_rng_uniform_int(r, 3000), m = 3;
            char *js = game(r, kind, discrete, n, m);
            ow_game *g = load_ok(js);
            ow_error e = { OW_OK, "" };
            ow_workspace *w = ow_workspace_alloc(g, &e);
            assert_non_null(w);
            for (size_t a = 0; a < m; a++) {
                size_t below = 0;
                while (below < w->K[a] && w->D[a][below] < w->hmax[a]) below++;
                sampled += below >= 8 * 64;
                for (int t = 0; t < 300; t++) check(w, a, gsl_rng_uniform(r) * w->hmax[a]);
                /* at and just around breakpoints, where lines cross */
                for (size_t p = 0; p < below; p += 1 + below / 500) {
                    check(w, a, w->D[a][p]);
                    check(w, a, nextafter(w->D[a][p], INFINITY));
                }
                check(w, a, 0);
                check(w, a, w->hmax[a]);
            }
            ow_workspace_free(w);
            ow_game_free(g);
            free(js);
        }
    assert_true(sampled >= 6);          /* the sampled build was exercised */
    gsl_rng_free(r);
}

/* The envelope built with the AVX-512 filter (where the CPU has it) and
 * with the scalar one: as many run ends kept, the same vertices. */
static void vector_and_scalar_filters_should_give_the_same_envelope(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 77);
    for (int kind = 0; kind < N_KINDS; kind++)
        for (int discrete = 0; discrete < 2; discrete++) {
            size_t n = 4000 + gsl_rng_uniform_int(r, 4000), m = 3;
            char *js = game(r, kind, discrete, n, m);
            ow_game *g = load_ok(js);
            ow_error e = { OW_OK, "" };
            ow_workspace *w = ow_workspace_alloc(g, &e);
            assert_non_null(w);
            for (size_t a = 0; a < m; a++) {
                size_t h = w->nhull[a], kept = w->nkept[a];
                uint32_t *H = malloc((h ? h : 1) * sizeof *H);
                memcpy(H, w->hull[a], h * sizeof *H);
                free(w->hull[a]);
                w->hull_scalar = 1;
                assert_int_equal(ow__hull_build(w, a), 0);
                w->hull_scalar = 0;
                assert_int_equal(w->nkept[a], kept);       /* the filters kept the same run ends */
                assert_int_equal(w->nhull[a], h);
                assert_memory_equal(w->hull[a], H, h * sizeof *H);
                free(H);
            }
            ow_workspace_free(w);
            ow_game_free(g);
            free(js);
        }
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(envelope_should_be_the_brute_maximum),
        cmocka_unit_test(vector_and_scalar_filters_should_give_the_same_envelope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
