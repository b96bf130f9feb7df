/* acs_files: URLs into the file store that nginx serves to CPEs.
 *
 * Layout (deploy/nginx/halyard.conf.template):
 *   GET  <base>/files/<name>                     firmware, configs (public)
 *   PUT  <base>/upload/<device_id>/<name>?...    a CPE's Upload (signed)
 *   GET  <base>/upload/<device_id>/<name>?...    the same file back (signed,
 *                                                config restore)
 * Upload URLs carry nginx secure_link arguments: expires (Unix seconds) and
 * sig = base64url(MD5(expires || uri || secret)) without padding, where uri
 * is the decoded path. Only holders of ACS_FILES_SECRET (acsctl,
 * acs-provision) can make one, each is good for one device's folder until
 * it expires, and nginx checks it without calling any service.
 *
 * Pure; nothing blocks.
 */
#ifndef ACS_FILES_H
#define ACS_FILES_H

#include <stddef.h>
#include <stdint.h>

/* Longest store file name, and longest URL built (TR-069 allows 256 for a
 * Download/Upload URL; longer ones are refused by the builders). */
#define ACS_FILES_NAME_MAX 128
#define ACS_FILES_URL_MAX 256

/* 1 if name is a usable store file name: 1..ACS_FILES_NAME_MAX chars of
 * [A-Za-z0-9._-], not starting with '.'. */
int acs_files_name_valid(const char *name);

/* The public URL of a store file: base (e.g. "http://acs.example.net:7547",
 * no trailing '/' needed) + "/files/" + name. Returns 0, or -1 if name is
 * invalid or the URL would exceed ACS_FILES_URL_MAX or outlen. */
int acs_files_url(const char *base, const char *name, char *out, size_t outlen)
    __attribute__((warn_unused_result));

/* A signed URL for device_id's upload folder: PUT it to upload, GET it to
 * read the file back, until expires (Unix seconds). The device id's '%'
 * are sent as %25 (nginx decodes them before checking the signature).
 * Returns 0, or -1 on an invalid name or device id, or a URL too long. */
int acs_files_upload_url(const char *base, const char *secret, const char *device_id,
                         const char *name, int64_t expires, char *out, size_t outlen)
    __attribute__((warn_unused_result));

/* The signature nginx expects for the decoded path uri (e.g.
 * "/upload/02C0DE-SimGW-SIM%2D000001/config.json") and expires:
 * base64url(MD5(expires || uri || secret)), 22 chars + NUL into out. */
void acs_files_sign(const char *secret, const char *uri, int64_t expires, char out[23]);

#endif
