/* inv_files: CPE uploads into the file store, as rows of the files table.
 *
 * An Upload whose URL points into the store (<ACS_FILES_URL>/upload/
 * <device_id>/<name>, see common/acs_files.h) leaves the file at
 * <ACS_FILE_STORE>/upload/<device_id>/<name>, written by nginx. When the
 * transfer completes, the inventory records it as "upload/<device_id>/
 * <name>" with its kind, size and SHA-256.
 *
 * inv_files_upload_name and inv_files_kind are pure; inv_files_digest
 * reads the file (blocking, bounded by the store's upload size limit).
 */
#ifndef INV_FILES_H
#define INV_FILES_H

#include <stddef.h>

/* Longest store name: "upload/" + device id + "/" + file name. */
#define INV_FILES_NAME_MAX 1024

/* The store name of url, if it is an upload URL under base: the path
 * after base must be "/upload/<device>/<file>" (query and fragment
 * ignored), each part percent-decoded, <device> a valid escaped device id
 * and <file> a valid store file name (acs_files_name_valid: no "/", no
 * "..", no leading "."). Returns 0 with "upload/<device>/<file>" in name
 * (n bytes), 1 when url is not under base + "/upload/" (nothing to
 * record; also when base is NULL or ""), -1 when it is but its path is
 * not acceptable (reason in err, errlen bytes). */
int inv_files_upload_name(const char *base, const char *url, char *name, size_t n, char *err,
                          size_t errlen) __attribute__((warn_unused_result));

/* "config" for "1 Vendor Configuration File" and "3 Vendor Configuration
 * File <i>", "log" for "2 Vendor Log File" and "4 Vendor Log File <i>",
 * else "other" (also for NULL). Static strings. */
const char *inv_files_kind(const char *file_type);

/* Size and SHA-256 (64 lower-case hex digits + NUL into hex) of
 * <store>/<name>, a regular file (a symbolic link is refused). Returns 0,
 * or -1 with a reason in err when it cannot be read. Blocking. */
int inv_files_digest(const char *store, const char *name, long long *size, char hex[65], char *err,
                     size_t errlen) __attribute__((warn_unused_result));

#endif
