/* Classifies one input with a .tsr model through the C API.
 *
 *   tarsier_example_c model.tsr [input.f32]
 *
 * input.f32 holds the model's input tensor as raw little-endian float32 values (exactly
 * as many as the input has); without it the input is filled with 0.5. Prints each output
 * score and, for a classifier, the top label. Exit status 0 on success, else the
 * tsr_status of the failure. */
#include <stdio.h>
#include <stdlib.h>

#include <tarsier/tarsier.h>

static int fail(tsr_session* session, const tsr_error* err) {
  fprintf(stderr, "error (%s): %s\n", tsr_status_string(err->status), err->message);
  tsr_session_destroy(session);
  return (int)err->status;
}

static int read_input(const char* path, float* data, size_t count, tsr_error* err) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    snprintf(err->message, sizeof err->message, "cannot open input file '%s'", path);
    err->status = TSR_ERR_IO;
    return 0;
  }
  size_t got = fread(data, sizeof(float), count, f);
  int extra = fgetc(f) != EOF;
  fclose(f);
  if (got != count || extra) {
    snprintf(err->message, sizeof err->message, "input file '%s' must hold exactly %zu float32 values", path, count);
    err->status = TSR_ERR_INVALID_ARGUMENT;
    return 0;
  }
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s model.tsr [input.f32]\n", argv[0]);
    return 1;
  }
  tsr_options options;
  tsr_options_init(&options);
  tsr_session* session = NULL;
  tsr_error err;
  if (tsr_session_create(argv[1], &options, &session, &err) != TSR_OK) return fail(NULL, &err);

  size_t count = 0;
  float* input = tsr_session_input_data(session, 0, &count);
  if (!input) {
    fprintf(stderr, "error: the model has no input\n");
    tsr_session_destroy(session);
    return 1;
  }
  if (argc == 3) {
    if (!read_input(argv[2], input, count, &err)) return fail(session, &err);
  } else {
    for (size_t i = 0; i < count; ++i) input[i] = 0.5f;
  }
  if (tsr_session_run(session, &err) != TSR_OK) return fail(session, &err);

  size_t n = 0;
  const float* scores = tsr_session_output_data(session, 0, &n);
  printf("model: %s\n", tsr_session_model_name(session));
  if (tsr_session_task(session) == TSR_TASK_CLASSIFICATION) {
    size_t best = 0;
    for (size_t i = 0; i < n; ++i) {
      const char* label = tsr_session_label(session, i);
      printf("  %-12s %.6f\n", label ? label : "?", scores[i]);
      if (scores[i] > scores[best]) best = i;
    }
    const char* label = tsr_session_label(session, best);
    printf("top: %s (class %zu)\n", label ? label : "?", best);
  } else {
    size_t above = 0;
    for (size_t i = 0; i < n; ++i) above += scores[i] > tsr_session_threshold(session);
    printf("pixels above threshold %.3f: %zu of %zu\n", tsr_session_threshold(session), above, n);
  }
  tsr_session_destroy(session);
  return 0;
}
