#pragma once
// Data sets for batch `tarsier run` and `tarsier eval`: SageMaker Ground Truth augmented
// manifests as Amazon Lookout for Vision used them (JSON Lines; see README "Manifests"), and
// the folder layout DIR/normal, DIR/anomaly, DIR/masks.
//
// Paths in "source-ref" / "anomaly-mask-ref" are absolute, relative to the manifest's folder,
// or s3://bucket/key, mapped to ROOT/bucket/key by `root` (without a root an s3:// reference is
// an error). Every error names the manifest and its line number.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "anomaly_mask.hpp"

namespace tarsier::cli {

struct MaskClass {
  std::string name;
  Rgb color;
};

struct DatasetEntry {
  std::string source_ref;                     // as written in the manifest (the path, for a folder)
  std::filesystem::path image;                // resolved local file
  std::optional<bool> is_anomaly;             // the label's class-name; absent when unlabelled
  std::optional<std::filesystem::path> mask;  // ground-truth mask, resolved
  // How to read the mask: its internal-color-map, background first. Empty for a folder mask:
  // then a gray PNG is anomalous where nonzero, an RGB one where not white.
  std::vector<MaskClass> mask_classes;
  std::size_t line = 0;  // 1-based manifest line; 0 for a folder entry
};

// Reads a manifest; blank lines are skipped. Throws Error(InvalidArgument) for
// malformed JSON, missing "source-ref", a label metadata without a usable
// "class-name", or an s3:// reference without `root`; Error(Io) when the
// manifest or a referenced file is missing. A line without a label attribute
// yields an unlabelled entry.
std::vector<DatasetEntry> read_manifest(const std::filesystem::path& manifest,
                                        const std::optional<std::filesystem::path>& root);

// Every .png/.jpg/.jpeg file under `dir` (recursively, extension case-insensitive), sorted by
// path, as unlabelled entries. Throws Error(Io) when `dir` is not a folder.
std::vector<DatasetEntry> list_image_folder(const std::filesystem::path& dir);

// DIR/normal/* and DIR/anomaly/* (images, sorted), labelled by folder, with
// DIR/masks/<stem>.png as the ground-truth mask where present. Throws Error(Io) when neither
// subfolder exists.
std::vector<DatasetEntry> read_labelled_folder(const std::filesystem::path& dir);

// Reads a ground-truth mask as 0 (background) / 1 (anomaly) per pixel.
struct BinaryMask {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> anomaly;
  // For an RGB mask read with a colour map: each pixel's index into that map (background
  // first, so 0), or kUnknownClass for a colour the map lacks. Empty otherwise.
  std::vector<std::uint8_t> classes;
};
inline constexpr std::uint8_t kUnknownClass = 255;
BinaryMask read_truth_mask(const std::filesystem::path& mask, const std::vector<MaskClass>& classes);

}  // namespace tarsier::cli
