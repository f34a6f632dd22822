// libcurl through dlopen: see include/ccurl.h for why.

#include "ccurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The numbers of curl/curl.h that runlens uses. Each was checked against curl 7.88.1's
// curl/curl.h; they are part of libcurl's ABI and never change. To check them again, build
// this file against a curl header (not needed otherwise, nor committed):
//   cc -fsyntax-only -DCCURL_CHECK_AGAINST_CURL_H -I<dir of curl/curl.h> -ISources/CCurl/include
//     Sources/CCurl/ccurl.c
// (`apt-get download libcurl4-openssl-dev` and `dpkg -x` give the header without installing).
enum {
  CCURLOPT_WRITEDATA = 10001,
  CCURLOPT_URL = 10002,
  CCURLOPT_ERRORBUFFER = 10010,
  CCURLOPT_WRITEFUNCTION = 20011,
  CCURLOPT_HTTPHEADER = 10023,
  CCURLOPT_HEADERDATA = 10029,
  CCURLOPT_CUSTOMREQUEST = 10036,
  CCURLOPT_NOBODY = 44,
  CCURLOPT_FOLLOWLOCATION = 52,
  CCURLOPT_HEADERFUNCTION = 20079,
  CCURLOPT_HTTPGET = 80,
  CCURLOPT_NOSIGNAL = 99,
  CCURLOPT_ACCEPT_ENCODING = 10102,
  CCURLOPT_POSTFIELDSIZE_LARGE = 30120,
  CCURLOPT_TIMEOUT_MS = 155,
  CCURLOPT_CONNECTTIMEOUT_MS = 156,
  CCURLOPT_COPYPOSTFIELDS = 10165,
  // Deprecated since 7.85 for CURLOPT_PROTOCOLS_STR, which older libcurls lack; still honoured.
  CCURLOPT_PROTOCOLS = 181,
  CCURLPROTO_HTTP = 1,
  CCURLPROTO_HTTPS = 2,
  CCURLINFO_RESPONSE_CODE = 0x200000 + 2,
  CCURL_GLOBAL_ALL = 3,
  CCURLE_OK = 0,
};

#ifdef CCURL_CHECK_AGAINST_CURL_H
#include <curl/curl.h>
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#define CCURL_SAME(ours, theirs) _Static_assert((long)(ours) == (long)(theirs), #theirs)
CCURL_SAME(CCURLOPT_WRITEDATA, CURLOPT_WRITEDATA);
CCURL_SAME(CCURLOPT_URL, CURLOPT_URL);
CCURL_SAME(CCURLOPT_ERRORBUFFER, CURLOPT_ERRORBUFFER);
CCURL_SAME(CCURLOPT_WRITEFUNCTION, CURLOPT_WRITEFUNCTION);
CCURL_SAME(CCURLOPT_HTTPHEADER, CURLOPT_HTTPHEADER);
CCURL_SAME(CCURLOPT_HEADERDATA, CURLOPT_HEADERDATA);
CCURL_SAME(CCURLOPT_CUSTOMREQUEST, CURLOPT_CUSTOMREQUEST);
CCURL_SAME(CCURLOPT_NOBODY, CURLOPT_NOBODY);
CCURL_SAME(CCURLOPT_FOLLOWLOCATION, CURLOPT_FOLLOWLOCATION);
CCURL_SAME(CCURLOPT_HEADERFUNCTION, CURLOPT_HEADERFUNCTION);
CCURL_SAME(CCURLOPT_HTTPGET, CURLOPT_HTTPGET);
CCURL_SAME(CCURLOPT_NOSIGNAL, CURLOPT_NOSIGNAL);
CCURL_SAME(CCURLOPT_ACCEPT_ENCODING, CURLOPT_ACCEPT_ENCODING);
CCURL_SAME(CCURLOPT_POSTFIELDSIZE_LARGE, CURLOPT_POSTFIELDSIZE_LARGE);
CCURL_SAME(CCURLOPT_TIMEOUT_MS, CURLOPT_TIMEOUT_MS);
CCURL_SAME(CCURLOPT_CONNECTTIMEOUT_MS, CURLOPT_CONNECTTIMEOUT_MS);
CCURL_SAME(CCURLOPT_COPYPOSTFIELDS, CURLOPT_COPYPOSTFIELDS);
CCURL_SAME(CCURLOPT_PROTOCOLS, CURLOPT_PROTOCOLS);
CCURL_SAME(CCURLPROTO_HTTP, CURLPROTO_HTTP);
CCURL_SAME(CCURLPROTO_HTTPS, CURLPROTO_HTTPS);
CCURL_SAME(CCURLINFO_RESPONSE_CODE, CURLINFO_RESPONSE_CODE);
CCURL_SAME(CCURL_GLOBAL_ALL, CURL_GLOBAL_ALL);
CCURL_SAME(CCURLE_OK, CURLE_OK);
CCURL_SAME(CCURL_TIMED_OUT, CURLE_OPERATION_TIMEDOUT);
CCURL_SAME(CCURL_ERROR_SIZE, CURL_ERROR_SIZE);
_Static_assert(sizeof(curl_off_t) == sizeof(int64_t), "curl_off_t");
#endif

// The functions runlens calls, as curl declares them (`CURL *` is `void *`, `CURLcode` and
// `CURLoption` and `CURLINFO` are C enums, which are ints; `curl_off_t` is 64 bits).
typedef struct ccurl_api {
  int (*global_init)(long flags);
  void *(*easy_init)(void);
  int (*easy_setopt)(void *easy, int option, ...);
  int (*easy_perform)(void *easy);
  int (*easy_getinfo)(void *easy, int info, ...);
  void (*easy_cleanup)(void *easy);
  void (*easy_reset)(void *easy);
  const char *(*easy_strerror)(int code);
  void *(*slist_append)(void *list, const char *line);
  void (*slist_free_all)(void *list);
} ccurl_api;

#ifdef __APPLE__
static const char *const default_names[] = {"libcurl.4.dylib", "libcurl.dylib"};
#define CCURL_INSTALL_HINT "install curl (it ships with macOS)"
#else
static const char *const default_names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"};
#define CCURL_INSTALL_HINT "install it, e.g. `apt-get install libcurl4`"
#endif

// Opens `name` and fills `api`; 0, or -1 with a message in `message` (the handle closed).
static int open_library(const char *name, ccurl_api *api, void **handle, char *message,
                        size_t size) {
  void *library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    const char *reason = dlerror();
    snprintf(message, size, "%s", reason != NULL ? reason : "not found");
    return -1;
  }
  struct {
    const char *symbol;
    void **slot;
  } symbols[] = {
      {"curl_global_init", (void **)&api->global_init},
      {"curl_easy_init", (void **)&api->easy_init},
      {"curl_easy_setopt", (void **)&api->easy_setopt},
      {"curl_easy_perform", (void **)&api->easy_perform},
      {"curl_easy_getinfo", (void **)&api->easy_getinfo},
      {"curl_easy_cleanup", (void **)&api->easy_cleanup},
      {"curl_easy_reset", (void **)&api->easy_reset},
      {"curl_easy_strerror", (void **)&api->easy_strerror},
      {"curl_slist_append", (void **)&api->slist_append},
      {"curl_slist_free_all", (void **)&api->slist_free_all},
  };
  for (size_t index = 0; index < sizeof symbols / sizeof symbols[0]; index++) {
    void *address = dlsym(library, symbols[index].symbol);
    if (address == NULL) {
      snprintf(message, size, "%s has no %s", name, symbols[index].symbol);
      dlclose(library);
      return -1;
    }
    *symbols[index].slot = address;
  }
  *handle = library;
  return 0;
}

// Tries each name in turn; 0, or -1 with the whole message for the user in `message`.
static int open_first(const char *const *names, size_t count, ccurl_api *api, void **handle,
                      char *message, size_t size) {
  char reason[512] = "";
  for (size_t index = 0; index < count; index++) {
    if (open_library(names[index], api, handle, reason, sizeof reason) == 0) return 0;
  }
  char tried[256] = "";
  size_t used = 0;
  for (size_t index = 0; index < count && used < sizeof tried; index++) {
    int written = snprintf(tried + used, sizeof tried - used, "%s%s", index == 0 ? "" : ", ",
                           names[index]);
    if (written < 0) break;
    used += (size_t)written;
  }
  snprintf(message, size,
           "cannot load libcurl, which runlens needs to talk HTTP (tried %s; %s); %s", tried,
           reason, CCURL_INSTALL_HINT);
  return -1;
}

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static ccurl_api api;
static const char *load_problem = "libcurl not loaded";
static char load_message[1024];

static void load(void) {
  void *handle = NULL;
  const char *chosen = getenv("RUNLENS_LIBCURL");
  int failed = chosen != NULL && chosen[0] != '\0'
                   ? open_first(&chosen, 1, &api, &handle, load_message, sizeof load_message)
                   : open_first(default_names, sizeof default_names / sizeof default_names[0],
                                &api, &handle, load_message, sizeof load_message);
  if (failed) {
    load_problem = load_message;
    return;
  }
  int code = api.global_init(CCURL_GLOBAL_ALL);
  if (code != CCURLE_OK) {
    snprintf(load_message, sizeof load_message, "libcurl did not start: curl_global_init: %s",
             api.easy_strerror(code));
    load_problem = load_message;
    return;
  }
  // The library stays loaded for the life of the process, as curl_global_cleanup is not safe
  // to call while another thread may use libcurl.
  load_problem = NULL;
}

const char *ccurl_load(void) {
  pthread_once(&load_once, load);
  return load_problem;
}

const char *ccurl_probe(const char *name, char *message, size_t size) {
  ccurl_api probed;
  void *handle = NULL;
  if (open_first(&name, 1, &probed, &handle, message, size) != 0) return message;
  dlclose(handle);
  return NULL;
}

ccurl_easy *ccurl_easy_open(void) { return (ccurl_easy *)api.easy_init(); }

void ccurl_easy_reset(ccurl_easy *easy) { api.easy_reset(easy); }

void ccurl_easy_close(ccurl_easy *easy) { api.easy_cleanup(easy); }

ccurl_list *ccurl_list_append(ccurl_list *list, const char *line) {
  return (ccurl_list *)api.slist_append(list, line);
}

void ccurl_list_free(ccurl_list *list) {
  if (list != NULL) api.slist_free_all(list);
}

int ccurl_prepare(ccurl_easy *easy, const ccurl_request *request) {
  int code = CCURLE_OK;
#define SET(option, value)                                  \
  do {                                                      \
    code = api.easy_setopt(easy, (option), (value));        \
    if (code != CCURLE_OK) return code;                     \
  } while (0)
  SET(CCURLOPT_URL, request->url);
  SET(CCURLOPT_PROTOCOLS, (long)(CCURLPROTO_HTTP | CCURLPROTO_HTTPS));
  SET(CCURLOPT_NOSIGNAL, 1L);
  SET(CCURLOPT_FOLLOWLOCATION, 0L);
  SET(CCURLOPT_TIMEOUT_MS, request->timeout_ms > 0 ? request->timeout_ms : 1L);
  SET(CCURLOPT_CONNECTTIMEOUT_MS,
      request->connect_timeout_ms > 0 ? request->connect_timeout_ms : 1L);
  // "" offers every encoding this libcurl decodes (gzip, deflate, ...), and decodes it.
  SET(CCURLOPT_ACCEPT_ENCODING, "");
  if (strcmp(request->method, "HEAD") == 0) {
    SET(CCURLOPT_NOBODY, 1L);
  } else if (request->body == NULL && strcmp(request->method, "POST") != 0) {
    if (strcmp(request->method, "GET") == 0) {
      SET(CCURLOPT_HTTPGET, 1L);
    } else {
      SET(CCURLOPT_CUSTOMREQUEST, request->method);
    }
  } else {
    // A body makes it a POST; another method with a body keeps the body and renames the verb.
    SET(CCURLOPT_POSTFIELDSIZE_LARGE, (int64_t)(request->body != NULL ? request->body_size : 0));
    SET(CCURLOPT_COPYPOSTFIELDS, request->body != NULL ? (const char *)request->body : "");
    if (strcmp(request->method, "POST") != 0) SET(CCURLOPT_CUSTOMREQUEST, request->method);
  }
  if (request->headers != NULL) SET(CCURLOPT_HTTPHEADER, (void *)request->headers);
  SET(CCURLOPT_HEADERFUNCTION, request->on_header);
  SET(CCURLOPT_HEADERDATA, request->context);
  SET(CCURLOPT_WRITEFUNCTION, request->on_body);
  SET(CCURLOPT_WRITEDATA, request->context);
#undef SET
  return code;
}

int ccurl_perform(ccurl_easy *easy, char *message) {
  message[0] = '\0';
  int code = api.easy_setopt(easy, CCURLOPT_ERRORBUFFER, message);
  if (code == CCURLE_OK) code = api.easy_perform(easy);
  // The buffer is the caller's only for this call.
  api.easy_setopt(easy, CCURLOPT_ERRORBUFFER, (char *)NULL);
  if (code != CCURLE_OK && message[0] == '\0') {
    snprintf(message, CCURL_ERROR_SIZE, "%s", api.easy_strerror(code));
  }
  return code;
}

long ccurl_status(ccurl_easy *easy) {
  long status = 0;
  if (api.easy_getinfo(easy, CCURLINFO_RESPONSE_CODE, &status) != CCURLE_OK) return 0;
  return status;
}
