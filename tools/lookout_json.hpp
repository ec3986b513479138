#pragma once
// A prediction as the JSON of Amazon Lookout for Vision's DetectAnomalies result:
//   {"Source":{"Type":"direct"},"IsAnomalous":..,"Confidence":..,"AnomalyScore":..,
//    "AnomalyThreshold":.., "Anomalies":[..], "AnomalyMask":"<base64 PNG>",
//    "Tarsier":{..}}
// Anomalies and AnomalyMask only for segmentation models; Anomalies lists
// "background" first, then each anomaly class present (area > 0) in label
// order, TotalPercentageArea in percent of the original image. Everything
// Tarsier adds sits under "Tarsier", so the rest is exactly the API's shape.
#include <nlohmann/json.hpp>

#include <tarsier/model_info.hpp>

#include "predict.hpp"

namespace tarsier::cli {

nlohmann::ordered_json lookout_json(const Prediction& prediction, const ModelInfo& info);

}  // namespace tarsier::cli
