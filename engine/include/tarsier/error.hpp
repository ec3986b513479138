#pragma once
#include <stdexcept>
#include <string>

namespace tarsier {

// What went wrong, coarse enough for the C API to return as a code.
enum class ErrorCode : int {
  Ok = 0,
  InvalidArgument = 1,   // a caller passed something unusable (bad shape, bad option)
  InvalidModel = 2,      // a .tsr file is damaged, inconsistent or hostile
  UnsupportedModel = 3,  // a well-formed model uses something the engine cannot run
  Io = 4,                // a file could not be read or written
  InvalidImage = 5,      // an image could not be decoded or is too large
  Internal = 6,
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace tarsier
