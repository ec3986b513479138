#include "svg_chart.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <vector>

#include <tarsier/error.hpp>

#include "bench_stats.hpp"

namespace tarsier::cli {
namespace {

// Numbers are written with std::to_chars so that the output never depends on the C locale
// (a decimal comma would corrupt every coordinate).
std::string fixed(double value, int decimals) {
  decimals = std::clamp(decimals, 0, 9);
  // Values that round to zero print as "0.0", never "-0.0".
  if (std::abs(value) < 0.5 * std::pow(10.0, -decimals)) value = 0.0;
  std::array<char, 64> buffer{};
  const auto [end, ec] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "0";
  return std::string(buffer.data(), end);
}

std::string coord(double value) { return fixed(value, 2); }

// Enough decimals to tell latencies apart at the scale they have.
std::string milliseconds(double ms) {
  const double magnitude = std::abs(ms);
  return fixed(ms, magnitude < 1.0 ? 3 : magnitude < 100.0 ? 2 : 1);
}

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A tick spacing of 1, 2 or 5 times a power of ten giving about `target` intervals.
double nice_step(double range, int target) {
  const double rough = range / target;
  const double power = std::pow(10.0, std::floor(std::log10(rough)));
  for (const double factor : {1.0, 2.0, 5.0}) {
    if (rough <= factor * power) return factor * power;
  }
  return 10.0 * power;
}

int decimals_for_step(double step) { return std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9))); }

// The plotting area inside the margins, mapping data ranges to pixels (y grows downwards).
struct Frame {
  double left, top, width, height;
  double x_min, x_max, y_min, y_max;

  double x(double value) const { return left + (value - x_min) / (x_max - x_min) * width; }
  double y(double value) const { return top + height - (value - y_min) / (y_max - y_min) * height; }
  double bottom() const { return top + height; }
  double right() const { return left + width; }
};

std::string svg_open(int width, int height, const std::string& title) {
  const std::string w = std::to_string(width), h = std::to_string(height);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h +
         "\" font-family=\"sans-serif\" font-size=\"12\">\n"
         "<title>" +
         escape(title) + "</title>\n<rect x=\"0\" y=\"0\" width=\"" + w + "\" height=\"" + h +
         "\" fill=\"white\"/>\n<text x=\"" + coord(width / 2.0) +
         "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" + escape(title) + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, const std::string& attributes) {
  return "<line x1=\"" + coord(x1) + "\" y1=\"" + coord(y1) + "\" x2=\"" + coord(x2) + "\" y2=\"" + coord(y2) + "\" " +
         attributes + "/>\n";
}

std::string text(double x, double y, const std::string& anchor, const std::string& content,
                 const std::string& attributes = "") {
  return "<text x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" text-anchor=\"" + anchor + "\"" +
         (attributes.empty() ? "" : " " + attributes) + ">" + escape(content) + "</text>\n";
}

// Axes with ticks every `x_step` / `y_step` and their labels.
std::string axes(const Frame& f, double x_step, double y_step, const std::string& x_label, const std::string& y_label) {
  std::string out = "<g class=\"axes\" stroke=\"black\" stroke-width=\"1\">\n";
  out += line(f.left, f.bottom(), f.right(), f.bottom(), "");
  out += line(f.left, f.top, f.left, f.bottom(), "");
  out += "</g>\n<g class=\"ticks\">\n";
  const int x_decimals = decimals_for_step(x_step);
  for (double v = std::ceil(f.x_min / x_step - 1e-9) * x_step; v <= f.x_max + x_step * 1e-6; v += x_step) {
    out += line(f.x(v), f.bottom(), f.x(v), f.bottom() + 5, "stroke=\"black\"");
    out += text(f.x(v), f.bottom() + 18, "middle", fixed(v, x_decimals));
  }
  const int y_decimals = decimals_for_step(y_step);
  for (double v = std::ceil(f.y_min / y_step - 1e-9) * y_step; v <= f.y_max + y_step * 1e-6; v += y_step) {
    out += line(f.left - 5, f.y(v), f.left, f.y(v), "stroke=\"black\"");
    out += text(f.left - 8, f.y(v) + 4, "end", fixed(v, y_decimals));
  }
  out += "</g>\n";
  out += text(f.left + f.width / 2, f.bottom() + 38, "middle", x_label);
  out += text(16, f.top + f.height / 2, "middle", y_label,
              "transform=\"rotate(-90 16 " + coord(f.top + f.height / 2) + ")\"");
  return out;
}

}  // namespace

std::string latency_histogram_svg(std::span<const double> samples_ms, const std::string& title) {
  if (samples_ms.empty()) throw Error(ErrorCode::InvalidArgument, "latency histogram: no samples");
  for (const double v : samples_ms) {
    if (!std::isfinite(v)) throw Error(ErrorCode::InvalidArgument, "latency histogram: a sample is not finite");
  }
  std::vector<double> sorted(samples_ms.begin(), samples_ms.end());
  std::sort(sorted.begin(), sorted.end());

  // Equal samples (or a single one) would give a zero-width axis: widen it around the value.
  double low = sorted.front(), high = sorted.back();
  if (high - low <= 1e-9 * std::max(1.0, std::abs(high))) {
    const double pad = std::max(std::abs(low) * 0.05, 1e-3);
    low -= pad;
    high += pad;
  }
  // Rice's rule: enough bins to show a shape at a few hundred runs without noise at a few.
  const auto bins =
      static_cast<std::size_t>(std::clamp(std::ceil(2.0 * std::cbrt(static_cast<double>(sorted.size()))), 5.0, 60.0));
  const double bin_width = (high - low) / static_cast<double>(bins);
  std::vector<std::size_t> counts(bins, 0);
  for (const double v : sorted) {
    const auto bin = static_cast<std::size_t>(std::clamp((v - low) / bin_width, 0.0, static_cast<double>(bins - 1)));
    ++counts[bin];
  }
  const std::size_t tallest = *std::max_element(counts.begin(), counts.end());

  constexpr int width = 640, height = 400;
  const double y_step = std::max(1.0, std::round(nice_step(static_cast<double>(tallest), 5)));
  const Frame f{70, 60, width - 70 - 30, height - 60 - 60, low, high, 0, std::ceil(tallest / y_step) * y_step};

  std::string svg = svg_open(width, height, title);
  svg +=
      axes(f, nice_step(high - low, 6), y_step,
           "latency (ms), " + std::to_string(sorted.size()) + (sorted.size() == 1 ? " run" : " runs"), "runs per bin");
  svg += "<g class=\"bars\" fill=\"#4682b4\" stroke=\"white\" stroke-width=\"0.5\">\n";
  for (std::size_t b = 0; b < bins; ++b) {
    if (counts[b] == 0) continue;
    const double x0 = f.x(low + bin_width * static_cast<double>(b));
    const double x1 = f.x(low + bin_width * static_cast<double>(b + 1));
    const double y0 = f.y(static_cast<double>(counts[b]));
    svg += "<rect class=\"bar\" x=\"" + coord(x0) + "\" y=\"" + coord(y0) + "\" width=\"" + coord(x1 - x0) +
           "\" height=\"" + coord(f.bottom() - y0) + "\"/>\n";
  }
  svg += "</g>\n";

  struct Mark {
    const char* name;
    double percent;
    const char* color;
  };
  constexpr std::array<Mark, 3> marks{{{"p50", 50, "#2e8b57"}, {"p90", 90, "#ff8c00"}, {"p99", 99, "#b22222"}}};
  svg += "<g class=\"percentiles\">\n";
  for (const Mark& mark : marks) {
    const double x = f.x(percentile(sorted, mark.percent));
    svg += line(x, f.top, x, f.bottom(),
                "class=\"" + std::string(mark.name) + "\" stroke=\"" + mark.color +
                    "\" stroke-width=\"2\" stroke-dasharray=\"6 3\"");
  }
  // Values go in a legend drawn over the marks: they are often a few pixels apart.
  svg += "<rect class=\"legend\" x=\"" + coord(f.right() - 158) + "\" y=\"" + coord(f.top) +
         "\" width=\"150\" height=\"54\" fill=\"white\" fill-opacity=\"0.85\"/>\n";
  for (std::size_t i = 0; i < marks.size(); ++i) {
    const double legend_y = f.top + 14.0 + 16.0 * static_cast<double>(i);
    svg += line(f.right() - 150, legend_y - 4, f.right() - 130, legend_y - 4,
                "stroke=\"" + std::string(marks[i].color) + "\" stroke-width=\"2\" stroke-dasharray=\"6 3\"");
    svg += text(f.right() - 125, legend_y, "start",
                std::string(marks[i].name) + " " + milliseconds(percentile(sorted, marks[i].percent)) + " ms");
  }
  svg += "</g>\n</svg>\n";
  return svg;
}

std::string roc_curve_svg(std::span<const RocPoint> roc, double auc, double marked_threshold,
                          const std::string& title) {
  for (const RocPoint& p : roc) {
    const bool valid = std::isfinite(p.false_positive_rate) && std::isfinite(p.true_positive_rate) &&
                       p.false_positive_rate >= 0 && p.false_positive_rate <= 1 && p.true_positive_rate >= 0 &&
                       p.true_positive_rate <= 1;
    if (!valid) throw Error(ErrorCode::InvalidArgument, "ROC curve: a point's rates are outside [0, 1]");
  }
  constexpr int width = 460, height = 470;
  const Frame f{70, 50, 360, 360, 0, 1, 0, 1};
  std::string svg = svg_open(width, height, title);
  svg += axes(f, 0.2, 0.2, "false positive rate", "true positive rate");
  svg += line(f.x(0), f.y(0), f.x(1), f.y(1), "class=\"chance\" stroke=\"gray\" stroke-dasharray=\"4 4\"");

  if (roc.empty()) {
    svg += text(f.x(0.5), f.y(0.55), "middle", "no ROC curve: the set holds only one class");
  } else {
    svg += "<polyline class=\"roc\" fill=\"none\" stroke=\"#4682b4\" stroke-width=\"2\" points=\"";
    for (std::size_t i = 0; i < roc.size(); ++i) {
      // Appends, not "x" + string: GCC 12 gives a false -Wrestrict on the latter.
      if (i > 0) svg += ' ';
      svg += coord(f.x(roc[i].false_positive_rate));
      svg += ',';
      svg += coord(f.y(roc[i].true_positive_rate));
    }
    svg += "\"/>\n";
  }
  const std::string auc_text = std::isfinite(auc) ? fixed(auc, 3) : "n/a";
  svg += text(f.x(0.97), f.y(0.05), "end", "AUC = " + auc_text, "class=\"legend\" font-size=\"14\"");

  // Scores between two ROC thresholds classify like the next threshold above them, so the
  // operating point is the point with the lowest threshold still >= the marked one.
  if (!roc.empty() && !std::isnan(marked_threshold)) {
    // Above every threshold nothing is called anomalous: the (0,0) point.
    const RocPoint* point = &roc.front();
    for (const RocPoint& p : roc) {
      if (p.threshold >= marked_threshold && p.threshold <= point->threshold) point = &p;
    }
    const double x = f.x(point->false_positive_rate), y = f.y(point->true_positive_rate);
    svg += "<circle class=\"threshold\" cx=\"" + coord(x) + "\" cy=\"" + coord(y) +
           "\" r=\"5\" fill=\"#b22222\" stroke=\"white\"/>\n";
    const bool right_half = point->false_positive_rate > 0.6;
    svg +=
        text(right_half ? x - 8 : x + 8, y + (point->true_positive_rate > 0.9 ? 16 : -8), right_half ? "end" : "start",
             "threshold " + fixed(marked_threshold, 3) + " (FPR " + fixed(point->false_positive_rate, 3) + ", TPR " +
                 fixed(point->true_positive_rate, 3) + ")");
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace tarsier::cli
