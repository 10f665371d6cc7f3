/* rules_cache.c — the rules as loaded, kept between runs so that a deliver need not read and analyse the rule files again. */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "langid.h"
#include "prefilter.h"
#include "rules_priv.h"
#include "util.h"

/*
 * Reading hundreds of kilobytes of rules, expanding their names and
 * reading every pattern for the prefilter's literals costs a deliver
 * far more than the one message it handles. What that yields depends
 * only on the files, this program and PCRE2, so it is kept in a file
 * beside the database, keyed by what stat(2) says of each of them:
 * unchanged files are not read at all. The content identity and the
 * record that the files compile whole are kept in it too.
 */
#define CACHE_MAGIC	"mailopt rules cache 8\n"
#define CACHE_MAX	(64u << 20)
/*
 * A file changed within this many seconds of being read may change
 * again without its times moving (their clock ticks coarsely): such
 * files are not kept, so a later edit always shows in the key.
 */
#define CACHE_SETTLE	2
/* The header is summed from after its length and sum on. */
#define HEAD_SUMMED	(sizeof CACHE_MAGIC - 1 + 3 * sizeof(uint32_t))
/* What the reader takes: the writer writes no cache that exceeds them. */
#define FILES_MAX	4096
#define FIELDS_MAX	64

/* Append the stat identity of st to key. */
static void
key_stat(struct buf *key, const struct stat *st)
{
	buf_printf(key, " %ju:%ju %jd %jd.%09ld %jd.%09ld",
	    (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
	    (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
	    st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec,
	    st->st_ctim.tv_nsec);
}

/* Whether st changed so lately that a change to come may not show. */
static int
settling(const struct stat *st, time_t now)
{
	return st->st_mtim.tv_sec >= now - CACHE_SETTLE ||
	    st->st_ctim.tv_sec >= now - CACHE_SETTLE;
}

char *
rules_cache_key(const char *dir, char *const *names, int n, int *fresh)
{
	struct buf key = { 0 };
	struct stat st;
	char ver[64] = "";
	time_t now = time(NULL);
	int dfd = -1;

	*fresh = 0;
	(void)pcre2_config(PCRE2_CONFIG_VERSION, ver);
	buf_printf(&key, "mailopt %s pcre2 %s\nexe", PACKAGE_VERSION, ver);
	/* a rebuilt program may read patterns otherwise: it is part of the key */
	if (stat("/proc/self/exe", &st) == -1)
		goto fail;
	key_stat(&key, &st);
	buf_adds(&key, "\ndir ");
	buf_add_cescaped(&key, dir);
	/*
	 * The directory by its identity only: a file added, removed or
	 * renamed over shows in the list of names and inodes, and an
	 * editor's swap file beside them changes nothing.
	 */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fstat(dfd, &st) == -1)
		goto fail;
	buf_printf(&key, " %ju:%ju", (uintmax_t)st.st_dev,
	    (uintmax_t)st.st_ino);
	for (int i = 0; i < n; i++) {
		if (fstatat(dfd, names[i], &st, 0) == -1 || !S_ISREG(st.st_mode))
			goto fail;
		buf_adds(&key, "\nfile ");
		buf_add_cescaped(&key, names[i]);
		key_stat(&key, &st);
		*fresh |= settling(&st, now);
	}
	close(dfd);
	return buf_steal(&key);
fail:
	if (dfd != -1)
		close(dfd);
	buf_free(&key);
	return NULL;
}

/*
 * Writing. The file is a header of what every load reads (names,
 * numbers, the prefilter's sets; a number is 4 bytes of this machine,
 * a string its length and bytes) and after it, 16-aligned, the bytes
 * of the patterns and of their compiled code, each named in the header
 * by its offset and length: mapped, they are only read from the disk
 * when a message needs them.
 */
struct writer {
	struct buf	 head, data;
	int		 bad;
};

static void
put_u32(struct buf *b, uint32_t v)
{
	buf_add(b, &v, sizeof v);
}

static void
put_mem(struct buf *b, const void *p, size_t n)
{
	put_u32(b, (uint32_t)n);
	buf_add(b, p, n);
}

/* A string, or none (NULL) as the length 0xffffffff. */
static void
put_str(struct buf *b, const char *s)
{
	if (s == NULL)
		put_u32(b, UINT32_MAX);
	else
		put_mem(b, s, strlen(s));
}

/* p[0..n) into the data, 16-aligned, named in the header by offset and length. */
static void
put_data(struct writer *w, const void *p, size_t n)
{
	static const char zero[16];

	buf_add(&w->data, zero, (16 - w->data.len % 16) % 16);
	put_u32(&w->head, (uint32_t)w->data.len);
	put_u32(&w->head, (uint32_t)n);
	buf_add(&w->data, p, n);
}

/*
 * A sum of p[0..n), eight bytes a step: damage to the cache (a crash
 * between write and disk, a flipped bit) is found before it is
 * believed. Not a defence against a writer: the file is ours alone.
 */
static uint64_t
sum(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, sizeof w);
		h = (h ^ w) * 0x100000001b3u;
		h ^= h >> 29;
	}
	while (n--)
		h = (h ^ *p++) * 0x100000001b3u;
	return h;
}

static void
put_sum(struct buf *b, uint64_t h)
{
	put_u32(b, (uint32_t)h);
	put_u32(b, (uint32_t)(h >> 32));
}

/*
 * re, or else the pattern pat[0..len) compiled now, serialised into the
 * data with its sum. A pattern not compiled by a lazy load is compiled
 * here, once for every load the cache then serves.
 */
static void
put_code(struct writer *w, const pcre2_code *re, const char *pat, size_t len,
    uint32_t opts)
{
	pcre2_code *mine = NULL;
	uint8_t *bytes = NULL;
	PCRE2_SIZE size;
	size_t off;
	uint64_t h;
	int err;

	if (re == NULL)
		re = mine = rule_compile(pat, len, opts, &err, &off);
	if (re == NULL || pcre2_serialize_encode(&re, 1, &bytes, &size,
	    NULL) != 1) {
		w->bad = 1;
		pcre2_code_free(mine);
		return;
	}
	h = sum(bytes, size);
	/* 16-aligned in the file, so in memory: PCRE2 reads it in place */
	put_data(w, bytes, size);
	put_sum(&w->head, h);
	pcre2_serialize_free(bytes);
	pcre2_code_free(mine);
}

static void
put_need(struct buf *b, const struct prefilter *p)
{
	const uint32_t *need;
	size_t len;

	if (p == NULL) {
		put_u32(b, UINT32_MAX);
		return;
	}
	need = prefilter_need(p, &len);
	put_u32(b, (uint32_t)len);
	buf_add(b, need, len * sizeof *need);
}

static void
put_rule(struct writer *w, const struct rules *rs, const struct rule *r)
{
	struct buf *b = &w->head;
	size_t fileno = 0;

	while (fileno < rs->nfiles && rs->files[fileno] != r->file)
		fileno++;
	put_str(b, r->id);
	put_u32(b, (uint32_t)r->action);
	put_u32(b, (uint32_t)fileno);
	put_u32(b, (uint32_t)r->langno);
	put_u32(b, (uint32_t)r->own | (uint32_t)r->confirm << 1);
	put_u32(b, (uint32_t)r->line);
	put_u32(b, r->opts);
	put_u32(b, (uint32_t)r->split);
	put_need(b, r->need);
	put_str(b, r->need_why);
	/* with its NUL: it is used where it lies */
	put_data(w, r->pattern, r->patlen + 1);
	put_sum(b, sum((const unsigned char *)r->pattern, r->patlen));
	if (!r->split)
		put_code(w, r->re, r->pattern, r->patlen, r->opts);
	put_u32(b, (uint32_t)r->nfields);
	for (size_t i = 0; i < r->nfields; i++) {
		put_u32(b, (uint32_t)r->fields[i].kind);
		put_str(b, r->fields[i].where);
	}
	put_u32(b, (uint32_t)r->nbranches);
	for (size_t i = 0; i < r->nbranches; i++) {
		const struct branch *br = &r->branches[i];

		put_u32(b, (uint32_t)br->line);
		put_u32(b, (uint32_t)br->off);
		put_u32(b, (uint32_t)br->len);
		put_need(b, br->need);
		if (r->split)
			put_code(w, br->re, r->pattern + br->off, br->len,
			    r->opts);
	}
}

/* Open tmp (ours, 0600) to write, unless another writer holds it: -1. */
static int
make_new(const char *tmp)
{
	struct stat st;
	int fd;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) != -1 || errno != EEXIST)
		return fd;
	if (lstat(tmp, &st) == -1 || st.st_mtime > time(NULL) - 60 ||
	    unlink(tmp) == -1)
		return -1;
	return open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
}

void
rules_cache_write(const char *path, const char *key, const struct rules *rs)
{
	static const char zero[16];
	struct writer w = { 0 };
	struct buf *b = &w.head;
	const uint32_t *start;
	const uint16_t *tri;
	size_t npool;
	char *tmp = NULL;
	int fd = -1, bad;

	if (rs->nfiles > FILES_MAX)
		return;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].nfields > FIELDS_MAX)
			return;
	/*
	 * One writer at a time: right after the files settle, every load
	 * finds no cache, and each would compile every pattern to write
	 * one. The others go on without. A copy a killed writer left is
	 * taken over once it is a minute old.
	 */
	tmp = xasprintf("%s.new", path);
	if ((fd = make_new(tmp)) == -1)
		goto out;
	buf_adds(b, CACHE_MAGIC);
	/* the header's length and sum, known at its end */
	put_u32(b, 0);
	put_sum(b, 0);
	put_str(b, key);
	put_str(b, rs->identity);
	put_u32(b, (uint32_t)rs->nfiles);
	for (size_t i = 0; i < rs->nfiles; i++) {
		put_str(b, rs->files[i]);
		put_str(b, rs->langs[i]);
	}
	put_u32(b, (uint32_t)rs->nlang);
	for (int i = 0; i < rs->nlang; i++)
		put_str(b, rs->lang[i]);
	put_u32(b, (uint32_t)rs->always);
	put_mem(b, buf_str(&rs->wordlist), rs->wordlist.len);
	for (int k = 0; k < STRIP_KINDS; k++)
		put_mem(b, buf_str(&rs->quote[k]), rs->quote[k].len);
	for (int i = 0; i < rs->nlang; i++)
		for (int k = 0; k < SCOPE_WORDS; k++)
			put_mem(b, buf_str(&rs->scope_alt[i][k]),
			    rs->scope_alt[i][k].len);
	prefilter_pool_arrays(rs->pool, &start, &npool, &tri);
	put_u32(b, (uint32_t)npool);
	buf_add(b, start, (npool + 1) * sizeof *start);
	buf_add(b, tri, start[npool] * sizeof *tri);
	put_u32(b, (uint32_t)rs->n);
	for (size_t i = 0; i < rs->n && !w.bad; i++)
		put_rule(&w, rs, &rs->v[i]);
	buf_adds(b, "end\n");
	/* the data, 16-aligned; the file ends in a NUL, so no string runs off it */
	buf_add(b, zero, (16 - b->len % 16) % 16);
	if (w.bad || b->len + w.data.len + 1 > CACHE_MAX)
		goto out;
	{
		uint32_t v[3];
		uint64_t h = sum((const unsigned char *)b->s + HEAD_SUMMED,
		    b->len - HEAD_SUMMED);

		v[0] = (uint32_t)b->len;
		v[1] = (uint32_t)h;
		v[2] = (uint32_t)(h >> 32);
		memcpy(b->s + strlen(CACHE_MAGIC), v, sizeof v);
	}
	buf_add(&w.data, zero, 1);
	/* on the disk before it is named: a crash leaves no half-written copy */
	bad = write_all(fd, buf_str(b), b->len) == -1 ||
	    write_all(fd, buf_str(&w.data), w.data.len) == -1 ||
	    fsync(fd) == -1;
	if (close(fd) == -1 || bad || rename(tmp, path) == -1)
		(void)unlink(tmp);
	fd = -1;
out:
	/* a failure costs the next load its time, nothing else */
	if (fd != -1) {
		close(fd);
		(void)unlink(tmp);
	}
	free(tmp);
	buf_free(&w.head);
	buf_free(&w.data);
}

/*
 * Reading: a cursor that fails once and then stays failed, never
 * reading past the end of the header; data is where the data starts.
 */
struct cur {
	const char	*p, *end;
	const char	*data;
	size_t		 datalen;
	int		 bad;
};

static const void *
get(struct cur *c, size_t n)
{
	const char *at = c->p;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = 1;
		return NULL;
	}
	c->p += n;
	return at;
}

static uint32_t
get_u32(struct cur *c)
{
	const void *p = get(c, sizeof(uint32_t));
	uint32_t v = 0;

	if (p != NULL)
		memcpy(&v, p, sizeof v);
	return v;
}

/* A string (NUL-free) as a new copy, or NULL for none; *c->bad says which NULL is which. */
static char *
get_str(struct cur *c)
{
	uint32_t n = get_u32(c);
	const char *p;

	if (c->bad || n == UINT32_MAX)
		return NULL;
	if ((p = get(c, n)) == NULL || memchr(p, '\0', n) != NULL) {
		c->bad = 1;
		return NULL;
	}
	return xstrndup(p, n);
}

static char *
get_str_needed(struct cur *c)
{
	char *s = get_str(c);

	if (s == NULL)
		c->bad = 1;
	return s;
}

/* A prefilter of pool, or NULL for none; a damaged one sets c->bad. */
static struct prefilter *
get_need(struct cur *c, const struct prefilter_pool *pool)
{
	uint32_t len = get_u32(c);
	struct prefilter *p;
	const void *raw;

	if (c->bad || len == UINT32_MAX)
		return NULL;
	if (len > (size_t)(c->end - c->p) / sizeof(uint32_t) ||
	    (raw = get(c, len * sizeof(uint32_t))) == NULL) {
		c->bad = 1;
		return NULL;
	}
	if ((p = prefilter_from(pool, raw, len)) == NULL)
		c->bad = 1;
	return p;
}

/* Where an offset and length of the header lie in the data; NULL when not inside it. */
static const char *
get_data(struct cur *c, size_t *len)
{
	uint32_t off = get_u32(c), n = get_u32(c);

	if (c->bad || off > c->datalen || n > c->datalen - off) {
		c->bad = 1;
		return NULL;
	}
	*len = n;
	return c->data + off;
}

/*
 * A pattern with its NUL, where it lies in the data. Its bytes are not
 * read now (that is the point of mapping them): a NUL in it would only
 * end it early, and the data ends in a NUL, so nothing reads past it.
 */
static char *
get_pattern(struct cur *c, size_t *plen)
{
	size_t n;
	const char *p = get_data(c, &n);

	if (p == NULL || n == 0) {
		c->bad = 1;
		return NULL;
	}
	*plen = n - 1;
	return (char *)p;
}

/* What put_sum wrote. */
static uint64_t
get_sum(struct cur *c)
{
	uint64_t lo = get_u32(c);

	return (uint64_t)get_u32(c) << 32 | lo;
}

static void
get_code(struct cur *c, struct kept_code *k)
{
	k->bytes = (const unsigned char *)get_data(c, &k->len);
	/* put 16-aligned; PCRE2 reads its fields in place */
	if (k->bytes != NULL && (k->bytes - (const unsigned char *)c->data) % 16)
		c->bad = 1;
	k->sum = get_sum(c);
}

static void
get_rule(struct cur *c, struct rules *rs, struct rule *r)
{
	uint32_t v, n;
	size_t plen;

	r->id = get_str_needed(c);
	if ((v = get_u32(c)) < ACTION_OPTOUT_ALL || v > ACTION_IGNORE)
		c->bad = 1;
	r->action = (enum action)v;
	if ((v = get_u32(c)) >= rs->nfiles) {
		c->bad = 1;
		return;
	}
	r->file = rs->files[v];
	r->lang = rs->langs[v];
	r->langno = (int)get_u32(c);
	v = get_u32(c);
	r->own = (v & 1) != 0;
	r->confirm = (v & 2) != 0 && action_is_optin(r->action);
	if (r->lang == NULL ? r->langno != -1 :
	    r->langno < 0 || r->langno >= rs->nlang ||
	    strcmp(rs->lang[r->langno], r->lang) != 0)
		c->bad = 1;
	r->line = (int)get_u32(c);
	r->opts = get_u32(c);
	r->split = get_u32(c) != 0;
	r->need = get_need(c, rs->pool);
	r->need_why = get_str(c);
	if ((r->pattern = get_pattern(c, &plen)) == NULL)
		return;
	r->patlen = plen;
	r->patsum = get_sum(c);
	if (!r->split)
		get_code(c, &r->kept);
	if ((n = get_u32(c)) == 0 || n > FIELDS_MAX || c->bad) {
		c->bad = 1;
		return;
	}
	r->fields = xcalloc(n, sizeof *r->fields);
	for (r->nfields = 0; r->nfields < n && !c->bad; r->nfields++) {
		struct field *f = &r->fields[r->nfields];

		f->kind = (enum field_kind)get_u32(c);
		if ((f->where = get_str_needed(c)) == NULL)
			break;
		if (f->kind == FIELD_HEADER && strncmp(f->where, "header:", 7) == 0)
			f->header = f->where + 7;
		else if ((f->kind != FIELD_SUBJECT ||
		    strcmp(f->where, "subject") != 0) &&
		    (f->kind != FIELD_BODY || strcmp(f->where, "body") != 0))
			c->bad = 1;
	}
	if ((n = get_u32(c)) == 0 || n > (size_t)(c->end - c->p) || c->bad) {
		c->bad = 1;
		return;
	}
	r->branches = xcalloc(n, sizeof *r->branches);
	for (r->nbranches = 0; r->nbranches < n && !c->bad; r->nbranches++) {
		struct branch *b = &r->branches[r->nbranches];

		b->line = (int)get_u32(c);
		b->off = get_u32(c);
		b->len = get_u32(c);
		if (b->off > plen || b->len > plen - b->off)
			c->bad = 1;
		b->need = get_need(c, rs->pool);
		if (r->split)
			get_code(c, &b->kept);
	}
	if (r->split && !c->bad) {
		struct prefilter **needs = xcalloc(r->nbranches, sizeof *needs);

		for (size_t i = 0; i < r->nbranches; i++)
			needs[i] = r->branches[i].need;
		r->gate = prefilter_gate_new(needs, r->nbranches);
		free(needs);
	}
}

/* Fill rs from the cache's bytes; 0, or -1 when they are not a whole cache of key. */
static int
parse(struct cur *c, const char *key, struct rules *rs)
{
	struct prefilter_pool *pool;
	const void *start, *tri;
	uint32_t n, npool, ntri;
	char *s;
	const char *w, *wend, *nul = NULL;

	if (!get(c, strlen(CACHE_MAGIC)) ||
	    memcmp(c->p - strlen(CACHE_MAGIC), CACHE_MAGIC,
	    strlen(CACHE_MAGIC)) != 0)
		return -1;
	/* the header's length and sum, checked by rules_cache_read */
	(void)get_u32(c);
	(void)get_u32(c);
	(void)get_u32(c);
	s = get_str(c);
	if (s == NULL || strcmp(s, key) != 0) {
		free(s);
		return -1;
	}
	free(s);
	if ((s = get_str(c)) == NULL || strlen(s) != 64) {
		free(s);
		return -1;
	}
	memcpy(rs->identity, s, 65);
	free(s);

	if ((n = get_u32(c)) == 0 || n > FILES_MAX)
		return -1;
	rs->files = xcalloc(n, sizeof *rs->files);
	rs->langs = xcalloc(n, sizeof *rs->langs);
	for (; rs->nfiles < n && !c->bad; rs->nfiles++) {
		rs->files[rs->nfiles] = get_str_needed(c);
		rs->langs[rs->nfiles] = get_str(c);
	}
	if ((n = get_u32(c)) > LANGID_MAX || c->bad)
		return -1;
	rs->lang = xcalloc(n ? n : 1, sizeof *rs->lang);
	for (; rs->nlang < (int)n && !c->bad; rs->nlang++)
		rs->lang[rs->nlang] = get_str_needed(c);
	rs->always = get_u32(c);
	/* the words as langno byte, word, NUL: langid is made again from them */
	n = get_u32(c);
	if ((w = get(c, n)) == NULL)
		return -1;
	for (wend = w + n; w < wend; w = nul + 1) {
		if (wend - w < 2 || (unsigned char)w[0] >= (unsigned)rs->nlang ||
		    (nul = memchr(w + 1, '\0', (size_t)(wend - w - 1))) == NULL ||
		    langid_add(rs->words, (unsigned char)w[0], w + 1) == -1)
			return -1;
		buf_add(&rs->wordlist, w, (size_t)(nul - w) + 1);
	}
	for (int k = 0; k < STRIP_KINDS; k++) {
		n = get_u32(c);
		if ((w = get(c, n)) == NULL || memchr(w, '\0', n) != NULL)
			return -1;
		buf_add(&rs->quote[k], w, n);
	}
	for (int i = 0; i < rs->nlang; i++) {
		for (int k = 0; k < SCOPE_WORDS; k++) {
			n = get_u32(c);
			if ((w = get(c, n)) == NULL || memchr(w, '\0', n) != NULL)
				return -1;
			buf_add(&rs->scope_alt[i][k], w, n);
		}
	}
	/* the pool: its start array, whose last entry is the length of tri */
	npool = get_u32(c);
	if (c->bad || npool > (size_t)(c->end - c->p) / sizeof(uint32_t) ||
	    (start = get(c, ((size_t)npool + 1) * sizeof(uint32_t))) == NULL)
		return -1;
	memcpy(&ntri, (const char *)start + (size_t)npool * sizeof ntri,
	    sizeof ntri);
	if (ntri > (size_t)(c->end - c->p) / sizeof(uint16_t) ||
	    (tri = get(c, (size_t)ntri * sizeof(uint16_t))) == NULL ||
	    (pool = prefilter_pool_from(start, npool, tri)) == NULL)
		return -1;
	prefilter_pool_free(rs->pool);
	rs->pool = pool;
	if ((n = get_u32(c)) > (size_t)(c->end - c->p) || c->bad)
		return -1;
	rs->cap = n ? n : 1;
	rs->v = xcalloc(rs->cap, sizeof *rs->v);
	for (; rs->n < n && !c->bad; rs->n++)
		get_rule(c, rs, &rs->v[rs->n]);
	if (c->bad || !get(c, 4) || memcmp(c->p - 4, "end\n", 4) != 0)
		return -1;
	return 0;
}

/*
 * Let go of the mapped pages of p[0..n) in rs's mapping: read once,
 * they would stay in the process's memory beside the copy made of them,
 * and a sweep reads nearly all. The kernel maps the pages it has at hand
 * around the one a read faults in (64 KiB on Linux), so those go too.
 * Unchanged pages of a private file mapping come back from the file if
 * they are read again, so this frees memory, never data.
 */
#define FAULT_AROUND	(64u << 10)
static void
let_go(const struct rules *rs, const void *p, size_t n)
{
	uintptr_t base = (uintptr_t)rs->kept, end = base + rs->keptlen;
	uintptr_t a = (uintptr_t)p, z = a + n;

	if (n == 0 || a < base || z > end)
		return;
	a -= a % FAULT_AROUND;
	z += (FAULT_AROUND - z % FAULT_AROUND) % FAULT_AROUND;
	if (a < base)
		a = base;	/* page-aligned, as mmap returned it */
	if (z > end)
		z = end;
	(void)madvise((void *)a, z - a, MADV_DONTNEED);
}

int
rules_cache_read(const char *path, const char *key, struct rules *rs)
{
	struct stat st;
	struct cur c = { 0 };
	void *m;
	size_t size;
	uint32_t head, v[3];
	int fd, rc = -1;

	/* believed only when ours and writable by no one else, as seen is */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) != 0 ||
	    st.st_size <= 0 || (uintmax_t)st.st_size > CACHE_MAX)
		goto out;
	/*
	 * Mapped: most patterns and their code are never needed by one
	 * message, and are then never read. The file is only ever replaced
	 * by rename(2), never written in place, so the mapping holds still.
	 */
	size = (size_t)st.st_size;
	if ((m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED)
		goto out;
	rs->kept = m;
	rs->keptlen = size;
	if (((const char *)m)[size - 1] != '\0')
		goto out;
	/* the header's length and sum follow the magic; the data follows the header */
	if (size < HEAD_SUMMED)
		goto out;
	memcpy(v, (const char *)m + strlen(CACHE_MAGIC), sizeof v);
	head = v[0];
	if (head % 16 != 0 || head < HEAD_SUMMED || head >= size ||
	    sum((const unsigned char *)m + HEAD_SUMMED, head - HEAD_SUMMED) !=
	    ((uint64_t)v[2] << 32 | v[1]))
		goto out;
	c.p = m;
	c.end = (const char *)m + head;
	c.data = (const char *)m + head;
	c.datalen = size - head;
	rc = parse(&c, key, rs);
	/* the header is copied out; only the data is read from here on */
	let_go(rs, m, head);
	if (rc == 0) {
		rs->kept_fd = fd;	/* for rules_cache_code_read */
		return 0;
	}
out:
	close(fd);
	return rc;
}

pcre2_code *
rules_cache_code(const struct rules *rs, struct kept_code *k)
{
	pcre2_code *re;
	int ok;

	if (k->len == 0)
		return NULL;
	/* the bytes never change under the mapping: once summed is enough */
	ok = __atomic_load_n(&k->summed, __ATOMIC_RELAXED) ||
	    sum(k->bytes, k->len) == k->sum;
	if (ok)
		__atomic_store_n(&k->summed, 1, __ATOMIC_RELAXED);
	ok = ok && pcre2_serialize_decode(&re, 1, k->bytes, NULL) == 1;
	let_go(rs, k->bytes, k->len);
	return ok ? re : NULL;
}

pcre2_code *
rules_cache_code_read(struct rules *rs, struct kept_code *k)
{
	const size_t off = (size_t)(k->bytes - (const unsigned char *)rs->kept);
	pcre2_code *re;
	size_t got = 0;
	ssize_t n;

	/* its first decoding sums it, from the mapping */
	if (rs->kept_fd == -1 || !__atomic_load_n(&k->summed, __ATOMIC_RELAXED))
		return rules_cache_code(rs, k);
	if (rs->scratchcap < k->len) {
		rs->scratch = xrealloc(rs->scratch, k->len);
		rs->scratchcap = k->len;
	}
	while (got < k->len) {
		n = pread(rs->kept_fd, rs->scratch + got, k->len - got,
		    (off_t)(off + got));
		if (n <= 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rules_cache_code(rs, k);
		got += (size_t)n;
	}
	return pcre2_serialize_decode(&re, 1, rs->scratch, NULL) == 1 ? re :
	    NULL;
}

int
rules_cache_text(struct rule *r)
{
	if (r->patcheck == 0) {
		r->patcheck = r->patsum == sum((const unsigned char *)r->pattern,
		    r->patlen) ? 1 : -1;
		/* said once: the check is not made again */
		if (r->patcheck == -1)
			mo_warn("%s:%d: rule %s: its pattern in the rules cache "
			    "is damaged", r->file, r->line, r->id);
	}
	return r->patcheck == 1;
}
