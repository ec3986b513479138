// The C API over tarsier::Session. No exception crosses this boundary: each entry point
// catches everything and turns it into a status plus a message in the caller's tsr_error.
#include <tarsier/session.hpp>
#include <tarsier/tarsier.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

struct tsr_session {
  tarsier::Session session;
  std::vector<tarsier::TensorShape> inputs, outputs;  // stable storage for names and shapes
};

namespace {

void set_error(tsr_error* err, tsr_status status, const char* message) {
  if (!err) return;
  err->status = status;
  const std::size_t n = std::min(std::strlen(message), sizeof(err->message) - 1);
  std::memcpy(err->message, message, n);
  err->message[n] = '\0';
}

void clear_error(tsr_error* err) { set_error(err, TSR_OK, ""); }

tsr_status to_status(tarsier::ErrorCode code) {
  switch (code) {
    case tarsier::ErrorCode::Ok: return TSR_OK;
    case tarsier::ErrorCode::InvalidArgument: return TSR_ERR_INVALID_ARGUMENT;
    case tarsier::ErrorCode::InvalidModel: return TSR_ERR_INVALID_MODEL;
    case tarsier::ErrorCode::UnsupportedModel: return TSR_ERR_UNSUPPORTED;
    case tarsier::ErrorCode::Io: return TSR_ERR_IO;
    case tarsier::ErrorCode::InvalidImage: return TSR_ERR_IMAGE;
    case tarsier::ErrorCode::Internal: return TSR_ERR_INTERNAL;
  }
  return TSR_ERR_INTERNAL;
}

// Runs f, mapping any exception to a status and message.
template <typename F>
tsr_status guarded(tsr_error* err, F&& f) {
  try {
    f();
    clear_error(err);
    return TSR_OK;
  } catch (const tarsier::Error& e) {
    set_error(err, to_status(e.code()), e.what());
    return to_status(e.code());
  } catch (const std::bad_alloc&) {
    set_error(err, TSR_ERR_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    set_error(err, TSR_ERR_INTERNAL, e.what());
  } catch (...) {
    set_error(err, TSR_ERR_INTERNAL, "unknown error");
  }
  return TSR_ERR_INTERNAL;
}

const tarsier::TensorShape* port(const std::vector<tarsier::TensorShape>& ports, std::size_t i) {
  return i < ports.size() ? &ports[i] : nullptr;
}

const int64_t* shape_of(const tarsier::TensorShape* p, size_t* rank) {
  if (rank) *rank = p ? p->shape.size() : 0;
  return p ? p->shape.data() : nullptr;
}

}  // namespace

extern "C" {

void tsr_options_init(tsr_options* options) {
  if (!options) return;
  options->backend = "auto";
  options->threads = 1;
}

const char* tsr_version(void) { return TARSIER_VERSION; }

const char* tsr_status_string(tsr_status status) {
  switch (status) {
    case TSR_OK: return "ok";
    case TSR_ERR_INVALID_ARGUMENT: return "invalid argument";
    case TSR_ERR_INVALID_MODEL: return "invalid model";
    case TSR_ERR_UNSUPPORTED: return "unsupported model";
    case TSR_ERR_IO: return "i/o error";
    case TSR_ERR_IMAGE: return "invalid image";
    case TSR_ERR_INTERNAL: return "internal error";
  }
  return "unknown status";
}

tsr_status tsr_session_create(const char* path, const tsr_options* options, tsr_session** out, tsr_error* err) {
  if (out) *out = nullptr;
  if (!path || !out) {
    set_error(err, TSR_ERR_INVALID_ARGUMENT, "tsr_session_create: path and out must not be NULL");
    return TSR_ERR_INVALID_ARGUMENT;
  }
  return guarded(err, [&] {
    tarsier::SessionOptions opts;
    opts.backend = "auto";
    if (options) {
      if (options->backend) opts.backend = options->backend;
      opts.threads = options->threads;
    }
    tarsier::Session session(path, opts);
    auto inputs = session.inputs();
    auto outputs = session.outputs();
    auto handle = std::make_unique<tsr_session>(tsr_session{std::move(session), std::move(inputs), std::move(outputs)});
    *out = handle.release();  // ownership passes to the caller until tsr_session_destroy
  });
}

void tsr_session_destroy(tsr_session* session) { std::unique_ptr<tsr_session> owned(session); }

size_t tsr_session_input_count(const tsr_session* s) { return s ? s->inputs.size() : 0; }
size_t tsr_session_output_count(const tsr_session* s) { return s ? s->outputs.size() : 0; }

const char* tsr_session_input_name(const tsr_session* s, size_t i) {
  const auto* p = s ? port(s->inputs, i) : nullptr;
  return p ? p->name.c_str() : nullptr;
}

const char* tsr_session_output_name(const tsr_session* s, size_t i) {
  const auto* p = s ? port(s->outputs, i) : nullptr;
  return p ? p->name.c_str() : nullptr;
}

const int64_t* tsr_session_input_shape(const tsr_session* s, size_t i, size_t* rank) {
  return shape_of(s ? port(s->inputs, i) : nullptr, rank);
}

const int64_t* tsr_session_output_shape(const tsr_session* s, size_t i, size_t* rank) {
  return shape_of(s ? port(s->outputs, i) : nullptr, rank);
}

float* tsr_session_input_data(tsr_session* s, size_t i, size_t* count) {
  if (count) *count = 0;
  if (!s || i >= s->inputs.size()) return nullptr;
  const std::span<float> data = s->session.input(i);
  if (count) *count = data.size();
  return data.data();
}

tsr_status tsr_session_set_input(tsr_session* s, size_t i, const float* data, size_t count, tsr_error* err) {
  if (!s || !data) {
    set_error(err, TSR_ERR_INVALID_ARGUMENT, "tsr_session_set_input: session and data must not be NULL");
    return TSR_ERR_INVALID_ARGUMENT;
  }
  return guarded(err, [&] {
    const std::span<float> dst = s->session.input(i);
    if (count != dst.size())
      throw tarsier::Error(tarsier::ErrorCode::InvalidArgument,
                           "input '" + s->inputs[i].name + "' holds " + std::to_string(dst.size()) +
                               " floats, got " + std::to_string(count));
    std::copy_n(data, count, dst.data());
  });
}

tsr_status tsr_session_run(tsr_session* s, tsr_error* err) {
  if (!s) {
    set_error(err, TSR_ERR_INVALID_ARGUMENT, "tsr_session_run: session must not be NULL");
    return TSR_ERR_INVALID_ARGUMENT;
  }
  return guarded(err, [&] { s->session.run(); });
}

const float* tsr_session_output_data(const tsr_session* s, size_t i, size_t* count) {
  if (count) *count = 0;
  if (!s || i >= s->outputs.size()) return nullptr;
  const std::span<const float> data = s->session.output(i);
  if (count) *count = data.size();
  return data.data();
}

const char* tsr_session_model_name(const tsr_session* s) { return s ? s->session.info().name.c_str() : nullptr; }

tsr_task tsr_session_task(const tsr_session* s) {
  return s && s->session.info().task == tarsier::Task::Segmentation ? TSR_TASK_SEGMENTATION
                                                                     : TSR_TASK_CLASSIFICATION;
}

size_t tsr_session_label_count(const tsr_session* s) { return s ? s->session.info().labels.size() : 0; }

const char* tsr_session_label(const tsr_session* s, size_t i) {
  if (!s || i >= s->session.info().labels.size()) return nullptr;
  return s->session.info().labels[i].c_str();
}

float tsr_session_threshold(const tsr_session* s) { return s ? s->session.info().threshold : 0.0f; }
size_t tsr_session_arena_bytes(const tsr_session* s) { return s ? s->session.arena_bytes() : 0; }

}  // extern "C"
