/* match.c — find the one profile a request speaks for. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "match.h"
#include "token.h"
#include "util.h"

/* Cap on addresses looked up from one text, against mail that lists thousands. */
#define MAX_BODY_ADDRESSES	50

static int
local_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr(".!#$%&'*+/=?^_`{|}~-", c));
}

static int
domain_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '-';
}

int
match_addresses(const char *text, int (*fn)(const char *, void *), void *arg)
{
	const char *at, *p = text;
	int rc = 0;

	while ((at = strchr(p, '@')) != NULL) {
		const char *s = at, *e = at + 1;
		char *addr;

		while (s > p && local_char((unsigned char)s[-1]))
			s--;
		while (*e && domain_char((unsigned char)*e))
			e++;
		/* a sentence's full stop is not part of the domain */
		while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
			e--;
		while (s < at && *s == '.')
			s++;
		p = at + 1;
		if (s == at || e == at + 1 || memchr(at + 1, '.', (size_t)(e - at - 1)) == NULL)
			continue;
		addr = ascii_lower(xstrndup(s, (size_t)(e - s)));
		rc = fn(addr, arg);
		free(addr);
		if (rc)
			break;
		p = e;
	}
	return rc;
}

struct body_scan {
	struct store		*store;
	const struct message	*msg;
	struct profile		 found;
	int64_t			 ids[MAX_BODY_ADDRESSES];
	int			 nids;
	int			 looked;
	int			 rc;
};

int
match_is_recipient(const struct message *msg, const char *addr)
{
	const char *r;

	for (size_t i = 0; (r = message_rcpt(msg, i)) != NULL; i++)
		if (ascii_casecmp(r, addr) == 0)
			return 1;
	return 0;
}

static int
scan_one(const char *addr, void *arg)
{
	struct body_scan *b = arg;
	struct profile p = { 0 };
	int found = 0;

	if (++b->looked > MAX_BODY_ADDRESSES)
		return 1;
	if (match_is_recipient(b->msg, addr))
		return 0;
	if ((b->rc = store_profile_find(b->store, addr, &p, &found)) != 0)
		return 1;
	if (!found)
		return 0;
	for (int i = 0; i < b->nids; i++)
		if (b->ids[i] == p.id) {
			profile_clear(&p);
			return 0;
		}
	b->ids[b->nids++] = p.id;
	if (b->nids == 1)
		b->found = p;
	else
		profile_clear(&p);
	return 0;
}

int
match_our_domain(const char *domains, const char *addr)
{
	const char *d = strrchr(addr, '@'), *ours;
	size_t n, dlen;

	if (d == NULL || domains == NULL)
		return 0;
	dlen = strlen(++d);
	while ((ours = list_next(&domains, &n)) != NULL)
		if (n == dlen && ascii_ncasecmp(ours, d, n) == 0)
			return 1;
	return 0;
}

/*
 * The profile whose valid token a recipient address carries: an
 * address the message was delivered to or addressed To, on one of our
 * domains. A Cc, or another domain, is anyone's to write.
 */
static int
find_token(struct store *s, const struct message *msg, const struct token *tok,
    const char *domains, struct profile *p, int *found)
{
	const char *r;
	char *t;
	int64_t id;
	int ok, rc = 0;

	*found = 0;
	for (size_t i = 0; tok && !*found && (r = message_rcpt(msg, i)); i++) {
		if (!(message_rcpt_in(msg, i) &
		    (MESSAGE_RCPT_TO | MESSAGE_RCPT_ENVELOPE)) ||
		    !match_our_domain(domains, r) ||
		    (t = token_from_address(r)) == NULL)
			continue;
		ok = token_check(tok, t, &id);
		free(t);
		if (ok && (rc = store_profile_get(s, id, p, found)) != 0)
			break;
	}
	return rc;
}

int
match_find(struct store *s, const struct message *msg, const struct token *tok,
    const char *domains, struct match *m)
{
	struct body_scan b = { .store = s, .msg = msg };
	const char *from = message_from(msg);
	int found = 0, rc = 0;

	memset(m, 0, sizeof *m);
	if ((rc = find_token(s, msg, tok, domains, &m->profile, &found)) != 0)
		goto out;
	if (found) {
		m->how = MATCH_TOKEN;
		m->candidates = 1;
		/* b.found serves as scratch: cleared at out */
		if (from && (rc = store_profile_find(s, from, &b.found,
		    &found)) != 0)
			goto out;
		m->token_other = from && found && b.found.id != m->profile.id;
		goto out;
	}
	if (from && (rc = store_profile_find(s, from, &m->profile, &found)) != 0)
		goto out;
	if (found) {
		m->how = MATCH_FROM;
		m->candidates = 1;
		goto out;
	}
	match_addresses(message_body(msg), scan_one, &b);
	if ((rc = b.rc) != 0)
		goto out;
	m->candidates = b.nids;
	if (b.nids == 1) {
		m->how = MATCH_BODY;
		m->profile = b.found;
		memset(&b.found, 0, sizeof b.found);
	} else if (b.nids == 0)
		m->reason = xstrdup("no profile for the sender or the addresses in the text");
	else
		m->reason = xasprintf("addresses in the text belong to %d profiles", b.nids);
out:
	profile_clear(&b.found);
	return rc;
}

void
match_clear(struct match *m)
{
	profile_clear(&m->profile);
	free(m->reason);
	memset(m, 0, sizeof *m);
}
