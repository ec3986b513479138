#include "graph/attributes.hpp"

#include <tarsier/error.hpp>

namespace tarsier {
namespace {
[[noreturn]] void wrong_type(std::string_view key, const char* wanted) {
  throw Error(ErrorCode::InvalidModel,
              "attribute '" + std::string(key) + "' should be " + wanted + " but has another type");
}
}  // namespace

void Attributes::erase(std::string_view key) {
  auto it = values_.find(key);
  if (it != values_.end()) values_.erase(it);
}

const AttrValue& Attributes::find(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw Error(ErrorCode::InvalidModel, "missing attribute '" + std::string(key) + "'");
  return it->second;
}

std::int64_t Attributes::get_int(std::string_view key) const {
  const auto* v = std::get_if<std::int64_t>(&find(key));
  if (!v) wrong_type(key, "an integer");
  return *v;
}

std::int64_t Attributes::get_int(std::string_view key, std::int64_t fallback) const {
  return has(key) ? get_int(key) : fallback;
}

double Attributes::get_float(std::string_view key) const {
  const AttrValue& v = find(key);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  wrong_type(key, "a number");
}

double Attributes::get_float(std::string_view key, double fallback) const {
  return has(key) ? get_float(key) : fallback;
}

const std::string& Attributes::get_string(std::string_view key) const {
  const auto* v = std::get_if<std::string>(&find(key));
  if (!v) wrong_type(key, "a string");
  return *v;
}

std::string Attributes::get_string(std::string_view key, std::string_view fallback) const {
  return has(key) ? get_string(key) : std::string(fallback);
}

const std::vector<std::int64_t>& Attributes::get_ints(std::string_view key) const {
  const auto* v = std::get_if<std::vector<std::int64_t>>(&find(key));
  if (!v) wrong_type(key, "a list of integers");
  return *v;
}

std::vector<std::int64_t> Attributes::get_ints(std::string_view key, std::vector<std::int64_t> fallback) const {
  return has(key) ? get_ints(key) : fallback;
}

std::vector<double> Attributes::get_floats(std::string_view key) const {
  const AttrValue& v = find(key);
  if (const auto* d = std::get_if<std::vector<double>>(&v)) return *d;
  if (const auto* i = std::get_if<std::vector<std::int64_t>>(&v)) return {i->begin(), i->end()};
  wrong_type(key, "a list of numbers");
}

std::vector<double> Attributes::get_floats(std::string_view key, std::vector<double> fallback) const {
  return has(key) ? get_floats(key) : fallback;
}

}  // namespace tarsier
