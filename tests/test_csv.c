/* test_csv.c -- games read from CSV (kept compact: only the entries that
 * can matter, read in parallel) give exactly what the same games give with
 * their samples inline; the number parser agrees with strtod bit for bit;
 * the radix sort agrees with a comparison sort. */
#include "helpers.h"
#include "internal.h"
#include <gsl/gsl_rng.h>

static void parser_should_match_strtod_bit_for_bit(void **state)
{
    (void)state;
    static const char *fixed[] = { "0", "-0", "+1", "1.5", ".5", "5.", "-12.345", "1e10", "1E-5", "2.5e+3",
                                   "123456789012345", "1234567890123456789", "12345678901234567890123",
                                   "0.000000000000000000000000001", "1e22", "1e23", "9007199254740993",
                                   "4.9e-324", "1.7976931348623157e308", "0.1", "0.3", "123.456", "00012.50" };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        double a, b = strtod(fixed[i], NULL);
        const char *e = ow__parse_number(fixed[i], fixed[i] + strlen(fixed[i]), &a);
        assert_non_null(e);
        if (memcmp(&a, &b, sizeof a)) fail_msg("%s: %.17g vs strtod %.17g", fixed[i], a, b);
    }
    static const char *bad[] = { "", "-", ".", "e5", "1e", "nan", "inf", "x1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double a;
        const char *e = ow__parse_number(bad[i], bad[i] + strlen(bad[i]), &a);
        if (e && e == bad[i] + strlen(bad[i]) && strlen(bad[i])) fail_msg("accepted '%s'", bad[i]);
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int t = 0; t < 200000; t++) {
        char buf[64];
        int digits = 1 + (int)gsl_rng_uniform_int(r, 18), dec = (int)gsl_rng_uniform_int(r, 8);
        double v = gsl_rng_uniform(r) * pow(10, (int)gsl_rng_uniform_int(r, 12) - 4);
        if (t % 3 == 0) snprintf(buf, sizeof buf, "%.*f", dec, v);
        else if (t % 3 == 1) snprintf(buf, sizeof buf, "%.*e", digits, v);
        else snprintf(buf, sizeof buf, "%.*g", digits, -v);
        double a, b = strtod(buf, NULL);
        ow__parse_number(buf, buf + strlen(buf), &a);
        if (memcmp(&a, &b, sizeof a)) fail_msg("%s: %.17g vs strtod %.17g", buf, a, b);
    }
    gsl_rng_free(r);
}

static int cmp_pair(const void *x, const void *y)
{
    const double *a = x, *b = y;
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

static void radix_sort_should_match_comparison_sort(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int t = 0; t < 50; t++) {
        size_t n = 1 + gsl_rng_uniform_int(r, 20000);
        double *d = malloc(n * sizeof *d), *ref = malloc(2 * n * sizeof *ref);
        uint32_t *row = malloc(n * sizeof *row);
        for (size_t i = 0; i < n; i++) {
            int kind = (int)gsl_rng_uniform_int(r, 3);
            d[i] = kind == 0 ? (double)gsl_rng_uniform_int(r, 10) : kind == 1 ? gsl_rng_uniform(r) * 1e6 : gsl_rng_uniform(r) * 1e-300;
            row[i] = (uint32_t)i;
            ref[2 * i] = d[i]; ref[2 * i + 1] = (double)i;
        }
        qsort(ref, n, 2 * sizeof *ref, cmp_pair);
        assert_int_equal(ow__radix_sort(d, row, n), 0);
        for (size_t i = 0; i < n; i++) {
            assert_true(d[i] == ref[2 * i]);
            assert_int_equal(row[i], (uint32_t)ref[2 * i + 1]);
        }
        free(d); free(ref); free(row);
    }
    gsl_rng_free(r);
}

/* a random game with n samples, written inline and as CSV */
static void write_game(gsl_rng *r, size_t n, size_t m, size_t k, size_t T, const char *csv,
                       int header, char **inline_json, char **csv_json)
{
    FILE *f = fopen(csv, "w");
    size_t cap = n * m * 12 + 100000;
    char *in = malloc(cap), *p = in;
    char *b = malloc(100000), *q = b;
    p += sprintf(p, "{\"oneway\":1,\"name\":\"g\",\"A\":{\"actions\":[");
    q += sprintf(q, "{\"oneway\":1,\"name\":\"g\",\"A\":{\"actions\":[");
    for (size_t a = 0; a < m; a++) {
        p += sprintf(p, "%s\"a%zu\"", a ? "," : "", a);
        q += sprintf(q, "%s\"a%zu\"", a ? "," : "", a);
        if (header) fprintf(f, "%sa%zu", a ? "," : "", a);
    }
    if (header) fputs("\r\n", f);
    p += sprintf(p, "],\"types\":{\"samples\":[");
    q += sprintf(q, "],\"types\":{\"samples\":{\"csv\":\"%s\"}}},", strrchr(csv, '/') + 1);
    for (size_t i = 0; i < n; i++) {
        p += sprintf(p, "%s[", i ? "," : "");
        for (size_t a = 0; a < m; a++) {
            double v = (double)gsl_rng_uniform_int(r, 40) / 4 + (a % 3 == 0 ? 3 : 0);
            p += sprintf(p, "%s%.17g", a ? "," : "", v);
            fprintf(f, "%s%.17g", a ? "," : "", v);
        }
        p += sprintf(p, "]");
        fputc('\n', f);
    }
    fclose(f);
    char *bp = malloc(100000), *bq = bp;
    bq += sprintf(bq, "\"B\":{\"actions\":[");
    for (size_t c = 0; c < k; c++) bq += sprintf(bq, "%s\"b%zu\"", c ? "," : "", c);
    bq += sprintf(bq, "],\"types\":[");
    for (size_t j = 0; j < T; j++) {
        bq += sprintf(bq, "%s{\"prob\":%.17g,\"payoff\":[", j ? "," : "", 1.0 / (double)T);
        for (size_t a = 0; a < m; a++) {
            bq += sprintf(bq, "%s[", a ? "," : "");
            for (size_t c = 0; c < k; c++)
                bq += sprintf(bq, "%s%.17g", c ? "," : "", gsl_rng_uniform(r) < 0.15 ? 20 + 30 * gsl_rng_uniform(r) : 3 * gsl_rng_uniform(r));
            bq += sprintf(bq, "]");
        }
        bq += sprintf(bq, "]}");
    }
    sprintf(bq, "]}}");
    p += sprintf(p, "]}},");
    strcpy(p, bp);
    strcpy(q, bp);
    free(bp);
    *inline_json = in;
    *csv_json = b;
}

static void compare(const char *inl, const char *viacsv, const char *dir)
{
    ow_error e = { OW_OK, "" };
    ow_game *g1 = ow_game_load_string(inl, "inline", dir, &e);
    if (!g1) fail_msg("%s", e.msg);
    ow_game *g2 = ow_game_load_string(viacsv, "csv", dir, &e);
    if (!g2) fail_msg("%s", e.msg);
    ow_workspace *w1 = ws_ok(g1), *w2 = ws_ok(g2);
    for (int model = 0; model < 2; model++) {
        ow_solution *s1 = solve_ok(w1, (ow_model)model), *s2 = solve_ok(w2, (ow_model)model);
        assert_close(s2->nash_welfare, s1->nash_welfare, 1e-13);
        assert_close(s2->opt_welfare, s1->opt_welfare, 1e-13);
        assert_close(s2->opt_welfare_ex_ante, s1->opt_welfare_ex_ante, 1e-13);
        assert_close(s2->poa_nash_expected, s1->poa_nash_expected, 1e-13);
        for (size_t j = 0; j < s1->T; j++) {
            assert_int_equal(s2->offers[j].action, s1->offers[j].action);
            assert_true(s2->offers[j].payment == s1->offers[j].payment);
            assert_close(s2->offers[j].payoff_A, s1->offers[j].payoff_A, 1e-13);
            assert_close(s2->offers[j].payoff_B, s1->offers[j].payoff_B, 1e-13);
            assert_close(s2->limited[j].offer.welfare, s1->limited[j].offer.welfare, 1e-13);
        }
        ow_sim_result r1, r2;
        assert_int_equal(ow_simulate(w1, s1, 200000, 3, NULL, NULL, &r1, &e), OW_OK);
        assert_int_equal(ow_simulate(w2, s2, 200000, 3, NULL, NULL, &r2, &e), OW_OK);
        assert_close(r2.so_welfare.mean, r1.so_welfare.mean, 1e-12);
        ow_solution_free(s1); ow_solution_free(s2);
    }
    ow_workspace_free(w1); ow_workspace_free(w2);
    ow_game_free(g1); ow_game_free(g2);
}

static void csv_games_should_equal_inline_games(void **state)
{
    (void)state;
    char dir[] = "/tmp/ow-csv-XXXXXX";
    assert_non_null(mkdtemp(dir));
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 77);
    /* small (one reader) and > 1 MB (split between threads) */
    static const size_t ns[] = { 50, 400, 40000 };
    for (size_t t = 0; t < 3; t++) {
        char csv[256], *in, *viacsv;
        snprintf(csv, sizeof csv, "%s/s%zu.csv", dir, t);
        write_game(r, ns[t], 6, 3, 4, csv, (int)(t % 2), &in, &viacsv);
        compare(in, viacsv, dir);
        free(in); free(viacsv);
        unlink(csv);
    }
    gsl_rng_free(r);
    rmdir(dir);
}

static void csv_game_should_refuse_payments_beyond_what_it_keeps(void **state)
{
    (void)state;
    char dir[] = "/tmp/ow-csv-XXXXXX";
    assert_non_null(mkdtemp(dir));
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    char csv[256], *in, *viacsv;
    snprintf(csv, sizeof csv, "%s/s.csv", dir);
    write_game(r, 100, 4, 2, 2, csv, 0, &in, &viacsv);
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load_string(viacsv, "csv", dir, &e);
    ow_workspace *w = ws_ok(g);
    ow_offer o;
    assert_int_equal(ow_offer_eval(w, 0, 0, 1e6, 0, &o, &e), OW_EINPUT);
    assert_non_null(strstr(e.msg, "beyond"));
    ow_workspace_free(w); ow_game_free(g);
    free(in); free(viacsv);
    unlink(csv); rmdir(dir);
    gsl_rng_free(r);
}

/* More rows than one block of the optimum's row-blocked updates (solve.c,
 * 2^17 rows), in place and blocked (the same bits): E[max_a (u_A + w_j)] per B type against the plain sum over
 * the sample matrix.  The engine sums (u_A - M) + M and weights 1/n row
 * by row, so the two agree to rounding (1e-10 relative over 2.6e5 rows);
 * one lost update would move a mean by about 1e-6 relative. */
static void optimum_should_match_brute_force_past_one_row_block(void **state)
{
    (void)state;
    char dir[] = "/tmp/ow-csv-XXXXXX";
    assert_non_null(mkdtemp(dir));
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2024);
    const size_t n = (1u << 17) * 2 + 777, m = 5, k = 3, T = 4;
    double *u = malloc(n * m * sizeof *u), *ub = malloc(T * m * k * sizeof *ub);
    char csv[256];
    snprintf(csv, sizeof csv, "%s/big.csv", dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < m; a++) {
            u[i * m + a] = (double)gsl_rng_uniform_int(r, 400) / 8;     /* many ties */
            fprintf(f, "%s%.17g", a ? "," : "", u[i * m + a]);
            if (a + 1 == m) fputc('\n', f);
        }
    fclose(f);
    char *js = malloc(100000), *p = js;
    p += sprintf(p, "{\"oneway\":1,\"name\":\"big\",\"A\":{\"actions\":[");
    p = put_names(p, "a", m);
    p += sprintf(p, "],\"types\":{\"samples\":{\"csv\":\"big.csv\"}}},\"B\":{\"actions\":[");
    p = put_names(p, "b", k);
    p += sprintf(p, "],\"types\":[");
    for (size_t j = 0; j < T; j++) {
        p += sprintf(p, "%s{\"prob\":0.25,\"payoff\":[", j ? "," : "");
        for (size_t a = 0; a < m; a++) {
            p += sprintf(p, "%s[", a ? "," : "");
            for (size_t c = 0; c < k; c++) {
                ub[(j * m + a) * k + c] = 60 * gsl_rng_uniform(r);
                p += sprintf(p, "%s%.17g", c ? "," : "", ub[(j * m + a) * k + c]);
            }
            p += sprintf(p, "]");
        }
        p += sprintf(p, "]}");
    }
    sprintf(p, "]}}");
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load_string(js, "big", dir, &e);
    if (!g) fail_msg("%s", e.msg);
    ow_workspace *w = ws_ok(g);
    ow_solution *s = solve_ok(w, OW_MODEL_PAPER);
    /* and with a cache too small for best[]: the blocked updates */
    ow_solve_options o;
    ow_solve_options_default(&o);
    o.cache_bytes = 1;
    ow_solution *sb = ow_solve(w, &o, &e);
    assert_non_null(sb);
    for (size_t j = 0; j < T; j++) {
        assert_true(sb->opt_type[j] == s->opt_type[j]);
        assert_true(sb->ratio_type[j] == s->ratio_type[j]);
    }
    ow_solution_free(sb);
    for (size_t j = 0; j < T; j++) {
        double wj[5], sum = 0;
        for (size_t a = 0; a < m; a++) {
            wj[a] = ub[(j * m + a) * k];
            for (size_t c = 1; c < k; c++) wj[a] = fmax(wj[a], ub[(j * m + a) * k + c]);
        }
        for (size_t i = 0; i < n; i++) {
            double best = -INFINITY;
            for (size_t a = 0; a < m; a++) best = fmax(best, u[i * m + a] + wj[a]);
            sum += best;
        }
        assert_close(s->opt_type[j], sum / (double)n, 1e-10);
    }
    ow_solution_free(s); ow_workspace_free(w); ow_game_free(g);
    free(u); free(ub); free(js);
    unlink(csv); rmdir(dir);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parser_should_match_strtod_bit_for_bit),
        cmocka_unit_test(radix_sort_should_match_comparison_sort),
        cmocka_unit_test(csv_games_should_equal_inline_games),
        cmocka_unit_test(csv_game_should_refuse_payments_beyond_what_it_keeps),
        cmocka_unit_test(optimum_should_match_brute_force_past_one_row_block),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
