/* cmd_rules.c — `rules check` and `rules explain`: the rules as an operator sees them. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "message.h"
#include "process.h"
#include "rules.h"
#include "store.h"
#include "util.h"

/* Matched text is shown on one line and at most this long. */
#define SHOW_MAX	200

static void
trace(void *arg, const struct rule_hit *h, int matched, const char *error)
{
	(void)arg;
	if (h->file == NULL) {	/* no rule: the time limit */
		printf("  %-5s %-32s %-18s the time limit ran out\n",
		    matched ? "MATCH" : "-", h->id, action_name(h->action));
		return;
	}
	printf("  %-5s %-32s %-18s %s:%d%s%s%s%s\n", matched ? "MATCH" : "-",
	    h->id, action_name(h->action), h->file, h->line,
	    matched && h->where ? " on " : "", matched && h->where ? h->where : "",
	    error ? " error: " : "", error ? error : "");
	if (!matched)
		return;
	if (h->branch_line)
		printf("        branch %s:%d\n", h->file, h->branch_line);
	if (h->text) {
		printf("        matched \"");
		for (size_t i = 0; i < h->textlen && i < SHOW_MAX; i++)
			putchar((unsigned char)h->text[i] < 0x20 ||
			    h->text[i] == 0x7f ? ' ' : h->text[i]);
		printf("\"%s\n", h->textlen > SHOW_MAX ? "..." : "");
	}
}

/* One rule the prefilter cannot spare, for `rules check`. */
static void
note(void *arg, const char *file, int line, const char *id, const char *why)
{
	int verbose = *(int *)arg;

	if (verbose || strncmp(why, "cannot read", 11) == 0)
		printf("%s:%d: %s: prefilter: %s: it runs on every message\n",
		    file, line, id, why);
}

static void
print_block(const char *title, const char *text)
{
	const char *nl;

	printf("%s:\n", title);
	if (*text == '\0') {
		printf("  (empty)\n");
		return;
	}
	for (; *text; text = nl + 1) {
		nl = strchr(text, '\n');
		if (nl == NULL) {
			printf("  | %s\n", text);
			break;
		}
		printf("  | %.*s\n", (int)(nl - text), text);
	}
}

/* Whether the winner h is answered in another language than its file's. */
static int
answered_otherwise(const struct rule_hit *h)
{
	return h->lang != NULL && h->reply_lang != NULL &&
	    strcmp(h->lang, h->reply_lang) != 0;
}

static int
explain(const struct conf *c, const char *path)
{
	static const char *headers[] = { "From", "To", "Subject", "Message-ID",
	    "Auto-Submitted", "Precedence", "List-Id", "Return-Path",
	    "Content-Type", "Authentication-Results" };
	struct rules *r = NULL;
	struct store *s = NULL;
	struct processor *p = NULL;
	struct message *m = NULL;
	struct process_result res = { 0 };
	struct message_limits lim = { MESSAGE_MAX_DEPTH,
	    MESSAGE_MAX_TEXT, c->newsletter_footer, NULL };
	struct rule_hit hit;
	struct buf in = { 0 }, langs = { 0 };
	int over = 0, rc;

	if ((rc = open_rules(c, &r)) != 0)
		goto out;
	lim.strip = rules_strip(r);
	if ((rc = read_path_capped(path, c->max_message_size, &in, &over)) != 0)
		goto out;
	if (over)
		printf("message larger than max_message_size (%zu): ignored\n",
		    c->max_message_size);
	m = message_parse(buf_str(&in), in.len, &lim);
	printf("headers:\n");
	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
		const char *v = message_header(m, headers[i]);

		if (v)
			printf("  %s: %s\n", headers[i], v);
	}
	printf("  (from address: %s)\n", message_from(m) ? message_from(m) : "none");
	print_block("text", message_text(m));
	print_block("body (what the rules read as body)", message_body(m));
	rules_languages(r, m, &langs);
	printf("languages: %s\n", langs.len ? buf_str(&langs) : "(no lang)");
	printf("rules: %zu, %s\n", rules_count(r), rules_cached(r) ?
	    "as kept in the rules cache (the files are unchanged)" :
	    "read from the files");
	printf("rules tried:\n");
	if (rules_classify(r, m, &hit, trace, NULL))
		printf("winner: %s (%s)%s%s%s%s\n", hit.id,
		    action_name(hit.action), hit.lang ? " lang " : "",
		    hit.lang ? hit.lang : "", answered_otherwise(&hit) ?
		    ", answered in " : "", answered_otherwise(&hit) ?
		    hit.reply_lang : "");
	else
		printf("winner: none: not a request\n");

	/* the whole pipeline in a transaction that is rolled back */
	if (open_store(c, &s) != 0) {
		printf("profile: unknown (no database)\n");
		rc = 0;
		goto out;
	}
	p = processor_new(c, s, r);
	if ((rc = store_begin(s)) != 0)
		goto out;
	rc = processor_run(p, buf_str(&in), over ? c->max_message_size : in.len,
	    over, NULL, &res);
	store_rollback(s);
	if (rc != 0)
		goto out;
	printf("profile: %s\n", res.profile ? res.profile : "none");
	printf("outcome: %s%s%s%s\n", outcome_name(res.outcome),
	    res.reason ? " (" : "", res.reason ? res.reason : "",
	    res.reason ? ")" : "");
	for (int i = 0; i < FLAG_COUNT; i++)
		if (res.changed & flag_bit(i))
			printf("would change: %s %d -> %d\n", flag_name(i),
			    !!(res.old_flags & flag_bit(i)),
			    !!(res.new_flags & flag_bit(i)));
	printf("nothing was changed\n");
out:
	process_result_clear(&res);
	message_free(m);
	processor_free(p);
	store_free(s);
	rules_free(r);
	buf_free(&in);
	buf_free(&langs);
	return rc;
}

int
cmd_rules(const struct conf *c, int argc, char **argv)
{
	struct rules *r = NULL;
	int rc, verbose;

	if ((argc == 2 || (argc == 3 && strcmp(argv[2], "-v") == 0)) &&
	    strcmp(argv[1], "check") == 0) {
		verbose = argc == 3;
		if ((rc = check_rules(c, &r)) == 0) {
			printf("%s: %zu rules, all valid\n", c->rules, rules_count(r));
			(void)rules_unfiltered(r, note, &verbose);
		}
		rules_free(r);
		return rc;
	}
	if (argc == 2 && strcmp(argv[1], "show") == 0) {
		if ((rc = open_rules(c, &r)) == 0)
			rules_show(r, stdout);
		rules_free(r);
		return rc;
	}
	if (argc == 3 && strcmp(argv[1], "explain") == 0)
		return explain(c, argv[2]);
	return usage_error("rules");
}
