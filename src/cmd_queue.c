/* cmd_queue.c — `queue list|show|assign|dismiss`: the operator's side of requests no single profile took. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "candidates.h"
#include "cmd.h"
#include "conf.h"
#include "deadline.h"
#include "json.h"
#include "message.h"
#include "operator.h"
#include "outbox.h"
#include "process.h"
#include "rules.h"
#include "store.h"
#include "util.h"

/* The headers an operator decides by; the rest is in the stored message. */
static const char *const show_headers[] = {
	"Date", "From", "Sender", "Reply-To", "To", "Cc", "Subject",
	"Message-ID", "Content-Type", "Auto-Submitted", "Authentication-Results",
};

/* What an entry shows besides its row. */
struct view {
	struct message		*msg;	/* NULL once the message was purged */
	struct candidates	*cands;	/* likewise */
	time_t			 due;
	int			 overdue;	/* open and past due */
};

struct lister {
	const struct conf	*conf;
	struct store		*store;
	struct rules		*rules;	/* for their quote markers; NULL: none */
	int			 json;
	time_t			 now;
	size_t			 n, overdue;
	struct buf		 out;
};

/*
 * Append s as one line for a terminal: control characters, C1 controls
 * and bidi overrides, which could rewrite what the operator sees,
 * become '?', a line feed a space.
 */
static void
put_safe(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++) {
		if (*p == '\n')
			buf_addc(b, ' ');
		else if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			buf_addc(b, '?');
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			buf_addc(b, '?');
			p++;
		} else if (p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa &&
		    p[2] <= 0xae) || (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9))) {
			buf_addc(b, '?');
			p += 2;
		} else
			buf_addc(b, *p);
	}
}

/* Local time, for people (--json gives UTC). */
static void
put_time(struct buf *b, int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;
	char s[32];

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(s, sizeof s, "%Y-%m-%d %H:%M", &tm) == 0)
		buf_printf(b, "%lld", (long long)when);
	else
		buf_adds(b, s);
}

/* "12d 3h", "3h 5m", "42m": how long a request has waited. */
static void
put_age(struct buf *b, int64_t secs)
{
	int64_t m = secs > 0 ? secs / 60 : 0;

	if (m >= 24 * 60)
		buf_printf(b, "%lldd %lldh", (long long)(m / (24 * 60)),
		    (long long)(m / 60 % 24));
	else if (m >= 60)
		buf_printf(b, "%lldh %lldm", (long long)(m / 60), (long long)(m % 60));
	else
		buf_printf(b, "%lldm", (long long)m);
}

/* One "    label:  value" line; "-" for no value. */
static void
put_line(struct buf *b, const char *label, const char *value)
{
	buf_printf(b, "    %-9s ", label);
	put_safe(b, value && *value ? value : "-");
	buf_addc(b, '\n');
}

static void
put_candidate(struct buf *b, const struct candidate *k)
{
	put_safe(b, k->email);
	if (*k->name) {
		buf_adds(b, " (");
		put_safe(b, k->name);
		buf_addc(b, ')');
	}
	buf_printf(b, ", score %d", k->score);
}

static void
candidate_json(struct buf *b, const struct candidate *k)
{
	int first = 1;

	buf_addc(b, '{');
	json_kstr(b, "email", k->email, &first);
	json_kstr(b, "name", k->name, &first);
	json_key(b, "score", &first);
	buf_printf(b, "%d", k->score);
	json_key(b, "evidence", &first);
	buf_addc(b, '[');
	for (size_t i = 0; i < k->nevidence; i++) {
		if (i > 0)
			buf_addc(b, ',');
		json_str(b, k->evidence[i]);
	}
	buf_adds(b, "]}");
}

/* Parse the stored message and rank the candidates; due and overdue as of now. */
static int
view_load(const struct conf *c, struct store *s, struct strip *strip,
    const struct queue_item *q, time_t now, struct view *v)
{
	const struct message_limits lim = { MESSAGE_MAX_DEPTH,
	    MESSAGE_MAX_TEXT, c->newsletter_footer, strip };

	memset(v, 0, sizeof *v);
	v->due = deadline_after((time_t)q->received, c->deadline_days);
	v->overdue = q->state == QUEUE_OPEN && now > v->due;
	if (q->raw == NULL)
		return 0;
	v->msg = message_parse(q->raw, q->rawlen, &lim);
	return candidates_find(s, v->msg, &v->cands);
}

static void
view_clear(struct view *v)
{
	candidates_free(v->cands);
	message_free(v->msg);
	memset(v, 0, sizeof *v);
}

static const struct candidate *
best(const struct view *v)
{
	return v->cands ? candidates_get(v->cands, 0) : NULL;
}

/* "2025-11-29 07:46, waiting 3d 2h, due 2025-12-12 07:46" */
static void
put_wait(struct buf *b, const struct queue_item *q, const struct view *v,
    time_t now)
{
	put_time(b, q->received);
	if (q->state != QUEUE_OPEN)
		return;
	buf_adds(b, ", waiting ");
	put_age(b, now - q->received);
	buf_adds(b, v->overdue ? ", OVERDUE since " : ", due ");
	put_time(b, v->due);
}

static void
list_json(struct lister *l, const struct queue_item *q, const struct view *v)
{
	const struct candidate *k = best(v);
	struct buf *b = &l->out;
	int first = 1;

	buf_addc(b, '{');
	json_key(b, "id", &first);
	buf_printf(b, "%lld", (long long)q->id);
	json_ktime(b, "received", q->received, &first);
	json_key(b, "age_seconds", &first);
	buf_printf(b, "%lld", (long long)(l->now - q->received));
	json_ktime(b, "due", v->due, &first);
	json_kbool(b, "overdue", v->overdue, &first);
	json_kstr(b, "message_id", q->message_id, &first);
	json_kstr(b, "sender", q->sender, &first);
	json_kstr(b, "subject", q->subject, &first);
	json_kstr(b, "action", q->action, &first);
	json_kstr(b, "rule", q->rule, &first);
	json_kstr(b, "reason", q->reason, &first);
	json_kstr(b, "profile", q->profile, &first);
	json_key(b, "candidates", &first);
	buf_printf(b, "%zu", v->cands ? candidates_count(v->cands) : 0);
	json_key(b, "best", &first);
	if (k == NULL)
		buf_adds(b, "null");
	else
		candidate_json(b, k);
	buf_adds(b, "}\n");
}

static void
list_text(struct lister *l, const struct queue_item *q, const struct view *v)
{
	const struct candidate *k = best(v);
	struct buf *b = &l->out;

	buf_printf(b, "%s#%lld  received ", l->n > 1 ? "\n" : "", (long long)q->id);
	put_wait(b, q, v, l->now);
	buf_addc(b, '\n');
	put_line(b, "from:", q->sender);
	put_line(b, "subject:", q->subject);
	put_line(b, "action:", q->action);
	put_line(b, "reason:", q->reason);
	buf_printf(b, "    %-9s ", "best:");
	if (k == NULL)
		buf_adds(b, "no candidate");
	else {
		put_candidate(b, k);
		buf_adds(b, ": ");
		put_safe(b, k->evidence[0]);
	}
	buf_addc(b, '\n');
}

static int
list_one(const struct queue_item *q, void *arg)
{
	struct lister *l = arg;
	struct view v;
	int rc;

	if ((rc = view_load(l->conf, l->store, rules_strip(l->rules), q,
	    l->now, &v)) == 0) {
		l->n++;
		l->overdue += v.overdue;
		buf_reset(&l->out);
		if (l->json)
			list_json(l, q, &v);
		else
			list_text(l, q, &v);
		fputs(buf_str(&l->out), stdout);
		if (ferror(stdout))
			rc = EX_IOERR;
	}
	view_clear(&v);
	return rc;
}

/*
 * Make the keys of the profiles changed since anew, so that each
 * entry's candidates are looked up rather than searched for. Only when
 * there are such profiles, and without waiting: while the database is
 * busy (or only readable) they are weighed one by one, with the same
 * result.
 */
static void
fresh_keys(struct store *s)
{
	int any;

	if (store_keys_any_stale(s, &any) != 0 || !any ||
	    store_try_begin(s) != 0)
		return;
	if (candidates_refresh(s) != 0 || store_commit(s) != 0)
		store_rollback(s);
}

/*
 * The rules, for their quote markers and words only: what a queued
 * message's sender wrote is shown as the rules read it, and an assigned
 * request is answered in the language of its words. NULL (and a
 * warning) when they cannot be loaded: then only '>' quotes are cut,
 * and the answer is in the language of the rule's id.
 */
static struct rules *
quote_rules(const struct conf *c)
{
	struct rules *r = NULL;

	(void)open_rules(c, &r);
	return r;
}

static int
list(const struct conf *c, int json)
{
	struct lister l = { .conf = c, .json = json, .now = mo_now() };
	int rc;

	l.rules = quote_rules(c);
	if ((rc = open_store(c, &l.store)) != 0)
		goto out;
	fresh_keys(l.store);
	if ((rc = store_queue_each(l.store, list_one, &l)) != 0)
		goto out;
	if (!json && l.n == 0)
		printf("queue: empty\n");
	else if (!json)
		printf("\nqueue: %zu open, %zu overdue (deadline %d business day%s)\n",
		    l.n, l.overdue, c->deadline_days,
		    c->deadline_days == 1 ? "" : "s");
out:
	buf_free(&l.out);
	store_free(l.store);
	rules_free(l.rules);
	return rc;
}

/* Each line of text after prefix; a last line feed ends the last line. */
static void
put_lines(struct buf *b, const char *prefix, const char *text)
{
	const char *nl;
	char *line;

	for (; text != NULL && *text != '\0'; text = nl ? nl + 1 : NULL) {
		nl = strchr(text, '\n');
		line = xstrndup(text, nl ? (size_t)(nl - text) : strlen(text));
		buf_adds(b, prefix);
		put_safe(b, line);
		buf_addc(b, '\n');
		free(line);
	}
}

static void
put_block(struct buf *b, const char *title, const char *text)
{
	buf_printf(b, "%s:\n", title);
	if (text == NULL || *text == '\0')
		buf_adds(b, "  (empty)\n");
	else
		put_lines(b, "  | ", text);
}

static void
show_message(struct buf *b, const struct view *v)
{
	char prefix[64];

	buf_adds(b, "headers:\n");
	for (size_t i = 0; i < sizeof show_headers / sizeof show_headers[0]; i++) {
		if (snprintf(prefix, sizeof prefix, "  %s: ", show_headers[i]) >=
		    (int)sizeof prefix)
			continue;
		/* a field given more than once comes back joined by newlines */
		put_lines(b, prefix, message_header(v->msg, show_headers[i]));
	}
	put_block(b, "text the rules read (quotes and signature removed)",
	    message_body(v->msg));
	if (strcmp(message_text(v->msg), message_body(v->msg)) != 0)
		put_block(b, "whole text", message_text(v->msg));
}

static void
show_candidates(struct buf *b, const struct view *v)
{
	const struct candidate *k;

	buf_adds(b, "candidates:\n");
	if (candidates_count(v->cands) == 0)
		buf_adds(b, "  none: no profile shares an address, name, phone,"
		    " company or postal address with the message\n");
	for (size_t i = 0; (k = candidates_get(v->cands, i)) != NULL; i++) {
		buf_printf(b, "  %zu. ", i + 1);
		put_candidate(b, k);
		buf_addc(b, '\n');
		for (size_t j = 0; j < k->nevidence; j++) {
			buf_adds(b, "       - ");
			put_safe(b, k->evidence[j]);
			buf_addc(b, '\n');
		}
	}
}

/* Entry id into *q (caller clears); an unknown one is EX_NOINPUT, said. */
static int
entry_get(struct store *s, int64_t id, struct queue_item *q)
{
	int found, rc;

	if ((rc = store_queue_get(s, id, q, &found)) == 0 && !found) {
		mo_warn("queue entry %lld: no such entry", (long long)id);
		rc = EX_NOINPUT;
	}
	return rc;
}

/* The entry is written out whole, handled ones too: they are the record. */
static int
show(const struct conf *c, int64_t id)
{
	struct store *s = NULL;
	struct queue_item q = { 0 };
	struct view v = { 0 };
	struct buf b = { 0 };
	struct rules *r;
	time_t now = mo_now();
	int rc;

	r = quote_rules(c);
	if ((rc = open_store(c, &s)) != 0)
		goto out;
	fresh_keys(s);
	if ((rc = entry_get(s, id, &q)) != 0 ||
	    (rc = view_load(c, s, rules_strip(r), &q, now, &v)) != 0)
		goto out;
	buf_printf(&b, "queue entry %lld: %s\n", (long long)q.id,
	    queue_state_name(q.state));
	buf_printf(&b, "    %-9s ", "received:");
	put_wait(&b, &q, &v, now);
	buf_addc(&b, '\n');
	put_line(&b, "sender:", q.sender);
	put_line(&b, "action:", q.action);
	put_line(&b, "rule:", q.rule);
	put_line(&b, "queued:", q.reason);
	put_line(&b, "profile:", q.profile);
	if (q.state != QUEUE_OPEN) {
		buf_printf(&b, "    %-9s %s ", "handled:", queue_state_name(q.state));
		put_time(&b, q.handled_time);
		buf_adds(&b, " by ");
		put_safe(&b, q.operator ? q.operator : "-");
		buf_addc(&b, '\n');
		put_line(&b, "note:", q.note);
	}
	if (v.msg == NULL)
		buf_adds(&b, "message: purged (the entry and its history stay)\n");
	else {
		show_message(&b, &v);
		show_candidates(&b, &v);
	}
	fputs(buf_str(&b), stdout);
out:
	buf_free(&b);
	view_clear(&v);
	queue_item_clear(&q);
	store_free(s);
	rules_free(r);
	return rc;
}

/* A queue entry id: a positive decimal number. */
static int
parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0) {
		mo_warn("queue entry %s: not an entry number", s);
		return EX_DATAERR;
	}
	*id = v;
	return 0;
}

static void
put_changes(struct buf *b, const struct process_result *r)
{
	if (r->changed == 0) {
		buf_adds(b, ": flags already so");
		return;
	}
	for (int i = 0, n = 0; i < FLAG_COUNT; i++)
		if (r->changed & flag_bit(i))
			buf_printf(b, "%s %s %d>%d", n++ ? "," : ":", flag_name(i),
			    !!(r->old_flags & flag_bit(i)),
			    !!(r->new_flags & flag_bit(i)));
}

/*
 * Apply entry q to the profile owning email, in the open transaction.
 * A review changes no flag: the entry only records whose it was.
 */
static int
assign_apply(const struct conf *c, struct store *s, const struct rules *r,
    const struct queue_item *q, const char *email, const char *operator,
    struct buf *said)
{
	struct processor *p = NULL;
	struct process_result res = { 0 };
	struct profile prof = { 0 };
	enum action a;
	int found, rc;

	if (q->action == NULL || action_parse(q->action, &a) != 0) {
		mo_warn("queue entry %lld: unknown action %s", (long long)q->id,
		    q->action ? q->action : "(none)");
		return EX_DATAERR;
	}
	if (action_flags(a) == 0) {
		if ((rc = store_profile_find(s, email, &prof, &found)) == 0 &&
		    !found) {
			mo_warn("%s: no such profile", email);
			rc = EX_NOINPUT;
		}
		if (rc == 0)
			buf_printf(said, ": %s, no flags to change", q->action);
		goto out;
	}
	/* assigning classifies nothing: the rules only tell the language */
	p = processor_new(c, s, r);
	if ((rc = processor_assign(p, q->raw, q->rawlen, a, q->rule, email,
	    operator, &res)) == 0)
		put_changes(said, &res);
out:
	process_result_clear(&res);
	profile_clear(&prof);
	processor_free(p);
	return rc;
}

/* The reason that closes an erasure request `profile delete` answered. */
#define ERASED	"erased"

/*
 * An erasure request is personal data too: its message goes with the
 * profile. One whose profile is still on file was not answered yet.
 */
static int
forget(struct store *s, const struct queue_item *q)
{
	int live, rc;

	if ((rc = store_queue_forget(s, q->id, &live)) == 0 && live) {
		mo_warn("queue entry %lld: profile %s is not erased: "
		    "run mailopt profile delete first", (long long)q->id,
		    q->profile);
		rc = EX_DATAERR;
	}
	return rc;
}

/* assign (email != NULL) or dismiss entry id, as operator. */
static int
decide(const struct conf *c, int64_t id, const char *email,
    const char *operator, const char *note)
{
	struct store *s = NULL;
	struct rules *r = NULL;
	struct queue_item q = { 0 };
	struct buf said = { 0 };
	int rc;

	/* loaded before the write lock is taken, not while it is held */
	if (email != NULL)
		r = quote_rules(c);
	if ((rc = open_store(c, &s)) != 0 || (rc = store_begin(s)) != 0 ||
	    (rc = entry_get(s, id, &q)) != 0)
		goto out;
	if (q.state != QUEUE_OPEN) {
		mo_warn("queue entry %lld: already %s", (long long)id,
		    queue_state_name(q.state));
		rc = EX_DATAERR;
		goto out;
	}
	if (email != NULL &&
	    (rc = assign_apply(c, s, r, &q, email, operator, &said)) != 0)
		goto out;
	if (email == NULL && note != NULL && strcmp(note, ERASED) == 0 &&
	    (rc = forget(s, &q)) != 0)
		goto out;
	if ((rc = store_queue_close(s, id, email ? QUEUE_ASSIGNED :
	    QUEUE_DISMISSED, email, operator, note)) != 0 ||
	    (rc = store_commit(s)) != 0)
		goto out;
	if (email != NULL)
		printf("queue entry %lld: assigned to %s by %s%s\n",
		    (long long)id, email, operator, buf_str(&said));
	else
		printf("queue entry %lld: dismissed by %s%s\n", (long long)id,
		    operator, note != NULL && strcmp(note, ERASED) == 0 ?
		    ": erased, its stored message deleted" : "");
	/* the confirmation the decision caused goes out now, as after a sweep */
	if (email != NULL && outbox_enabled(c)) {
		fflush(stdout);
		outbox_flush_after(c, s);
	}
out:
	if (rc != 0 && s != NULL)
		store_rollback(s);
	buf_free(&said);
	queue_item_clear(&q);
	store_free(s);
	rules_free(r);
	return rc;
}

int
cmd_queue(const struct conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "operator", required_argument, NULL, 'o' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sub, *operator = NULL, *reason = NULL;
	char *name;
	int64_t id = 0;
	int ch, json = 0, rc;

	if (argc < 2)
		return usage_error("queue");
	sub = argv[1];
	/* from the subcommand on; optind is 0, so options may follow operands */
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = 1; break;
		case 'o': operator = optarg; break;
		case 'r': reason = optarg; break;
		default: return usage_error("queue");
		}
	}
	argc -= optind;
	argv += optind;
	if (strcmp(sub, "list") == 0 && argc == 0 && !operator && !reason)
		return list(c, json);
	if (json || (strcmp(sub, "show") != 0 && strcmp(sub, "assign") != 0 &&
	    strcmp(sub, "dismiss") != 0) ||
	    argc != 1 + (strcmp(sub, "assign") == 0) ||
	    (reason && strcmp(sub, "dismiss") != 0) ||
	    (operator && strcmp(sub, "show") == 0))
		return usage_error("queue");
	if ((rc = parse_id(argv[0], &id)) != 0)
		return rc;
	if (strcmp(sub, "show") == 0)
		return show(c, id);
	if ((name = operator_name(operator)) == NULL)
		return EX_USAGE;
	rc = decide(c, id, strcmp(sub, "assign") == 0 ? argv[1] : NULL, name,
	    reason);
	free(name);
	return rc;
}
