#pragma once
// Reference softmax along one axis of a float tensor viewed as [outer][axis_len][inner].
#include <cstdint>

namespace tarsier::ref {

// y = exp(x - max) / sum(exp(x - max)) along the middle axis (numerically stable).
// y may equal x.
void softmax(const float* x, float* y, std::int64_t outer, std::int64_t axis_len, std::int64_t inner);

}  // namespace tarsier::ref
