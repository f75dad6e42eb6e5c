/*
 * net.h - what neardup serve and neardup query share about HTTP (never
 * installed): the bearer token file, the constant-time token check, the
 * listen address, and the JSON error body of the HTTP API (docs/http-api.md).
 */
#ifndef ND_NET_H
#define ND_NET_H

#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

/* Reads the bearer token from path: the file's first line without its line
 * end and surrounding blanks; it must be 1 to 4096 printable ASCII bytes
 * without spaces. Returns 0 with *tok (malloc'd, NUL-terminated; free()) and
 * *len, or -1 with a message in err[0..errlen). */
int net_read_token(const char *path, char **tok, size_t *len, char *err, size_t errlen);

/* 1 when given[0..glen) equals the token want[0..wlen), else 0, in a time that
 * depends on wlen only (not on where they first differ, nor on glen). */
int net_token_equal(const char *given, size_t glen, const char *want, size_t wlen);

/* Parses "HOST:PORT" ("127.0.0.1:8080", "[::1]:0", "localhost:8080"; HOST
 * resolved without DNS beyond /etc/hosts, PORT 0 to 65535) into *ss / *sslen;
 * *loopback = 1 for 127.0.0.0/8 and ::1. Returns 0, or -1 with a message in
 * err[0..errlen). */
int net_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sslen,
                     int *loopback, char *err, size_t errlen);

/* Writes {"error":{"code":CODE,"message":"MSG"}} (no newline) to fp. */
void net_error_json(FILE *fp, int code, const char *msg);

#endif
