#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <map>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include <tarsier/error.hpp>

#include "svg_chart.hpp"

namespace tarsier::cli {
namespace {

struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;
};

bool valid_entities(const std::string& text) {
  static const std::regex entity("&(amp|lt|gt|quot|apos);");
  std::size_t at = 0;
  while ((at = text.find('&', at)) != std::string::npos) {
    std::smatch m;
    const std::string rest = text.substr(at, 6);
    if (!std::regex_search(rest, m, entity) || m.position(0) != 0) return false;
    ++at;
  }
  return true;
}

// A small XML reader, enough for what the charts write: it checks that tags balance, attributes
// are quoted, text and attribute values hold only the five predefined entities and no raw '<',
// and returns every start tag.
std::vector<Element> parse_xml(const std::string& xml) {
  std::vector<Element> elements;
  std::vector<std::string> open;
  std::size_t i = 0;
  if (xml.rfind("<?xml", 0) == 0) i = xml.find("?>") + 2;
  bool saw_root = false;
  while (i < xml.size()) {
    const std::size_t lt = xml.find('<', i);
    const std::string text = xml.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
    EXPECT_TRUE(valid_entities(text)) << "bad entity in text: " << text;
    EXPECT_TRUE(text.find('>') == std::string::npos) << "raw '>' in text: " << text;
    if (open.empty()) {
      EXPECT_TRUE(text.find_first_not_of(" \n") == std::string::npos) << "text outside root";
    }
    if (lt == std::string::npos) break;
    const std::size_t gt = xml.find('>', lt);
    if (gt == std::string::npos) {
      ADD_FAILURE() << "unterminated tag";
      return elements;
    }
    std::string tag = xml.substr(lt + 1, gt - lt - 1);
    i = gt + 1;
    if (tag.starts_with('/')) {
      const std::string name = tag.substr(1);
      if (open.empty() || open.back() != name) {
        ADD_FAILURE() << "closing </" << name << "> does not match";
        return elements;
      }
      open.pop_back();
      continue;
    }
    const bool self_closing = tag.ends_with('/');
    if (self_closing) tag.pop_back();
    static const std::regex name_re(R"(^([a-zA-Z][\w:-]*))");
    std::smatch m;
    if (!std::regex_search(tag, m, name_re)) {
      ADD_FAILURE() << "bad tag <" << tag << ">";
      return elements;
    }
    Element e{m[1].str(), {}};
    std::string rest = m.suffix().str();
    static const std::regex attr_re(R"(^\s+([\w:-]+)="([^"<]*)\")");
    while (std::regex_search(rest, m, attr_re)) {
      EXPECT_TRUE(valid_entities(m[2].str())) << m[2].str();
      EXPECT_TRUE(e.attributes.emplace(m[1].str(), m[2].str()).second) << "duplicate attribute " << m[1].str();
      rest = m.suffix().str();
    }
    EXPECT_TRUE(rest.find_first_not_of(" \n") == std::string::npos) << "junk in tag <" << tag << ">";
    if (open.empty()) {
      EXPECT_FALSE(saw_root) << "two root elements";
      saw_root = true;
    }
    elements.push_back(e);
    if (!self_closing) open.push_back(e.name);
  }
  EXPECT_TRUE(open.empty()) << "unclosed <" << (open.empty() ? "" : open.back()) << ">";
  EXPECT_TRUE(saw_root);
  return elements;
}

double number(const std::string& text) {
  double value = std::nan("");
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  EXPECT_TRUE(ec == std::errc() && end == text.data() + text.size()) << "not a number: '" << text << "'";
  return value;
}

// Every geometric attribute must be a plain finite number: NaN or inf would make the chart
// silently empty in a browser.
void expect_finite_geometry(const std::vector<Element>& elements) {
  static const std::vector<std::string> geometric = {"x",     "y",      "x1", "y1", "x2", "y2",
                                                     "width", "height", "cx", "cy", "r"};
  for (const Element& e : elements) {
    for (const std::string& a : geometric) {
      if (const auto it = e.attributes.find(a); it != e.attributes.end()) {
        EXPECT_TRUE(std::isfinite(number(it->second))) << e.name << " " << a << "=" << it->second;
      }
    }
    if (const auto it = e.attributes.find("points"); it != e.attributes.end()) {
      static const std::regex separator("[ ,]");
      const std::string& p = it->second;
      for (std::sregex_token_iterator t(p.begin(), p.end(), separator, -1), end; t != end; ++t) {
        EXPECT_TRUE(std::isfinite(number(t->str()))) << "points: " << p;
      }
    }
  }
}

std::vector<Element> with_class(const std::vector<Element>& elements, const std::string& cls) {
  std::vector<Element> out;
  for (const Element& e : elements) {
    if (const auto it = e.attributes.find("class"); it != e.attributes.end() && it->second == cls) out.push_back(e);
  }
  return out;
}

std::vector<Element> checked_histogram(const std::vector<double>& samples, const std::string& title = "latency") {
  const std::string svg = latency_histogram_svg(samples, title);
  std::vector<Element> elements = parse_xml(svg);
  expect_finite_geometry(elements);
  EXPECT_EQ(elements.at(0).name, "svg");
  EXPECT_EQ(elements.at(0).attributes["xmlns"], "http://www.w3.org/2000/svg");
  return elements;
}

TEST(LatencyHistogram, BarsHoldEverySampleAndMarksAreOrdered) {
  std::mt19937 rng(7);
  std::lognormal_distribution<double> latency(1.0, 0.3);
  std::vector<double> samples(500);
  for (double& s : samples) s = latency(rng);
  const std::vector<Element> elements = checked_histogram(samples);

  const std::vector<Element> bars = with_class(elements, "bar");
  ASSERT_FALSE(bars.empty());
  // Heights are proportional to counts, so each bar's share of the summed heights times the
  // number of samples must be a whole count.
  double total_height = 0;
  for (const Element& b : bars) total_height += number(b.attributes.at("height"));
  for (const Element& b : bars) {
    const double count = number(b.attributes.at("height")) / total_height * static_cast<double>(samples.size());
    EXPECT_GE(count, 0.95);
    EXPECT_NEAR(count, std::round(count), 0.05) << "bar height is not a whole count";
  }

  const auto x_of = [&](const std::string& cls) {
    const std::vector<Element> lines = with_class(elements, cls);
    EXPECT_EQ(lines.size(), 1u) << cls;
    return lines.empty() ? 0.0 : number(lines[0].attributes.at("x1"));
  };
  const double p50 = x_of("p50"), p90 = x_of("p90"), p99 = x_of("p99");
  EXPECT_LT(p50, p90);
  EXPECT_LT(p90, p99);
}

TEST(LatencyHistogram, TitleIsEscaped) {
  const std::string svg = latency_histogram_svg(std::vector<double>{1, 2, 3}, "a < b & \"c\"");
  EXPECT_NE(svg.find("a &lt; b &amp; &quot;c&quot;"), std::string::npos);
  EXPECT_EQ(svg.find("a < b"), std::string::npos);
  checked_histogram({1, 2, 3}, "a < b & \"c\" <script>");
}

TEST(LatencyHistogram, DegenerateInputsStayFinite) {
  const std::vector<Element> single = checked_histogram({4.2});
  EXPECT_EQ(with_class(single, "bar").size(), 1u);
  EXPECT_EQ(with_class(single, "p99").size(), 1u);
  const std::vector<Element> equal = checked_histogram(std::vector<double>(50, 0.75));
  EXPECT_EQ(with_class(equal, "bar").size(), 1u);
  checked_histogram({0.0});
  checked_histogram({0.0, 0.0});
  checked_histogram({1e-7, 2e-7});
  checked_histogram({1.0, 1000.0});
}

TEST(LatencyHistogram, BadSamplesThrow) {
  EXPECT_THROW(latency_histogram_svg({}, "t"), Error);
  EXPECT_THROW(latency_histogram_svg(std::vector<double>{1.0, std::nan("")}, "t"), Error);
  EXPECT_THROW(latency_histogram_svg(std::vector<double>{1.0, INFINITY}, "t"), Error);
}

// The hand-worked set of test_eval_metrics.cpp.
ClassificationMetrics sample_metrics() {
  const std::vector<double> scores = {0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.1};
  const bool labels[] = {true, true, false, true, false, false, true, false};
  return classification_metrics(scores, labels, 0.5);
}

std::vector<Element> checked_roc(std::span<const RocPoint> roc, double auc, double threshold,
                                 const std::string& title = "roc") {
  std::vector<Element> elements = parse_xml(roc_curve_svg(roc, auc, threshold, title));
  expect_finite_geometry(elements);
  return elements;
}

// The plot maps [0, 1] onto 360 pixels starting at (70, 50) from the top left.
std::pair<double, double> marker_rates(const std::vector<Element>& elements) {
  const std::vector<Element> marker = with_class(elements, "threshold");
  EXPECT_EQ(marker.size(), 1u);
  if (marker.empty()) return {-1, -1};
  return {(number(marker[0].attributes.at("cx")) - 70) / 360, (410 - number(marker[0].attributes.at("cy"))) / 360};
}

TEST(RocCurve, CurveAucAndMarkedPoint) {
  const ClassificationMetrics m = sample_metrics();
  const std::string svg = roc_curve_svg(m.roc, m.roc_auc, 0.6, "ROC");
  EXPECT_NE(svg.find("AUC = 0.750"), std::string::npos);
  const std::vector<Element> elements = checked_roc(m.roc, m.roc_auc, 0.6);
  const std::vector<Element> curve = with_class(elements, "roc");
  ASSERT_EQ(curve.size(), 1u);
  const std::string& points = curve[0].attributes.at("points");
  EXPECT_EQ(static_cast<std::size_t>(std::count(points.begin(), points.end(), ',')), m.roc.size());
  EXPECT_EQ(with_class(elements, "chance").size(), 1u);

  const auto [fpr, tpr] = marker_rates(elements);
  EXPECT_NEAR(fpr, 0.25, 1e-4);
  EXPECT_NEAR(tpr, 0.75, 1e-4);
}

TEST(RocCurve, MarkerBetweenScoresUsesTheNextThresholdUp) {
  const ClassificationMetrics m = sample_metrics();
  // 0.65 calls 0.9, 0.8, 0.7 anomalous: TPR 2/4, FPR 1/4, like threshold 0.7.
  auto [fpr, tpr] = marker_rates(checked_roc(m.roc, m.roc_auc, 0.65));
  EXPECT_NEAR(fpr, 0.25, 1e-4);
  EXPECT_NEAR(tpr, 0.5, 1e-4);
  std::tie(fpr, tpr) = marker_rates(checked_roc(m.roc, m.roc_auc, 5.0));
  EXPECT_NEAR(fpr, 0.0, 1e-4);
  EXPECT_NEAR(tpr, 0.0, 1e-4);
  std::tie(fpr, tpr) = marker_rates(checked_roc(m.roc, m.roc_auc, -1.0));
  EXPECT_NEAR(fpr, 1.0, 1e-4);
  EXPECT_NEAR(tpr, 1.0, 1e-4);
}

TEST(RocCurve, OneClassAbsentDrawsNoCurve) {
  const std::vector<double> scores = {0.1, 0.2};
  const bool labels[] = {false, false};
  const ClassificationMetrics m = classification_metrics(scores, labels, 0.5);
  const std::string svg = roc_curve_svg(m.roc, m.roc_auc, 0.5, "only normals & <nothing else>");
  EXPECT_NE(svg.find("AUC = n/a"), std::string::npos);
  EXPECT_NE(svg.find("only normals &amp; &lt;nothing else&gt;"), std::string::npos);
  const std::vector<Element> elements = checked_roc(m.roc, m.roc_auc, 0.5);
  EXPECT_TRUE(with_class(elements, "roc").empty());
  EXPECT_TRUE(with_class(elements, "threshold").empty());
}

TEST(RocCurve, AllTiedScores) {
  const std::vector<double> scores = {0.5, 0.5, 0.5};
  const bool labels[] = {true, false, true};
  const ClassificationMetrics m = classification_metrics(scores, labels, 0.5);
  const std::vector<Element> elements = checked_roc(m.roc, m.roc_auc, 0.5);
  const auto [fpr, tpr] = marker_rates(elements);
  EXPECT_NEAR(fpr, 1.0, 1e-4);
  EXPECT_NEAR(tpr, 1.0, 1e-4);
}

TEST(RocCurve, RatesOutsideTheUnitIntervalThrow) {
  const std::vector<RocPoint> bad = {{0.5, 0.0, 0.0}, {0.1, 1.5, 1.0}};
  EXPECT_THROW(roc_curve_svg(bad, 0.5, 0.5, "t"), Error);
  const std::vector<RocPoint> nan_point = {{0.5, std::nan(""), 0.0}};
  EXPECT_THROW(roc_curve_svg(nan_point, 0.5, 0.5, "t"), Error);
}

}  // namespace
}  // namespace tarsier::cli
