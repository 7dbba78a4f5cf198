/* test_paper.c -- `oneway paper`: every claim is present with its four
 * values, and the verdicts are those the derivations in
 * docs/paper-notes.md predict (claims the paper gets right hold; the
 * algebra slips are flagged). */
#include "helpers.h"
#include "oneway_report.h"

static json_t *find(json_t *rows, const char *id)
{
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
        if (!strcmp(json_string_value(json_object_get(r, "id")), id)) return r;
    fail_msg("no row %s", id);
    return NULL;
}

static double val(json_t *r, const char *k) { return json_number_value(json_object_get(r, k)); }

static void paper_claims_should_have_expected_verdicts(void **state)
{
    (void)state;
    ow_error e = { OW_OK, "" };
    json_t *rows = ow_paper_claims(&e);
    if (!rows) fail_msg("%s", e.msg);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        static const char *k[] = { "id", "claim", "paper", "recomputed", "exact", "agrees" };
        for (int j = 0; j < 6; j++) if (!json_object_get(r, k[j])) fail_msg("row %zu lacks %s", i, k[j]);
    }
    /* Example 1: offer and Nash PoA right; welfare formula wrong; bound holds */
    assert_true(json_is_true(json_object_get(find(rows, "ex1.offer[x=150]"), "agrees")));
    assert_true(json_is_true(json_object_get(find(rows, "ex1.nash_poa[x=150]"), "agrees")));
    r = find(rows, "ex1.so_welfare[x=150]");
    assert_true(json_is_false(json_object_get(r, "agrees")));
    assert_close(val(r, "exact"), 100 + 3 * 150.0 * 150 / 800, 1e-9);
    r = find(rows, "ex1.so_poa_bound");
    assert_true(json_is_true(json_object_get(r, "agrees")));
    /* the true maximum is 8 sqrt(105) / (3 (35 - sqrt(105))) */
    assert_close(val(r, "exact"), 8 * sqrt(105.0) / (3 * (35 - sqrt(105.0))), 1e-7);
    assert_close(val(r, "recomputed"), 4.0 / 31 * (3 + 2 * sqrt(10.0)), 1e-7);
    /* Example 2: acceptance formula is conditional; peak overstated */
    r = find(rows, "ex2.accept_prob[n=5,c=0.3]");
    assert_true(json_is_false(json_object_get(r, "agrees")));
    assert_close(val(r, "exact"), 0.3 + (1 - pow(0.3, 5)) / 5, 1e-10);
    r = find(rows, "ex2.peak_poa");
    assert_true(json_is_false(json_object_get(r, "agrees")));
    assert_close(val(r, "recomputed"), val(r, "paper"), 1e-7);
    json_t *seq = json_object_get(r, "sequence");
    assert_true(json_array_size(seq) >= 4);
    double prev = INFINITY, limit = val(r, "limit_true");
    json_array_foreach(seq, i, r) {       /* decreasing towards the true limit */
        double v = val(r, "value");
        assert_true(v < prev && v > limit);
        prev = v;
    }
    assert_true(prev - limit < 2e-3);
    /* Corollary 7 */
    r = find(rows, "cor7.bound[beta=1]");
    assert_true(json_is_true(json_object_get(r, "agrees")));
    assert_close(val(r, "exact"), 2.25, 1e-7);
    assert_true(json_is_true(json_object_get(find(rows, "cor7.gamma[beta=0.25]"), "agrees")));
    assert_true(json_is_true(json_object_get(find(rows, "lemma2.bound"), "agrees")));
    assert_true(json_is_false(json_object_get(find(rows, "lemma2.equality"), "agrees")));
    assert_true(json_is_true(json_object_get(find(rows, "prop1.bounds"), "agrees")));
    /* Theorem 1: Myerson-Satterthwaite's 9/64 and 1/6, approached from the
     * inside by the K-point programs */
    r = find(rows, "thm1.second_best_gains");
    assert_true(json_is_true(json_object_get(r, "agrees")));
    assert_close(val(r, "exact"), 9.0 / 64, 1e-3);
    seq = json_object_get(r, "sequence");
    json_array_foreach(seq, i, r) assert_true(val(r, "value") > 9.0 / 64 && val(r, "value") < 1.0 / 6);
    r = find(rows, "thm1.least_subsidy");
    assert_true(json_is_true(json_object_get(r, "agrees")));
    assert_close(val(r, "exact"), 1.0 / 6, 1e-3);
    /* Theorem 10: no schedule beats the single offer, and the search reaches it */
    const char *t10[] = { "thm10.ex1(x=150)[paper]", "thm10.ex1(x=150)[bayes]", "thm10.ex2(n=3,mu1=1)[paper]",
                          "thm10.ex2(n=3,mu1=1)[bayes]" };
    for (int t = 0; t < 4; t++) {
        r = find(rows, t10[t]);
        assert_true(json_is_true(json_object_get(r, "agrees")));
        assert_close(val(r, "exact"), val(r, "paper"), 1e-6);
    }
    json_decref(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paper_claims_should_have_expected_verdicts),
    };
    return cmocka_run_group_tests_name("paper", tests, NULL, NULL);
}
