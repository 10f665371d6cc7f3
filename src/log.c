/* log.c — one line per processed message to syslog (LOG_MAIL), or to stderr when run by hand. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "action.h"
#include "log.h"
#include "process.h"
#include "util.h"

static int to_stderr = -1;

void
log_open(void)
{
	const char *e = getenv("MAILOPT_LOG");

	if (to_stderr != -1)
		return;
	to_stderr = (e && strcmp(e, "stderr") == 0) || isatty(STDERR_FILENO);
	if (!to_stderr)
		openlog("mailopt", LOG_PID, LOG_MAIL);
}

static void
warning_to_syslog(const char *msg)
{
	syslog(LOG_ERR, "%s", msg);
}

void
log_warnings(void)
{
	log_open();
	if (!to_stderr)
		mo_warn_hook = warning_to_syslog;
}

void
log_close(void)
{
	if (to_stderr == 0)
		closelog();
	to_stderr = -1;
	mo_warn_hook = NULL;
}

/* Values come from mail: keep each on one line and free of spaces. */
static void
add(struct buf *b, const char *key, const char *v)
{
	if (v == NULL)
		return;
	buf_printf(b, " %s=", key);
	for (; *v; v++)
		buf_addc(b, (unsigned char)*v <= 0x20 || *v == 0x7f ? '?' : *v);
}

void
log_result(const char *file, const struct process_result *r)
{
	struct buf b = { 0 };

	log_open();
	buf_printf(&b, "outcome=%s", outcome_name(r->outcome));
	add(&b, "action", action_name(r->action));
	add(&b, "rule", r->rule);
	add(&b, "message_id", r->message_id);
	add(&b, "profile", r->profile);
	add(&b, "file", file);
	if (to_stderr)
		fprintf(stderr, "%s: %s\n", progname, buf_str(&b));
	else
		syslog(r->outcome == OUTCOME_ERROR ? LOG_WARNING : LOG_INFO,
		    "%s", buf_str(&b));
	buf_free(&b);
}
