/* candidates.c — the profiles a queued request may speak for, ranked, with the evidence for each. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "candidates.h"
#include "match.h"
#include "message.h"
#include "store.h"
#include "util.h"

/* More would bury the likely ones under the lucky ones. */
#define MAX_CANDIDATES	8
/*
 * A key more profiles share than this finds none by itself (a city and
 * postcode, a common name, one domain): so many equal candidates tell
 * no one apart, and weighing them all would make a look-up cost what
 * the customer base does. Its clue still counts for a profile another
 * key finds.
 */
#define KEY_COMMON	100
/* What one text may offer, against mail that lists thousands. */
#define MAX_CLUES	50
/* E.164 allows 15 digits; fewer than 7 are quantities, postcodes, extensions. */
#define PHONE_MIN	7
#define PHONE_MAX	15
/* Postal address lines counted at most: a full address is proof enough. */
#define MAX_POSTAL	3

/* What only this customer could have written weighs most. */
enum weight {
	W_FROM = 60,		/* the sender's address is the profile's */
	W_ADDRESS = 50,		/* one of its addresses is in the text */
	W_PHONE = 40,
	W_SENDER_NAME = 30,	/* the display name is the profile's name */
	W_NAME = 25,		/* the name is in the message */
	W_COMPANY = 20,
	W_POSTAL = 10,		/* per address line */
	W_DOMAIN = 10		/* an address at the same domain, not free mail */
};

/* What the message says of its sender, read once for every profile. */
struct clues {
	const struct message *msg;
	char		*from;		/* lowercased From address, or NULL */
	char		*from_name;	/* folded display name, or NULL */
	char		*hay;		/* folded display name, subject and text */
	char		*addrs[MAX_CLUES];	/* lowercased, From excluded */
	size_t		 naddrs;
	char		*phones[MAX_CLUES];	/* digits without leading zeros */
	size_t		 nphones;
};

struct cand {
	struct candidate pub;
	char		*email, *name;
	char		**ev;		/* strongest first */
	int		*weights;	/* of each ev */
	size_t		 nev;
};

struct candidates {
	struct cand	*v;
	size_t		 n, cap;
	struct clues	 clues;
};

/* Domains anyone can have an address at: sharing one says nothing. */
static const char *const freemail[] = {
	/* a trailing dot: any domain starting so */
	"gmail.", "googlemail.", "yahoo.", "ymail.", "hotmail.", "outlook.",
	"live.", "msn.", "aol.", "icloud.", "gmx.", "yandex.", "protonmail.",
	"libero.", "virgilio.", "tiscali.", "zoho.", "fastmail.", "wanadoo.",
	"laposte.", "t-online.", "freenet.", "seznam.", "wp.", "o2.",
	/* otherwise this domain exactly */
	"me.com", "mac.com", "web.de", "mail.com", "mail.ru", "proton.me",
	"pm.me", "orange.fr", "free.fr", "sfr.fr", "qq.com", "163.com",
	"bluewin.ch", "telenet.be", "kpnmail.nl", "ziggo.nl", "comcast.net",
	"btinternet.com", "sky.com",
};

/* Legal forms, folded: "Nielsen A/S" and "Nielsen" are the same company. */
static const char *const legal_forms[] = {
	" ltd ", " limited ", " llc ", " llp ", " lp ", " inc ", " corp ",
	" corporation ", " co ", " company ", " plc ", " gmbh ", " mbh ",
	" ag ", " kg ", " ohg ", " ug ", " e k ", " ev ", " e v ", " sa ",
	" s a ", " sas ", " sarl ", " sl ", " s l ", " slu ", " srl ",
	" s r l ", " spa ", " s p a ", " snc ", " as ", " a s ", " asa ",
	" aps ", " ab ", " oy ", " oyj ", " bv ", " b v ", " nv ", " n v ",
	" vof ", " pte ", " pty ", " kft ", " sp z o o ", " lda ", " cv ",
	" bvba ", " sprl ", " se ",
};

/* Latin-1 letters U+00C0..U+00DF without accents; U+00E0..U+00FE fold like these. */
static const char *const latin1[32] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",
	"e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL,
	"o", "u", "u", "u", "u", "y", "th", "ss"
};

/*
 * What the non-ASCII UTF-8 sequence at p folds to: *n gets its length;
 * the result is the letters to write, "" to copy the sequence as it is
 * (a letter beyond Latin-1), or NULL for a separator.
 */
static const char *
fold_utf8(const unsigned char *p, size_t *n)
{
	size_t len = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;

	for (*n = 1; *n < len && (p[*n] & 0xc0) == 0x80; ++*n)
		;
	if (*n < len || len == 1)
		return NULL;		/* broken: a separator */
	if (*p == 0xc3)
		return p[1] == 0xbf ? "y" : latin1[(p[1] - 0x80) & 0x1f];
	/* Latin-1 punctuation (NBSP, guillemets) and U+2000..U+206F (dashes, quotes) */
	if (*p == 0xc2 || (*p == 0xe2 && (p[1] == 0x80 || p[1] == 0x81)))
		return NULL;
	return "";
}

char *
candidates_fold(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	struct buf b = { 0 };
	const char *f;
	size_t n;

	buf_addc(&b, ' ');
	for (; *p; p += n) {
		n = 1;
		if (*p < 0x80)
			f = ascii_isalnum(*p) ? "" : NULL;
		else
			f = fold_utf8(p, &n);
		if (f == NULL) {
			if (b.s[b.len - 1] != ' ')
				buf_addc(&b, ' ');
		} else if (*f != '\0')
			buf_adds(&b, f);
		else if (*p >= 'A' && *p <= 'Z')
			buf_addc(&b, *p + ('a' - 'A'));
		else
			buf_add(&b, p, n);
	}
	if (b.s[b.len - 1] != ' ')
		buf_addc(&b, ' ');
	return buf_steal(&b);
}

/*
 * The phone number starting at p, as digits without leading zeros
 * (so "+44 161", "0044 161" and "0161" end alike), into out; a "(0)"
 * trunk prefix is skipped. Returns the number of digits, 0 when this
 * is no phone number. *end gets where reading stopped.
 */
static size_t
phone_at(const char *p, char out[PHONE_MAX + 1], const char **end)
{
	size_t n = 0, total = 0;

	if (*p == '+')
		p++;
	for (; *p != '\0' && (ascii_isdigit(*p) || strchr(" ()-./", *p)); p++) {
		if (strncmp(p, "(0)", 3) == 0) {
			p += 2;
			continue;
		}
		if (!ascii_isdigit(*p))
			continue;
		total++;
		if ((n > 0 || *p != '0') && n < PHONE_MAX)
			out[n++] = *p;
	}
	out[n] = '\0';
	*end = p;
	/* glued to letters it is a part number, not a phone */
	if (total > PHONE_MAX || n < PHONE_MIN ||
	    (ascii_isalnum(*p) && ascii_isdigit(p[-1])))
		return 0;
	return n;
}

/* The same number when the shorter one is the end of the longer one. */
static int
same_phone(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;

	return n >= PHONE_MIN && strcmp(a + la - n, b + lb - n) == 0;
}

static void
find_phones(struct clues *c, const char *text)
{
	char digits[PHONE_MAX + 1];
	const char *p = text, *end;

	while (*p != '\0' && c->nphones < MAX_CLUES) {
		if ((*p != '+' && !ascii_isdigit(*p)) ||
		    (p > text && ascii_isalnum(p[-1]))) {
			p++;
			continue;
		}
		if (phone_at(p, digits, &end) > 0)
			c->phones[c->nphones++] = xstrdup(digits);
		p = end > p ? end : p + 1;
	}
}

static int
add_address(const char *addr, void *arg)
{
	struct clues *c = arg;

	if (c->naddrs == MAX_CLUES)
		return 1;
	if ((c->from && strcmp(addr, c->from) == 0) || match_is_recipient(c->msg, addr))
		return 0;
	for (size_t i = 0; i < c->naddrs; i++)
		if (strcmp(c->addrs[i], addr) == 0)
			return 0;
	c->addrs[c->naddrs++] = xstrdup(addr);
	return 0;
}

/*
 * Blank out the e-mail addresses in s, in place: tom.hughes@hughes-print
 * is an address, already weighed as one, not a name and a company.
 */
static void
blank_addresses(char *s)
{
	char *at, *l, *r;

	for (at = strchr(s, '@'); at != NULL; at = strchr(r, '@')) {
		for (l = at; l > s && (ascii_isalnum(l[-1]) || strchr("._%+-", l[-1])); l--)
			;
		for (r = at + 1; ascii_isalnum(*r) || *r == '.' || *r == '-'; r++)
			;
		memset(l, ' ', (size_t)(r - l));
	}
}

static void
clues_read(struct clues *c, const struct message *m)
{
	const char *name = message_from_name(m), *from = message_from(m);
	char *all;

	c->msg = m;
	c->from = from ? ascii_lower(xstrdup(from)) : NULL;
	c->from_name = name ? candidates_fold(name) : NULL;
	all = xasprintf("%s\n%s\n%s", name ? name : "", message_subject(m),
	    message_text(m));
	blank_addresses(all);
	c->hay = candidates_fold(all);
	free(all);
	match_addresses(message_text(m), add_address, c);
	find_phones(c, message_text(m));
}

static void
clues_clear(struct clues *c)
{
	free(c->from);
	free(c->from_name);
	free(c->hay);
	for (size_t i = 0; i < c->naddrs; i++)
		free(c->addrs[i]);
	for (size_t i = 0; i < c->nphones; i++)
		free(c->phones[i]);
	memset(c, 0, sizeof *c);
}

/* Add text (taken over) after the evidence that weighs as much or more. */
static void
evidence(struct cand *c, int weight, char *text)
{
	size_t i;

	c->ev = xrealloc(c->ev, (c->nev + 1) * sizeof *c->ev);
	c->weights = xrealloc(c->weights, (c->nev + 1) * sizeof *c->weights);
	for (i = c->nev; i > 0 && c->weights[i - 1] < weight; i--) {
		c->ev[i] = c->ev[i - 1];
		c->weights[i] = c->weights[i - 1];
	}
	c->ev[i] = text;
	c->weights[i] = weight;
	c->nev++;
	c->pub.score += weight;
}

static int
is_freemail(const char *domain)
{
	for (size_t i = 0; i < sizeof freemail / sizeof freemail[0]; i++) {
		size_t n = strlen(freemail[i]);

		if (freemail[i][n - 1] == '.' ?
		    ascii_ncasecmp(domain, freemail[i], n) == 0 :
		    ascii_casecmp(domain, freemail[i]) == 0)
			return 1;
	}
	return 0;
}

/* A domain worth comparing: not free mail, not the one the message was sent to. */
static int
telling_domain(const struct message *m, const char *domain)
{
	const char *r, *at;

	if (is_freemail(domain))
		return 0;
	for (size_t i = 0; (r = message_rcpt(m, i)) != NULL; i++)
		if ((at = strrchr(r, '@')) != NULL && ascii_casecmp(at + 1, domain) == 0)
			return 0;
	return 1;
}

/* Evidence from the profile's addresses: the same address, else the same domain. */
static void
weigh_addresses(const struct clues *cl, const struct profile *p, struct cand *c)
{
	struct buf all = { 0 };
	const char *domain = NULL, *where = NULL, *at;
	char *list, *a, *last;
	int exact = 0;

	buf_printf(&all, "%s;%s", p->email, p->other_emails ? p->other_emails : "");
	list = buf_steal(&all);
	for (a = strtok_r(list, ";", &last); a != NULL; a = strtok_r(NULL, ";", &last)) {
		if (*str_trim(a) == '\0' || (at = strrchr(a, '@')) == NULL)
			continue;
		if (cl->from && ascii_casecmp(a, cl->from) == 0) {
			evidence(c, W_FROM, xasprintf("the sender's address %s is on file", a));
			exact = 1;
		}
		for (size_t i = 0; i < cl->naddrs; i++)
			if (ascii_casecmp(a, cl->addrs[i]) == 0) {
				evidence(c, W_ADDRESS, xasprintf("address %s is in the text", a));
				exact = 1;
			}
		if (domain != NULL || !telling_domain(cl->msg, at + 1))
			continue;
		if (cl->from && ascii_casecmp(strrchr(cl->from, '@') + 1, at + 1) == 0)
			domain = at + 1, where = "the sender's";
		for (size_t i = 0; domain == NULL && i < cl->naddrs; i++)
			if (ascii_casecmp(strrchr(cl->addrs[i], '@') + 1, at + 1) == 0)
				domain = at + 1, where = "an address in the text";
	}
	/* the same address says all the same domain could */
	if (!exact && domain != NULL)
		evidence(c, W_DOMAIN, xasprintf("same domain as %s: %s", where, domain));
	free(list);
}

/* The profile's phone number as digits (phone_at) into digits; 0 when it has none. */
static size_t
profile_phone(const struct profile *p, char digits[PHONE_MAX + 1])
{
	const char *s = p->phone, *end;

	if (s == NULL)
		return 0;
	while (*s != '\0' && *s != '+' && !ascii_isdigit(*s))
		s++;
	return *s != '\0' ? phone_at(s, digits, &end) : 0;
}

static void
weigh_phone(const struct clues *cl, const struct profile *p, struct cand *c)
{
	char digits[PHONE_MAX + 1];

	if (profile_phone(p, digits) == 0)
		return;
	for (size_t i = 0; i < cl->nphones; i++)
		if (same_phone(digits, cl->phones[i])) {
			evidence(c, W_PHONE, xasprintf("phone %s is in the text (as %s)",
			    p->phone, cl->phones[i]));
			return;
		}
}

/* " first last " of a folded name of two words or more, else NULL; reversed with rev. */
static char *
first_last(const char *folded, int rev)
{
	const char *e1, *l;
	size_t len = strlen(folded);

	if (len < 2 || (e1 = strchr(folded + 1, ' ')) == NULL || e1 == folded + len - 1)
		return NULL;
	for (l = folded + len - 2; l[-1] != ' '; l--)
		;
	return rev ?
	    xasprintf(" %.*s %.*s ", (int)(folded + len - 1 - l), l,
	    (int)(e1 - folded - 1), folded + 1) :
	    xasprintf(" %.*s %.*s ", (int)(e1 - folded - 1), folded + 1,
	    (int)(folded + len - 1 - l), l);
}

/* The name without a quoted nickname: Olivia "Liv" Brown is Olivia Brown. */
static char *
fold_name(const char *name)
{
	struct buf b = { 0 };
	char *f;
	int quoted = 0;

	for (const char *p = name ? name : ""; *p; p++)
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted)
			buf_addc(&b, *p);
	f = candidates_fold(buf_str(&b));
	buf_free(&b);
	return f;
}

static void
weigh_name(const struct clues *cl, const struct profile *p, struct cand *c)
{
	char *name = fold_name(p->name), *fl = first_last(name, 0);
	char *rev = first_last(name, 1), *sender = NULL;

	if (fl == NULL)
		goto out;	/* one word names too many people */
	if (cl->from_name != NULL)
		sender = first_last(cl->from_name, 0);
	if (cl->from_name != NULL && (strcmp(cl->from_name, name) == 0 ||
	    (sender && (strcmp(sender, fl) == 0 || strcmp(sender, rev) == 0))))
		evidence(c, W_SENDER_NAME, xasprintf("same name as the sender: %s",
		    p->name));
	else if (strstr(cl->hay, name) || strstr(cl->hay, fl) ||
	    strstr(cl->hay, rev))
		evidence(c, W_NAME, xasprintf("name %s is in the message", p->name));
out:
	free(sender);
	free(rev);
	free(fl);
	free(name);
}

/* Cut legal forms off the end of a folded company name, in place. */
static void
strip_legal_forms(char *f)
{
	size_t len = strlen(f), n;
	int cut = 1;

	while (cut) {
		cut = 0;
		for (size_t i = 0; i < sizeof legal_forms / sizeof legal_forms[0]; i++) {
			n = strlen(legal_forms[i]);
			/* keep at least one word */
			if (len > n + 1 && strcmp(f + len - n, legal_forms[i]) == 0) {
				len -= n - 1;
				f[len] = '\0';
				cut = 1;
			}
		}
	}
}

/* The profile's company folded, less its legal form; NULL when that is too short to tell. Caller frees. */
static char *
company_folded(const struct profile *p)
{
	char *f = candidates_fold(p->company);

	strip_legal_forms(f);
	/* three letters or more between the spaces */
	if (strlen(f) >= 5)
		return f;
	free(f);
	return NULL;
}

static void
weigh_company(const struct clues *cl, const struct profile *p, struct cand *c)
{
	char *f = company_folded(p);

	if (f != NULL && strstr(cl->hay, f))
		evidence(c, W_COMPANY, xasprintf("company %s is in the message",
		    p->company));
	free(f);
}

static int
has_letter(const char *folded)
{
	for (; *folded; folded++)
		if (!ascii_isdigit(*folded) && *folded != ' ')
			return 1;
	return 0;
}

/* A line of a postal address folded; NULL when it is everyone's. Caller frees. */
static char *
postal_folded(const char *line)
{
	char *f = candidates_fold(line);

	/* "12" or "Suite 1" is everyone's: five characters, a letter */
	if (strlen(f) >= 7 && has_letter(f))
		return f;
	free(f);
	return NULL;
}

static void
weigh_postal(const struct clues *cl, const struct profile *p, struct cand *c)
{
	struct buf found = { 0 };
	char *copy = xstrdup(p->address ? p->address : ""), *line, *last, *f;
	int n = 0;

	for (line = strtok_r(copy, ",\n", &last); line != NULL && n < MAX_POSTAL;
	    line = strtok_r(NULL, ",\n", &last)) {
		f = postal_folded(line);
		if (f != NULL && strstr(cl->hay, f))
			buf_printf(&found, "%s%s", n++ ? "; " : "", str_trim(line));
		free(f);
	}
	if (n > 0)
		evidence(c, n * W_POSTAL, xasprintf("postal address is in the text: %s",
		    buf_str(&found)));
	buf_free(&found);
	free(copy);
}

/*
 * The keys a profile is found by (store_keys_*): whatever weigh() takes
 * for evidence has one of them in common with the message's keys
 * (message_keys), so that a profile sharing none need not be weighed.
 * "a:" an address, "d:" a domain that is not free mail, "p:" the last
 * PHONE_MIN digits of a phone number, "n:" the first and last words of
 * a name in either order, "b:" the first two words of a name, a company
 * or a postal address line, "w:" a company or an address line of one
 * word. Words are folded as candidates_fold folds them.
 */
struct keys {
	char		**v;
	size_t		 n, cap;
};

static void
keys_add(struct keys *k, char *key)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 16;
		k->v = xrealloc(k->v, k->cap * sizeof *k->v);
	}
	k->v[k->n++] = key;
}

static void
keys_clear(struct keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
	memset(k, 0, sizeof *k);
}

static int
by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each key once, in order. */
static void
keys_unique(struct keys *k)
{
	size_t i, j = 0;

	if (k->n > 1)
		qsort(k->v, k->n, sizeof *k->v, by_string);
	for (i = 0; i < k->n; i++)
		if (j > 0 && strcmp(k->v[j - 1], k->v[i]) == 0)
			free(k->v[i]);
		else
			k->v[j++] = k->v[i];
	k->n = j;
}

/* The words of a folded text (" a b c "): w[0..n), pointing into copy. */
struct words {
	char		*copy;
	char		**w;
	size_t		 n;
};

static void
words_read(struct words *ws, const char *folded)
{
	char *p, *last;

	ws->copy = xstrdup(folded);
	ws->w = xcalloc(strlen(folded) / 2 + 1, sizeof *ws->w);
	ws->n = 0;
	for (p = strtok_r(ws->copy, " ", &last); p != NULL;
	    p = strtok_r(NULL, " ", &last))
		ws->w[ws->n++] = p;
}

static void
words_clear(struct words *ws)
{
	free(ws->copy);
	free(ws->w);
	memset(ws, 0, sizeof *ws);
}

/* "n:" with the two words in a fixed order, so that "last first" finds "first last". */
static char *
pair_key(const char *a, const char *b)
{
	return strcmp(a, b) <= 0 ? xasprintf("n:%s %s", a, b) :
	    xasprintf("n:%s %s", b, a);
}

/* The key of a folded phrase that strstr finds in the folded text: its first two words, or its one. */
static void
phrase_key(struct keys *k, const char *folded)
{
	struct words ws;

	words_read(&ws, folded);
	if (ws.n >= 2)
		keys_add(k, xasprintf("b:%s %s", ws.w[0], ws.w[1]));
	else if (ws.n == 1)
		keys_add(k, xasprintf("w:%s", ws.w[0]));
	words_clear(&ws);
}

/* The keys of a folded name of two words or more (weigh_name): first and last, first two. */
static void
name_keys(struct keys *k, const char *folded)
{
	struct words ws;

	words_read(&ws, folded);
	if (ws.n >= 2) {
		keys_add(k, pair_key(ws.w[0], ws.w[ws.n - 1]));
		keys_add(k, xasprintf("b:%s %s", ws.w[0], ws.w[1]));
	}
	words_clear(&ws);
}

static void
phone_key(struct keys *k, const char *digits)
{
	size_t n = strlen(digits);

	if (n >= PHONE_MIN)
		keys_add(k, xasprintf("p:%s", digits + n - PHONE_MIN));
}

static void
domain_key(struct keys *k, const char *domain)
{
	keys_add(k, ascii_lower(xasprintf("d:%s", domain)));
}

static void
profile_keys(const struct profile *p, struct keys *k)
{
	char digits[PHONE_MAX + 1], *list, *a, *last, *at, *f;

	list = xasprintf("%s;%s", p->email, p->other_emails ? p->other_emails : "");
	for (a = strtok_r(list, ";", &last); a != NULL; a = strtok_r(NULL, ";", &last)) {
		if (*str_trim(a) == '\0' || (at = strrchr(a, '@')) == NULL)
			continue;
		keys_add(k, ascii_lower(xasprintf("a:%s", a)));
		if (!is_freemail(at + 1))
			domain_key(k, at + 1);
	}
	free(list);
	if (profile_phone(p, digits) > 0)
		phone_key(k, digits);
	f = fold_name(p->name);
	name_keys(k, f);
	free(f);
	if ((f = company_folded(p)) != NULL)
		phrase_key(k, f);
	free(f);
	list = xstrdup(p->address ? p->address : "");
	for (a = strtok_r(list, ",\n", &last); a != NULL; a = strtok_r(NULL, ",\n", &last)) {
		if ((f = postal_folded(a)) != NULL)
			phrase_key(k, f);
		free(f);
	}
	free(list);
	keys_unique(k);
}

/* The keys of what a message says: any profile weigh() finds evidence for has one of them. */
static void
message_keys(const struct clues *cl, struct keys *k)
{
	struct words ws;
	const char *at;

	if (cl->from != NULL) {
		keys_add(k, xasprintf("a:%s", cl->from));
		if ((at = strrchr(cl->from, '@')) != NULL &&
		    telling_domain(cl->msg, at + 1))
			domain_key(k, at + 1);
	}
	for (size_t i = 0; i < cl->naddrs; i++) {
		keys_add(k, xasprintf("a:%s", cl->addrs[i]));
		if ((at = strrchr(cl->addrs[i], '@')) != NULL &&
		    telling_domain(cl->msg, at + 1))
			domain_key(k, at + 1);
	}
	for (size_t i = 0; i < cl->nphones; i++)
		phone_key(k, cl->phones[i]);
	/* the sender's name: its first and last words (weigh_name's sender) */
	if (cl->from_name != NULL)
		name_keys(k, cl->from_name);
	/* every word, and every two words side by side */
	words_read(&ws, cl->hay);
	for (size_t i = 0; i < ws.n; i++) {
		keys_add(k, xasprintf("w:%s", ws.w[i]));
		if (i + 1 < ws.n) {
			keys_add(k, xasprintf("b:%s %s", ws.w[i], ws.w[i + 1]));
			keys_add(k, pair_key(ws.w[i], ws.w[i + 1]));
		}
	}
	words_clear(&ws);
	keys_unique(k);
}

static void
cand_clear(struct cand *c)
{
	for (size_t i = 0; i < c->nev; i++)
		free(c->ev[i]);
	free(c->ev);
	free(c->weights);
	free(c->email);
	free(c->name);
	memset(c, 0, sizeof *c);
}

static int
weigh(const struct profile *p, void *arg)
{
	struct candidates *cs = arg;
	struct cand c = { 0 };

	weigh_addresses(&cs->clues, p, &c);
	weigh_phone(&cs->clues, p, &c);
	weigh_name(&cs->clues, p, &c);
	weigh_company(&cs->clues, p, &c);
	weigh_postal(&cs->clues, p, &c);
	if (c.nev == 0)
		return 0;
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 8;
		cs->v = xrealloc(cs->v, cs->cap * sizeof *cs->v);
	}
	c.email = xstrdup(p->email);
	c.name = xstrdup(p->name ? p->name : "");
	c.pub.profile_id = p->id;
	cs->v[cs->n++] = c;
	return 0;
}

/* Best first; ties by address, then id, so the order never depends on chance. */
static int
rank(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int d;

	if (x->pub.score != y->pub.score)
		return x->pub.score > y->pub.score ? -1 : 1;
	if ((d = ascii_casecmp(x->email, y->email)) != 0)
		return d;
	return (x->pub.profile_id > y->pub.profile_id) -
	    (x->pub.profile_id < y->pub.profile_id);
}

static int
by_id(const void *a, const void *b)
{
	const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int
candidates_find(struct store *s, const struct message *msg,
    struct candidates **out)
{
	struct candidates *cs = xcalloc(1, sizeof *cs);
	struct keys k = { 0 };
	struct profile p;
	struct ids ids = { 0 };
	size_t i;
	int rc, found;

	*out = NULL;
	clues_read(&cs->clues, msg);
	message_keys(&cs->clues, &k);
	/*
	 * The profiles sharing a key with the message, and the stale ones,
	 * whose keys may say what they no longer hold: the rest cannot
	 * have any evidence.
	 */
	if ((rc = store_keys_stale(s, &ids)) != 0)
		goto out;
	for (i = 0; i < k.n; i++)
		if ((rc = store_keys_find(s, k.v[i], KEY_COMMON, &ids)) != 0)
			goto out;
	if (ids.n > 1)
		qsort(ids.v, ids.n, sizeof *ids.v, by_id);
	for (i = 0; i < ids.n; i++) {
		if (i > 0 && ids.v[i] == ids.v[i - 1])
			continue;
		if ((rc = store_profile_get(s, ids.v[i], &p, &found)) != 0)
			goto out;
		if (found) {
			weigh(&p, cs);
			profile_clear(&p);
		}
	}
	clues_clear(&cs->clues);
	/* qsort wants a real array, even of nothing */
	if (cs->n > 1)
		qsort(cs->v, cs->n, sizeof *cs->v, rank);
	while (cs->n > MAX_CANDIDATES)
		cand_clear(&cs->v[--cs->n]);
	for (i = 0; i < cs->n; i++) {
		struct cand *c = &cs->v[i];

		c->pub.email = c->email;
		c->pub.name = c->name;
		c->pub.evidence = (const char *const *)c->ev;
		c->pub.nevidence = c->nev;
	}
	*out = cs;
	cs = NULL;
out:
	free(ids.v);
	keys_clear(&k);
	candidates_free(cs);
	return rc;
}

int
candidates_refresh(struct store *s)
{
	struct profile p;
	struct ids ids = { 0 };
	int rc, found;

	if ((rc = store_keys_stale(s, &ids)) != 0)
		goto out;
	for (size_t i = 0; i < ids.n && rc == 0; i++) {
		struct keys k = { 0 };

		/* an erased profile is found by nothing */
		if ((rc = store_profile_get(s, ids.v[i], &p, &found)) != 0)
			break;
		if (found) {
			profile_keys(&p, &k);
			profile_clear(&p);
		}
		rc = store_keys_set(s, ids.v[i], k.v, k.n);
		keys_clear(&k);
	}
out:
	free(ids.v);
	return rc;
}

void
candidates_free(struct candidates *cs)
{
	if (cs == NULL)
		return;
	for (size_t i = 0; i < cs->n; i++)
		cand_clear(&cs->v[i]);
	free(cs->v);
	clues_clear(&cs->clues);
	free(cs);
}

size_t
candidates_count(const struct candidates *cs)
{
	return cs->n;
}

const struct candidate *
candidates_get(const struct candidates *cs, size_t i)
{
	return i < cs->n ? &cs->v[i].pub : NULL;
}
