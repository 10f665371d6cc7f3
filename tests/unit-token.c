/* unit-token.c — tokens: made, checked in any case, forgeries and junk refused. */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "token.h"
#include "util.h"
#include "tap.h"

static void
write_secret(const char *path, const char *s, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	fputs(s, fp);
	fclose(fp);
	chmod(path, mode);
}

int
main(void)
{
	char dir[] = "/tmp/mailopt-token-XXXXXX", path[256];
	static const char *junk[] = { "", "-", "12-", "-abc", "0-aaaaaaaaaaaaaaaa",
	    "+1-aaaaaaaaaaaaaaaa", "x1-aaaaaaaaaaaaaaaa", "99999999999999999999-aaaaaaaaaaaaaaaa" };
	struct token *t = NULL, *other = NULL;
	char *tok, *up, *addr;
	int64_t id = 0;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/secret", dir);
	write_secret(path, "short\n", 0600);
	is_int(token_new(path, &t), EX_CONFIG, "a short secret is refused");
	write_secret(path, "a secret long enough to count\n", 0640);
	is_int(token_new(path, &t), EX_CONFIG, "a secret the group can read is refused");
	chmod(path, 0600);
	is_int(token_new(path, &t), 0, "a good secret loads");

	tok = token_make(t, 42);
	ok(strncmp(tok, "42-", 3) == 0 && strlen(tok) == 19, "ID-MAC, 16 characters of MAC");
	ok(strspn(tok + 3, "abcdefghijklmnopqrstuvwxyz234567") == 16, "lowercase base32");
	ok(token_check(t, tok, &id) && id == 42, "its own token checks");
	up = ascii_lower(xstrdup(tok));
	for (char *c = up; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c -= 32;
	ok(token_check(t, up, &id) && id == 42, "in upper case too");
	free(up);
	tok[3] = tok[3] == 'a' ? 'b' : 'a';
	ok(!token_check(t, tok, &id), "one character changed: refused");
	tok[3] = tok[3] == 'a' ? 'b' : 'a';
	memcpy(tok, "43", 2);
	ok(!token_check(t, tok, &id), "another id with this MAC: refused");
	free(tok);

	write_secret(path, "another secret, just as long\n", 0600);
	token_new(path, &other);
	tok = token_make(t, 7);
	ok(!token_check(other, tok, &id), "another secret refuses it");
	free(tok);
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
		ok(!token_check(t, junk[i], &id), junk[i]);
	ok(!token_check(NULL, "1-aaaaaaaaaaaaaaaa", &id), "no secret: nothing checks");

	addr = token_from_address("sales+12-abc@nordwind.example");
	is_str(addr, "12-abc", "the detail of an address");
	free(addr);
	ok(token_from_address("sales@nordwind.example") == NULL, "no detail, no token");
	ok(token_from_address("sales+@nordwind.example") == NULL, "an empty detail is none");
	ok(token_from_address("a@b+c") == NULL, "a + after the @ is none");

	token_free(t);
	token_free(other);
	token_free(NULL);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
