/* operator.c — who an operator's decision is recorded under. */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "operator.h"
#include "util.h"

/* Longer is not a name but a paste accident. */
#define MAX_OPERATOR	100

/* The login name, for when --operator is not given. */
static char *
login_name(void)
{
	const char *l = getlogin();
	struct passwd *pw;

	if (l != NULL && *l != '\0')
		return xstrdup(l);
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_name && *pw->pw_name)
		return xstrdup(pw->pw_name);
	return xasprintf("uid %lu", (unsigned long)getuid());
}

/* A name for the record: printable and short. */
static int
name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > MAX_OPERATOR) {
		mo_warn("operator: %s", n ? "too long" : "empty");
		return 0;
	}
	for (; *name; name++)
		if ((unsigned char)*name < 0x20 || *name == 0x7f) {
			mo_warn("operator: control characters are not a name");
			return 0;
		}
	return 1;
}

char *
operator_name(const char *given)
{
	char *name = given ? xstrdup(given) : login_name();

	if (!name_ok(name)) {
		free(name);
		return NULL;
	}
	return name;
}
