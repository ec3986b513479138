/* Tarsier C API: load a .tsr model, fill its input, run, read its outputs.
 *
 * Every function that can fail returns a tsr_status and, when `err` is not NULL, writes
 * a message naming the problem into it. There is no global error state: a tsr_session is
 * used by one thread at a time, and different sessions are independent.
 *
 *   tsr_options opt; tsr_options_init(&opt);
 *   tsr_session* s; tsr_error err;
 *   if (tsr_session_create("model.tsr", &opt, &s, &err) != TSR_OK) { puts(err.message); ... }
 *   float* in = tsr_session_input_data(s, 0, &count);   ... fill ...
 *   tsr_session_run(s, &err);
 *   const float* out = tsr_session_output_data(s, 0, &count);
 *   tsr_session_destroy(s);
 */
#ifndef TARSIER_TARSIER_H
#define TARSIER_TARSIER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Mirrors tarsier::ErrorCode. */
typedef enum tsr_status {
  TSR_OK = 0,
  TSR_ERR_INVALID_ARGUMENT = 1, /* a caller passed something unusable */
  TSR_ERR_INVALID_MODEL = 2,    /* the .tsr file is damaged or inconsistent */
  TSR_ERR_UNSUPPORTED = 3,      /* a well-formed model needs something the engine lacks */
  TSR_ERR_IO = 4,               /* a file could not be read */
  TSR_ERR_IMAGE = 5,            /* an image could not be decoded */
  TSR_ERR_INTERNAL = 6
} tsr_status;

typedef enum tsr_task { TSR_TASK_CLASSIFICATION = 0, TSR_TASK_SEGMENTATION = 1 } tsr_task;

#define TSR_ERROR_MESSAGE_SIZE 512

typedef struct tsr_error {
  tsr_status status;
  char message[TSR_ERROR_MESSAGE_SIZE]; /* NUL-terminated; truncated if longer */
} tsr_error;

typedef struct tsr_options {
  const char* backend; /* "ref" or "auto"; NULL means "auto" */
  int threads;         /* >= 1 */
} tsr_options;

typedef struct tsr_session tsr_session;

/* Defaults: backend "auto", 1 thread. */
void tsr_options_init(tsr_options* options);
const char* tsr_version(void);
/* A fixed English name of a status, e.g. "invalid model". */
const char* tsr_status_string(tsr_status status);

/* Loads, verifies, optimises and plans the model. options may be NULL (defaults).
 * On failure *out is set to NULL. */
tsr_status tsr_session_create(const char* path, const tsr_options* options, tsr_session** out, tsr_error* err);
/* NULL is accepted. */
void tsr_session_destroy(tsr_session* session);

size_t tsr_session_input_count(const tsr_session* session);
size_t tsr_session_output_count(const tsr_session* session);
/* Name and shape of input/output i; the pointers stay valid as long as the session.
 * Return NULL (and *rank = 0) when i is out of range. */
const char* tsr_session_input_name(const tsr_session* session, size_t i);
const char* tsr_session_output_name(const tsr_session* session, size_t i);
const int64_t* tsr_session_input_shape(const tsr_session* session, size_t i, size_t* rank);
const int64_t* tsr_session_output_shape(const tsr_session* session, size_t i, size_t* rank);

/* Writable buffer of input i (count floats): fill it, then run. NULL if out of range. */
float* tsr_session_input_data(tsr_session* session, size_t i, size_t* count);
/* Copies count floats into input i; count must equal the input's element count. */
tsr_status tsr_session_set_input(tsr_session* session, size_t i, const float* data, size_t count, tsr_error* err);
tsr_status tsr_session_run(tsr_session* session, tsr_error* err);
/* Output i of the last run (count floats), valid until the next run. NULL if out of range. */
const float* tsr_session_output_data(const tsr_session* session, size_t i, size_t* count);

/* What the model file says about itself. */
const char* tsr_session_model_name(const tsr_session* session);
tsr_task tsr_session_task(const tsr_session* session);
size_t tsr_session_label_count(const tsr_session* session);
const char* tsr_session_label(const tsr_session* session, size_t i); /* NULL if out of range */
float tsr_session_threshold(const tsr_session* session);
size_t tsr_session_arena_bytes(const tsr_session* session);

#ifdef __cplusplus
}
#endif

#endif /* TARSIER_TARSIER_H */
