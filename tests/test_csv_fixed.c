/* test_csv_fixed.c -- the fixed-point path of the CSV reader (plain
 * decimals read as integers, 8-byte entries, integer-key radix sort) gives
 * exactly the entries of the general path (strtod-exact doubles, a sort on
 * their bits): the same rows, maxima, Nash actions, kept Delta_A bit for
 * bit in the same order; it hands over to the general path when a value
 * does not fit it; its errors are the general path's; lines longer than
 * the read buffer are read. */
#include "helpers.h"
#include "internal.h"
#include <gsl/gsl_rng.h>

/* The game of `csv` (a file in dir) with B's payoffs random but fixed. */
static char *game_json(gsl_rng *r, size_t m, size_t k, size_t T, const char *csvname, double bscale)
{
    size_t cap = 64 + m * 16 + T * m * k * 24 + 4096;
    char *js = malloc(cap), *p = js;
    p += sprintf(p, "{\"oneway\":1,\"name\":\"fx\",\"A\":{\"actions\":[");
    for (size_t a = 0; a < m; a++) p += sprintf(p, "%s\"a%zu\"", a ? "," : "", a);
    p += sprintf(p, "],\"types\":{\"samples\":{\"csv\":\"%s\"}}},\"B\":{\"actions\":[", csvname);
    for (size_t c = 0; c < k; c++) p += sprintf(p, "%s\"b%zu\"", c ? "," : "", c);
    p += sprintf(p, "],\"types\":[");
    for (size_t j = 0; j < T; j++) {
        p += sprintf(p, "%s{\"prob\":%.17g,\"payoff\":[", j ? "," : "", 1.0 / (double)T);
        for (size_t a = 0; a < m; a++) {
            p += sprintf(p, "%s[", a ? "," : "");
            for (size_t c = 0; c < k; c++)
                p += sprintf(p, "%s%.6g", c ? "," : "",
                             gsl_rng_uniform(r) < 0.2 ? bscale * gsl_rng_uniform(r) : 2 * gsl_rng_uniform(r));
            p += sprintf(p, "]");
        }
        p += sprintf(p, "]}");
    }
    sprintf(p, "]}}");
    return js;
}

/* One value as text with `dec` digits after the point (sometimes fewer,
 * as writers drop trailing zeros), in the shapes files hold. */
static void put_value(FILE *f, gsl_rng *r, int dec, int col)
{
    long scale = 1;
    for (int i = 0; i < dec; i++) scale *= 10;
    long v;
    if (col % 4 == 0) v = (long)gsl_rng_uniform_int(r, 8) * scale / 2;          /* many ties */
    else v = (long)gsl_rng_uniform_int(r, (unsigned long)(2000 * scale));
    if (col % 7 == 3 && gsl_rng_uniform(r) < 0.3) v = -v;                       /* negatives */
    if (gsl_rng_uniform(r) < 0.01) v *= 10000;                                  /* long tokens */
    int blank = gsl_rng_uniform(r) < 0.02;
    if (blank) fputc(' ', f);
    long ip = labs(v) / scale, fp = labs(v) % scale;
    int d = dec;
    while (d > 0 && fp % 10 == 0 && gsl_rng_uniform(r) < 0.7) { fp /= 10; d--; }
    const char *sign = v < 0 ? "-" : (gsl_rng_uniform(r) < 0.01 ? "+" : "");
    if (d == 0) fprintf(f, "%s%ld%s", sign, ip, gsl_rng_uniform(r) < 0.05 ? "." : "");
    else if (ip == 0 && gsl_rng_uniform(r) < 0.3) fprintf(f, "%s.%0*ld", sign, d, fp);
    else fprintf(f, "%s%ld.%0*ld", sign, ip, d, fp);
    if (blank) fputc('\t', f);
}

/* Load the game again through one path: OW__CSV_FIXED fixed-point (when
 * it applies), 0 the general one; *used tells which read it. */
static ow_game *load_path(const char *js, const char *dir, const char *csv, int how, int *used)
{
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load_string(js, "fx", dir, &e);
    if (!g) fail_msg("%s", e.msg);
    for (size_t a = 0; a < g->m; a++) { free(g->cd[a]); free(g->cr[a]); }
    free(g->M); free(g->sN); free(g->colmean); free(g->tau); free(g->cn); free(g->cd); free(g->cr); free(g->wt);
    g->M = NULL; g->sN = NULL; g->colmean = NULL; g->tau = NULL; g->cn = NULL; g->cd = NULL; g->cr = NULL; g->wt = NULL;
    if (ow__csv_load_as(g, csv, "fx", "A.types.samples.csv", how, used, &e) != OW_OK) fail_msg("%s", e.msg);
    return g;
}

static void same_entries(const ow_game *f, const ow_game *gen)
{
    assert_int_equal(f->n, gen->n);
    for (size_t i = 0; i < f->n; i++) {
        if (!(f->M[i] == gen->M[i])) fail_msg("row %zu: max %.17g vs %.17g", i, f->M[i], gen->M[i]);
        assert_int_equal(f->sN[i], gen->sN[i]);
    }
    for (size_t a = 0; a < f->m; a++) {
        assert_true(f->tau[a] == gen->tau[a]);
        /* the fixed-point sum is exact, the general path's a sum of doubles
         * (rounding grows with the rows a reader sums: 4e4 in one reader) */
        assert_close(f->colmean[a], gen->colmean[a], 1e-12);
        assert_int_equal(f->cn[a], gen->cn[a]);
        for (size_t t = 0; t < f->cn[a]; t++) {
            if (!(f->cd[a][t] == gen->cd[a][t]) || f->cr[a][t] != gen->cr[a][t])
                fail_msg("action %zu entry %zu: (%.17g, row %u) vs (%.17g, row %u)", a, t, f->cd[a][t], f->cr[a][t],
                         gen->cd[a][t], gen->cr[a][t]);
        }
    }
}

/* the fixed-point path (with its AVX-512 loop where the CPU has one, and
 * without) against the general path */
static void check_file(const char *js, const char *dir, const char *csv, int expect_fixed)
{
    int used_f = -1, used_s = -1, used_g = -1;
    ow_game *f = load_path(js, dir, csv, OW__CSV_FIXED, &used_f);
    ow_game *sc = load_path(js, dir, csv, OW__CSV_FIXED | OW__CSV_SCALAR, &used_s);
    ow_game *gen = load_path(js, dir, csv, 0, &used_g);
    assert_int_equal(used_f, expect_fixed);
    assert_int_equal(used_s, expect_fixed);
    assert_int_equal(used_g, 0);
    same_entries(f, gen);
    same_entries(sc, gen);
    ow_game_free(f);
    ow_game_free(sc);
    ow_game_free(gen);
}

/* A test's scratch: a fresh directory with s.csv in it, and a random
 * stream.  fx_close removes the file and the directory. */
typedef struct fx { char dir[32]; char *csv; gsl_rng *r; } fx;

static void fx_open(fx *x, unsigned long seed)
{
    strcpy(x->dir, "/tmp/ow-fx-XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    x->csv = fmt("%s/s.csv", x->dir);
    x->r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(x->r, seed);
}

static void fx_close(fx *x)
{
    unlink(x->csv);
    free(x->csv);
    rmdir(x->dir);
    gsl_rng_free(x->r);
}

/* s.csv as an m-action game with random B payoffs, checked by check_file */
static void check_csv(fx *x, size_t m, size_t k, size_t T, double bscale, int expect_fixed)
{
    char *js = game_json(x->r, m, k, T, "s.csv", bscale);
    check_file(js, x->dir, x->csv, expect_fixed);
    free(js);
}

static void fixed_point_path_should_give_the_general_paths_entries(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, 91);
    char *csv = x.csv;
    gsl_rng *r = x.r;
    /* 0-4 fraction digits; small files (one reader) and files of a few MB
     * (two readers, several row blocks); headers; CRLF */
    static const size_t ns[] = { 1, 7, 300, 5000, 40000 };
    for (int dec = 0; dec <= 4; dec++)
        for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
            size_t n = ns[t], m = 3 + gsl_rng_uniform_int(r, 9), k = 1 + gsl_rng_uniform_int(r, 3), T = 1 + gsl_rng_uniform_int(r, 4);
            int crlf = (int)(t % 2), header = (int)((t + (size_t)dec) % 3 == 0);
            FILE *f = fopen(csv, "w");
            assert_non_null(f);
            if (header) {
                for (size_t a = 0; a < m; a++) fprintf(f, "%sa%zu", a ? "," : "", a);
                fputs(crlf ? "\r\n" : "\n", f);
            }
            for (size_t i = 0; i < n; i++) {
                for (size_t a = 0; a < m; a++) {
                    if (a) fputc(',', f);
                    /* the first row shows the most fraction digits, as a sniffed file must */
                    if (i == 0 && a == 0 && dec) { fprintf(f, "1.%0*d", dec, 1); continue; }
                    put_value(f, r, dec, (int)a);
                }
                fputs(crlf ? "\r\n" : "\n", f);
            }
            fclose(f);
            check_csv(&x, m, k, T, 3000, 1);
        }
    fx_close(&x);
}

/* Rows of every width around the eight-token steps of the vector reader
 * (1, 2, 7, 8, 9, 16, 17, 33 actions; 100; and 9000, whose 72 KB lines
 * pass its 64 KB limit and go to the scalar reader: 8 bytes a token, so a
 * 16-bit offset that wrapped would land on another token), plain values
 * (every fourth row of 0, 1 and 2 only, so its maximum ties across lanes
 * and steps) of one to eight bytes
 * with ties, with and without a point: all three readers agree. */
static void rows_of_every_width_should_read_alike(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, 17);
    char *csv = x.csv;
    gsl_rng *r = x.r;
    static const size_t ms[] = { 1, 2, 7, 8, 9, 16, 17, 33, 100, 9000 };
    for (size_t t = 0; t < sizeof ms / sizeof ms[0]; t++) {
        size_t m = ms[t];
        FILE *f = fopen(csv, "w");
        assert_non_null(f);
        for (size_t i = 0; i < 20000 / m + (m > 1000 ? 3 : 50); i++)
            for (size_t a = 0; a < m; a++) {
                if (i == 0 && a == 0) fputs("1.001", f);            /* three digits after the point */
                else if (m > 1000) fprintf(f, "%04u.%02u", (unsigned)gsl_rng_uniform_int(r, 10000),
                                           (unsigned)gsl_rng_uniform_int(r, 100));  /* 8 bytes a token with its comma */
                else if (i % 4 == 1) fprintf(f, "%u", (unsigned)gsl_rng_uniform_int(r, 3));  /* the maximum tied */
                else switch (gsl_rng_uniform_int(r, 5)) {
                    case 0: fprintf(f, "%u", (unsigned)gsl_rng_uniform_int(r, 100000000)); break;  /* 8 bytes */
                    case 1: fprintf(f, "%u.%03u", (unsigned)gsl_rng_uniform_int(r, 10000), (unsigned)gsl_rng_uniform_int(r, 1000)); break;
                    case 2: fprintf(f, "%u.", (unsigned)gsl_rng_uniform_int(r, 50)); break;
                    case 3: fprintf(f, ".%u", (unsigned)gsl_rng_uniform_int(r, 10)); break;
                    default: fprintf(f, "%u.%u", (unsigned)gsl_rng_uniform_int(r, 4), (unsigned)gsl_rng_uniform_int(r, 10)); break;
                }
                fputc(a + 1 < m ? ',' : '\n', f);
            }
        fclose(f);
        check_csv(&x, m, 2, 2, 3000, 1);
    }
    fx_close(&x);
}

/* write n rows of m two-decimal values, then `tail` as one more row */
static void write_with_tail(const char *csv, gsl_rng *r, size_t n, size_t m, const char *tail)
{
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < m; a++)
            fprintf(f, "%u.%02u%c", (unsigned)gsl_rng_uniform_int(r, 100), (unsigned)gsl_rng_uniform_int(r, 100),
                    a + 1 < m ? ',' : '\n');
    fputs(tail, f);
    fclose(f);
}

static void values_the_fixed_point_path_cannot_take_should_go_to_the_general_path(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, 5);
    char *csv = x.csv;
    gsl_rng *r = x.r;
    /* after the first MB: an exponent, more fraction digits than seen, a
     * value beyond 2^40 / S, a 19-digit mantissa */
    static const char *tails[] = { "1e2,3,4\n", "1.125,3,4\n", "20000000000.5,3,4\n", "1234567890123456789,1,2\n" };
    for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
        write_with_tail(csv, r, 60000, 3, tails[t]);
        check_csv(&x, 3, 2, 2, 300, 0);
    }
    /* an exponent in the first MB: the general path from the start */
    FILE *f = fopen(csv, "w");
    fputs("1.5e1,2,3\n4,5,6\n", f);
    fclose(f);
    check_csv(&x, 3, 2, 2, 300, 0);
    fx_close(&x);
}

static void errors_should_read_as_the_general_paths(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, 0);
    const char *dir = x.dir;
    char *csv = x.csv, *badcsv = fmt("%s/bad.csv", x.dir);
    gsl_rng *r = x.r;
    write_with_tail(csv, r, 4, 3, "");
    char *js = game_json(r, 3, 2, 2, "s.csv", 300);
    int used;
    ow_game *g = load_path(js, dir, csv, 0, &used);     /* a game to load other files into */
    for (size_t a = 0; a < g->m; a++) { free(g->cd[a]); free(g->cr[a]); }
    free(g->M); free(g->sN); free(g->colmean); free(g->tau); free(g->cn); free(g->cd); free(g->cr); free(g->wt);
    g->M = NULL; g->sN = NULL; g->colmean = NULL; g->tau = NULL; g->cn = NULL; g->cd = NULL; g->cr = NULL; g->wt = NULL;
    static const char *bad[] = { "1.2.3,4,5\n", "1,2\n", "1,2,3,4\n", "1,,3\n", "1,x,3\n", "1,2,nan\n", "-,2,3\n",
                                 ".,2,3\n", "1,2,3,\n", "1,2, 3 4\n", "\n1,2,3\n", "1,2,inf\n",
                                 "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,"
                                 "31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50\n" };
    for (size_t t = 0; t < sizeof bad / sizeof bad[0]; t++) {
        write_with_tail(badcsv, r, 4, 3, bad[t]);
        ow_error e1 = { OW_OK, "" }, e2 = { OW_OK, "" };
        assert_int_equal(ow__csv_load_as(g, badcsv, "fx", "A.types.samples.csv", 1, NULL, &e1), OW_EINPUT);
        assert_int_equal(ow__csv_load_as(g, badcsv, "fx", "A.types.samples.csv", 0, NULL, &e2), OW_EINPUT);
        assert_string_equal(e1.msg, e2.msg);
        assert_non_null(strstr(e1.msg, "bad.csv:5:"));
        assert_null(g->cd);                            /* the game is as it was */
    }
    ow_game_free(g);
    free(js);
    unlink(badcsv);
    free(badcsv);
    fx_close(&x);
}

/* A row short of commas after a full row: the vector reader must not use
 * the earlier row's token ends (they would cut "1,2222222222" into three
 * plausible tokens). */
static void a_row_short_of_commas_should_be_refused(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, 3);
    FILE *f = fopen(x.csv, "w");
    assert_non_null(f);
    fputs("1.25,2.5,3.5\n1,2222222222\n", f);
    fclose(f);
    char *js = game_json(x.r, 3, 2, 2, "s.csv", 300);
    ow_error e = { OW_OK, "" };
    assert_null(ow_game_load_string(js, "fx", x.dir, &e));   /* the fixed-point path reads it */
    assert_int_equal(e.status, OW_EINPUT);
    assert_non_null(strstr(e.msg, "s.csv:2:"));
    free(js);
    fx_close(&x);
}

static void lines_longer_than_the_read_buffer_should_be_read(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, 0);
    char *csv = x.csv;
    gsl_rng *r = x.r;
    const size_t m = 5000, n = 3;                     /* blanks make lines of about 1.5 MB */
    FILE *f = fopen(csv, "w");
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < m; a++)
            fprintf(f, "%u.%03u%150s%c", (unsigned)gsl_rng_uniform_int(r, 100), (unsigned)gsl_rng_uniform_int(r, 1000), "",
                    a + 1 < m ? ',' : '\n');
    fclose(f);
    check_csv(&x, m, 1, 1, 300, 1);
    fx_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixed_point_path_should_give_the_general_paths_entries),
        cmocka_unit_test(rows_of_every_width_should_read_alike),
        cmocka_unit_test(values_the_fixed_point_path_cannot_take_should_go_to_the_general_path),
        cmocka_unit_test(errors_should_read_as_the_general_paths),
        cmocka_unit_test(a_row_short_of_commas_should_be_refused),
        cmocka_unit_test(lines_longer_than_the_read_buffer_should_be_read),
    };
    return cmocka_run_group_tests_name("csv_fixed", tests, NULL, NULL);
}
