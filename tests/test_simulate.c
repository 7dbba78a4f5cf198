/* test_simulate.c -- the protocol played round by round agrees with the
 * exact engine within 4 standard errors on every example and both models,
 * and gives bit-identical output with 1 or 2 threads. */
#include "helpers.h"
#include <omp.h>

static void agree(const char *file, ow_model model, uint64_t rounds)
{
    ow_error e = { OW_OK, "" };
    char *path = fmt("%s/%s", OW_SOURCE_DIR, file);
    ow_game *g = ow_game_load(path, &e);
    if (!g) fail_msg("%s", e.msg);
    ow_workspace *w = ws_ok(g);
    ow_solution *s = solve_ok(w, model);
    ow_sim_result r;
    if (ow_simulate(w, s, rounds, 42, NULL, NULL, &r, &e)) fail_msg("%s", e.msg);
    struct { const char *name; ow_estimate est; double exact; } c[] = {
        { "nash welfare", r.nash_welfare, s->nash_welfare },
        { "nash payoff A", r.nash_payoff_A, s->nash_payoff_A },
        { "nash payoff B", r.nash_payoff_B, s->nash_payoff_B },
        { "single-offer welfare", r.so_welfare, s->so_welfare },
        { "single-offer payoff A", r.so_payoff_A, s->so_payoff_A },
        { "single-offer payoff B", r.so_payoff_B, s->so_payoff_B },
        { "acceptance", r.so_accept, s->so_accept_prob },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double d = fabs(c[i].est.mean - c[i].exact);
        if (d > 4 * c[i].est.se + 1e-12 * fmax(1, fabs(c[i].exact)))
            fail_msg("%s %s (%s): simulated %.8g +- %.3g, exact %.8g", file, c[i].name,
                     ow_model_name(model), c[i].est.mean, c[i].est.se, c[i].exact);
    }
    ow_solution_free(s);
    ow_workspace_free(w);
    ow_game_free(g);
    free(path);
}

static void simulation_should_agree_with_exact_engine(void **state)
{
    (void)state;
    static const char *files[] = { "examples/example-1.json", "examples/example-2.json",
                                   "examples/restoration.json", "tests/data/good-finite.json" };
    for (size_t i = 0; i < 4; i++)
        for (int m = 0; m < 2; m++) agree(files[i], (ow_model)m, 2000000);
}

static void simulation_should_be_identical_for_any_thread_count(void **state)
{
    (void)state;
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load(OW_SOURCE_DIR "/examples/restoration.json", &e);
    ow_workspace *w = ws_ok(g);
    ow_solution *s = solve_ok(w, OW_MODEL_PAPER);
    ow_sim_result r1, r2;
    omp_set_num_threads(1);
    assert_int_equal(ow_simulate(w, s, 700001, 9, NULL, NULL, &r1, &e), OW_OK);
    omp_set_num_threads(2);
    assert_int_equal(ow_simulate(w, s, 700001, 9, NULL, NULL, &r2, &e), OW_OK);
    assert_memory_equal(&r1, &r2, sizeof r1);
    ow_sim_result r3;
    assert_int_equal(ow_simulate(w, s, 700001, 10, NULL, NULL, &r3, &e), OW_OK);
    assert_true(r3.so_welfare.mean != r1.so_welfare.mean);     /* the seed matters */
    ow_solution_free(s);
    ow_workspace_free(w);
    ow_game_free(g);
}

static void simulation_in_parts_should_equal_one_run(void **state)
{
    (void)state;
    ow_error e = { OW_OK, "" };
    ow_game *g = ow_game_load(OW_SOURCE_DIR "/tests/data/good-finite.json", &e);
    ow_workspace *w = ws_ok(g);
    ow_solution *s = solve_ok(w, OW_MODEL_BAYES);
    uint64_t rounds = 1000003, nb = ow_sim_num_blocks(rounds);
    ow_sim_block *b = calloc(nb, sizeof *b);
    /* three uneven parts, computed out of order */
    uint64_t cut1 = 3, cut2 = nb - 2;
    assert_int_equal(ow_simulate_blocks(w, s, rounds, 5, cut2, nb - cut2, b + cut2, NULL, NULL, &e), OW_OK);
    assert_int_equal(ow_simulate_blocks(w, s, rounds, 5, 0, cut1, b, NULL, NULL, &e), OW_OK);
    assert_int_equal(ow_simulate_blocks(w, s, rounds, 5, cut1, cut2 - cut1, b + cut1, NULL, NULL, &e), OW_OK);
    ow_sim_result r1, r2;
    ow_sim_combine(b, nb, rounds, 5, &r1);
    assert_int_equal(ow_simulate(w, s, rounds, 5, NULL, NULL, &r2, &e), OW_OK);
    assert_memory_equal(&r1, &r2, sizeof r1);
    free(b);
    ow_solution_free(s);
    ow_workspace_free(w);
    ow_game_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(simulation_should_agree_with_exact_engine),
        cmocka_unit_test(simulation_should_be_identical_for_any_thread_count),
        cmocka_unit_test(simulation_in_parts_should_equal_one_run),
    };
    return cmocka_run_group_tests_name("simulate", tests, NULL, NULL);
}
