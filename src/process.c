/* process.c — one message through the pipeline: parse, classify, match, store; the outcome. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "authres.h"
#include "compose.h"
#include "conf.h"
#include "json.h"
#include "match.h"
#include "message.h"
#include "outbox.h"
#include "process.h"
#include "rules.h"
#include "store.h"
#include "token.h"
#include "util.h"

struct processor {
	const struct conf	*conf;
	struct store		*store;
	const struct rules	*rules;
	struct message_limits	 limits;
	struct outbox		*outbox;
	struct token		*token;		/* NULL: no token_secret_file */
	char			*domains;	/* where tokens count: from's domain, token_domains */
};

/* A day: how far back max_requests_per_sender looks. */
#define SENDER_WINDOW	(24 * 60 * 60)

/* The domain of the from setting and token_domains, as match_find takes them. */
static char *
our_domains(const struct conf *c)
{
	char *name = NULL, *addr = NULL, *d;
	const char *at = NULL;

	if (c->from != NULL && compose_mailbox_parse(c->from, &name, &addr) == 0)
		at = strrchr(addr, '@');
	d = xasprintf("%s %s", at ? at + 1 : "",
	    c->token_domains ? c->token_domains : "");
	free(name);
	free(addr);
	return d;
}

static void
limits_init(struct message_limits *l, const struct conf *c,
    const struct rules *r)
{
	l->max_depth = MESSAGE_MAX_DEPTH;
	l->max_text = MESSAGE_MAX_TEXT;
	l->footer = c->newsletter_footer;
	l->strip = rules_strip(r);
}

struct processor *
processor_new(const struct conf *c, struct store *s, const struct rules *r)
{
	struct processor *p = xcalloc(1, sizeof *p);

	p->conf = c;
	p->store = s;
	p->rules = r;
	limits_init(&p->limits, c, r);
	p->outbox = outbox_new(c, s);
	p->domains = our_domains(c);
	/*
	 * A secret that cannot be read only costs the token's proof:
	 * senders are still found by address and opt-ins queued.
	 */
	if (c->token_secret_file && token_new(c->token_secret_file, &p->token) != 0)
		mo_warn("tokens are not checked");
	return p;
}

void
processor_free(struct processor *p)
{
	if (p != NULL) {
		outbox_free(p->outbox);
		token_free(p->token);
		free(p->domains);
	}
	free(p);
}

void
process_result_clear(struct process_result *r)
{
	free(r->rule);
	free(r->lang);
	free(r->profile);
	free(r->message_id);
	free(r->reason);
	memset(r, 0, sizeof *r);
}

/* Duplicate key: the Message-ID, or a hash of what makes the content this message. */
static char *
dup_key(const struct message *m)
{
	struct buf b = { 0 };
	const char *mid = message_id(m), *f;
	char hex[65];

	if (mid)
		return xasprintf("mid:%s", mid);
	f = message_header(m, "From");
	buf_adds(&b, f ? f : "");
	buf_addc(&b, '\n');
	f = message_header(m, "Date");
	buf_adds(&b, f ? f : "");
	buf_addc(&b, '\n');
	buf_adds(&b, message_subject(m));
	buf_addc(&b, '\n');
	buf_adds(&b, message_text(m));
	sha256_hex(buf_str(&b), b.len, hex);
	buf_free(&b);
	return xasprintf("sha256:%s", hex);
}

static int
queue(struct processor *p, const char *buf, size_t len,
    const struct message *m, const struct match *mt, struct process_result *res)
{
	struct queue_entry e = {
		.received = mo_now(),
		.message_id = res->message_id,
		.sender = message_from(m),
		.subject = message_subject(m),
		.action = action_name(res->action),
		.rule = res->rule,
		.reason = res->reason,
		.profile_id = mt->how != MATCH_NONE ? mt->profile.id : 0,
		.raw = buf,
		.rawlen = len,
	};

	res->outcome = OUTCOME_QUEUED;
	return store_queue_add(p->store, &e, NULL);
}

/*
 * Why an opt-in for the profile found is not proven, or NULL when it
 * is: a token the From address does not contradict, or From on file
 * with DMARC's word from our own server (see authres.h). Caller frees.
 */
static char *
optin_unproven(const struct processor *p, const struct message *m,
    const struct match *mt)
{
	if (mt->how == MATCH_TOKEN && mt->token_other)
		return xstrdup("opt-in to a token of a profile other than the sender's");
	if (mt->how == MATCH_TOKEN)
		return NULL;
	if (mt->how == MATCH_FROM &&
	    authres_dmarc_proven(m, p->conf->trusted_authserv_id))
		return NULL;
	return xstrdup("opt-in from a sender not proven by DMARC");
}

/* Who asked, for max_requests_per_sender: the From address, "" without one. */
static const char *
sender_key(const struct message *m)
{
	return message_from(m) ? message_from(m) : "";
}

/*
 * A sender owning no profile names profiles in its text: past
 * max_requests_per_sender other profiles within a day, *reason says
 * so and the request waits for an operator. 0 or a store error.
 */
static int
sender_over(const struct processor *p, const struct message *m,
    const struct match *mt, char **reason)
{
	int n, named, rc;

	if ((rc = store_sender_count(p->store, sender_key(m),
	    (int64_t)mo_now() - SENDER_WINDOW, mt->profile.id, &n, &named)) != 0)
		return rc;
	if (!named && n >= p->conf->max_requests_per_sender)
		*reason = xasprintf("the sender, who owns no profile, already "
		    "had requests for %d profiles applied within 24 hours "
		    "(max_requests_per_sender)", n);
	return 0;
}

/*
 * Change the profile's flags as res->action says and set the outcome.
 * Everything a change causes is written here, in the caller's transaction.
 */
static int
apply(struct processor *p, const struct message *m, const struct profile *prof,
    const struct why *why, struct process_result *res)
{
	unsigned mask = action_flags(res->action);
	int rc;

	res->old_flags = res->new_flags = prof->flags;
	if ((rc = store_set_flags(p->store, prof->id, mask,
	    action_value(res->action), why, &res->changed)) != 0)
		return rc;
	if (action_value(res->action))
		res->new_flags |= mask;
	else
		res->new_flags &= ~mask;
	res->outcome = res->changed ? OUTCOME_APPLIED : OUTCOME_UNCHANGED;
	return outbox_request(p->outbox, m, prof, res, why->operator);
}

/*
 * Parse and classify, as the rules alone decide: 1 when the message is
 * a request (hit set), 0 when it is not (res filled as for an ignored
 * message). *m gets the parsed message, NULL when oversize; caller
 * frees. res must be cleared.
 */
static int
classify(const struct message_limits *limits, const struct rules *rules,
    const char *buf, size_t len, int oversize, struct message **m,
    struct rule_hit *hit, struct process_result *res)
{
	*m = NULL;
	res->outcome = OUTCOME_IGNORED;
	if (oversize) {
		res->reason = xstrdup("larger than max_message_size");
		return 0;
	}
	*m = message_parse(buf, len, limits);
	res->message_id = xstrdup(message_id(*m));
	if (!rules_classify(rules, *m, hit, NULL, NULL)) {
		res->reason = xstrdup("no rule matched");
		return 0;
	}
	res->action = hit->action;
	res->rule = xstrdup(hit->id);
	res->lang = xstrdup(hit->reply_lang);
	return hit->action != ACTION_IGNORE;
}

/* A message parsed and read by the rules, before any store is touched. */
struct classified {
	struct message	*m;		/* NULL when oversize */
	struct rule_hit	 hit;
	int		 request;
};

struct classified *
process_classify(const struct conf *c, const struct rules *r,
    const char *buf, size_t len, int oversize, struct process_result *res)
{
	struct classified *cl = xcalloc(1, sizeof *cl);
	struct message_limits limits = { 0 };

	limits_init(&limits, c, r);
	memset(res, 0, sizeof *res);
	cl->request = classify(&limits, r, buf, len, oversize, &cl->m,
	    &cl->hit, res);
	return cl;
}

int
classified_is_request(const struct classified *cl)
{
	return cl->request;
}

void
classified_free(struct classified *cl)
{
	if (cl != NULL)
		message_free(cl->m);
	free(cl);
}

int
processor_run(struct processor *p, const char *buf, size_t len, int oversize,
    const char *file, struct process_result *res)
{
	struct classified *cl;
	int rc;

	cl = process_classify(p->conf, p->rules, buf, len, oversize, res);
	rc = processor_apply(p, cl, buf, len, file, res);
	classified_free(cl);
	return rc;
}

int
processor_apply(struct processor *p, const struct classified *cl,
    const char *buf, size_t len, const char *file, struct process_result *res)
{
	const struct message *m = cl->m;
	const struct rule_hit hit = cl->hit;
	struct match mt = { 0 };
	struct processed rec = { 0 };
	struct why why = { 0 };
	char *key = NULL;
	int found = 0, rc = 0;

	if (!cl->request)
		return 0;

	key = dup_key(m);
	if ((rc = store_processed_get(p->store, key, &rec, &found)) != 0)
		goto out;
	if (found) {
		enum outcome o;

		/* the same file again: an earlier run committed it, then died before moving it */
		if (file && rec.file && strcmp(file, rec.file) == 0 &&
		    outcome_parse(rec.outcome, &o) == 0) {
			res->outcome = o;
			res->resumed = 1;
		} else
			res->outcome = OUTCOME_DUPLICATE;
		res->profile = xstrdup(rec.profile);
		goto out;
	}

	if ((rc = match_find(p->store, m, p->token, p->domains, &mt)) != 0)
		goto out;
	if (mt.how != MATCH_NONE)
		res->profile = xstrdup(mt.profile.email);
	/* no rule file: the time limit ran out (rules_classify) */
	if (hit.action == ACTION_REVIEW && hit.file == NULL)
		res->reason = xstrdup("the rules could not read it to the end "
		    "in max_read_ms");
	else if (hit.action == ACTION_REVIEW)
		res->reason = xstrdup("needs an operator");
	else if (mt.how == MATCH_NONE)
		res->reason = xstrdup(mt.reason);
	else if (action_is_optin(hit.action))
		res->reason = optin_unproven(p, m, &mt);
	else if (mt.how == MATCH_BODY &&
	    (rc = sender_over(p, m, &mt, &res->reason)) != 0)
		goto out;
	if (res->reason != NULL)
		rc = queue(p, buf, len, m, &mt, res);
	else {
		why.message_id = res->message_id;
		why.rule = res->rule;
		why.operator = NULL;
		if ((rc = apply(p, m, &mt.profile, &why, res)) == 0 &&
		    mt.how == MATCH_BODY)
			rc = store_sender_add(p->store, sender_key(m),
			    mt.profile.id, mo_now(), res->message_id);
	}
	if (rc != 0)
		goto out;

	rec.outcome = xstrdup(outcome_name(res->outcome));
	rec.file = xstrdup(file);
	rec.action = xstrdup(action_name(res->action));
	rec.rule = xstrdup(res->rule);
	rec.profile = xstrdup(res->profile);
	rc = store_processed_add(p->store, key, res->message_id, &rec);
out:
	if (rc != 0)
		res->outcome = OUTCOME_ERROR;
	processed_clear(&rec);
	match_clear(&mt);
	free(key);
	return rc;
}

void
process_result_json(const struct process_result *r, const char *file,
    struct buf *b)
{
	int first = 1, cfirst = 1;

	buf_addc(b, '{');
	json_kstr(b, "file", file, &first);
	json_kstr(b, "message_id", r->message_id, &first);
	json_kstr(b, "outcome", outcome_name(r->outcome), &first);
	json_kstr(b, "action", action_name(r->action), &first);
	json_kstr(b, "rule", r->rule, &first);
	json_kstr(b, "profile", r->profile, &first);
	json_key(b, "changes", &first);
	if (r->changed == 0)
		buf_adds(b, "null");
	else {
		buf_addc(b, '{');
		for (int i = 0; i < FLAG_COUNT; i++) {
			unsigned bit = flag_bit(i);

			if (!(r->changed & bit))
				continue;
			json_key(b, flag_name(i), &cfirst);
			buf_printf(b, "[%s,%s]",
			    r->old_flags & bit ? "true" : "false",
			    r->new_flags & bit ? "true" : "false");
		}
		buf_addc(b, '}');
	}
	json_kstr(b, "reason", r->reason, &first);
	buf_addc(b, '}');
}

int
processor_assign(struct processor *p, const char *raw, size_t len,
    enum action action, const char *rule, const char *email,
    const char *operator, struct process_result *res)
{
	struct message *m = NULL;
	struct profile prof = { 0 };
	struct why why = { 0 };
	int found = 0, rc;

	memset(res, 0, sizeof *res);
	res->outcome = OUTCOME_ERROR;
	res->action = action;
	res->rule = xstrdup(rule);
	if (action_flags(action) == 0) {
		mo_warn("%s: the request has no flags to apply",
		    action_name(action) ? action_name(action) : "none");
		return EX_DATAERR;
	}
	if ((rc = store_profile_find(p->store, email, &prof, &found)) != 0)
		goto out;
	if (!found) {
		mo_warn("%s: no such profile", email);
		rc = EX_NOINPUT;
		goto out;
	}
	m = message_parse(raw, len, &p->limits);
	res->message_id = xstrdup(message_id(m));
	res->lang = xstrdup(rules_reply_lang(p->rules, m, rule));
	res->profile = xstrdup(prof.email);
	why.message_id = res->message_id;
	why.rule = rule;
	why.operator = operator;
	rc = apply(p, m, &prof, &why, res);
out:
	if (rc != 0)
		res->outcome = OUTCOME_ERROR;
	message_free(m);
	profile_clear(&prof);
	return rc;
}
