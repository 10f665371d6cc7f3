/* html.c */
#include "config.h"
