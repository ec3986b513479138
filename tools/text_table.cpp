#include "text_table.hpp"

#include <algorithm>

namespace tarsier::cli {
namespace {

// Display width of UTF-8 text: code points, not bytes, so names like "grüß" align.
std::size_t display_width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

void TextTable::print(std::FILE* out, const std::string& indent) const {
  std::vector<std::size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  for (const auto& row : rows_) {
    std::string line = indent;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - display_width(row[c]), ' ');
      const bool right = std::find(right_.begin(), right_.end(), c) != right_.end();
      const bool last = c + 1 == row.size();
      line += right ? pad + row[c] : row[c] + (last ? "" : pad);
      if (!last) line += "  ";
    }
    std::fprintf(out, "%s\n", line.c_str());
  }
}

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

std::string format_count(std::int64_t value) {
  const double v = static_cast<double>(value);
  char buffer[32];
  if (value < 1000) {
    std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(value));
  } else if (value < 1000000) {
    std::snprintf(buffer, sizeof buffer, "%.3gk", v / 1e3);
  } else if (value < 1000000000) {
    std::snprintf(buffer, sizeof buffer, "%.3gM", v / 1e6);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3gG", v / 1e9);
  }
  return buffer;
}

std::string format_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024.0 && unit < 4) {
    v /= 1024.0;
    ++unit;
  }
  char buffer[64];
  if (unit == 0) {
    std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g %s", v, units[unit]);
  }
  return buffer;
}

}  // namespace tarsier::cli
