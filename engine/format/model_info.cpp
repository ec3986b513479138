#include <array>
#include <utility>

#include "format/model_info_names.hpp"

namespace tarsier {
namespace {

template <typename E, std::size_t N>
using NameTable = std::array<std::pair<E, const char*>, N>;

constexpr NameTable<Task, 2> kTasks{{{Task::Classification, "classification"}, {Task::Segmentation, "segmentation"}}};
constexpr NameTable<ColorOrder, 3> kColors{{{ColorOrder::RGB, "rgb"}, {ColorOrder::BGR, "bgr"}, {ColorOrder::Gray, "gray"}}};
constexpr NameTable<ResizeKind, 3> kResizes{
    {{ResizeKind::Bilinear, "bilinear"}, {ResizeKind::Nearest, "nearest"}, {ResizeKind::Area, "area"}}};
constexpr NameTable<Layout, 2> kLayouts{{{Layout::NCHW, "NCHW"}, {Layout::NHWC, "NHWC"}}};

template <typename E, std::size_t N>
const char* name_of(const NameTable<E, N>& table, E value) {
  for (const auto& [e, name] : table)
    if (e == value) return name;
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> parse(const NameTable<E, N>& table, std::string_view s) {
  for (const auto& [e, name] : table)
    if (s == name) return e;
  return std::nullopt;
}

}  // namespace

const char* to_string(Task t) { return name_of(kTasks, t); }
const char* to_string(ColorOrder c) { return name_of(kColors, c); }
const char* to_string(ResizeKind r) { return name_of(kResizes, r); }
const char* to_string(Layout l) { return name_of(kLayouts, l); }

std::optional<Task> parse_task(std::string_view s) { return parse(kTasks, s); }
std::optional<ColorOrder> parse_color_order(std::string_view s) { return parse(kColors, s); }
std::optional<ResizeKind> parse_resize_kind(std::string_view s) { return parse(kResizes, s); }
std::optional<Layout> parse_layout(std::string_view s) { return parse(kLayouts, s); }

}  // namespace tarsier
