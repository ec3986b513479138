#pragma once
// Typed node attributes. Getters throw Error(InvalidModel) naming the missing or
// mistyped key, so a damaged file cannot slip a wrong type into a kernel.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tarsier {

using AttrValue =
    std::variant<std::int64_t, double, std::string, std::vector<std::int64_t>, std::vector<double>>;

class Attributes {
 public:
  void set(std::string key, AttrValue value) { values_[std::move(key)] = std::move(value); }
  void erase(std::string_view key);
  bool has(std::string_view key) const { return values_.find(key) != values_.end(); }

  std::int64_t get_int(std::string_view key) const;
  std::int64_t get_int(std::string_view key, std::int64_t fallback) const;
  double get_float(std::string_view key) const;  // accepts an int value too
  double get_float(std::string_view key, double fallback) const;
  const std::string& get_string(std::string_view key) const;
  std::string get_string(std::string_view key, std::string_view fallback) const;
  const std::vector<std::int64_t>& get_ints(std::string_view key) const;
  std::vector<std::int64_t> get_ints(std::string_view key, std::vector<std::int64_t> fallback) const;
  std::vector<double> get_floats(std::string_view key) const;  // accepts ints too
  std::vector<double> get_floats(std::string_view key, std::vector<double> fallback) const;

  const std::map<std::string, AttrValue, std::less<>>& all() const { return values_; }
  bool operator==(const Attributes&) const = default;

 private:
  const AttrValue& find(std::string_view key) const;
  std::map<std::string, AttrValue, std::less<>> values_;
};

}  // namespace tarsier
