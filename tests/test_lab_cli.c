/* test_lab_cli.c -- `oneway multi|secondbest|pricing|compare` as other
 * programs see them: exit 2 and nothing on stdout for bad input, the JSON
 * keys the issue names, and the figures agreeing across commands. */
#include "cli_helpers.h"
#include <jansson.h>

#define EX1 OW_SOURCE_DIR "/examples/example-1.json"
#define EX2 OW_SOURCE_DIR "/examples/example-2.json"

static void lab_commands_should_exit_2_on_bad_input(void **state)
{
    (void)state;
    expect_usage_error("multi " EX1 " --offers 2", "--type");
    expect_usage_error("multi " EX1 " --type only --action s1 --gamma 0.3,0.5 --prob 0.8,0.6", "p_1");
    expect_usage_error("multi " EX1 " --type only --action s1 --gamma 0.3,1.5 --prob 1,0.6", "gamma_2");
    expect_usage_error("multi " EX1 " --type only --action s1 --gamma 0.3,0.5 --prob 1,1.6", "p_2");
    expect_usage_error("multi " EX1 " --type only --action s1 --gamma 0.3,0.5 --prob 1", "--prob has 1");
    expect_usage_error("multi " EX1 " --type only --action s1 --gamma 0.3,x", "comma-separated");
    expect_usage_error("multi " EX1 " --type only --gamma 0.3", "--action");
    expect_usage_error("multi " EX1 " --type nobody --offers 2", "no B type");
    expect_usage_error("multi " EX1 " --type only --action s9 --offers 2", "no action");
    expect_usage_error("multi " EX1 " --type only --offers 0", "--offers");
    expect_usage_error("multi " EX1 " --type only --offers 99", "--offers");
    expect_usage_error("multi " EX1 " --type only --action s1 --gamma 0.3 --offers 2", "not both");
    expect_usage_error("secondbest " EX1 " --points 1", "--points");
    expect_usage_error("secondbest " EX1 " --points 100000", "at most");
    expect_usage_error("secondbest " OW_SOURCE_DIR "/tests/data/csv-game.json", "CSV");
    expect_usage_error("pricing " OW_SOURCE_DIR "/tests/data/csv-game.json", "CSV");
    expect_usage_error("pricing /no/such/game.json", "/no/such/game.json");
    expect_usage_error("compare", "needs a game file");
    expect_usage_error("compare " EX1 " --bogus", "unknown option");
}

static json_t *json_of(const char *args)
{
    run r = sh(args);
    if (r.status != 0) fail_msg("'%s': exit %d: %s", args, r.status, r.err);
    json_error_t je;
    json_t *d = json_loads(r.out, 0, &je);
    if (!d) fail_msg("'%s': not JSON: %s", args, je.text);
    run_free(&r);
    return d;
}

static json_t *at(json_t *d, const char *a, const char *b)
{
    json_t *v = json_object_get(d, a);
    if (v && b) v = json_object_get(v, b);
    if (!v) fail_msg("missing %s%s%s", a, b ? "." : "", b ? b : "");
    return v;
}

static void multi_json_should_have_the_issue_keys(void **state)
{
    (void)state;
    json_t *d = json_of("multi " EX1 " --type only --action s1 --gamma 0.3,0.6,0.9 --prob 1,0.5,0.5 --json");
    const char *sk[] = { "action", "gamma", "prob", "accept_by_step", "payoff_A", "payoff_B", "welfare" };
    for (size_t i = 0; i < sizeof sk / sizeof sk[0]; i++) at(d, "schedule", sk[i]);
    at(d, "single_offer", "payoff_B");
    at(d, "single_offer", "welfare");
    at(d, "condition4", "accept_by_step");
    assert_int_equal(json_array_size(at(d, "schedule", "accept_by_step")), 3);
    /* hand values: offers 45, 90, 135 -> accepted at steps 2 and 3 */
    assert_close(json_real_value(json_array_get(at(d, "schedule", "accept_by_step"), 1)), 0.225, 1e-10);
    assert_close(json_real_value(at(d, "gain", NULL)),
                 json_real_value(at(d, "schedule", "objective")) - json_real_value(at(d, "single_offer", "objective")), 1e-12);
    json_decref(d);
    d = json_of("multi " EX1 " --type only --offers 3 --restarts 6 --json");
    assert_true(json_real_value(at(d, "gain", NULL)) <= 1e-9);          /* Theorem 10 */
    assert_true(json_real_value(at(d, "gain", NULL)) >= -1e-6);         /* and the search finds it */
    at(d, "search", "restarts");
    json_decref(d);
}

static void secondbest_json_should_have_the_issue_keys(void **state)
{
    (void)state;
    json_t *d = json_of("secondbest " EX1 " --points 12 --json --quiet");
    at(d, "first_best", "welfare");
    at(d, "nash", "welfare");
    at(d, "least_subsidy", "subsidy");
    const char *sk[] = { "welfare", "payoff_A", "payoff_B", "binding", "mechanism" };
    for (size_t i = 0; i < sizeof sk / sizeof sk[0]; i++) at(d, "second_best", sk[i]);
    assert_true(json_array_size(at(d, "second_best", "binding")) > 0);
    assert_int_equal(json_integer_value(at(d, "types", "points")), 12);
    /* one B type, Example 1: trade is efficient for every A type, so the
     * second best reaches the first best (200) */
    assert_close(json_real_value(at(d, "second_best", "welfare")), 200, 1e-9);
    assert_true(json_is_true(at(d, "exact_check", "ran")));
    json_decref(d);
}

static void pricing_json_should_have_the_issue_keys(void **state)
{
    (void)state;
    json_t *d = json_of("pricing " OW_SOURCE_DIR "/tests/data/good-finite.json --json");
    json_t *rw = at(d, "rewards", NULL);
    assert_true(json_object_size(rw) > 0);
    const char *k;
    json_t *v;
    json_object_foreach(rw, k, v) assert_true(json_object_size(v) > 0);
    at(d, "welfare", NULL); at(d, "payoff_A", NULL); at(d, "payoff_B", NULL);
    assert_true(json_is_true(at(d, "optimal", NULL)));                  /* small finite: exact */
    assert_close(json_real_value(at(d, "welfare", NULL)),
                 json_real_value(at(d, "payoff_A", NULL)) + json_real_value(at(d, "payoff_B", NULL)), 1e-12);
    json_decref(d);
}

static void compare_json_should_list_every_mechanism(void **state)
{
    (void)state;
    json_t *d = json_of("compare " EX2 " --json --quiet --points 16");
    json_t *rows = at(d, "mechanisms", NULL);
    const char *names[] = { "nash", "single_offer_paper", "single_offer_bayes", "multi_offer", "item_pricing",
                            "second_best", "efficient_least_subsidy", "first_best" };
    assert_int_equal(json_array_size(rows), 8);
    for (size_t i = 0; i < 8; i++) {
        json_t *r = json_array_get(rows, i);
        assert_string_equal(json_string_value(json_object_get(r, "name")), names[i]);
        static const char *const keys[] = { "welfare", "payoff_A", "payoff_B", "poa", "budget_balanced",
                                            "incentive_compatible", "individually_rational" };
        expect_keys(r, keys, 7, names[i]);
    }
    /* the single offer row is what `solve` says */
    json_t *s = json_of("solve " EX2 " --json --mc-samples 0");
    assert_close(json_real_value(json_object_get(json_array_get(rows, 1), "welfare")),
                 json_real_value(at(s, "single_offer", "welfare")), 1e-12);
    assert_close(json_real_value(json_object_get(json_array_get(rows, 0), "welfare")),
                 json_real_value(at(s, "nash", "welfare")), 1e-12);
    /* the first best's split adds up (integrals for this continuous game) */
    json_t *fb = json_array_get(rows, 7);
    assert_close(json_real_value(json_object_get(fb, "payoff_A")) + json_real_value(json_object_get(fb, "payoff_B")),
                 json_real_value(json_object_get(fb, "welfare")), 1e-9);
    /* the first best is not individually rational; the second best is all three */
    assert_true(json_is_false(json_object_get(json_array_get(rows, 7), "individually_rational")));
    json_t *sb = json_array_get(rows, 5);
    assert_true(json_is_true(json_object_get(sb, "budget_balanced")) && json_is_true(json_object_get(sb, "incentive_compatible"))
                && json_is_true(json_object_get(sb, "individually_rational")));
    json_decref(s);
    json_decref(d);
    /* Example 1 (x = 150): the optimum always has A play s1, so A gets
     * E[u] = 50 and B 150 */
    d = json_of("compare " EX1 " --json --quiet --points 8");
    fb = json_array_get(at(d, "mechanisms", NULL), 7);
    assert_close(json_real_value(json_object_get(fb, "payoff_A")), 50, 1e-9);
    assert_close(json_real_value(json_object_get(fb, "payoff_B")), 150, 1e-9);
    json_decref(d);
    /* samples from CSV: the rows that need A's payoff table say so */
    d = json_of("compare " OW_SOURCE_DIR "/tests/data/csv-game.json --json --quiet");
    rows = at(d, "mechanisms", NULL);
    assert_int_equal(json_array_size(rows), 8);
    assert_true(json_is_null(json_object_get(json_array_get(rows, 5), "welfare")));
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(rows, 5), "note")), "CSV"));
    assert_true(json_is_number(json_object_get(json_array_get(rows, 3), "welfare")));   /* multi-offer works */
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lab_commands_should_exit_2_on_bad_input),
        cmocka_unit_test(multi_json_should_have_the_issue_keys),
        cmocka_unit_test(secondbest_json_should_have_the_issue_keys),
        cmocka_unit_test(pricing_json_should_have_the_issue_keys),
        cmocka_unit_test(compare_json_should_list_every_mechanism),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
