/* outbox.c — confirmations and reseller notices: queued with the change that causes them, sent after the commit. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "action.h"
#include "compose.h"
#include "conf.h"
#include "message.h"
#include "outbox.h"
#include "process.h"
#include "send.h"
#include "store.h"
#include "template.h"
#include "util.h"

#define DAY		(24 * 60 * 60)
/* Back-off after the n-th failure: 5 minutes doubling to at most 12 hours; about four days in all. */
#define BACKOFF_BASE	(5 * 60)
#define BACKOFF_MAX	(12 * 60 * 60)
#define MAX_ATTEMPTS	15
/*
 * A flush claims this many at a time, for this long past its latest
 * send; a dead flush's mail waits that long. Longer than one mail's
 * SMTP timeouts (send.c).
 */
#define CLAIM_BATCH	20
#define CLAIM_LEASE	(15 * 60)
/* A reply names the last few messages of its thread, not the whole thread. */
#define MAX_REFS	10
/* The request's subject quoted in the reply's, in bytes. */
#define SUBJECT_MAX	140
#define MAX_TEMPLATES	16

/* The template placeholders, in names[] order. */
enum var {
	V_NAME, V_EMAIL, V_COMPANY, V_COUNTRY,
	V_FLAG,					/* FLAG_COUNT: now */
	V_OLD = V_FLAG + FLAG_COUNT,		/* before */
	V_CHG = V_OLD + FLAG_COUNT,		/* "1" when it changed */
	V_CHANGED = V_CHG + FLAG_COUNT,
	V_SUBJECT, V_MESSAGE_ID, V_RULE, V_OPERATOR, V_FROM_NAME, V_RESELLER,
	NVARS
};

static const char *const names[NVARS] = {
	"name", "email", "company", "country",
	"marketing_email", "marketing_postal", "third_party",
	"marketing_email_old", "marketing_postal_old", "third_party_old",
	"marketing_email_changed", "marketing_postal_changed",
	"third_party_changed",
	"changed", "request_subject", "request_message_id", "rule",
	"operator", "from_name", "reseller",
};
_Static_assert(FLAG_COUNT == 3, "names[] has three entries per flag group");

struct loaded {
	const char	*kind;
	char		 lang[4];
	struct template	*t;
};

struct outbox {
	const struct conf	*conf;
	struct store		*store;
	char			*from_name, *from_addr;	/* parsed on first use */
	struct loaded		 tpl[MAX_TEMPLATES];
	size_t			 ntpl;
};

int
outbox_enabled(const struct conf *c)
{
	return c->from != NULL && *c->from != '\0';
}

int
outbox_check_templates(const struct conf *c)
{
	return template_check(c->templates, names, NVARS);
}

struct outbox *
outbox_new(const struct conf *c, struct store *s)
{
	struct outbox *o = xcalloc(1, sizeof *o);

	o->conf = c;
	o->store = s;
	return o;
}

void
outbox_free(struct outbox *o)
{
	if (o == NULL)
		return;
	for (size_t i = 0; i < o->ntpl; i++)
		template_free(o->tpl[i].t);
	free(o->from_name);
	free(o->from_addr);
	free(o);
}

/* The from setting as a display name and an address. */
static int
from_parse(const struct conf *c, char **name, char **addr)
{
	if (compose_mailbox_parse(c->from, name, addr) == 0)
		return 0;
	mo_warn("from: %s: not an address mail can be sent from", c->from);
	return EX_CONFIG;
}

/* The template of kind in lang (English when there is none), loaded once per outbox. */
static int
template_get(struct outbox *o, const char *kind, const char *lang,
    struct template **t)
{
	struct loaded *l;
	int rc;

	for (size_t i = 0; i < o->ntpl; i++)
		if (strcmp(o->tpl[i].kind, kind) == 0 &&
		    strcmp(o->tpl[i].lang, lang) == 0) {
			*t = o->tpl[i].t;
			return 0;
		}
	if ((rc = template_load(o->conf->templates, kind, lang, names, NVARS,
	    t)) != 0)
		return rc;
	/* rule files name a handful of languages; past that, load each time */
	if (o->ntpl == MAX_TEMPLATES)
		template_free(o->tpl[--o->ntpl].t);
	l = &o->tpl[o->ntpl++];
	l->kind = kind;
	memset(l->lang, 0, sizeof l->lang);
	memcpy(l->lang, lang, strnlen(lang, sizeof l->lang - 1));
	l->t = *t;
	return 0;
}

/*
 * The language of a result: its rule file's lang; without one (a queued
 * request assigned with no rules loaded, a file with no lang line) the
 * rule id's leading two-letter code ("de-..."), else English.
 */
static void
rule_lang(const char *rule, char lang[4])
{
	int code = rule != NULL && rule[0] >= 'a' && rule[0] <= 'z' &&
	    rule[1] >= 'a' && rule[1] <= 'z' && rule[2] == '-';

	memset(lang, 0, 4);
	memcpy(lang, code ? rule : "en", 2);
}

/* RFC 3834 2: never answer a program. The rules ignore these; this holds if they change. */
static int
automatic(const struct message *m)
{
	const char *v = message_header(m, "Auto-Submitted"), *rp;

	for (const char *l = v; l != NULL; l = strchr(l, '\n')) {
		l += *l == '\n';
		l += strspn(l, " \t");
		if (ascii_ncasecmp(l, "no", 2) != 0 || strchr(" \t;(\n", l[2]) == NULL)
			return 1;
	}
	v = message_header(m, "Precedence");
	if (v != NULL && (ascii_casestr(v, "bulk") || ascii_casestr(v, "junk") ||
	    ascii_casestr(v, "list")))
		return 1;
	rp = message_return_path(m);
	return message_header(m, "List-Id") != NULL ||
	    message_header(m, "List-Unsubscribe") != NULL ||
	    (rp != NULL && *rp == '\0') || message_is_report(m);
}

/* s cut to at most max bytes, not inside a UTF-8 sequence; caller frees. */
static char *
shorten(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return xstrdup(s);
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return xasprintf("%.*s...", (int)max, s);
}

/* Compose one mail from template kind and add it to the outbox. */
static int
queue_mail(struct outbox *o, const char *kind, const char *lang,
    int64_t profile_id, const char *to_name, const char *to_addr,
    const struct message *m, const char *const *values)
{
	struct outbox_mail mail = { 0 };
	struct compose *c = NULL;
	struct template *t;
	struct buf subject = { 0 }, body = { 0 }, refs = { 0 };
	const char *mid = m ? message_id(m) : NULL, *prev;
	char *msgid = NULL, *text = NULL;
	time_t now = mo_now();
	int rc;

	if ((rc = template_get(o, kind, lang, &t)) != 0)
		return rc;
	if (!compose_addr_ok(to_addr)) {
		mo_warn("%s: not an address mail can go to: no %s sent",
		    to_addr ? to_addr : "(none)", kind);
		return 0;
	}
	template_expand(t, values, &subject, &body);
	c = compose_new();
	(void)compose_address(c, "From", o->from_name, o->from_addr);
	(void)compose_address(c, "To", to_name, to_addr);
	compose_text(c, "Subject", buf_str(&subject));
	if (mid != NULL) {
		prev = message_header(m, "References");
		buf_printf(&refs, "%s <%s>", prev ? prev : "", mid);
		compose_msgids(c, "In-Reply-To", mid, 1);
		compose_msgids(c, "References", buf_str(&refs), MAX_REFS);
	}
	(void)compose_field(c, "Auto-Submitted",
	    m ? "auto-replied" : "auto-generated");
	/* Exchange and Outlook: no out-of-office reply to this */
	(void)compose_field(c, "X-Auto-Response-Suppress", "All");
	msgid = compose_message_id(o->from_addr, now);
	text = compose_finish(c, buf_str(&body), now, msgid, &mail.len);
	mail.created = now;
	mail.kind = kind;
	mail.profile_id = profile_id;
	mail.recipient = to_addr;
	mail.message_id = msgid;
	mail.message = text;
	mail.next_try = now;
	rc = store_outbox_add(o->store, &mail, NULL);
	compose_free(c);
	buf_free(&subject);
	buf_free(&body);
	buf_free(&refs);
	free(msgid);
	free(text);
	return rc;
}

/* A confirmation after unchanged goes at most once a day: a customer may write twice. */
static int
confirm_due(struct outbox *o, const struct message *m, const struct profile *p,
    const struct process_result *res, int *due)
{
	int found = 0, rc = 0;

	*due = m == NULL || !automatic(m);
	if (*due && res->outcome == OUTCOME_UNCHANGED) {
		rc = store_outbox_recent(o->store, p->id, "confirmation",
		    (int64_t)mo_now() - DAY, &found);
		*due = !found;
	}
	return rc;
}

int
outbox_request(struct outbox *o, const struct message *m,
    const struct profile *p, const struct process_result *res,
    const char *operator)
{
	const char *values[NVARS] = { 0 };
	struct reseller r = { 0 };
	char lang[4], *subject = NULL;
	int rc, due, found = 0;

	if (!outbox_enabled(o->conf) || (res->outcome != OUTCOME_APPLIED &&
	    res->outcome != OUTCOME_UNCHANGED))
		return 0;
	if (o->from_addr == NULL &&
	    (rc = from_parse(o->conf, &o->from_name, &o->from_addr)) != 0)
		return rc;
	if (res->lang != NULL)
		snprintf(lang, 4, "%s", res->lang);
	else
		rule_lang(res->rule, lang);
	subject = shorten(m ? message_subject(m) : "", SUBJECT_MAX);
	values[V_NAME] = p->name;
	values[V_EMAIL] = p->email;
	values[V_COMPANY] = p->company;
	values[V_COUNTRY] = p->country;
	for (int i = 0; i < FLAG_COUNT; i++) {
		values[V_FLAG + i] = res->new_flags & flag_bit(i) ? "1" : "0";
		values[V_OLD + i] = res->old_flags & flag_bit(i) ? "1" : "0";
		values[V_CHG + i] = res->changed & flag_bit(i) ? "1" : "0";
	}
	values[V_CHANGED] = res->changed ? "1" : "0";
	values[V_SUBJECT] = subject;
	values[V_MESSAGE_ID] = res->message_id;
	values[V_RULE] = res->rule;
	values[V_OPERATOR] = operator;
	values[V_FROM_NAME] = o->from_name;

	if ((rc = confirm_due(o, m, p, res, &due)) != 0 ||
	    (due && (rc = queue_mail(o, "confirmation", lang, p->id, p->name,
	    p->email, m, values)) != 0))
		goto out;
	if (res->changed == 0 || p->country == NULL || *p->country == '\0' ||
	    (rc = store_reseller_find(o->store, p->country, &r, &found)) != 0 ||
	    !found)
		goto out;
	values[V_RESELLER] = r.name;
	rc = queue_mail(o, "notice", "en", p->id, r.name, r.email, NULL, values);
out:
	reseller_clear(&r);
	free(subject);
	return rc;
}

/* A claimed mail, copied out of the store so that sending holds no statement open. */
struct job {
	int64_t	 id;
	int	 attempts;
	char	*rcpt, *msg;
	size_t	 len;
};

struct jobs {
	struct job	*v;
	size_t		 n, cap;
};

static int
job_add(const struct outbox_mail *m, void *arg)
{
	struct jobs *js = arg;
	struct job *j;

	if (js->n == js->cap) {
		js->cap = js->cap ? js->cap * 2 : CLAIM_BATCH;
		js->v = xrealloc(js->v, js->cap * sizeof *js->v);
	}
	j = &js->v[js->n++];
	j->id = m->id;
	j->attempts = m->attempts;
	j->rcpt = xstrdup(m->recipient);
	j->msg = xmalloc(m->len + 1);
	memcpy(j->msg, m->message, m->len);
	j->msg[m->len] = '\0';
	j->len = m->len;
	return 0;
}

static void
jobs_clear(struct jobs *js)
{
	for (size_t i = 0; i < js->n; i++) {
		free(js->v[i].rcpt);
		free(js->v[i].msg);
	}
	js->n = 0;
}

/* Claim the next batch, ids above after, and copy it into js. */
static int
claim(struct store *s, const char *name, int all, int64_t after,
    struct jobs *js)
{
	int64_t now = mo_now();
	int n, rc;

	if ((rc = store_begin(s)) != 0)
		return rc;
	if ((rc = store_outbox_claim(s, name, now, now + CLAIM_LEASE, all,
	    after, CLAIM_BATCH, &n)) == 0 && n > 0)
		rc = store_outbox_each(s, name, job_add, js);
	if (rc == 0)
		return store_commit(s);
	store_rollback(s);
	return rc;
}

static int64_t
backoff(int attempts)
{
	int64_t d = BACKOFF_BASE;

	for (int i = 0; i < attempts && d < BACKOFF_MAX; i++)
		d *= 2;
	return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

/*
 * Record what became of one mail in its own transaction: once the
 * transport has taken a mail, no crash may send it again.
 */
static int
record(struct store *s, const char *name, const struct job *j,
    enum send_status ss, const char *err, struct outbox_stats *st)
{
	int64_t now = mo_now();
	int give_up = j->attempts + 1 >= MAX_ATTEMPTS, rc;

	if ((rc = store_begin(s)) != 0)
		return rc;
	rc = ss == SEND_OK ? store_outbox_sent(s, j->id, name, now) :
	    store_outbox_retry(s, j->id, name, err, now + backoff(j->attempts),
	    give_up);
	/* the rest of the batch stays ours while we are alive */
	if (rc != 0 || (rc = store_outbox_extend(s, name, now + CLAIM_LEASE)) != 0 ||
	    (rc = store_commit(s)) != 0) {
		store_rollback(s);
		return rc;
	}
	if (ss == SEND_OK)
		st->sent++;
	else if (give_up)
		st->failed++;
	else
		st->deferred++;
	return 0;
}

/* Hand back what is still claimed: it stays due for the next flush. */
static void
release(struct store *s, const char *name)
{
	if (store_begin(s) != 0)
		return;
	if (store_outbox_release(s, name) != 0 || store_commit(s) != 0)
		store_rollback(s);
}

int
outbox_flush(const struct conf *c, struct store *s, int all,
    struct outbox_stats *st)
{
	struct sender *snd = NULL;
	struct jobs js = { 0 };
	enum send_status ss = SEND_OK;
	char *name = NULL, *from_name = NULL, *from = NULL, *err;
	int64_t after = 0;
	int rc, stuck = 0;

	memset(st, 0, sizeof *st);
	if (!outbox_enabled(c))
		return 0;
	/* settings are checked even when nothing is due; nothing connects yet */
	if ((rc = from_parse(c, &from_name, &from)) != 0 ||
	    (rc = sender_new(c, &snd)) != 0)
		goto out;
	name = xasprintf("%ld.%lld", (long)getpid(), (long long)mo_now());
	while (rc == 0 && ss != SEND_DOWN &&
	    (rc = claim(s, name, all, after, &js)) == 0 && js.n > 0) {
		for (size_t i = 0; i < js.n; i++) {
			const struct job *j = &js.v[i];

			if (rc != 0 || ss == SEND_DOWN) {
				st->untried++;
				continue;
			}
			ss = sender_send(snd, from, j->rcpt, j->msg, j->len, &err);
			/* only said, so a long reason may lose its end */
			if (ss != SEND_OK &&
			    snprintf(st->error, sizeof st->error, "%s", err) < 0)
				st->error[0] = '\0';
			free(err);
			/* unrecorded, its claim must lapse on its own: it may have gone */
			stuck = (rc = record(s, name, j, ss, st->error, st)) != 0;
			after = j->id;
		}
		jobs_clear(&js);
	}
out:
	if (name != NULL && (rc != 0 || ss == SEND_DOWN) && !stuck)
		release(s, name);
	sender_free(snd);
	free(js.v);
	free(name);
	free(from_name);
	free(from);
	if (rc == 0 && (st->deferred > 0 || st->untried > 0))
		rc = EX_TEMPFAIL;
	return rc;
}

void
outbox_warn(const struct outbox_stats *st)
{
	if (st->deferred + st->untried > 0)
		mo_warn("outbox: %lu mail%s not sent now (%s): kept pending "
		    "for the next flush", st->deferred + st->untried,
		    st->deferred + st->untried == 1 ? "" : "s", st->error);
	if (st->failed > 0)
		mo_warn("outbox: %lu mail%s given up after %d tries (%s)",
		    st->failed, st->failed == 1 ? "" : "s", MAX_ATTEMPTS,
		    st->error);
}

void
outbox_flush_after(const struct conf *c, struct store *s)
{
	struct outbox_stats st;
	int rc;

	if (!outbox_enabled(c))
		return;
	rc = outbox_flush(c, s, 0, &st);
	outbox_warn(&st);
	if (rc != 0 && rc != EX_TEMPFAIL)
		mo_warn("outbox: not flushed: mail stays pending");
}
