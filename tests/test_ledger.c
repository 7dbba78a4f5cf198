/* test_ledger.c -- the broker's ledger: keys, the protocol of single offers
 * and schedules (with the broker's coins), who may do what, idempotent
 * retries, and verification that catches every kind of tampering. */
#include "helpers.h"
#include "oneway_broker.h"
#include <sqlite3.h>
#include <sys/stat.h>

typedef struct fx { char path[256]; ow_ledger *l; int64_t a, b, c; char ka[OW_KEY_MAX], kb[OW_KEY_MAX], kc[OW_KEY_MAX]; } fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/ow-ledger-%d-XXXXXX", (int)getpid());
    int fd = mkstemp(f->path);
    close(fd);
    unlink(f->path);
    ow_error e = { OW_OK, "" };
    f->l = ow_ledger_open(f->path, &e);
    if (!f->l) fail_msg("%s", e.msg);
    assert_int_equal(ow_ledger_add_party(f->l, "utility", f->ka, &f->a, &e), OW_OK);
    assert_int_equal(ow_ledger_add_party(f->l, "telecom", f->kb, &f->b, &e), OW_OK);
    assert_int_equal(ow_ledger_add_party(f->l, "other", f->kc, &f->c, &e), OW_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    ow_ledger_close(f->l);
    char p[300];
    unlink(f->path);
    snprintf(p, sizeof p, "%s-wal", f->path); unlink(p);
    snprintf(p, sizeof p, "%s-shm", f->path); unlink(p);
    free(f);
    return 0;
}

static json_t *spec(const char *payments, const char *probs)
{
    char *t = fmt("{\"a\":\"utility\",\"action\":\"harbour\",\"outside\":\"downtown-towers\",\"payments\":%s%s%s}",
                  payments, probs ? ",\"probs\":" : "", probs ? probs : "");
    json_t *j = json_loads(t, 0, NULL);
    free(t);
    return j;
}

static void verify_ok(fx *f)
{
    ow_error e = { OW_OK, "" };
    char *rep = NULL;
    if (ow_ledger_verify(f->path, &rep, &e)) fail_msg("verify: %s", e.msg);
    free(rep);
}

static void keys_should_authenticate_their_party_only(void **state)
{
    fx *f = *state;
    ow_error e = { OW_OK, "" };
    int64_t p = 0;
    assert_int_equal(ow_ledger_auth(f->l, f->ka, &p, &e), OW_OK);
    assert_int_equal(p, f->a);
    assert_int_equal(ow_ledger_auth(f->l, f->kb, &p, &e), OW_OK);
    assert_int_equal(p, f->b);
    char bad[OW_KEY_MAX];
    strcpy(bad, f->ka);
    bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == '0' ? '1' : '0';
    assert_int_equal(ow_ledger_auth(f->l, bad, &p, &e), OW_EAUTH);
    snprintf(bad, sizeof bad, "%lld%s", (long long)f->b, strchr(f->ka, '.'));   /* A's secret, B's id */
    assert_int_equal(ow_ledger_auth(f->l, bad, &p, &e), OW_EAUTH);
    assert_int_equal(ow_ledger_auth(f->l, "", &p, &e), OW_EAUTH);
    assert_int_equal(ow_ledger_auth(f->l, NULL, &p, &e), OW_EAUTH);
    char dup[OW_KEY_MAX];
    assert_int_equal(ow_ledger_add_party(f->l, "utility", dup, NULL, &e), OW_EINPUT);
    /* only a hash of the key is stored */
    sqlite3 *db;
    sqlite3_open(f->path, &db);
    sqlite3_stmt *q;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM parties WHERE instr(hex(key_hash), upper(?)) > 0", -1, &q, NULL);
    sqlite3_bind_text(q, 1, strchr(f->ka, '.') + 1, -1, SQLITE_STATIC);
    sqlite3_step(q);
    assert_int_equal(sqlite3_column_int(q, 0), 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void single_offer_should_close_on_the_answer(void **state)
{
    fx *f = *state;
    ow_error e = { OW_OK, "" };
    json_t *s = spec("[50]", NULL), *n = NULL, *r = NULL;
    assert_int_equal(ow_ledger_create(f->l, f->b, s, NULL, &n, &e), OW_OK);
    int64_t id = json_integer_value(json_object_get(n, "id"));
    assert_string_equal(json_string_value(json_object_get(n, "state")), "open");
    assert_true(json_number_value(json_object_get(n, "offer")) == 50);
    /* B cannot answer, a stranger cannot see or answer */
    assert_int_equal(ow_ledger_answer(f->l, f->b, id, 1, 0, NULL, &r, &e), OW_EFORBIDDEN);
    assert_int_equal(ow_ledger_answer(f->l, f->c, id, 1, 0, NULL, &r, &e), OW_EFORBIDDEN);
    assert_int_equal(ow_ledger_get(f->l, f->c, id, &r, &e), OW_ENOTFOUND);
    assert_int_equal(ow_ledger_answer(f->l, f->a, id, 1, 2, NULL, &r, &e), OW_ESTATE);   /* wrong step */
    assert_int_equal(ow_ledger_answer(f->l, f->a, id, 1, 1, NULL, &r, &e), OW_OK);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "accepted");
    assert_true(json_number_value(json_object_get(r, "payment")) == 50);
    json_decref(r);
    assert_int_equal(ow_ledger_answer(f->l, f->a, id, 0, 0, NULL, &r, &e), OW_ESTATE);   /* answered twice */
    json_t *list;
    assert_int_equal(ow_ledger_list(f->l, f->c, &list, &e), OW_OK);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    assert_int_equal(ow_ledger_list(f->l, f->a, &list, &e), OW_OK);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
    json_decref(s); json_decref(n);
    verify_ok(f);
}

static void schedule_should_follow_the_brokers_coins(void **state)
{
    fx *f = *state;
    ow_error e = { OW_OK, "" };
    int went_on = 0, stopped = 0;
    for (int t = 0; t < 40; t++) {
        json_t *s = spec("[10, 20, 30]", "[1, 0.5, 1]"), *n = NULL, *r = NULL;
        assert_int_equal(ow_ledger_create(f->l, f->b, s, NULL, &n, &e), OW_OK);
        int64_t id = json_integer_value(json_object_get(n, "id"));
        assert_int_equal(ow_ledger_answer(f->l, f->a, id, 0, 1, NULL, &r, &e), OW_OK);
        const char *st = json_string_value(json_object_get(r, "state"));
        if (!strcmp(st, "open")) {
            went_on++;
            assert_int_equal(json_integer_value(json_object_get(r, "step")), 2);
            json_decref(r);
            assert_int_equal(ow_ledger_answer(f->l, f->a, id, 0, 2, NULL, &r, &e), OW_OK);   /* p3 = 1: goes on */
            assert_int_equal(json_integer_value(json_object_get(r, "step")), 3);
            json_decref(r);
            assert_int_equal(ow_ledger_answer(f->l, f->a, id, 1, 3, NULL, &r, &e), OW_OK);
            assert_true(json_number_value(json_object_get(r, "payment")) == 30);
        } else {
            stopped++;
            assert_string_equal(st, "rejected");
        }
        json_decref(r); json_decref(s); json_decref(n);
    }
    assert_true(went_on > 5 && stopped > 5);      /* p = 0.5, 40 draws */
    verify_ok(f);
}

static void retries_with_an_idempotency_key_should_change_nothing(void **state)
{
    fx *f = *state;
    ow_error e = { OW_OK, "" };
    json_t *s = spec("[5]", NULL), *n1, *n2, *r1, *r2;
    assert_int_equal(ow_ledger_create(f->l, f->b, s, "k-1", &n1, &e), OW_OK);
    assert_int_equal(ow_ledger_create(f->l, f->b, s, "k-1", &n2, &e), OW_OK);
    assert_true(json_equal(n1, n2));
    int64_t id = json_integer_value(json_object_get(n1, "id"));
    assert_int_equal(ow_ledger_answer(f->l, f->a, id, 0, 0, "r-1", &r1, &e), OW_OK);
    assert_int_equal(ow_ledger_answer(f->l, f->a, id, 0, 0, "r-1", &r2, &e), OW_OK);
    assert_true(json_equal(r1, r2));
    json_t *list;
    ow_ledger_list(f->l, f->b, &list, &e);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list); json_decref(s); json_decref(n1); json_decref(n2); json_decref(r1); json_decref(r2);
    verify_ok(f);
}

static void bad_specs_should_be_refused(void **state)
{
    fx *f = *state;
    static const char *bad[] = {
        "{\"a\":\"utility\",\"action\":\"x\",\"outside\":\"y\"}",
        "{\"a\":\"nobody\",\"action\":\"x\",\"outside\":\"y\",\"payments\":[1]}",
        "{\"a\":\"telecom\",\"action\":\"x\",\"outside\":\"y\",\"payments\":[1]}",
        "{\"a\":\"utility\",\"action\":\"\",\"outside\":\"y\",\"payments\":[1]}",
        "{\"a\":\"utility\",\"action\":\"x\",\"outside\":\"y\",\"payments\":[-1]}",
        "{\"a\":\"utility\",\"action\":\"x\",\"outside\":\"y\",\"payments\":[1,2]}",
        "{\"a\":\"utility\",\"action\":\"x\",\"outside\":\"y\",\"payments\":[1,2],\"probs\":[0.5,1]}",
        "{\"a\":\"utility\",\"action\":\"x\",\"outside\":\"y\",\"payments\":[1,2],\"probs\":[1,1.5]}",
        "{\"a\":\"utility\",\"action\":\"x\",\"outside\":\"y\",\"payments\":[1],\"extra\":1}",
        "[1,2]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ow_error e = { OW_OK, "" };
        json_t *s = json_loads(bad[i], 0, NULL), *n = NULL;
        if (ow_ledger_create(f->l, f->b, s, NULL, &n, &e) != OW_EINPUT) fail_msg("accepted %s", bad[i]);
        json_decref(s);
    }
    json_t *list;
    ow_error e = { OW_OK, "" };
    ow_ledger_list(f->l, f->b, &list, &e);
    assert_int_equal(json_array_size(list), 0);             /* nothing changed */
    json_decref(list);
    verify_ok(f);
}

static void sql(const char *path, const char *stmt)
{
    sqlite3 *db;
    sqlite3_open(path, &db);
    char *msg = NULL;
    if (sqlite3_exec(db, stmt, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", stmt, msg);
    sqlite3_close(db);
}

static void verify_should_catch_tampering(void **state)
{
    fx *f = *state;
    ow_error e = { OW_OK, "" };
    json_t *s = spec("[50]", NULL), *n = NULL, *r = NULL;
    ow_ledger_create(f->l, f->b, s, NULL, &n, &e);
    int64_t id = json_integer_value(json_object_get(n, "id"));
    ow_ledger_answer(f->l, f->a, id, 0, 0, NULL, &r, &e);
    json_decref(s); json_decref(n); json_decref(r);
    verify_ok(f);
    /* the events refuse edits through SQL */
    sqlite3 *db;
    sqlite3_open(f->path, &db);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE events SET body = '{}' WHERE seq = 4", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    /* a forged state is caught */
    sql(f->path, "UPDATE negotiations SET state = 'accepted', payment = 50");
    assert_int_equal(ow_ledger_verify(f->path, NULL, &e), OW_ECORRUPT);
    assert_non_null(strstr(e.msg, "does not follow from its events"));
    sql(f->path, "UPDATE negotiations SET state = 'rejected', payment = NULL");
    verify_ok(f);
    /* an edited event (triggers dropped by the forger) breaks the chain */
    sql(f->path, "DROP TRIGGER events_append_only_u; UPDATE events SET body = replace(body, 'false', 'true') WHERE kind = 'answer'");
    assert_int_equal(ow_ledger_verify(f->path, NULL, &e), OW_ECORRUPT);
    assert_non_null(strstr(e.msg, "altered"));
}

static void damaged_files_should_be_refused(void **state)
{
    (void)state;
    ow_error e = { OW_OK, "" };
    char p[] = "/tmp/ow-bad-XXXXXX";
    int fd = mkstemp(p);
    assert_true(write(fd, "this is not a database at all, just text\n", 41) == 41);
    close(fd);
    assert_null(ow_ledger_open(p, &e));
    assert_int_equal(e.status, OW_ECORRUPT);
    assert_int_equal(ow_ledger_verify(p, NULL, &e), OW_ECORRUPT);
    unlink(p);
}

static void truncated_ledger_should_be_refused(void **state)
{
    fx *f = *state;
    ow_error e = { OW_OK, "" };
    for (int i = 0; i < 300; i++) {              /* enough pages to truncate */
        char key[OW_KEY_MAX], name[32];
        snprintf(name, sizeof name, "p%d", i);
        ow_ledger_add_party(f->l, name, key, NULL, &e);
    }
    ow_ledger_close(f->l);
    f->l = NULL;
    sql(f->path, "PRAGMA wal_checkpoint(TRUNCATE)");
    struct stat st;
    stat(f->path, &st);
    assert_int_equal(truncate(f->path, st.st_size / 2), 0);
    assert_null(ow_ledger_open(f->path, &e));
    assert_int_equal(e.status, OW_ECORRUPT);
    assert_int_equal(ow_ledger_verify(f->path, NULL, &e), OW_ECORRUPT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(keys_should_authenticate_their_party_only, setup, teardown),
        cmocka_unit_test_setup_teardown(single_offer_should_close_on_the_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(schedule_should_follow_the_brokers_coins, setup, teardown),
        cmocka_unit_test_setup_teardown(retries_with_an_idempotency_key_should_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_specs_should_be_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(verify_should_catch_tampering, setup, teardown),
        cmocka_unit_test(damaged_files_should_be_refused),
        cmocka_unit_test_setup_teardown(truncated_ledger_should_be_refused, setup, teardown),
    };
    return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
