/* lab.h -- `oneway multi|secondbest|pricing|compare` (see lab.c). */
#ifndef OW_CLI_LAB_H
#define OW_CLI_LAB_H

/* Runs the command argv[1]; returns the exit status. */
int lab_main(int argc, char **argv);
/* 1 when argv[1] names one of lab.c's commands. */
int lab_is_command(const char *cmd);

#endif
