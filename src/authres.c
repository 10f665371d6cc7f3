/* authres.c — Authentication-Results fields (RFC 8601) read as tokens, and whether they prove a sender. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "authres.h"
#include "message.h"
#include "util.h"

/*
 * Bounds against hostile fields: real ones carry a handful of results
 * with a few properties each, and comments nest a level or two.
 */
#define MAX_RESINFO	64
#define MAX_PROPS	16
#define MAX_NEST	32
/* Fields of one name looked at, topmost first, before giving up. */
#define MAX_FIELDS	100

struct prop {
	char	*name;		/* "ptype.property", lowercased */
	char	*value;		/* unquoted */
};

struct resinfo {
	char		*method;
	char		*result;
	struct prop	 props[MAX_PROPS];
	size_t		 nprops;
};

struct authres {
	char		*id;
	struct resinfo	 res[MAX_RESINFO];
	size_t		 nres;
};

enum tok_type { T_END, T_WORD, T_QSTRING, T_SPECIAL, T_BAD };

struct tok {
	enum tok_type	 type;
	const char	*s;	/* the word, the inside of the quotes, or the special */
	size_t		 len;
};

/*
 * RFC 2045 token characters (what RFC 8601 values, keywords and, with
 * '.', domain names are made of), plus 8-bit bytes for RFC 6532 values.
 */
static int
word_char(unsigned char c)
{
	return c >= 0x80 || (c > ' ' && c < 0x7f &&
	    strchr("()<>@,;:\\\"/[]?=", c) == NULL);
}

/* Skip CFWS: white space, line breaks of folding, nested comments. -1 on a broken comment. */
static int
skip_cfws(const char **pp)
{
	const char *p = *pp;
	int depth = 0;

	for (; *p; p++) {
		if (depth == 0 && (*p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\n'))
			continue;
		if (*p == '(') {
			if (++depth > MAX_NEST)
				return -1;
			continue;
		}
		if (depth == 0)
			break;
		if (*p == ')')
			depth--;
		else if (*p == '\\' && p[1] != '\0')
			p++;
	}
	*pp = p;
	return depth == 0 ? 0 : -1;
}

/* The next token after CFWS; *pp moves past it. */
static struct tok
next(const char **pp)
{
	struct tok t = { T_BAD, NULL, 0 };
	const char *p = *pp;

	if (skip_cfws(&p) == -1)
		return t;
	t.s = p;
	if (*p == '\0')
		t.type = T_END;
	else if (*p == '"') {
		for (t.s = ++p; *p && *p != '"'; p++)
			if (*p == '\\' && p[1] != '\0')
				p++;
		if (*p != '"')
			return t;
		t.type = T_QSTRING;
		t.len = (size_t)(p++ - t.s);
	} else if (word_char((unsigned char)*p)) {
		while (word_char((unsigned char)*p))
			p++;
		t.type = T_WORD;
		t.len = (size_t)(p - t.s);
	} else if (strchr(";=/@", *p) != NULL) {
		t.type = T_SPECIAL;
		t.len = 1;
		p++;
	} else
		return t;
	*pp = p;
	return t;
}

static int
is_special(struct tok t, char c)
{
	return t.type == T_SPECIAL && *t.s == c;
}

static int
is_value(struct tok t)
{
	return t.type == T_WORD || t.type == T_QSTRING;
}

/* A copy of a word or the unescaped inside of a quoted string. */
static char *
tok_str(struct tok t)
{
	char *s = xmalloc(t.len + 1), *d = s;

	for (size_t i = 0; i < t.len; i++) {
		if (t.type == T_QSTRING && t.s[i] == '\\' && i + 1 < t.len)
			i++;
		*d++ = t.s[i];
	}
	*d = '\0';
	return s;
}

static int
all_digits(struct tok t)
{
	if (t.type != T_WORD)
		return 0;
	for (size_t i = 0; i < t.len; i++)
		if (!ascii_isdigit((unsigned char)t.s[i]))
			return 0;
	return 1;
}

/*
 * pvalue: value, or [local-part] "@" domain-name. What is kept is the
 * text as one string; *t is the token after it. -1 when malformed.
 */
static int
pvalue(const char **pp, struct tok *t, char **out)
{
	struct buf b = { 0 };
	char *s;

	*t = next(pp);
	if (is_value(*t)) {
		s = tok_str(*t);
		buf_adds(&b, s);
		free(s);
		*t = next(pp);
	}
	if (is_special(*t, '@')) {
		buf_addc(&b, '@');
		*t = next(pp);
		if (t->type != T_WORD) {
			buf_free(&b);
			return -1;
		}
		s = tok_str(*t);
		buf_adds(&b, s);
		free(s);
		*t = next(pp);
	} else if (b.len == 0) {
		buf_free(&b);
		return -1;
	}
	*out = buf_steal(&b);
	return 0;
}

/*
 * One resinfo after its ';': methodspec [reasonspec] *propspec, and
 * (leniently) other keyword=value items some MTAs write, which are
 * skipped. *t is left on the token that ends it.
 */
static int
resinfo(const char **pp, struct tok *t, struct resinfo *r)
{
	struct tok w;
	char *name, *value;

	*t = next(pp);
	if (t->type != T_WORD)
		return -1;
	r->method = ascii_lower(tok_str(*t));
	*t = next(pp);
	if (is_special(*t, '/')) {
		if (!all_digits(*t = next(pp)))
			return -1;
		*t = next(pp);
	}
	if (!is_special(*t, '='))
		return -1;
	if ((*t = next(pp)).type != T_WORD)
		return -1;
	r->result = ascii_lower(tok_str(*t));
	for (*t = next(pp); t->type == T_WORD; ) {
		w = *t;
		if (!is_special(*t = next(pp), '='))
			return -1;
		if (pvalue(pp, t, &value) == -1)
			return -1;
		name = ascii_lower(tok_str(w));
		/* a property is ptype.property; reason and extensions are not kept */
		if (strchr(name, '.') == NULL) {
			free(name);
			free(value);
			continue;
		}
		if (r->nprops == MAX_PROPS) {
			free(name);
			free(value);
			return -1;
		}
		r->props[r->nprops].name = name;
		r->props[r->nprops++].value = value;
	}
	return 0;
}

struct authres *
authres_parse(const char *value)
{
	struct authres *a = xcalloc(1, sizeof *a);
	const char *p = value;
	struct tok t;

	if ((t = next(&p)).type == T_WORD || t.type == T_QSTRING)
		a->id = tok_str(t);
	else
		goto bad;
	t = next(&p);
	if (all_digits(t))
		t = next(&p);
	if (!is_special(t, ';'))
		goto bad;
	/* no-result: "; none" and nothing more */
	{
		const char *q = p;
		struct tok n = next(&q);

		if (n.type == T_WORD && n.len == 4 &&
		    ascii_ncasecmp(n.s, "none", 4) == 0 &&
		    next(&q).type == T_END)
			return a;
	}
	while (is_special(t, ';')) {
		if (a->nres == MAX_RESINFO)
			goto bad;
		/* a trailing ';' ends the field, as some MTAs write it */
		{
			const char *q = p;

			if (next(&q).type == T_END) {
				t.type = T_END;
				break;
			}
		}
		if (resinfo(&p, &t, &a->res[a->nres++]) == -1)
			goto bad;
	}
	if (t.type != T_END || a->nres == 0)
		goto bad;
	return a;
bad:
	authres_free(a);
	return NULL;
}

void
authres_free(struct authres *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->nres; i++) {
		free(a->res[i].method);
		free(a->res[i].result);
		for (size_t k = 0; k < a->res[i].nprops; k++) {
			free(a->res[i].props[k].name);
			free(a->res[i].props[k].value);
		}
	}
	free(a->id);
	free(a);
}

const char *
authres_id(const struct authres *a)
{
	return a->id;
}

size_t
authres_count(const struct authres *a)
{
	return a->nres;
}

const char *
authres_method(const struct authres *a, size_t i)
{
	return i < a->nres ? a->res[i].method : NULL;
}

const char *
authres_result(const struct authres *a, size_t i)
{
	return i < a->nres ? a->res[i].result : NULL;
}

const char *
authres_prop(const struct authres *a, size_t i, const char *name)
{
	if (i >= a->nres)
		return NULL;
	for (size_t k = 0; k < a->res[i].nprops; k++)
		if (ascii_casecmp(a->res[i].props[k].name, name) == 0)
			return a->res[i].props[k].value;
	return NULL;
}

/* The authserv-id of a raw value without parsing the rest; 1 when it is id. */
static int
has_id(const char *value, const char *id)
{
	const char *p = value;
	struct tok t = next(&p);
	char *s;
	int same;

	if (!is_value(t))
		return 0;
	s = tok_str(t);
	same = ascii_casecmp(s, id) == 0;
	free(s);
	return same;
}

int
authres_dmarc_proven(const struct message *m, const char *authserv_id)
{
	const char *v = NULL, *from, *domain;
	struct authres *a = NULL;
	size_t i, dmarc = 0;
	int ok = 0;

	if (authserv_id == NULL || *authserv_id == '\0' ||
	    !message_from_single(m) || (from = message_from(m)) == NULL ||
	    (domain = strrchr(from, '@')) == NULL || *++domain == '\0')
		return 0;
	/* the topmost field the trusted server wrote; it deletes forged ones */
	for (i = 0; i < MAX_FIELDS &&
	    (v = message_header_raw(m, "Authentication-Results", i)) != NULL; i++)
		if (has_id(v, authserv_id))
			break;
	if (v == NULL || i == MAX_FIELDS || (a = authres_parse(v)) == NULL)
		goto out;
	ok = 1;
	for (i = 0; i < a->nres; i++) {
		const char *hf;

		if (strcmp(a->res[i].method, "dmarc") != 0)
			continue;
		dmarc++;
		hf = authres_prop(a, i, "header.from");
		if (strcmp(a->res[i].result, "pass") != 0 || hf == NULL ||
		    ascii_casecmp(hf, domain) != 0)
			ok = 0;
	}
	if (dmarc == 0)
		ok = 0;
out:
	authres_free(a);
	return ok;
}
