/* cmd.h — the commands main() dispatches to, and what they share. */
#ifndef MAILOPT_CMD_H
#define MAILOPT_CMD_H

struct conf;
struct rules;
struct store;

/*
 * Each command takes the loaded settings and its own argv (argv[0] is
 * the command name) and returns the process exit status (sysexits.h).
 */
int	 cmd_init(const struct conf *c, int argc, char **argv);
int	 cmd_deliver(const struct conf *c, int argc, char **argv);
int	 cmd_filter(const struct conf *c, int argc, char **argv);
int	 cmd_sweep(const struct conf *c, int argc, char **argv);
int	 cmd_profile(const struct conf *c, int argc, char **argv);
int	 cmd_rules(const struct conf *c, int argc, char **argv);
int	 cmd_token(const struct conf *c, int argc, char **argv);
int	 cmd_queue(const struct conf *c, int argc, char **argv);
int	 cmd_export(const struct conf *c, int argc, char **argv);
int	 cmd_purge(const struct conf *c, int argc, char **argv);
int	 cmd_outbox(const struct conf *c, int argc, char **argv);
int	 cmd_reseller(const struct conf *c, int argc, char **argv);
int	 cmd_check(const struct conf *c, int argc, char **argv);

/*
 * mailopt links no TLS library (loading one would slow every deliver):
 * a command that reads an IMAP mailbox (sweep imaps://..., check
 * --imap) is mailopt-imap's. imap_handoff, given main's argv and the
 * index of the command in it, runs mailopt-imap with the same command
 * line when the command is one of those, returning only when it
 * cannot (an exit code); else it returns -1. In mailopt-imap it
 * always returns -1.
 */
int	 imap_handoff(int argc, char **argv, int cmd);
/*
 * In mailopt-imap: sweep or check of the IMAP mailbox at url (argv: the
 * command's own; o: the sweep's options, NULL for check). A sweep
 * returns its exit code; a check logs in, lists the folders, says what
 * a sweep would do, and returns 0 or the exit code of what failed.
 */
struct sweep_opts;
int	 imap_run(const struct conf *c, const char *url, int argc,
	    char **argv, const struct sweep_opts *o, int idle);

/* Print the usage of a command ("" for the whole program) to stdout or stderr. */
void	 usage_print(const char *command, int to_stderr);
/*
 * For a command's bad arguments: print its usage to stderr and return
 * EX_USAGE.
 */
int	 usage_error(const char *command);
/* 1 if argv holds -h or --help before any "--". */
int	 wants_help(int argc, char **argv);

/* Open the configured database (not creating it). 0 or an exit code. */
int	 open_store(const struct conf *c, struct store **out);
/*
 * Load the configured rules, compiling patterns when first matched once
 * the files were seen to compile whole (recorded beside the database,
 * in its name with "-rules" appended: see rules_load). 0 or an exit code.
 */
int	 open_rules(const struct conf *c, struct rules **out);
/* Load them compiling every pattern now, and record that they all compile. */
int	 check_rules(const struct conf *c, struct rules **out);

#endif
