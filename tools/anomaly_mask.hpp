#pragma once
// A segmentation verdict as pictures at the original image's size: the class map sampled back
// onto the image, the Lookout-style colour mask, and the overlay `tarsier run --overlay`
// writes.
//
// Colours: background is white (#FFFFFF), as in the ground-truth masks of Lookout for Vision
// manifests, so a predicted mask and a label mask use one convention. Anomaly class k (1-based,
// in the model's label order) gets the k-th colour of a fixed palette whose first entry is
// Lookout's default #23A436; the palette repeats after its end.
#include <cstdint>
#include <string>
#include <vector>

#include "image/image.hpp"
#include "verdict.hpp"

namespace tarsier::cli {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

inline constexpr Rgb kBackgroundColor{255, 255, 255};

Rgb anomaly_class_color(std::size_t anomaly_class);  // anomaly_class >= 1
std::string to_hex(Rgb color);                       // "#23A436"

// One class index per pixel (0 background), row-major.
struct ClassMap {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> classes;
};

// The verdict's class map (at the model's output resolution) sampled with nearest neighbour
// onto a width x height image. With `letterbox` the model saw the image centred on a square
// canvas (image/preprocess.hpp), so the padding is cut away rather than stretched.
ClassMap class_map_for_image(const SegmentationVerdict& verdict, int width, int height, bool letterbox);

// Percentage (0..100) of the map's pixels in each class, `classes` entries.
std::vector<double> class_percentages(const ClassMap& map, std::size_t classes);

// RGB image, each pixel its class colour.
Image color_mask(const ClassMap& map);

// The original image (gray or RGB) as RGB with anomalous pixels blended half-and-half with
// their class colour. The map must have the image's size.
Image overlay_mask(const Image& image, const ClassMap& map);

}  // namespace tarsier::cli
