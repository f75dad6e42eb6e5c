/*
 * reader.h - the CLI's document reader (never installed).
 *
 * Reads documents from a list of inputs, in a deterministic order:
 *   - a regular file: by --format; "auto" reads WARC when the decoded bytes
 *     start with "WARC/1.0" or "WARC/1.1" (see "WARC" below), JSON Lines when the name ends
 *     in .jsonl/.ndjson/.json (before any .gz/.zst) or the first non-blank byte
 *     is '{', else the whole file is one document (id = the path as given, or
 *     relative to the directory argument it was found under);
 *   - a directory: recursively, entries sorted bytewise by name, hidden entries
 *     (".name") skipped, symlinks to files followed, each file read as above,
 *     except that under "auto" a file is JSON Lines only when its first
 *     non-blank line is an object with a string text field (a pretty-printed
 *     .json is one whole document), and a binary file is counted in
 *     rd_stats.binary and reported only with opts.verbose, as are symbolic
 *     links to directories (not followed; rd_stats.dir_links);
 *   - "-": standard input (read by content, as a file named "-").
 * gzip and zstd are recognised by their magic bytes, whatever the name.
 * With RD_LINES, each line of a text input is one document, id "<path>:<line>".
 *
 * JSON Lines: each non-blank line is an object; the id comes from --id-field
 * (a string or a number, written as its JSON text; missing: "<path>:<line>"),
 * the text from --text-field (must be a string). Blank lines are skipped.
 *
 * Errors about one record (invalid JSON, missing/non-string text field, a
 * binary file, a record over max_record bytes) are reported through the error
 * callback with the file and line (under on_error_skip, per file at most 3
 * of one kind - the same message but for line and column - and 10 in all;
 * then "FILE: ... and N more like these (what)" at its end); with
 * on_error_skip the record is counted and skipped, otherwise rd_next()
 * returns RD_ERR_RECORD. Errors about a whole
 * input (cannot open, read error, corrupt compressed stream) return RD_ERR_IO
 * under both policies after the callback; with on_error_skip the reader then
 * moves on to the next input when rd_next() is called again. Damaged gzip or
 * zstd data is reported with the compressed byte offset where the decoder
 * found it and, under on_error_skip, the number of records of that input
 * already returned ("N records of it used before the damage"): they stand
 * (gzip's checksum comes at the end of a member, so they cannot be recalled).
 *
 * WARC (docs/input-formats.md): a stream whose decoded bytes start with
 * "WARC/1.0" or "WARC/1.1" is read as WARC whatever its name (or always with
 * RD_WARC); gzip with one member per record, as Common Crawl ships .warc.gz and
 * .warc.wet.gz, is just a multi-member gzip stream here. Documents are
 * "conversion" records (WET text), "response" records whose HTTP payload is
 * text/plain or HTML (HTML converted to text), and "resource" records of those
 * types; every other record is counted in rd_stats.ignored, not reported. The
 * id is WARC-Target-URI, else WARC-Record-ID, else "<rel>#<record number>";
 * date is WARC-Date; raw is the whole record (header block, block and the
 * CRLF CRLF after it), kind RD_KIND_WARC. With key_field "date" the key is
 * WARC-Date without a final "Z" (so ISO 8601 texts of any precision sort by
 * time); another key_field names a WARC header field (any case).
 * Record errors ("FILE: record N (offset O): what", O = byte offset of the
 * record in the decoded stream) follow the policy above; a truncated last
 * record is one. Content-Length is authoritative: a record over max_record is
 * reported and streamed past without being held.
 *
 * Two readers over the same inputs and options return the same records in the
 * same order (the CLI reads twice to write the deduplicated corpus).
 */
#ifndef ND_READER_H
#define ND_READER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { RD_AUTO = 0, RD_JSONL, RD_TEXT, RD_LINES, RD_WARC } rd_format;

/* How a record was stored: decides how the CLI writes it back. */
typedef enum {
    RD_KIND_JSONL = 0, /* one JSON line: raw = the line without its newline */
    RD_KIND_LINE,      /* one text line (RD_LINES): raw = the line without newline */
    RD_KIND_FILE,      /* a whole file: raw = the whole (decompressed) content */
    RD_KIND_WARC       /* one WARC record: raw = the record, header block to the
                          CRLF CRLF after its block (as found: see "WARC" above) */
} rd_kind;

/* An input read from a descriptor instead of its name (see cli_spool_inputs):
 * fd >= 0 is read from offset off, never closed by the reader. fd -1: the
 * name is opened as usual. */
typedef struct rd_spool {
    int fd;
    int64_t off;
} rd_spool;

/* A part of an input (one process of several reads a byte range of a large
 * file): bytes [start, end) of the file. end 0: the whole input.
 * - JSON Lines or lines (warc 0): the part starts and ends at line
 *   boundaries, its first line being line line0 + 1 of the file.
 * - WARC (warc 1), plain or gzip: the part starts at a record (plain) or at a
 *   gzip member (one member a record) and ends where the reading of the file
 *   from its start would be between two records (rd_warc_skim() checks it).
 *   line0 records and off0 decoded bytes come before it in the file, and the
 *   warnings given once a file (a bit each) were given before it in warned. */
typedef struct rd_range {
    uint64_t start, end, line0;
    uint64_t off0;
    unsigned warned;
    int warc;
} rd_range;

/* What the reading of one part of a WARC file found, without making
 * documents (rd_warc_skim). */
typedef struct rd_skim {
    uint64_t records;  /* records started in the part (bad ones included) */
    uint64_t bytes;    /* decoded bytes of the part */
    unsigned warned;   /* the once-a-file warnings the part gave (rd_range.warned) */
    int clean;         /* it ended between two records, after a whole record or
                          none: the next part may start there */
    int damaged;       /* its compressed data is corrupt, data that is not gzip
                          follows a member, or it could not be read: the
                          reading of the file stops there */
} rd_skim;

/* The XXH3 digests of the bytes read from each input file, in reading order,
 * with its path: what a later reading of the same inputs is checked against
 * (the CLI reads twice to write the deduplicated corpus). */
typedef struct rd_digests rd_digests;

typedef struct rd_opts {
    rd_format format;
    const char *id_field;    /* default "id" */
    const char *text_field;  /* default "text" */
    const char *key_field;   /* field whose value is the survivor key, or NULL */
    const char *source_field; /* JSON Lines field naming the source (site, outlet), or NULL */
    const char *date_field;  /* JSON Lines field holding the date (a string), or NULL */
    const char *title_field; /* JSON Lines field holding the title (a string), or NULL */
    int on_error_skip;       /* 1: report, count and skip bad records; 0: stop */
    int verbose;             /* also report binary files skipped in directories */
    uint64_t max_record;     /* largest record (line or file) in bytes; 0 = 1 GiB */
    /* Called for every error or warning; msg names file and line. May be NULL. */
    void (*on_error)(void *ctx, const char *msg);
    void *ctx;
    const rd_spool *spool;   /* per input, or NULL: descriptors to read instead */
    /* NULL, or digests: recorded while not sealed, else checked; a file whose
     * bytes differ (or that is new, or gone) is reported ("FILE: changed
     * ...") and rd_next() then returns RD_ERR_CHANGED for good. */
    rd_digests *digests;
    /* NULL, or a share of the inputs (one process of several): called with the
     * ordinal of every file the walk meets (0, 1, ... in reading order, the
     * same on every process: directories are walked, not counted) and its
     * size in bytes (its range's, for a part; 0 when unknown: standard input,
     * a file that cannot be opened) before it is opened; a file it answers 0
     * for is passed over unread and unreported. */
    int (*want_file)(void *ctx, uint64_t file_no, uint64_t size);
    void *want_ctx;
    const rd_range *ranges;  /* per input, or NULL: the part of it to read (a plain
                                regular file; the same path may be given once per part).
                                A part that does not start the file is read as WARC
                                (its warc flag: plain or gzip, by its first bytes), else
                                as JSON Lines (or lines, under RD_LINES), uncompressed,
                                with no sniffing of its first bytes */
    int quiet_dirs;          /* what concerns directories (symbolic links to them not
                                followed, directories that cannot be read) is neither
                                reported nor counted: another process does it */
} rd_opts;

typedef struct rd_record {
    const char *id;   size_t id_len;     /* NUL-terminated too */
    const char *text; size_t text_len;   /* decoded text (JSON unescaped); may hold NULs
                                            only if the JSON had \u0000 */
    const char *raw;  size_t raw_len;    /* the original bytes of the record */
    rd_kind kind;
    const char *path;                    /* input path it came from (NUL-terminated) */
    const char *rel;                     /* for RD_KIND_FILE: path relative to the argument */
    uint64_t line;                       /* 1-based line (JSONL/LINES), 0 for whole files
                                            and WARC records */
    uint64_t record;                     /* WARC: 1-based record number in the file */
    uint64_t offset;                     /* WARC: byte offset of the record (decoded) */
    const char *date; size_t date_len;   /* WARC-Date, or the date_field string of a JSON
                                            line (NUL-terminated), NULL when absent */
    const char *source; size_t source_len; /* source_field value (a string or a number as
                                            its JSON text; NUL-terminated), or NULL */
    const char *title; size_t title_len; /* title_field string (NUL-terminated), or NULL */
    uint64_t file_no;                    /* ordinal of its file in reading order (from 0) */
    const char *key;  size_t key_len;    /* key_field value as text, NULL when absent */
    double key_num;   int key_is_num;    /* numeric value when the JSON value is a number */
} rd_record;
/* Every pointer in an rd_record is borrowed: valid until the next rd_next() or rd_close(). */

typedef struct rd_reader rd_reader;

enum { RD_OK = 1, RD_END = 0, RD_ERR_RECORD = -1, RD_ERR_IO = -2, RD_ERR_NOMEM = -3,
       RD_ERR_CHANGED = -4 };

/* Opens a reader over inputs[0..n). The strings must outlive the reader. Returns NULL
 * only when out of memory. Nothing is opened until the first rd_next(). */
rd_reader *rd_open(const char *const *inputs, size_t n, const rd_opts *opts);
/* Reads the next record into *rec. Returns RD_OK, RD_END, or an error (see above). */
int rd_next(rd_reader *r, rd_record *rec);
/* Counters: records returned, records skipped for errors, inputs that failed,
 * bytes of text returned; WARC records that are not documents (warcinfo,
 * request, metadata, revisit, non-text payloads, HTTP status other than 2xx),
 * and WARC documents marked WARC-Truncated (returned as they are). */
typedef struct rd_stats {
    uint64_t records, skipped, failed_inputs, bytes;
    uint64_t ignored, truncated;
    /* Inputs whose compressed data was corrupt or cut short (counted in
     * failed_inputs too), the records returned from them before the damage
     * was found, and the first one's path (cut at 255 bytes). */
    uint64_t damaged, damaged_records;
    char damaged_path[256];
    uint64_t binary;  /* binary files met in directories, skipped (not in `skipped`) */
    uint64_t dir_links; /* symbolic links to directories met in directories, not followed */
} rd_stats;
void rd_get_stats(const rd_reader *r, rd_stats *st);
/* Is path named as JSON Lines (.jsonl, .ndjson, .json, under .gz or .zst too)?
 * The auto format reads such a file as JSON Lines. */
int rd_name_is_jsonl(const char *path);
/* Reads part *rg of the WARC file path (plain or gzip) as rd_next() would,
 * records counted and checked but no document made and nothing reported,
 * with the options' max_record; says what it found in *out. Returns 0, or
 * RD_ERR_NOMEM (a part that cannot be opened or read is damaged). */
int rd_warc_skim(const char *path, const rd_range *rg, const rd_opts *opts, rd_skim *out);
void rd_close(rd_reader *r);

/* Digests (see rd_opts.digests). new: NULL when out of memory. seal: from now
 * on readers check against what was recorded. why: the message of the last
 * mismatch ("" when none), for a caller whose reader has no on_error. */
rd_digests *rd_digests_new(void);
void rd_digests_seal(rd_digests *d);
const char *rd_digests_why(const rd_digests *d);
void rd_digests_free(rd_digests *d);

/* One input (a file, or "-" for standard input) as a stream of decoded bytes:
 * gzip and zstd are decompressed as for records, anything else is read as it
 * is. For the readers of neardup's own outputs (clusters, pairs, passages)
 * that go line by line with getline(). A read error or damaged compressed
 * data is reported through on_error (may be NULL), then the stream's error
 * flag is set (ferror()). Returns NULL only when out of memory; a file that
 * cannot be opened fails at the first read. Close with fclose(). */
FILE *rd_fopen(const char *path, void (*on_error)(void *ctx, const char *msg), void *ctx);

#endif
