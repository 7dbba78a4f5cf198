/* agent.h -- `oneway agent a|b`: the parties' programs (see agent.c). */
#ifndef OW_CLI_AGENT_H
#define OW_CLI_AGENT_H

typedef struct agent_args {
    const char *role, *broker, *key, *game, *type, *a_name, *me;
    const char *payments, *probs, *action, *outside, *payoffs;
    int model, serve;
    unsigned repeat, interval_ms, offers;
} agent_args;

int agent_main(const agent_args *a);

#endif
