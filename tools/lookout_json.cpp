#include "lookout_json.hpp"

#include "base64.hpp"
#include "image/png_encode.hpp"

namespace tarsier::cli {

nlohmann::ordered_json lookout_json(const Prediction& prediction, const ModelInfo& info) {
  nlohmann::ordered_json j;
  j["Source"] = {{"Type", "direct"}};
  j["IsAnomalous"] = prediction.is_anomalous();
  nlohmann::ordered_json tarsier;
  if (prediction.classification) {
    const ClassificationVerdict& v = *prediction.classification;
    j["Confidence"] = v.confidence;
    j["AnomalyScore"] = v.anomaly_score;
    j["AnomalyThreshold"] = info.threshold;
    nlohmann::ordered_json scores = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < v.labels.size(); ++i) scores[v.labels[i]] = v.probabilities[i];
    tarsier["Label"] = v.label;
    tarsier["Scores"] = scores;
  } else {
    const SegmentationVerdict& v = prediction.segmentation.value();
    j["Confidence"] = v.confidence;
    j["AnomalyScore"] = v.anomaly_score;
    j["AnomalyThreshold"] = info.threshold;
    const ClassMap map = prediction.class_map(info);
    const std::vector<double> percent = class_percentages(map, v.class_names.size());
    nlohmann::ordered_json anomalies = nlohmann::ordered_json::array();
    anomalies.push_back({{"Name", "background"},
                         {"PixelAnomaly", {{"TotalPercentageArea", percent[0]}, {"Color", to_hex(kBackgroundColor)}}}});
    for (std::size_t c = 1; c < percent.size(); ++c) {
      if (percent[c] <= 0.0) continue;
      anomalies.push_back(
          {{"Name", v.class_names[c]},
           {"PixelAnomaly", {{"TotalPercentageArea", percent[c]}, {"Color", to_hex(anomaly_class_color(c))}}}});
    }
    j["Anomalies"] = anomalies;
    j["AnomalyMask"] = base64_encode(encode_png(color_mask(map)));
    tarsier["MaskSize"] = {{"Width", v.width}, {"Height", v.height}};
  }
  tarsier["LatencyMs"] = prediction.latency_ms;
  j["Tarsier"] = tarsier;
  return j;
}

}  // namespace tarsier::cli
