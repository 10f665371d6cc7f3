/* action.h — the actions a rule can name, the three preference flags, and the outcomes. */
#ifndef MAILOPT_ACTION_H
#define MAILOPT_ACTION_H

enum action {
	ACTION_NONE = 0,
	ACTION_OPTOUT_ALL,
	ACTION_OPTOUT_MARKETING,
	ACTION_OPTOUT_EMAIL,
	ACTION_OPTOUT_POSTAL,
	ACTION_OPTOUT_THIRDPARTY,
	ACTION_OPTIN_ALL,
	ACTION_OPTIN_MARKETING,
	ACTION_OPTIN_EMAIL,
	ACTION_OPTIN_POSTAL,
	ACTION_OPTIN_THIRDPARTY,
	ACTION_REVIEW,
	ACTION_IGNORE
};

/* Preference flags as bits; a set bit in a profile means "allowed". */
#define FLAG_EMAIL	0x1u	/* marketing_email */
#define FLAG_POSTAL	0x2u	/* marketing_postal */
#define FLAG_THIRDPARTY	0x4u	/* third_party */
#define FLAG_ALL	0x7u
#define FLAG_COUNT	3

/* Parse an action name as written in rule files; -1 if unknown. */
int		 action_parse(const char *name, enum action *out);
/* The rule-file name of an action; NULL for ACTION_NONE. */
const char	*action_name(enum action a);
/* The flags an action sets (FLAG_* bits); 0 for review/ignore/none. */
unsigned	 action_flags(enum action a);
/* 1 for opt-in actions, which need a proven sender. */
int		 action_is_optin(enum action a);
/* The value an action gives its flags: 0 for opt-out, 1 for opt-in. */
int		 action_value(enum action a);

/* Column name of the i-th flag (0..FLAG_COUNT-1) and its bit. */
const char	*flag_name(int i);
unsigned	 flag_bit(int i);
/* Bit of a flag given its column name; 0 if unknown. */
unsigned	 flag_parse(const char *name);

enum outcome {
	OUTCOME_APPLIED,
	OUTCOME_UNCHANGED,
	OUTCOME_QUEUED,
	OUTCOME_DUPLICATE,
	OUTCOME_IGNORED,
	OUTCOME_ERROR
};
const char	*outcome_name(enum outcome o);
/* -1 if unknown. */
int		 outcome_parse(const char *name, enum outcome *out);

#endif
