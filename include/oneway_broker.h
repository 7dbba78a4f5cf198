/*
 * oneway_broker.h -- the broker's ledger: parties, negotiations and an
 * append-only, hash-chained record of every state change (SQLite).
 *
 * The broker holds B to her offer, draws the coin that decides whether a
 * committed schedule goes on, and records the binding outcome; A reveals
 * only accept or reject.  Every call that changes state is one SQLite
 * transaction in WAL mode with synchronous=FULL: when it returns OW_OK the
 * change is on disk.  Ownership: strings returned are the caller's to
 * free(); json_t results to json_decref().
 */
#ifndef ONEWAY_BROKER_H
#define ONEWAY_BROKER_H

#include "oneway.h"
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef OW_SCHEDULE_MAX
#define OW_SCHEDULE_MAX 64          /* offers in one committed schedule */
#endif
#define OW_KEY_MAX 128              /* bytes of an API key, with its NUL */

typedef struct ow_ledger ow_ledger;

/* Open (creating if missing) a ledger.  A file that is not a ledger, or is
 * truncated or corrupted, is refused with OW_ECORRUPT and never used. */
ow_ledger *ow_ledger_open(const char *path, ow_error *err);
void ow_ledger_close(ow_ledger *l);

/* Register a party; its API key is written to key (OW_KEY_MAX bytes) and
 * shown nowhere else: only its hash is stored.  *id may be NULL. */
ow_status ow_ledger_add_party(ow_ledger *l, const char *name, char *key,
                              int64_t *id, ow_error *err);

/* The party a key belongs to (OW_EAUTH if none); constant-time compare. */
ow_status ow_ledger_auth(ow_ledger *l, const char *key, int64_t *party,
                         ow_error *err);

/* B (party b) creates a negotiation from a JSON spec
 *   {"a": NAME, "action": STR, "outside": STR, "payments": [c1..cn],
 *    "probs": [1, p2..pn]}           ("probs" may be omitted for n = 1)
 * and gets back the negotiation document.  idem (may be NULL) makes a
 * retry return the first answer and change nothing. */
ow_status ow_ledger_create(ow_ledger *l, int64_t b, const json_t *spec,
                           const char *idem, json_t **out, ow_error *err);

/* A answers the open offer of negotiation id: accept (1) or reject (0).
 * step (0: any) must be the open step.  On a rejection the broker draws the
 * coin for the next offer itself and records the draw. */
ow_status ow_ledger_answer(ow_ledger *l, int64_t a, int64_t id, int accept,
                           int step, const char *idem, json_t **out,
                           ow_error *err);

/* One negotiation (only its parties may see it: OW_EFORBIDDEN otherwise),
 * or every negotiation of a party. */
ow_status ow_ledger_get(ow_ledger *l, int64_t party, int64_t id, json_t **out,
                        ow_error *err);
ow_status ow_ledger_list(ow_ledger *l, int64_t party, json_t **out, ow_error *err);

/* The name of party id. */
ow_status ow_ledger_party_name(ow_ledger *l, int64_t id, char *name, size_t len, ow_error *err);

/* Check a ledger file: SQLite's integrity check, the hash chain, and that
 * every negotiation's events follow the protocol and agree with its
 * recorded state.  *report (may be NULL) receives a summary.  Returns
 * OW_OK or OW_ECORRUPT with the first problem in err. */
ow_status ow_ledger_verify(const char *path, char **report, ow_error *err);

/* The HTTP/JSON service over a ledger (routes in src/broker.c and
 * docs/broker-api.md).  port 0 picks a free port; ow_broker_port says which.
 * The ledger must outlive the broker. */
typedef struct ow_broker ow_broker;
ow_broker *ow_broker_start(ow_ledger *l, const char *host, unsigned short port, ow_error *err);
unsigned short ow_broker_port(const ow_broker *b);
void ow_broker_stop(ow_broker *b);

#ifdef __cplusplus
}
#endif
#endif
