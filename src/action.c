/* action.c — names and meanings of actions, flags and outcomes. */
#include "config.h"

#include <string.h>

#include "action.h"

static const struct {
	const char	*name;
	unsigned	 flags;
	int		 value;
} actions[] = {
	[ACTION_NONE]		  = { NULL, 0, 0 },
	[ACTION_OPTOUT_ALL]	  = { "optout-all", FLAG_ALL, 0 },
	[ACTION_OPTOUT_MARKETING] = { "optout-marketing", FLAG_EMAIL | FLAG_POSTAL, 0 },
	[ACTION_OPTOUT_EMAIL]	  = { "optout-email", FLAG_EMAIL, 0 },
	[ACTION_OPTOUT_POSTAL]	  = { "optout-postal", FLAG_POSTAL, 0 },
	[ACTION_OPTOUT_THIRDPARTY] = { "optout-thirdparty", FLAG_THIRDPARTY, 0 },
	[ACTION_OPTIN_ALL]	  = { "optin-all", FLAG_ALL, 1 },
	[ACTION_OPTIN_MARKETING]  = { "optin-marketing", FLAG_EMAIL | FLAG_POSTAL, 1 },
	[ACTION_OPTIN_EMAIL]	  = { "optin-email", FLAG_EMAIL, 1 },
	[ACTION_OPTIN_POSTAL]	  = { "optin-postal", FLAG_POSTAL, 1 },
	[ACTION_OPTIN_THIRDPARTY] = { "optin-thirdparty", FLAG_THIRDPARTY, 1 },
	[ACTION_REVIEW]		  = { "review", 0, 0 },
	[ACTION_IGNORE]		  = { "ignore", 0, 0 },
};

static const char *flags[FLAG_COUNT] = {
	"marketing_email", "marketing_postal", "third_party"
};

static const char *outcomes[] = {
	[OUTCOME_APPLIED] = "applied",
	[OUTCOME_UNCHANGED] = "unchanged",
	[OUTCOME_QUEUED] = "queued",
	[OUTCOME_DUPLICATE] = "duplicate",
	[OUTCOME_IGNORED] = "ignored",
	[OUTCOME_ERROR] = "error",
};

int
action_parse(const char *name, enum action *out)
{
	for (size_t i = 1; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(actions[i].name, name) == 0) {
			*out = (enum action)i;
			return 0;
		}
	return -1;
}

const char *
action_name(enum action a)
{
	return (unsigned)a < sizeof actions / sizeof actions[0] ?
	    actions[a].name : NULL;
}

unsigned
action_flags(enum action a)
{
	return (unsigned)a < sizeof actions / sizeof actions[0] ?
	    actions[a].flags : 0;
}

int
action_is_optin(enum action a)
{
	return action_flags(a) != 0 && actions[a].value == 1;
}

int
action_value(enum action a)
{
	return (unsigned)a < sizeof actions / sizeof actions[0] ?
	    actions[a].value : 0;
}

const char *
flag_name(int i)
{
	return i >= 0 && i < FLAG_COUNT ? flags[i] : NULL;
}

unsigned
flag_bit(int i)
{
	return i >= 0 && i < FLAG_COUNT ? 1u << i : 0;
}

unsigned
flag_parse(const char *name)
{
	for (int i = 0; i < FLAG_COUNT; i++)
		if (strcmp(flags[i], name) == 0)
			return 1u << i;
	return 0;
}

const char *
outcome_name(enum outcome o)
{
	return (unsigned)o < sizeof outcomes / sizeof outcomes[0] ?
	    outcomes[o] : "error";
}

int
outcome_parse(const char *name, enum outcome *out)
{
	for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
		if (strcmp(outcomes[i], name) == 0) {
			*out = (enum outcome)i;
			return 0;
		}
	return -1;
}
