/* log.h — one line per processed message to syslog (LOG_MAIL), or to stderr when run by hand. */
#ifndef MAILOPT_LOG_H
#define MAILOPT_LOG_H

struct process_result;

/*
 * Choose the destination once: stderr when it is a terminal or
 * MAILOPT_LOG=stderr, else syslog with ident "mailopt".
 */
void	 log_open(void);
void	 log_close(void);
/*
 * From now on every diagnostic (mo_warn) goes to syslog as well, at
 * LOG_ERR, unless the destination is stderr anyway: for the commands
 * the MTA runs, whose standard error nobody may read.
 */
void	 log_warnings(void);
/*
 * Log the outcome, rule, Message-ID and profile address of one
 * message (file may be NULL). Nothing else from the message is
 * written: no text, no subject, no sender that is not on file.
 */
void	 log_result(const char *file, const struct process_result *r);

#endif
