/* acs_files: file store URLs; see acs_files.h. */
#include "acs_files.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "acs_util.h"

int acs_files_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > ACS_FILES_NAME_MAX || name[0] == '.')
        return 0;
    return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* base without its trailing slashes: length to use. */
static size_t base_len(const char *base)
{
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    return n;
}

static int fits(int n, size_t outlen)
{
    return n > 0 && (size_t)n < outlen && n <= ACS_FILES_URL_MAX;
}

int acs_files_url(const char *base, const char *name, char *out, size_t outlen)
{
    if (!acs_files_name_valid(name))
        return -1;
    int n = snprintf(out, outlen, "%.*s/files/%s", (int)base_len(base), base, name);
    return fits(n, outlen) ? 0 : -1;
}

void acs_files_sign(const char *secret, const char *uri, int64_t expires, char out[23])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char exp[24];
    snprintf(exp, sizeof exp, "%lld", (long long)expires);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    EVP_DigestInit_ex(c, EVP_md5(), NULL);
    EVP_DigestUpdate(c, exp, strlen(exp));
    EVP_DigestUpdate(c, uri, strlen(uri));
    EVP_DigestUpdate(c, secret, strlen(secret));
    EVP_DigestFinal_ex(c, md, &mdlen);
    EVP_MD_CTX_free(c);
    acs_b64url_encode(md, 16, out);
}

int acs_files_upload_url(const char *base, const char *secret, const char *device_id,
                         const char *name, int64_t expires, char *out, size_t outlen)
{
    char uri[ACS_FILES_URL_MAX + 1], enc[3 * ACS_FILES_URL_MAX + 1], sig[23];
    if (!acs_files_name_valid(name) || !acs_device_id_valid(device_id))
        return -1;
    int n = snprintf(uri, sizeof uri, "/upload/%s/%s", device_id, name);
    if (n <= 0 || (size_t)n >= sizeof uri)
        return -1;
    size_t o = 0;
    for (const char *p = device_id; *p; p++) { /* only '%' needs escaping in a device id */
        if (*p == '%') {
            memcpy(enc + o, "%25", 3);
            o += 3;
        } else {
            enc[o++] = *p;
        }
    }
    enc[o] = '\0';
    acs_files_sign(secret, uri, expires, sig);
    n = snprintf(out, outlen, "%.*s/upload/%s/%s?expires=%lld&sig=%s", (int)base_len(base), base,
                 enc, name, (long long)expires, sig);
    return fits(n, outlen) ? 0 : -1;
}
