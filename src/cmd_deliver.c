/* cmd_deliver.c — `deliver` and `filter`: one message on standard input, as an MDA or a filter. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "log.h"
#include "outbox.h"
#include "process.h"
#include "rules.h"
#include "store.h"
#include "util.h"

/* deliver and filter get the settings also when a line was bad: then they process nothing. */
static int
settings_usable(const struct conf *c)
{
	if (c->problems == 0)
		return 0;
	mo_warn("%s: unusable settings: the message waits until they are fixed",
	    c->config_file ? c->config_file : "config");
	return EX_CONFIG;
}

/*
 * Run one message through a fresh store and rules in one transaction.
 * A message that is not a request is answered from the rules alone:
 * a busy, read-only or missing database delays only requests.
 * Returns 0 with *res filled, or an exit code with res->outcome error.
 */
static int
process_one(const struct conf *c, const char *buf, size_t len, int over,
    int dry, struct process_result *res)
{
	struct store *s = NULL;
	struct rules *r = NULL;
	struct classified *cl = NULL;
	struct processor *p = NULL;
	int rc;

	memset(res, 0, sizeof *res);
	res->outcome = OUTCOME_ERROR;
	if ((rc = settings_usable(c)) != 0)
		return rc;
	if ((rc = open_rules(c, &r)) != 0)
		goto out;
	cl = process_classify(c, r, buf, len, over, res);
	if (!classified_is_request(cl))
		goto out;
	if ((rc = open_store(c, &s)) != 0)
		goto out;
	p = processor_new(c, s, r);
	if ((rc = store_begin(s)) != 0)
		goto out;
	if ((rc = processor_apply(p, cl, buf, len, NULL, res)) != 0 || dry)
		store_rollback(s);
	else
		rc = store_commit(s);
out:
	if (rc != 0)
		res->outcome = OUTCOME_ERROR;
	processor_free(p);
	classified_free(cl);
	store_free(s);
	rules_free(r);
	return rc;
}

/*
 * Send what is due, this message's confirmation among it. The message
 * is handled already: whatever happens here, the exit status stays.
 */
static void
flush(const struct conf *c)
{
	struct store *s = NULL;

	if (!outbox_enabled(c))
		return;
	if (open_store(c, &s) == 0)
		outbox_flush_after(c, s);
	else
		mo_warn("outbox: not flushed: mail stays pending");
	store_free(s);
}

int
cmd_deliver(const struct conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "no-flush", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	struct process_result res;
	struct buf in = { 0 };
	int ch, dry = 0, no_flush = 0, over, rc;

	while ((ch = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
		switch (ch) {
		case 'n': dry = 1; break;
		case 'F': no_flush = 1; break;
		default: return usage_error("deliver");
		}
	}
	if (optind != argc)
		return usage_error("deliver");
	/* a broken config fails before the message is read */
	memset(&res, 0, sizeof res);
	res.outcome = OUTCOME_ERROR;
	if ((rc = settings_usable(c)) == 0) {
		if (read_fd_capped(STDIN_FILENO, c->max_message_size, &in,
		    &over) == -1) {
			mo_warn_errno("standard input");
			rc = EX_TEMPFAIL;
		} else
			rc = process_one(c, buf_str(&in), in.len, over, dry, &res);
	}
	if (!dry)
		log_result(NULL, &res);
	if (dry) {
		struct buf j = { 0 };

		process_result_json(&res, NULL, &j);
		printf("%s\n", buf_str(&j));
		buf_free(&j);
	}
	/*
	 * Every failure is temporary to the MTA, a broken setup too: it
	 * keeps the mail until the operator fixes it (EX_CONFIG would
	 * make Postfix bounce the customer's request, 5.3.5).
	 */
	if (rc != 0) {
		mo_warn("deliver: not processed: exit %d so that the MTA keeps "
		    "the message and tries again", EX_TEMPFAIL);
		rc = EX_TEMPFAIL;
	} else if (res.outcome == OUTCOME_IGNORED)
		rc = 1;
	if (!dry && !no_flush && rc != EX_TEMPFAIL)
		flush(c);
	process_result_clear(&res);
	buf_free(&in);
	return rc;
}

/* Header values come from mail and the database: keep them on one line. */
static void
add_param(struct buf *h, const char *name, const char *v)
{
	buf_printf(h, "; %s=", name);
	if (v == NULL || *v == '\0') {
		buf_addc(h, '-');
		return;
	}
	for (; *v; v++)
		buf_addc(h, (unsigned char)*v < 0x20 || *v == ';' || *v == 0x7f ? '?' : *v);
}

int
cmd_filter(const struct conf *c, int argc, char **argv)
{
	struct process_result res;
	struct buf in = { 0 }, hdr = { 0 };
	size_t cap = c->max_message_size, skip = 0;
	const char *nl, *eol = "\n";
	char chunk[65536];
	int ch, strict = 0, rc, more = 0;
	ssize_t n;

	while ((ch = getopt(argc, argv, "x")) != -1) {
		if (ch != 'x')
			return usage_error("filter");
		strict = 1;
	}
	if (optind != argc)
		return usage_error("filter");
	/*
	 * Read at most cap bytes; the rest, if any, is streamed straight
	 * through afterwards so memory stays bounded.
	 */
	while (in.len < cap) {
		size_t want = cap - in.len < sizeof chunk ? cap - in.len : sizeof chunk;

		if ((n = read(STDIN_FILENO, chunk, want)) < 0) {
			if (errno == EINTR)
				continue;
			mo_warn_errno("standard input");
			rc = EX_TEMPFAIL;
			goto out;
		}
		if (n == 0)
			break;
		buf_add(&in, chunk, (size_t)n);
	}
	if (in.len == cap) {
		while ((n = read(STDIN_FILENO, chunk, 1)) < 0 && errno == EINTR)
			;
		if (n == 1) {
			more = 1;
			buf_add(&in, chunk, 1);
		}
	}
	rc = process_one(c, buf_str(&in), more ? cap : in.len, more, 0, &res);
	log_result(NULL, &res);
	if (rc != 0 && strict) {
		process_result_clear(&res);
		rc = EX_TEMPFAIL;
		goto out;
	}
	/* procmail hands filters the mbox From_ line: the header goes below it */
	if (in.len >= 5 && memcmp(in.s, "From ", 5) == 0 &&
	    (nl = memchr(in.s, '\n', in.len)) != NULL)
		skip = (size_t)(nl - in.s) + 1;
	if ((nl = memchr(in.s ? in.s + skip : "", '\n', in.len - skip)) != NULL &&
	    nl > in.s + skip && nl[-1] == '\r')
		eol = "\r\n";
	buf_printf(&hdr, "X-Mailopt-Result: %s", outcome_name(res.outcome));
	add_param(&hdr, "action", action_name(res.action));
	add_param(&hdr, "rule", res.rule);
	add_param(&hdr, "profile", res.profile);
	buf_adds(&hdr, eol);
	process_result_clear(&res);
	rc = 0;
	if (write_all(STDOUT_FILENO, in.s, skip) == -1 ||
	    write_all(STDOUT_FILENO, hdr.s, hdr.len) == -1 ||
	    write_all(STDOUT_FILENO, buf_str(&in) + skip, in.len - skip) == -1)
		goto werr;
	while (more && (n = read(STDIN_FILENO, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			mo_warn_errno("standard input");
			rc = EX_TEMPFAIL;
			goto out;
		}
		if (write_all(STDOUT_FILENO, chunk, (size_t)n) == -1)
			goto werr;
	}
	goto out;
werr:
	mo_warn_errno("standard output");
	rc = EX_TEMPFAIL;
out:
	buf_free(&in);
	buf_free(&hdr);
	return rc;
}
