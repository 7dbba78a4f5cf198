/* test_load.c -- every class of bad input in spec section 2 is refused with
 * a message naming the place, what was expected and what was found; good
 * input loads with the spec's defaults. */
#include "helpers.h"

/* A valid game with one placeholder %s replaced per case would hide the
 * structure; each case is written out whole. */
#define B1 "\"B\":{\"actions\":[\"b\"],\"payoff\":[[1],[0]]}"
#define A2(types) "\"A\":{\"actions\":[\"s1\",\"s2\"],\"types\":" types "}"
#define GAME(a, b) "{\"oneway\":1," a "," b "}"
#define UNI "{\"dist\":\"uniform\",\"low\":0,\"high\":1}"

typedef struct bad_case {
    const char *name, *json;
    ow_status status;
    const char *expect[3];        /* substrings of the message */
} bad_case;

static const bad_case cases[] = {
    { "load_should_report_syntax_error_with_line_and_column", "{\"oneway\":1,\n \"A\": [1,}", OW_EINPUT, { "test:2:", "syntax" } },
    { "load_should_reject_trailing_garbage", "{\"oneway\":1} x", OW_EINPUT, { "syntax" } },
    { "load_should_reject_duplicate_keys", "{\"oneway\":1,\"oneway\":1}", OW_EINPUT, { "duplicate", "oneway" } },
    { "load_should_reject_overflowing_number", GAME(A2("{\"independent\":[" UNI ",{\"dist\":\"constant\",\"value\":1e999}]}"), B1), OW_EINPUT, { "test:1:" } },
    { "load_should_reject_unknown_top_key", "{\"oneway\":1,\"extra\":2," A2("{\"independent\":[" UNI "," UNI "]}") "," B1 "}", OW_EINPUT, { "(top level)", "unknown key \"extra\"" } },
    { "load_should_require_version", "{" A2("{\"independent\":[" UNI "," UNI "]}") "," B1 "}", OW_EINPUT, { "missing key \"oneway\"" } },
    { "load_should_reject_wrong_version", "{\"oneway\":2," A2("{\"independent\":[" UNI "," UNI "]}") "," B1 "}", OW_EINPUT, { "oneway", "version 1", "found 2" } },
    { "load_should_require_A", "{\"oneway\":1," B1 "}", OW_EINPUT, { "missing key \"A\"" } },
    { "load_should_reject_string_actions", GAME("\"A\":{\"actions\":\"s1\",\"types\":{}}", B1), OW_EINPUT, { "A.actions", "expected an array", "found a string" } },
    { "load_should_reject_empty_actions", GAME("\"A\":{\"actions\":[],\"types\":{}}", B1), OW_EINPUT, { "A.actions", "empty" } },
    { "load_should_reject_duplicate_action_names", GAME("\"A\":{\"actions\":[\"s\",\"s\"],\"types\":{}}", B1), OW_EINPUT, { "A.actions[1]", "duplicate action name \"s\"" } },
    { "load_should_reject_non_string_action", GAME("\"A\":{\"actions\":[\"s\",3],\"types\":{}}", B1), OW_EINPUT, { "A.actions[1]", "found a number" } },
    { "load_should_reject_two_type_models", GAME(A2("{\"independent\":[" UNI "," UNI "],\"samples\":[[1,2]]}"), B1), OW_EINPUT, { "A.types", "exactly one" } },
    { "load_should_reject_unknown_type_model", GAME(A2("{\"mixture\":[]}"), B1), OW_EINPUT, { "A.types", "unknown key \"mixture\"" } },
    { "load_should_reject_wrong_number_of_distributions", GAME(A2("{\"independent\":[" UNI "]}"), B1), OW_EINPUT, { "A.types.independent", "expected 2 distributions", "found 1" } },
    { "load_should_reject_unknown_distribution", GAME(A2("{\"independent\":[" UNI ",{\"dist\":\"cauchy\"}]}"), B1), OW_EINPUT, { "A.types.independent[1].dist", "\"cauchy\"" } },
    { "load_should_reject_missing_distribution_field", GAME(A2("{\"independent\":[" UNI ",{\"dist\":\"normal\",\"mean\":1}]}"), B1), OW_EINPUT, { "A.types.independent[1]", "missing key \"sd\"" } },
    { "load_should_reject_unknown_distribution_field", GAME(A2("{\"independent\":[" UNI ",{\"dist\":\"constant\",\"value\":1,\"sd\":2}]}"), B1), OW_EINPUT, { "A.types.independent[1]", "unknown key \"sd\"" } },
    { "load_should_reject_uniform_low_not_below_high", GAME(A2("{\"independent\":[" UNI ",{\"dist\":\"uniform\",\"low\":2,\"high\":1}]}"), B1), OW_EINPUT, { "A.types.independent[1]", "low < high" } },
    { "load_should_reject_normal_nonpositive_sd", GAME(A2("{\"independent\":[" UNI ",{\"dist\":\"normal\",\"mean\":0,\"sd\":0}]}"), B1), OW_EINPUT, { "A.types.independent[1]", "sd > 0" } },
    { "load_should_reject_beta_nonpositive_shape", GAME(A2("{\"independent\":[" UNI ",{\"dist\":\"beta\",\"a\":-1,\"b\":2}]}"), B1), OW_EINPUT, { "A.types.independent[1]", "a > 0" } },
    { "load_should_reject_power_nonpositive_beta", GAME(A2("{\"independent\":[" UNI ",{\"dist\":\"power\",\"beta\":0,\"high\":1}]}"), B1), OW_EINPUT, { "A.types.independent[1]", "beta > 0" } },
    { "load_should_reject_exponential_nonpositive_rate", GAME(A2("{\"independent\":[" UNI ",{\"dist\":\"exponential\",\"rate\":-2}]}"), B1), OW_EINPUT, { "A.types.independent[1]", "rate > 0" } },
    { "load_should_reject_discrete_dist_probs_not_summing", GAME(A2("{\"independent\":[" UNI ",{\"dist\":\"discrete\",\"values\":[1,2],\"probs\":[0.5,0.4]}]}"), B1), OW_EINPUT, { "A.types.independent[1].probs", "summing to 1" } },
    { "load_should_reject_discrete_dist_length_mismatch", GAME(A2("{\"independent\":[" UNI ",{\"dist\":\"discrete\",\"values\":[1,2],\"probs\":[1]}]}"), B1), OW_EINPUT, { "A.types.independent[1].probs", "expected 2" } },
    { "load_should_reject_negative_type_probability", GAME(A2("{\"discrete\":[{\"prob\":-0.5,\"payoff\":[1,2]},{\"prob\":1.5,\"payoff\":[2,1]}]}"), B1), OW_EINPUT, { "A.types.discrete[0].prob", "[0, 1]", "-0.5" } },
    { "load_should_reject_type_probs_not_summing", GAME(A2("{\"discrete\":[{\"prob\":0.5,\"payoff\":[1,2]},{\"prob\":0.4,\"payoff\":[2,1]}]}"), B1), OW_EINPUT, { "A.types.discrete[].prob", "summing to 1", "0.9" } },
    { "load_should_reject_empty_type_set", GAME(A2("{\"discrete\":[]}"), B1), OW_EINPUT, { "A.types.discrete", "empty" } },
    { "load_should_reject_short_sample_row", GAME(A2("{\"samples\":[[1,2],[3]]}"), B1), OW_EINPUT, { "A.types.samples[1]", "expected 2 numbers", "found 1" } },
    { "load_should_reject_string_in_samples", GAME(A2("{\"samples\":[[1,\"2\"]]}"), B1), OW_EINPUT, { "A.types.samples[0][1]", "expected a number", "found a string" } },
    { "load_should_reject_wrong_matrix_rows", GAME(A2("{\"samples\":[[1,2]]}"), "\"B\":{\"actions\":[\"b\"],\"payoff\":[[1]]}"), OW_EINPUT, { "B.payoff", "expected 2 rows", "found 1" } },
    { "load_should_reject_wrong_matrix_columns", GAME(A2("{\"samples\":[[1,2]]}"), "\"B\":{\"actions\":[\"b\",\"c\"],\"payoff\":[[1,2],[3]]}"), OW_EINPUT, { "B.payoff[1]", "expected 2 numbers", "found 1" } },
    { "load_should_reject_types_and_shorthand_together", GAME(A2("{\"samples\":[[1,2]]}"), "\"B\":{\"actions\":[\"b\"],\"payoff\":[[1],[2]],\"types\":[]}"), OW_EINPUT, { "B", "found both" } },
    { "load_should_reject_B_type_probs_not_summing", GAME(A2("{\"samples\":[[1,2]]}"), "\"B\":{\"actions\":[\"b\"],\"types\":[{\"prob\":0.3,\"payoff\":[[1],[2]]}]}"), OW_EINPUT, { "B.types[].prob", "summing to 1" } },
    { "load_should_reject_B_type_probability_above_one", GAME(A2("{\"samples\":[[1,2]]}"), "\"B\":{\"actions\":[\"b\"],\"types\":[{\"prob\":1.2,\"payoff\":[[1],[2]]}]}"), OW_EINPUT, { "B.types[0].prob", "1.2" } },
    { "load_should_reject_B_type_unknown_key", GAME(A2("{\"samples\":[[1,2]]}"), "\"B\":{\"actions\":[\"b\"],\"types\":[{\"prob\":1,\"payoff\":[[1],[2]],\"weight\":1}]}"), OW_EINPUT, { "B.types[0]", "unknown key \"weight\"" } },
    { "load_should_reject_empty_B_types", GAME(A2("{\"samples\":[[1,2]]}"), "\"B\":{\"actions\":[\"b\"],\"types\":[]}"), OW_EINPUT, { "B.types", "empty" } },
    { "load_should_reject_missing_csv_file", GAME(A2("{\"samples\":{\"csv\":\"no-such-file.csv\"}}"), B1), OW_EIO, { "A.types.samples.csv", "no-such-file.csv" } },
    { "load_should_report_csv_line_of_bad_number", GAME(A2("{\"samples\":{\"csv\":\"bad-number.csv\"}}"), B1), OW_EINPUT, { "bad-number.csv:3", "column 2", "expected a number" } },
    { "load_should_report_csv_line_of_short_row", GAME(A2("{\"samples\":{\"csv\":\"short-row.csv\"}}"), B1), OW_EINPUT, { "short-row.csv:2", "expected 2 numbers" } },
    { "load_should_reject_csv_header_mismatch", GAME(A2("{\"samples\":{\"csv\":\"bad-header.csv\"}}"), B1), OW_EINPUT, { "bad-header.csv:1", "\"s2\"", "\"s3\"" } },
    { "load_should_reject_non_finite_csv_value", GAME(A2("{\"samples\":{\"csv\":\"inf.csv\"}}"), B1), OW_EINPUT, { "inf.csv:2", "finite" } },
};

static void run_bad(void **state)
{
    const bad_case *c = *state;
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load_string(c->json, "test", OW_SOURCE_DIR "/tests/data", &e);
    if (g) { ow_game_free(g); fail_msg("accepted bad input: %s", c->json); }
    assert_int_equal(e.status, c->status);
    for (int i = 0; i < 3 && c->expect[i]; i++)
        if (!strstr(e.msg, c->expect[i])) fail_msg("message \"%s\" lacks \"%s\"", e.msg, c->expect[i]);
}

/* the game text (freed here) is refused as too large, with msg */
static void expect_too_big(char *text, const char *msg)
{
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load_string(text, "test", NULL, &e);
    free(text);
    assert_null(g);
    assert_int_equal(e.status, OW_ETOOBIG);
    if (!strstr(e.msg, msg)) fail_msg("message \"%s\" lacks \"%s\"", e.msg, msg);
}

static void load_should_refuse_too_many_actions(void **state)
{
    (void)state;
    size_t n = 100001;
    char *s = malloc(n * 12 + 200), *p = s;
    p += sprintf(p, "{\"oneway\":1,\"A\":{\"actions\":[");
    for (size_t i = 0; i < n; i++) p += sprintf(p, "%s\"a%zu\"", i ? "," : "", i);
    sprintf(p, "],\"types\":{\"samples\":[[1]]}}," B1 "}");
    expect_too_big(s, "exceed the limit");
}

static void load_should_refuse_too_many_continuous_actions(void **state)
{
    (void)state;
    size_t n = 129;
    char *s = malloc(n * 64 + 400), *p = s;
    p += sprintf(p, "{\"oneway\":1,\"A\":{\"actions\":[");
    for (size_t i = 0; i < n; i++) p += sprintf(p, "%s\"a%zu\"", i ? "," : "", i);
    p += sprintf(p, "],\"types\":{\"independent\":[");
    for (size_t i = 0; i < n; i++) p += sprintf(p, "%s" UNI, i ? "," : "");
    p += sprintf(p, "]}},\"B\":{\"actions\":[\"b\"],\"payoff\":[");
    for (size_t i = 0; i < n; i++) p += sprintf(p, "%s[0]", i ? "," : "");
    sprintf(p, "]}}");
    expect_too_big(s, "continuous payoffs exceed the limit");
}

static void load_should_accept_shorthand_and_defaults(void **state)
{
    (void)state;
    ow_game *g = load_ok(GAME(A2("{\"independent\":[" UNI ",{\"dist\":\"beta\",\"a\":2,\"b\":3}]}"), B1));
    assert_string_equal(ow_game_name(g), "test");
    assert_int_equal(ow_game_num_types_B(g), 1);
    assert_string_equal(ow_game_type_B(g, 0), "0");
    assert_close(ow_game_type_prob(g, 0), 1.0, 0);
    assert_int_equal(ow_game_is_finite(g), 0);
    ow_game_free(g);
}

static void load_should_read_csv_with_header(void **state)
{
    (void)state;
    ow_game *g = load_ok(GAME(A2("{\"samples\":{\"csv\":\"good.csv\"}}"), B1));
    assert_int_equal(ow_game_num_types_A(g), 3);
    ow_workspace *w = ws_ok(g);
    /* rows (1,2) (3,1) (2,2): Nash actions s2, s1, s1 (tie -> lowest) */
    assert_close(ow_nash_prob(w, 0), 2.0 / 3.0, 1e-15);
    assert_close(ow_nash_payoff_A(w), (2 + 3 + 2) / 3.0, 1e-15);
    ow_workspace_free(w);
    ow_game_free(g);
}

static void load_should_enumerate_finite_independent_models(void **state)
{
    (void)state;
    ow_game *g = load_ok(GAME(A2("{\"independent\":[{\"dist\":\"discrete\",\"values\":[2,1,2],\"probs\":[0.25,0.5,0.25]},{\"dist\":\"constant\",\"value\":1.5}]}"), B1));
    assert_int_equal(ow_game_is_finite(g), 1);
    assert_int_equal(ow_game_num_types_A(g), 2);       /* duplicate value merged */
    ow_workspace *w = ws_ok(g);
    assert_close(ow_nash_prob(w, 0), 0.5, 1e-15);
    ow_workspace_free(w);
    ow_game_free(g);
}

static void load_should_name_game_after_file(void **state)
{
    (void)state;
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load(OW_SOURCE_DIR "/examples/example-2.json", &e);
    if (!g) fail_msg("%s", e.msg);
    assert_string_equal(ow_game_name(g), "example-2");
    ow_game_free(g);
    g = ow_game_load(OW_SOURCE_DIR "/tests/data/unnamed.json", &e);
    if (!g) fail_msg("%s", e.msg);
    assert_string_equal(ow_game_name(g), "unnamed");
    ow_game_free(g);
}

static void load_should_report_missing_file(void **state)
{
    (void)state;
    ow_error e = { OW_OK, "" };
    assert_null(ow_game_load("/no/such/game.json", &e));
    assert_int_equal(e.status, OW_EIO);
    assert_non_null(strstr(e.msg, "/no/such/game.json"));
}

int main(void)
{
    size_t n = sizeof cases / sizeof cases[0];
    struct CMUnitTest *t = calloc(n + 7, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        t[i].name = cases[i].name;
        t[i].test_func = run_bad;
        t[i].initial_state = (void *)&cases[i];
    }
    struct CMUnitTest more[] = {
        cmocka_unit_test(load_should_refuse_too_many_actions),
        cmocka_unit_test(load_should_refuse_too_many_continuous_actions),
        cmocka_unit_test(load_should_accept_shorthand_and_defaults),
        cmocka_unit_test(load_should_read_csv_with_header),
        cmocka_unit_test(load_should_enumerate_finite_independent_models),
        cmocka_unit_test(load_should_name_game_after_file),
        cmocka_unit_test(load_should_report_missing_file),
    };
    memcpy(t + n, more, sizeof more);
    int rc = _cmocka_run_group_tests("load", t, n + 7, NULL, NULL);
    free(t);
    return rc;
}
