#pragma once
// Column-aligned text output and human-readable numbers for the CLI's reports.
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

namespace tarsier::cli {

class TextTable {
 public:
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void align_right(std::initializer_list<std::size_t> columns) { right_.assign(columns); }
  // Each row on one line, columns padded to their widest cell and separated by two spaces.
  void print(std::FILE* out, const std::string& indent = "") const;

 private:
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> right_;
};

std::string format_number(double value);           // up to 6 significant digits: 0.37, 1e-05
std::string format_count(std::int64_t value);      // 1234 -> "1.23k", 11689512 -> "11.7M"
std::string format_bytes(std::uint64_t bytes);     // 1536 -> "1.5 KiB", 100 -> "100 B"

}  // namespace tarsier::cli
