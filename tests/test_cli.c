/* test_cli.c -- the command line as other programs see it: exit status,
 * nothing on stdout on error, the JSON keys of cli.md. */
#include "cli_helpers.h"
#include <jansson.h>
#include <sys/wait.h>

static void cli_should_exit_2_on_bad_usage_and_input(void **state)
{
    (void)state;
    expect_usage_error("solve", "needs a game file");
    expect_usage_error("frobnicate", "unknown command");
    expect_usage_error("solve " OW_SOURCE_DIR "/examples/example-1.json --model nash", "unknown model");
    expect_usage_error("solve " OW_SOURCE_DIR "/examples/example-1.json --bogus", "unknown option");
    expect_usage_error("simulate " OW_SOURCE_DIR "/examples/example-1.json", "--rounds");
    expect_usage_error("simulate " OW_SOURCE_DIR "/examples/example-1.json --rounds -5", "whole number");
    expect_usage_error("solve /no/such/file.json", "/no/such/file.json");
    expect_usage_error("solve " OW_SOURCE_DIR "/tests/data/bad-number.csv --json", "syntax error");
    expect_usage_error("solve " OW_SOURCE_DIR "/tests/data/bad-prob.json --json", "B.types[1].prob");
}

static void cli_solve_json_should_have_the_spec_keys(void **state)
{
    (void)state;
    run r = sh("solve " OW_SOURCE_DIR "/examples/restoration.json --json --mc-samples 20000");
    assert_int_equal(r.status, 0);
    json_error_t je;
    json_t *d = json_loads(r.out, 0, &je);
    if (!d) fail_msg("not JSON: %s", je.text);
    static const char *paths[][3] = {
        { "game" }, { "model" }, { "exact" }, { "nash", "welfare" }, { "nash", "payoff_A" },
        { "nash", "payoff_B" }, { "nash", "q" }, { "nash", "B" }, { "optimum", "welfare" },
        { "optimum", "welfare_ex_ante" }, { "poa", "nash" }, { "poa", "nash_expected" },
        { "poa", "single_offer" }, { "single_offer", "welfare" }, { "single_offer", "payoff_A" },
        { "single_offer", "payoff_B" }, { "single_offer", "payment" }, { "single_offer", "transfer" },
        { "single_offer", "accept_prob" }, { "single_offer", "B" },
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        json_t *v = json_object_get(d, paths[i][0]);
        if (v && paths[i][1]) v = json_object_get(v, paths[i][1]);
        if (!v) fail_msg("missing %s.%s", paths[i][0], paths[i][1] ? paths[i][1] : "");
    }
    json_t *t = json_array_get(json_object_get(json_object_get(d, "single_offer"), "B"), 0);
    static const char *const tk[] = { "type", "action", "payment", "gamma", "accept_prob", "outside_option",
                                      "delta_B", "payoff_B", "welfare", "limited" };
    expect_keys(t, tk, sizeof tk / sizeof tk[0], "single_offer.B[0]");
    static const char *const lk[] = { "action", "payment", "gamma", "accept_prob", "welfare", "theorem6_bound" };
    expect_keys(json_object_get(t, "limited"), lk, sizeof lk / sizeof lk[0], "single_offer.B[0].limited");
    assert_string_equal(json_string_value(json_object_get(t, "type")), "storm-surge");
    assert_true(json_is_false(json_object_get(d, "exact")));     /* Monte Carlo E[OPT/SW_N] */
    json_decref(d);
    run_free(&r);
}

static void cli_simulate_json_should_have_means_and_errors(void **state)
{
    (void)state;
    run r = sh("simulate " OW_SOURCE_DIR "/examples/example-1.json --rounds 100000 --seed 5 --json");
    assert_int_equal(r.status, 0);
    json_t *d = json_loads(r.out, 0, NULL);
    assert_non_null(d);
    assert_int_equal(json_integer_value(json_object_get(d, "rounds")), 100000);
    assert_int_equal(json_integer_value(json_object_get(d, "seed")), 5);
    const char *mech[] = { "nash", "single_offer" }, *fig[] = { "welfare", "payoff_A", "payoff_B" };
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 3; k++) {
            json_t *e = json_object_get(json_object_get(d, mech[i]), fig[k]);
            assert_non_null(json_object_get(e, "mean"));
            assert_non_null(json_object_get(e, "se"));
        }
    json_decref(d);
    run_free(&r);
}

static void cli_null_gamma_when_delta_B_not_positive(void **state)
{
    (void)state;
    run r = sh("solve " OW_SOURCE_DIR "/tests/data/no-gain.json --json");
    assert_int_equal(r.status, 0);
    json_t *d = json_loads(r.out, 0, NULL);
    json_t *t = json_array_get(json_object_get(json_object_get(d, "single_offer"), "B"), 0);
    assert_true(json_is_null(json_object_get(t, "gamma")));
    assert_true(json_is_null(json_object_get(json_object_get(t, "limited"), "theorem6_bound")));
    json_decref(d);
    run_free(&r);
}

static void cli_help_should_list_commands(void **state)
{
    (void)state;
    run r = sh("--help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "solve"));
    assert_non_null(strstr(r.out, "simulate"));
    assert_non_null(strstr(r.out, "paper"));
    run_free(&r);
}

static void cli_broker_should_register_parties_and_verify(void **state)
{
    (void)state;
    char db[] = "/tmp/ow-cli-ledger-XXXXXX";
    int fd = mkstemp(db);
    close(fd);
    unlink(db);
    char *args = fmt("broker add-party utility --db %s", db);
    run r = sh(args);
    assert_int_equal(r.status, 0);
    const char *last = strrchr(r.out, ' ');
    assert_non_null(last);
    assert_true(strlen(last + 1) > 66 && strchr(last + 1, '.'));   /* "<id>.<64 hex>" and a newline */
    run_free(&r);
    free(args);
    args = fmt("broker add-party utility --db %s", db);
    expect_usage_error(args, "exists already");
    free(args);
    args = fmt("broker verify --db %s", db);
    r = sh(args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "unbroken chain"));
    run_free(&r);
    free(args);
    FILE *f = fopen(db, "w");
    fputs("not a ledger", f);
    fclose(f);
    args = fmt("broker verify --db %s", db);
    r = sh(args);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    run_free(&r);
    free(args);
    expect_usage_error("broker verify", "--db");
    unlink(db);
    char p[300];
    snprintf(p, sizeof p, "%s-wal", db); unlink(p);
    snprintf(p, sizeof p, "%s-shm", db); unlink(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cli_should_exit_2_on_bad_usage_and_input),
        cmocka_unit_test(cli_solve_json_should_have_the_spec_keys),
        cmocka_unit_test(cli_simulate_json_should_have_means_and_errors),
        cmocka_unit_test(cli_null_gamma_when_delta_B_not_positive),
        cmocka_unit_test(cli_help_should_list_commands),
        cmocka_unit_test(cli_broker_should_register_parties_and_verify),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
