/* token.c — the sales+TOKEN@ address that names a profile and proves it: an HMAC of the profile under a secret. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <nettle/hmac.h>
#include <nettle/memops.h>

#include "token.h"
#include "util.h"

#define SECRET_MIN	16
#define SECRET_MAX	4096
#define MAC_BYTES	10	/* 80 bits: 16 base32 characters */
#define MAC_CHARS	16

struct token {
	struct buf	 secret;
};

int
token_new(const char *path, struct token **out)
{
	struct token *t = xcalloc(1, sizeof *t);
	struct stat st;
	int fd = -1, over = 0, rc = EX_CONFIG;

	*out = NULL;
	if (path == NULL || *path == '\0') {
		mo_warn("token_secret_file is not set");
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1) {
		mo_warn_errno("%s", path);
		goto out;
	}
	/* a secret others can read proves nothing */
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		mo_warn("%s: readable by others: chmod 600 it", path);
		goto out;
	}
	if (read_fd_capped(fd, SECRET_MAX, &t->secret, &over) == -1) {
		mo_warn_errno("%s", path);
		goto out;
	}
	while (t->secret.len && (t->secret.s[t->secret.len - 1] == '\n' ||
	    t->secret.s[t->secret.len - 1] == '\r'))
		t->secret.s[--t->secret.len] = '\0';
	if (over || t->secret.len < SECRET_MIN) {
		mo_warn("%s: the secret must be %d to %d bytes", path,
		    SECRET_MIN, SECRET_MAX);
		goto out;
	}
	*out = t;
	t = NULL;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	token_free(t);
	return rc;
}

void
token_free(struct token *t)
{
	if (t == NULL)
		return;
	if (t->secret.s)
		memset(t->secret.s, 0, t->secret.cap);
	buf_free(&t->secret);
	free(t);
}

/* The MAC of a profile id as MAC_CHARS base32 characters plus NUL. */
static void
mac(const struct token *t, int64_t id, char out[MAC_CHARS + 1])
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	struct hmac_sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	char msg[64];
	int n;

	n = snprintf(msg, sizeof msg, "mailopt profile %" PRId64, id);
	hmac_sha256_set_key(&ctx, t->secret.len, (const uint8_t *)t->secret.s);
	hmac_sha256_update(&ctx, (size_t)n, (const uint8_t *)msg);
	hmac_sha256_digest(&ctx, sizeof d, d);
	/* 80 bits are 16 groups of 5 */
	for (int i = 0; i < MAC_CHARS; i++) {
		int bit = i * 5, byte = bit / 8, shift = bit % 8;
		unsigned v = (unsigned)d[byte] << 8 | d[byte + 1];

		out[i] = b32[(v >> (11 - shift)) & 31];
	}
	out[MAC_CHARS] = '\0';
}

char *
token_make(const struct token *t, int64_t profile_id)
{
	char m[MAC_CHARS + 1];

	mac(t, profile_id, m);
	return xasprintf("%" PRId64 "-%s", profile_id, m);
}

int
token_check(const struct token *t, const char *tok, int64_t *profile_id)
{
	char want[MAC_CHARS + 1], got[MAC_CHARS + 1];
	const char *dash = strchr(tok, '-');
	char *end;
	long long id;

	if (t == NULL || dash == NULL || dash == tok || strlen(dash + 1) != MAC_CHARS)
		return 0;
	errno = 0;
	id = strtoll(tok, &end, 10);
	if (errno || end != dash || id <= 0 || tok[0] == '+' || tok[0] == '-')
		return 0;
	memcpy(got, dash + 1, sizeof got);
	ascii_lower(got);
	mac(t, (int64_t)id, want);
	if (!memeql_sec(want, got, MAC_CHARS))
		return 0;
	*profile_id = (int64_t)id;
	return 1;
}

char *
token_from_address(const char *addr)
{
	const char *plus = strchr(addr, '+'), *at = strrchr(addr, '@');

	if (plus == NULL || at == NULL || plus > at || at == plus + 1)
		return NULL;
	return xstrndup(plus + 1, (size_t)(at - plus - 1));
}
