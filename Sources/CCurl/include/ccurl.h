// The C surface of runlens's HTTP client: libcurl, loaded with dlopen on the first request.
//
// runlens links no libcurl at build time: a binary that links it loads libcurl's thirty
// dependent libraries (TLS, Kerberos, LDAP, ...) on every start, about 9 ms, even for a
// `report` of local files. These functions load libcurl when the first request needs it,
// resolve the few symbols runlens calls, and wrap curl_easy_setopt (variadic, which Swift
// cannot call) in functions with fixed arguments. No curl header is needed to build: the
// option numbers live in ccurl.c, checked against curl/curl.h (see the note there).

#ifndef CCURL_H
#define CCURL_H

#include <stddef.h>
#include <stdint.h>

/// An easy handle of the loaded libcurl (a `CURL *`).
typedef struct ccurl_easy ccurl_easy;

/// A header list of the loaded libcurl (a `struct curl_slist *`).
typedef struct ccurl_list ccurl_list;

/// A write or header callback: `count` bytes at `data` (`size` is always 1); returns `count`
/// to go on, anything else to stop the transfer. The signature of curl's write callback.
typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *context);

/// The result code of a transfer that ran out of time (`CURLE_OPERATION_TIMEDOUT`).
#define CCURL_TIMED_OUT 28

/// The size of the buffer `ccurl_perform` writes a message into (`CURL_ERROR_SIZE`).
#define CCURL_ERROR_SIZE 256

/// Loads libcurl once per process (thread-safe) and calls `curl_global_init`.
///
/// Tries `$RUNLENS_LIBCURL` when set (a test seam), else `libcurl.so.4`,
/// `libcurl-gnutls.so.4`, `libcurl.so` (on Darwin `libcurl.4.dylib`, `libcurl.dylib`).
/// Returns NULL once loaded, or a message (static storage) saying what is missing and how to
/// install it; every later call returns the same answer.
const char *ccurl_load(void);

/// Tries to load the library `name` and resolve every symbol runlens needs, without keeping
/// it or initialising it (for tests of the message). Returns NULL when it loads, or writes a
/// message like `ccurl_load`'s into `message` (of `size` bytes) and returns `message`.
const char *ccurl_probe(const char *name, char *message, size_t size);

/// A new easy handle (`curl_easy_init`), NULL when out of memory.
/// - Precondition: `ccurl_load` returned NULL.
ccurl_easy *ccurl_easy_open(void);

/// Forgets every option of a handle, keeping its connections (`curl_easy_reset`).
void ccurl_easy_reset(ccurl_easy *easy);

/// Frees a handle and closes its connections (`curl_easy_cleanup`).
void ccurl_easy_close(ccurl_easy *easy);

/// Appends `line` ("Name: value") to a header list (`curl_slist_append`); returns the new
/// list, or NULL when out of memory (then `list` is unchanged and still owned by the caller).
ccurl_list *ccurl_list_append(ccurl_list *list, const char *line);

/// Frees a header list (`curl_slist_free_all`); NULL is fine.
void ccurl_list_free(ccurl_list *list);

/// What one exchange sends and where its answer goes.
typedef struct ccurl_request {
  /// The absolute http or https URL.
  const char *url;
  /// The method: GET, HEAD, POST, PATCH, PUT, DELETE, ...
  const char *method;
  /// The body, or NULL for none (a POST without one sends an empty body).
  const void *body;
  /// The body's size in bytes.
  int64_t body_size;
  /// The request headers, or NULL.
  ccurl_list *headers;
  /// The bound on the whole exchange, milliseconds (at least 1).
  long timeout_ms;
  /// The bound on connecting, milliseconds (at least 1).
  long connect_timeout_ms;
  /// Receives each header line of each response, CRLF included, status lines too.
  ccurl_data_callback on_header;
  /// Receives the body, decoded if the server compressed it.
  ccurl_data_callback on_body;
  /// Passed to both callbacks.
  void *context;
} ccurl_request;

/// Sets the options of one exchange on a fresh or reset handle: URL (http and https only),
/// method and body, headers, no redirects followed, the two timeouts, no signals, every
/// encoding libcurl can decode accepted, and the callbacks. The body is copied.
///
/// Returns 0, or curl's error code of the option that failed.
int ccurl_prepare(ccurl_easy *easy, const ccurl_request *request);

/// Runs the exchange (`curl_easy_perform`). Returns 0, or curl's error code with a message
/// in `message` (`CCURL_ERROR_SIZE` bytes).
int ccurl_perform(ccurl_easy *easy, char *message);

/// The last response's HTTP status (`CURLINFO_RESPONSE_CODE`), 0 when none came.
long ccurl_status(ccurl_easy *easy);

#endif
