#pragma once
// Reference constant Pad of a float tensor.
#include <cstdint>
#include <span>

namespace tarsier::ref {

// y has shape x_shape[d] + pads[d] + pads[rank + d]; positions outside x hold value.
// pads = all begins then all ends (ONNX order), each >= 0. Rank up to kernels::kMaxRank.
// y must not alias x.
void pad_constant(std::span<const std::int64_t> x_shape, const float* x, std::span<const std::int64_t> pads,
                  float value, float* y);

}  // namespace tarsier::ref
