#pragma once
// Builds small ONNX models in memory with the protobuf API, the way exporters lay them out.
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tarsier::test {

class OnnxBuilder {
 public:
  explicit OnnxBuilder(std::int64_t opset = 13);

  // dims: -1 marks a symbolic dimension.
  void input(const std::string& name, const std::vector<std::int64_t>& dims,
             int elem_type = onnx::TensorProto::FLOAT);
  void output(const std::string& name);
  void initializer(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<float>& values);
  void initializer_i64(const std::string& name, const std::vector<std::int64_t>& dims,
                       const std::vector<std::int64_t>& values);
  // A Constant node producing an int64 1-D tensor (what exporters emit for shapes).
  void constant_i64(const std::string& name, const std::vector<std::int64_t>& values, bool scalar = false);
  void constant_f32(const std::string& name, const std::vector<float>& values, bool scalar = false);

  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "");

  std::string bytes() const;
  onnx::ModelProto& model() { return model_; }

 private:
  onnx::ModelProto model_;
  int counter_ = 0;
};

void set_attr(onnx::NodeProto& node, const std::string& name, std::int64_t value);
void set_attr(onnx::NodeProto& node, const std::string& name, float value);
void set_attr(onnx::NodeProto& node, const std::string& name, const std::string& value);
void set_attr(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values);
void set_attr_floats(onnx::NodeProto& node, const std::string& name, const std::vector<float>& values);

onnx::TensorProto make_tensor_f32(const std::string& name, const std::vector<std::int64_t>& dims,
                                  const std::vector<float>& values, bool raw = true);
onnx::TensorProto make_tensor_i64(const std::string& name, const std::vector<std::int64_t>& dims,
                                  const std::vector<std::int64_t>& values);

// Deterministic pseudo-random floats in [lo, hi).
std::vector<float> random_floats(std::size_t n, std::uint32_t seed, float lo = -1.0f, float hi = 1.0f);

}  // namespace tarsier::test
