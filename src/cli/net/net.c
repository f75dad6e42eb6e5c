/* net.c - token file, constant-time token check, listen address and error
 * bodies shared by neardup serve and neardup query. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "write/output.h"

#define NET_TOKEN_MAX 4096

int net_read_token(const char *path, char **tok, size_t *len, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "--token-file %s: %s", path, strerror(errno));
        return -1;
    }
    char buf[NET_TOKEN_MAX + 2];
    const size_t n = fread(buf, 1, sizeof buf - 1, fp);
    const int rerr = ferror(fp);
    fclose(fp);
    if (rerr) {
        snprintf(err, errlen, "--token-file %s: read error", path);
        return -1;
    }
    buf[n] = '\0';
    size_t b = 0, e = strcspn(buf, "\r\n");
    while (b < e && (buf[b] == ' ' || buf[b] == '\t'))
        b++;
    while (e > b && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
        e--;
    if (e == b) {
        snprintf(err, errlen, "--token-file %s: the token is empty", path);
        return -1;
    }
    if (e - b > NET_TOKEN_MAX) {
        snprintf(err, errlen, "--token-file %s: the token is longer than %d bytes", path,
                 NET_TOKEN_MAX);
        return -1;
    }
    for (size_t i = b; i < e; i++)
        if ((unsigned char)buf[i] <= ' ' || (unsigned char)buf[i] >= 0x7F) {
            snprintf(err, errlen, "--token-file %s: the token must be printable ASCII "
                                  "without blanks", path);
            return -1;
        }
    char *t = malloc(e - b + 1);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(t, buf + b, e - b);
    t[e - b] = '\0';
    *tok = t;
    *len = e - b;
    return 0;
}

int net_token_equal(const char *given, size_t glen, const char *want, size_t wlen)
{
    /* Every byte of want is compared against something, whatever glen is. */
    volatile unsigned char diff = (unsigned char)(glen != wlen);
    for (size_t i = 0; i < wlen; i++) {
        const unsigned char g = i < glen ? (unsigned char)given[i] : 0;
        diff |= (unsigned char)(g ^ (unsigned char)want[i]);
    }
    return diff == 0;
}

int net_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sslen,
                     int *loopback, char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s) {
        snprintf(err, errlen, "--listen '%s': expected HOST:PORT", s);
        return -1;
    }
    size_t hl = (size_t)(colon - s);
    const char *h = s;
    if (h[0] == '[') {
        if (hl < 2 || h[hl - 1] != ']') {
            snprintf(err, errlen, "--listen '%s': expected [IPv6]:PORT", s);
            return -1;
        }
        h++;
        hl -= 2;
    }
    if (hl == 0 || hl >= sizeof host) {
        snprintf(err, errlen, "--listen '%s': bad host", s);
        return -1;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    const char *port = colon + 1;
    char *end;
    errno = 0;
    const unsigned long p = strtoul(port, &end, 10);
    if (!*port || *end || errno || p > 65535 || port[0] == '-' || port[0] == '+') {
        snprintf(err, errlen, "--listen '%s': the port must be a number from 0 to 65535", s);
        return -1;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    const int gr = getaddrinfo(host, port, &hints, &res);
    if (gr != 0 || !res) {
        snprintf(err, errlen, "--listen '%s': %s", s, gr ? gai_strerror(gr) : "no address");
        return -1;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *sslen = res->ai_addrlen;
    freeaddrinfo(res);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        *loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        *loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    } else {
        snprintf(err, errlen, "--listen '%s': not an IPv4 or IPv6 address", s);
        return -1;
    }
    return 0;
}

void net_error_json(FILE *fp, int code, const char *msg)
{
    fprintf(fp, "{\"error\":{\"code\":%d,\"message\":", code);
    cli_json_str(fp, msg, strlen(msg));
    fputs("}}", fp);
}
