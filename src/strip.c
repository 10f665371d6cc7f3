/* strip.c */
#include "config.h"
