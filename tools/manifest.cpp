#include "manifest.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include <nlohmann/json.hpp>

#include <tarsier/error.hpp>

#include "image/image_file.hpp"

namespace tarsier::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_image_name(const fs::path& path) {
  const std::string ext = lower(path.extension().string());
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

// Where one manifest line is, for error messages: "file.manifest:12".
struct LineContext {
  const fs::path& manifest;
  std::size_t line;
  std::string where() const { return manifest.string() + ":" + std::to_string(line); }
  [[noreturn]] void fail(ErrorCode code, const std::string& what) const { throw Error(code, where() + ": " + what); }
};

fs::path resolve(const std::string& ref, const LineContext& at, const std::optional<fs::path>& root) {
  if (ref.empty()) at.fail(ErrorCode::InvalidArgument, "an empty path");
  fs::path path;
  if (ref.rfind("s3://", 0) == 0) {
    if (!root) {
      at.fail(ErrorCode::InvalidArgument, "'" + ref +
                                              "' is an s3:// reference; pass --root DIR to map "
                                              "s3://bucket/key to DIR/bucket/key");
    }
    const fs::path key = ref.substr(5);
    // The key must stay inside the root: no absolute key, no ".." step.
    const bool inside = !key.empty() && key.is_relative() &&
                        std::none_of(key.begin(), key.end(), [](const fs::path& step) { return step == ".."; });
    if (!inside) at.fail(ErrorCode::InvalidArgument, "'" + ref + "' is not an s3://bucket/key reference under --root");
    path = *root / key;
  } else {
    path = fs::path(ref);
    if (path.is_relative()) path = at.manifest.parent_path() / path;
  }
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    at.fail(ErrorCode::Io, "'" + ref + "' (" + path.string() + ") is not an existing file");
  }
  return path;
}

const json* find_object(const json& line, const std::string& key) {
  const auto it = line.find(key);
  return it != line.end() && it->is_object() ? &*it : nullptr;
}

Rgb parse_hex(const std::string& text, const LineContext& at) {
  const bool ok = text.size() == 7 && text[0] == '#' && std::all_of(text.begin() + 1, text.end(), [](char c) {
                    return std::isxdigit(static_cast<unsigned char>(c));
                  });
  if (!ok) at.fail(ErrorCode::InvalidArgument, "'" + text + "' is not a #rrggbb colour");
  const auto channel = [&](int i) {
    return static_cast<std::uint8_t>(std::stoi(text.substr(1 + 2 * i, 2), nullptr, 16));
  };
  return {channel(0), channel(1), channel(2)};
}

// The classification label: the attribute X whose "X-metadata" object has a
// "class-name".
std::optional<bool> read_label(const json& line, const LineContext& at) {
  for (const auto& [key, value] : line.items()) {
    const std::string suffix = "-metadata";
    if (key.size() <= suffix.size() || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    if (!value.is_object() || !value.contains("class-name")) continue;
    const std::string attribute = key.substr(0, key.size() - suffix.size());
    if (!line.contains(attribute)) continue;
    const json& name = value["class-name"];
    if (!name.is_string()) at.fail(ErrorCode::InvalidArgument, "\"" + key + "\".\"class-name\" is not a string");
    const std::string cls = lower(name.get<std::string>());
    if (cls == "anomaly") return true;
    if (cls == "normal") return false;
    at.fail(ErrorCode::InvalidArgument,
            "\"" + key + "\" has class-name '" + name.get<std::string>() + "'; expected 'normal' or 'anomaly'");
  }
  return std::nullopt;
}

// The internal-color-map, background first ("BACKGROUND" by name, else index 0).
std::vector<MaskClass> read_color_map(const json& line, const LineContext& at) {
  const json* metadata = find_object(line, "anomaly-mask-ref-metadata");
  if (!metadata) return {};
  const json* map = find_object(*metadata, "internal-color-map");
  if (!map) at.fail(ErrorCode::InvalidArgument, "\"anomaly-mask-ref-metadata\" has no \"internal-color-map\" object");
  std::vector<std::pair<long, MaskClass>> indexed;
  for (const auto& [key, entry] : map->items()) {
    long index = 0;
    try {
      std::size_t used = 0;
      index = std::stol(key, &used);
      if (used != key.size()) throw std::invalid_argument(key);
    } catch (const std::exception&) {
      at.fail(ErrorCode::InvalidArgument, "internal-color-map key '" + key + "' is not a class index");
    }
    if (!entry.is_object() || !entry.contains("class-name") || !entry["class-name"].is_string() ||
        !entry.contains("hex-color") || !entry["hex-color"].is_string()) {
      at.fail(ErrorCode::InvalidArgument,
              "internal-color-map entry '" + key + "' needs \"class-name\" and \"hex-color\"");
    }
    indexed.push_back(
        {index, {entry["class-name"].get<std::string>(), parse_hex(entry["hex-color"].get<std::string>(), at)}});
  }
  if (indexed.empty()) at.fail(ErrorCode::InvalidArgument, "the internal-color-map is empty");
  std::sort(indexed.begin(), indexed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  const auto background =
      std::find_if(indexed.begin(), indexed.end(), [](const auto& e) { return lower(e.second.name) == "background"; });
  if (background != indexed.end()) std::rotate(indexed.begin(), background, background + 1);
  std::vector<MaskClass> classes;
  for (auto& e : indexed) classes.push_back(std::move(e.second));
  return classes;
}

std::vector<fs::path> sorted_images(const fs::path& dir, bool recursive) {
  std::vector<fs::path> files;
  const auto consider = [&](const fs::directory_entry& e) {
    if (e.is_regular_file() && is_image_name(e.path())) files.push_back(e.path());
  };
  if (recursive) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) consider(e);
  } else {
    for (const auto& e : fs::directory_iterator(dir)) consider(e);
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::vector<DatasetEntry> read_manifest(const fs::path& manifest, const std::optional<fs::path>& root) {
  std::ifstream in(manifest);
  std::error_code ec;
  if (!in || fs::is_directory(manifest, ec))
    throw Error(ErrorCode::Io, "cannot read manifest '" + manifest.string() + "'");
  std::vector<DatasetEntry> entries;
  std::string text;
  for (std::size_t number = 1; std::getline(in, text); ++number) {
    if (std::all_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }))
      continue;
    const LineContext at{manifest, number};
    json line;
    try {
      line = json::parse(text);
    } catch (const json::exception& e) {
      at.fail(ErrorCode::InvalidArgument, std::string("not a JSON object (") + e.what() + ")");
    }
    if (!line.is_object()) at.fail(ErrorCode::InvalidArgument, "not a JSON object");
    if (!line.contains("source-ref") || !line["source-ref"].is_string()) {
      at.fail(ErrorCode::InvalidArgument, "no \"source-ref\" string");
    }
    DatasetEntry entry;
    entry.line = number;
    entry.source_ref = line["source-ref"].get<std::string>();
    entry.image = resolve(entry.source_ref, at, root);
    entry.is_anomaly = read_label(line, at);
    if (line.contains("anomaly-mask-ref")) {
      if (!line["anomaly-mask-ref"].is_string())
        at.fail(ErrorCode::InvalidArgument, "\"anomaly-mask-ref\" is not a string");
      entry.mask = resolve(line["anomaly-mask-ref"].get<std::string>(), at, root);
      entry.mask_classes = read_color_map(line, at);
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<DatasetEntry> list_image_folder(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(ErrorCode::Io, "'" + dir.string() + "' is not a folder");
  std::vector<DatasetEntry> entries;
  for (const fs::path& file : sorted_images(dir, true)) {
    DatasetEntry e;
    e.source_ref = file.string();
    e.image = file;
    entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<DatasetEntry> read_labelled_folder(const fs::path& dir) {
  std::error_code ec;
  const bool has_normal = fs::is_directory(dir / "normal", ec);
  const bool has_anomaly = fs::is_directory(dir / "anomaly", ec);
  if (!has_normal && !has_anomaly) {
    throw Error(ErrorCode::Io, "'" + dir.string() + "' has neither a normal/ nor an anomaly/ folder");
  }
  std::vector<DatasetEntry> entries;
  for (const bool anomaly : {false, true}) {
    const fs::path sub = dir / (anomaly ? "anomaly" : "normal");
    if (!fs::is_directory(sub, ec)) continue;
    for (const fs::path& file : sorted_images(sub, false)) {
      DatasetEntry e;
      e.source_ref = file.string();
      e.image = file;
      e.is_anomaly = anomaly;
      const fs::path mask = dir / "masks" / (file.stem().string() + ".png");
      if (fs::is_regular_file(mask, ec)) e.mask = mask;
      entries.push_back(std::move(e));
    }
  }
  return entries;
}

BinaryMask read_truth_mask(const fs::path& mask, const std::vector<MaskClass>& classes) {
  const Image image = read_image(mask);
  BinaryMask out{
      image.width, image.height, std::vector<std::uint8_t>(static_cast<std::size_t>(image.width) * image.height), {}};
  const std::size_t pixels = out.anomaly.size();
  if (image.channels == 1) {
    const std::uint8_t background =
        classes.empty() ? 0
                        : static_cast<std::uint8_t>((classes[0].color.r + classes[0].color.g + classes[0].color.b) / 3);
    for (std::size_t i = 0; i < pixels; ++i) out.anomaly[i] = image.pixels[i] != background;
    return out;
  }
  const auto rgb = [&](std::size_t i) {
    return Rgb{image.pixels[3 * i], image.pixels[3 * i + 1], image.pixels[3 * i + 2]};
  };
  Rgb background = classes.empty() ? kBackgroundColor : classes[0].color;
  if (classes.empty()) {
    // A black-and-white mask with some black is a binary mask (white = defect).
    bool binary = true, any_black = false;
    for (std::size_t i = 0; i < pixels && binary; ++i) {
      const Rgb c = rgb(i);
      any_black = any_black || c == Rgb{0, 0, 0};
      binary = c == Rgb{0, 0, 0} || c == Rgb{255, 255, 255};
    }
    if (binary && any_black) background = Rgb{0, 0, 0};
  }
  for (std::size_t i = 0; i < pixels; ++i) out.anomaly[i] = !(rgb(i) == background);
  if (!classes.empty() && classes.size() < kUnknownClass) {
    out.classes.assign(pixels, kUnknownClass);
    for (std::size_t i = 0; i < pixels; ++i) {
      const Rgb c = rgb(i);
      for (std::size_t k = 0; k < classes.size(); ++k) {
        if (classes[k].color == c) {
          out.classes[i] = static_cast<std::uint8_t>(k);
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace tarsier::cli
