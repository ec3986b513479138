#pragma once
// A one-line progress bar on stderr for batch commands, drawn only when stderr is a terminal so
// logs and pipes stay clean.
#include <cstddef>
#include <string>

namespace tarsier::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::size_t total);  // enabled when stderr is a terminal
  ~ProgressBar();                           // ends the line
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // One more item done; `label` (e.g. the file name) is shown after the count.
  void step(const std::string& label);
  // Wipes the bar so a line written to the same terminal is not mixed into it.
  void clear();

 private:
  std::size_t total_;
  std::size_t done_ = 0;
  bool enabled_;
};

}  // namespace tarsier::cli
