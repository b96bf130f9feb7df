/* inv_files: see inv_files.h. */
#include "inv_files.h"

#include "acs_files.h"
#include "acs_util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UPLOAD_DIR "/upload/"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..len) into out (n bytes). -1 on a bad escape, an
 * encoded NUL or '/', or no room. */
static int decode(const char *s, size_t len, char *out, size_t n)
{
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= len)
                return -1;
            int hi = hexval(s[i + 1]), lo = hi < 0 ? -1 : hexval(s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = hi * 16 + lo;
            i += 2;
            if (c == 0 || c == '/')
                return -1;
        }
        if (o + 1 >= n)
            return -1;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return 0;
}

int inv_files_upload_name(const char *base, const char *url, char *name, size_t n, char *err,
                          size_t errlen)
{
    char dev[INV_FILES_NAME_MAX], file[INV_FILES_NAME_MAX];
    size_t blen = base ? strlen(base) : 0, plen, dlen;
    const char *p, *slash;

    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    if (blen == 0 || !url || strncmp(url, base, blen) != 0 ||
        strncmp(url + blen, UPLOAD_DIR, strlen(UPLOAD_DIR)) != 0)
        return 1;
    p = url + blen + strlen(UPLOAD_DIR);
    plen = strcspn(p, "?#");
    slash = memchr(p, '/', plen);
    if (!slash) {
        snprintf(err, errlen, "no file name after the device folder");
        return -1;
    }
    dlen = (size_t)(slash - p);
    if (decode(p, dlen, dev, sizeof dev) != 0 || !acs_device_id_valid(dev)) {
        snprintf(err, errlen, "device folder is not an escaped device id");
        return -1;
    }
    if (decode(slash + 1, plen - dlen - 1, file, sizeof file) != 0 || !acs_files_name_valid(file) ||
        strstr(file, "..")) {
        snprintf(err, errlen, "file name is not a plain store name");
        return -1;
    }
    if ((size_t)snprintf(name, n, "upload/%s/%s", dev, file) >= n) {
        snprintf(err, errlen, "name too long");
        return -1;
    }
    return 0;
}

const char *inv_files_kind(const char *file_type)
{
    if (!file_type)
        return "other";
    if (strcmp(file_type, "1 Vendor Configuration File") == 0 ||
        strncmp(file_type, "3 Vendor Configuration File", 27) == 0)
        return "config";
    if (strcmp(file_type, "2 Vendor Log File") == 0 ||
        strncmp(file_type, "4 Vendor Log File", 17) == 0)
        return "log";
    return "other";
}

static int hash_fd(int fd, long long *size, char hex[65])
{
    unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    long long total = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    ssize_t got;
    int rc = -1;

    if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
        goto out;
    while ((got = read(fd, buf, sizeof buf)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 || EVP_DigestUpdate(c, buf, (size_t)got) != 1)
            goto out;
        total += got;
    }
    if (EVP_DigestFinal_ex(c, md, &mdlen) != 1 || mdlen != 32)
        goto out;
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    *size = total;
    rc = 0;
out:
    EVP_MD_CTX_free(c);
    return rc;
}

int inv_files_digest(const char *store, const char *name, long long *size, char hex[65], char *err,
                     size_t errlen)
{
    char path[4096];
    struct stat st;
    int fd, rc = -1;

    if ((size_t)snprintf(path, sizeof path, "%s/%s", store, name) >= sizeof path) {
        snprintf(err, errlen, "path too long");
        return -1;
    }
    /* O_NONBLOCK: opening a FIFO planted there must not hang the consumer. */
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        goto out;
    }
    if (hash_fd(fd, size, hex) != 0) {
        snprintf(err, errlen, "%s: read failed: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    close(fd);
    return rc;
}
