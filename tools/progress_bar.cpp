#include "progress_bar.hpp"

#include <unistd.h>

#include <cstdio>

namespace tarsier::cli {

ProgressBar::ProgressBar(std::size_t total) : total_(total), enabled_(::isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
  if (enabled_ && done_ > 0) std::fputc('\n', stderr);
}

void ProgressBar::clear() {
  if (enabled_ && done_ > 0) std::fputs("\r\033[K", stderr);
}

void ProgressBar::step(const std::string& label) {
  ++done_;
  if (!enabled_ || total_ == 0) return;
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = done_ * kWidth / total_;
  const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
  // Long names are cut from the left: the file name matters more than its folder.
  const std::string shown = label.size() > 40 ? "..." + label.substr(label.size() - 37) : label;
  std::fprintf(stderr, "\r[%s] %zu/%zu %-40s", bar.c_str(), done_, total_, shown.c_str());
  std::fflush(stderr);
}

}  // namespace tarsier::cli
