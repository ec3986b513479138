#pragma once
// The spellings of ModelInfo's enums in .tsr headers and on the command line; the
// to_string side is declared in <tarsier/model_info.hpp>.
#include <optional>
#include <string_view>

#include <tarsier/model_info.hpp>

namespace tarsier {

std::optional<Task> parse_task(std::string_view s);               // classification | segmentation
std::optional<ColorOrder> parse_color_order(std::string_view s);  // rgb | bgr | gray
std::optional<ResizeKind> parse_resize_kind(std::string_view s);  // bilinear | nearest | area
std::optional<Layout> parse_layout(std::string_view s);           // NCHW | NHWC

}  // namespace tarsier
