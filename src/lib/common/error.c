/* error.c - status names, detail messages and the library version. */
#include <stdio.h>

#include "nd_internal.h"

const char *nd_strerror(nd_status code)
{
    switch (code) {
    case ND_OK: return "no error";
    case ND_E_NOMEM: return "out of memory";
    case ND_E_IO: return "input/output error";
    case ND_E_CORRUPT: return "data is corrupt";
    case ND_E_VERSION: return "version mismatch";
    case ND_E_PARAM: return "invalid parameter";
    case ND_E_LIMIT: return "size limit reached";
    case ND_E_STATE: return "call not allowed in this state";
    case ND_E_INPUT: return "malformed input";
    default: return "unknown error";
    }
}

void nd_detail_set(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, ND_DETAIL_MAX, fmt, ap);
    va_end(ap);
}

unsigned nd_version_number(void)
{
    return ND_VERSION_NUMBER;
}

const char *nd_version_string(void)
{
    return ND_VERSION_STRING;
}

const char *nd_relation_name(nd_relation r)
{
    switch (r) {
    case ND_REL_EXACT: return "exact";
    case ND_REL_NEAR: return "near-duplicate";
    case ND_REL_CONTAINED_IN: return "contained-in";
    case ND_REL_TEMPLATE: return "template";
    case ND_REL_CONTAINS: return "contains";
    default: return "none";
    }
}
