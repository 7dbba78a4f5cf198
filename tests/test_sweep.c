/* test_sweep.c -- sweeps give exactly what `solve` gives at the same
 * points, and bad sweeps are refused with the point or path named. */
#include "helpers.h"
#include "oneway_plot.h"
#include "oneway_report.h"
#include "oneway_mech.h"
#include <jansson.h>

#define EX1 OW_SOURCE_DIR "/examples/example-1.json"
#define RESTO OW_SOURCE_DIR "/examples/restoration.json"

static ow_solve_options opts(void)
{
    ow_solve_options o;
    ow_solve_options_default(&o);
    o.mc_samples = 2000;
    return o;
}

/* solve the game file with one value replaced, independently of sweep.c */
static double solve_at(const char *file, const char *const *keys, int nk, double v,
                       const char *key2, const char *const *keys2, int nk2, double v2,
                       const char *figure, const char *sub)
{
    json_error_t je;
    json_t *doc = json_load_file(file, JSON_DECODE_INT_AS_REAL, &je), *x = doc;
    for (int i = 0; i < nk; i++) x = keys[i][0] == '#' ? json_array_get(x, (size_t)atoi(keys[i] + 1)) : json_object_get(x, keys[i]);
    json_real_set(x, v);
    if (key2) {
        x = doc;
        for (int i = 0; i < nk2; i++) x = keys2[i][0] == '#' ? json_array_get(x, (size_t)atoi(keys2[i] + 1)) : json_object_get(x, keys2[i]);
        json_real_set(x, v2);
    }
    char *text = json_dumps(doc, JSON_REAL_PRECISION(17));
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load_string(text, "x", OW_SOURCE_DIR "/examples", &e);
    if (!g) fail_msg("%s", e.msg);
    ow_workspace *w = ws_ok(g);
    ow_solve_options o = opts();
    ow_solution *s = ow_solve(w, &o, &e);
    json_t *d = ow_report_solve_json(g, s);
    double r = json_number_value(json_object_get(json_object_get(d, figure), sub));
    json_decref(d); json_decref(doc); free(text);
    ow_solution_free(s); ow_workspace_free(w); ow_game_free(g);
    return r;
}

static ow_sweep *run(const char *file, const char *a, const char *b, ow_error *e)
{
    ow_axis ax[2] = { { 0 } };
    if (ow_axis_parse(a, &ax[0], e)) return NULL;
    if (b && ow_axis_parse(b, &ax[1], e)) { free(ax[0].path); return NULL; }
    ow_solve_options o = opts();
    ow_sweep *s = ow_sweep_run(file, ax, b ? 2 : 1, &o, NULL, NULL, e);
    free(ax[0].path); free(ax[1].path);
    return s;
}

static void sweep_should_equal_solve_at_each_point(void **state)
{
    (void)state;
    ow_error e = { OW_OK, "" };
    ow_sweep *s = run(EX1, "B.types[0].payoff[0][0]=20:300:5", NULL, &e);
    if (!s) fail_msg("%s", e.msg);
    assert_int_equal(s->npoints, 5);
    static const char *const k[] = { "B", "types", "#0", "payoff", "#0", "#0" };
    long c = ow_sweep_col(s, "poa.single_offer"), c2 = ow_sweep_col(s, "single_offer.welfare");
    assert_true(c >= 0 && c2 >= 0);
    for (size_t p = 0; p < 5; p++) {
        double x = 20 + 70.0 * (double)p;
        assert_close(s->values[0][p], x, 1e-15);
        assert_close(s->table[p * s->ncols + (size_t)c], solve_at(EX1, k, 6, x, NULL, NULL, 0, 0, "poa", "single_offer"), 1e-15);
        assert_close(s->table[p * s->ncols + (size_t)c2], solve_at(EX1, k, 6, x, NULL, NULL, 0, 0, "single_offer", "welfare"), 1e-15);
    }
    assert_non_null(strstr(s->axis_labels[0], "B's payoff when A plays s1 and B plays b"));
    char *csv = ow_sweep_csv(s, NULL, 0);
    assert_true(!strncmp(csv, "B.types[0].payoff[0][0],", 24));
    assert_non_null(strstr(csv, ",poa.single_offer,"));
    free(csv);
    ow_sweep_free(s);
}

/* with mechanisms: compare.<name>.<figure> equals `compare` run at the point */
static double compare_at(double x, const char *mech, const char *fig)
{
    json_t *doc = json_load_file(EX1, JSON_DECODE_INT_AS_REAL, NULL);
    json_real_set(json_array_get(json_array_get(json_object_get(json_array_get(json_object_get(json_object_get(doc, "B"), "types"), 0),
                  "payoff"), 0), 0), x);
    char *text = json_dumps(doc, JSON_REAL_PRECISION(17));
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load_string(text, "x", OW_SOURCE_DIR "/examples", &e);
    if (!g) fail_msg("%s", e.msg);
    ow_workspace *w = ws_ok(g);
    ow_compare_options co;
    ow_compare_options_default(&co);
    json_t *c = ow_compare(w, &co, &e);
    if (!c) fail_msg("%s", e.msg);
    double v = NAN;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(c, "mechanisms"), i, row)
        if (!strcmp(json_string_value(json_object_get(row, "name")), mech)) v = json_number_value(json_object_get(row, fig));
    json_decref(c); json_decref(doc); free(text);
    ow_workspace_free(w); ow_game_free(g);
    return v;
}

static void sweep_with_mechanisms_should_equal_compare_at_each_point(void **state)
{
    (void)state;
    ow_error e = { OW_OK, "" };
    ow_axis ax[1] = { { 0 } };
    assert_int_equal(ow_axis_parse("B.types[0].payoff[0][0]=40:240:3", &ax[0], &e), OW_OK);
    ow_solve_options o = opts();
    o.mechanisms = 1;
    ow_sweep *s = ow_sweep_run(EX1, ax, 1, &o, NULL, NULL, &e);
    free(ax[0].path);
    if (!s) fail_msg("%s", e.msg);
    static const char *const mech[] = { "second_best", "item_pricing", "multi_offer", "single_offer_bayes" };
    for (int k = 0; k < 4; k++) {
        char name[96];
        snprintf(name, sizeof name, "compare.%s.welfare", mech[k]);
        long c = ow_sweep_col(s, name);
        if (c < 0) fail_msg("no column %s", name);
        for (size_t p = 0; p < 3; p++)
            assert_close(s->table[p * s->ncols + (size_t)c], compare_at(40 + 100.0 * (double)p, mech[k], "welfare"), 1e-12);
    }
    char lab[128];
    assert_string_equal(ow_metric_label("compare.second_best.poa", lab, sizeof lab), "PoA, second best");
    ow_sweep_free(s);
}

static void sweep_two_values_should_equal_solve(void **state)
{
    (void)state;
    ow_error e = { OW_OK, "" };
    ow_sweep *s = run(RESTO, "B.types[0].payoff[2][0]=100:300:3", "A.types.independent[2].high=90:120:2", &e);
    if (!s) fail_msg("%s", e.msg);
    assert_int_equal(s->npoints, 6);
    static const char *const k1[] = { "B", "types", "#0", "payoff", "#2", "#0" };
    static const char *const k2[] = { "A", "types", "independent", "#2", "high" };
    long c = ow_sweep_col(s, "single_offer.payoff_B");
    for (size_t p = 0; p < 6; p += 5) {
        double v1 = 100 + 100.0 * (double)(p / 2), v2 = p % 2 ? 120 : 90;
        assert_close(s->table[p * s->ncols + (size_t)c],
                     solve_at(RESTO, k1, 6, v1, "x", k2, 5, v2, "single_offer", "payoff_B"), 1e-15);
    }
    ow_sweep_free(s);
}

static void expect_error(const char *file, const char *a, const char *b, const char *msg)
{
    ow_error e = { OW_OK, "" };
    ow_sweep *s = run(file, a, b, &e);
    if (s) { ow_sweep_free(s); fail_msg("accepted %s", a); }
    assert_int_equal(e.status, OW_EINPUT);
    if (!strstr(e.msg, msg)) fail_msg("\"%s\" lacks \"%s\"", e.msg, msg);
}

static void sweep_should_refuse_bad_paths_points_and_grids(void **state)
{
    (void)state;
    expect_error(EX1, "B.types[3].payoff[0][0]=1:2:3", NULL, "no such value");
    expect_error(EX1, "B.types[0].name=1:2:3", NULL, "is not a number");
    expect_error(EX1, "B.types[0].nope=1:2:3", NULL, "no such value");
    expect_error(EX1, "A.actions[0]=1:2:3", NULL, "is not a number");
    expect_error(EX1, "B..types=1:2:3", NULL, "is not a path");
    expect_error(EX1, "B.types[0].payoff[0][0]=1:2:0", NULL, "empty");
    expect_error(EX1, "B.types[0].payoff[0][0]=1:x:3", NULL, "TO is not a number");
    expect_error(EX1, "nopath", NULL, "PATH=FROM:TO:STEPS");
    /* uniform low reaches high at the second point */
    expect_error(EX1, "A.types.independent[0].low=0:200:3", NULL, "at grid point 2 (A.types.independent[0].low = 100)");
    expect_error(EX1, "B.types[0].prob=1:1.5:2", NULL, "at grid point 2");
    expect_error(EX1, "B.types[0].payoff[0][0]=1:2:2", "B.types[0].payoff[0][0]=1:2:2", "same value");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sweep_should_equal_solve_at_each_point),
        cmocka_unit_test(sweep_two_values_should_equal_solve),
        cmocka_unit_test(sweep_with_mechanisms_should_equal_compare_at_each_point),
        cmocka_unit_test(sweep_should_refuse_bad_paths_points_and_grids),
    };
    return cmocka_run_group_tests_name("sweep", tests, NULL, NULL);
}
