#pragma once
// The fused tail of a producing op: y = act(acc + bias + residual).
// Shared by every backend so that a fused graph means the same on all ISAs.
#include <cmath>
#include <cstdint>
#include <limits>

namespace tarsier::kernels {

enum class Activation : std::uint8_t { None, Relu, Clip, LeakyRelu, Sigmoid };

struct Epilogue {
  Activation act = Activation::None;
  float alpha = 0.01f;  // LeakyRelu slope
  float clip_min = -std::numeric_limits<float>::infinity();
  float clip_max = std::numeric_limits<float>::infinity();
};

inline float apply_activation(const Epilogue& e, float v) {
  switch (e.act) {
    case Activation::None: return v;
    case Activation::Relu: return v > 0.0f ? v : 0.0f;
    case Activation::Clip: return v < e.clip_min ? e.clip_min : (v > e.clip_max ? e.clip_max : v);
    case Activation::LeakyRelu: return v >= 0.0f ? v : v * e.alpha;
    case Activation::Sigmoid: return 1.0f / (1.0f + std::exp(-v));
  }
  return v;
}

}  // namespace tarsier::kernels
