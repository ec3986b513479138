// Writes the fuzzer's seed corpus into the directory given on the command line: small
// valid .tsr files between them using every op (so mutations start from each op's
// attributes), in fp32 and fp16 storage. Each seed is read back first: a seed the
// reader refuses would only teach the fuzzer the error path.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include "format/tsr.hpp"
#include "small_model.hpp"

namespace {

using tarsier::Model;

void write(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  const std::pair<const char*, Model> seeds[] = {
      {"small", tarsier::test::make_small_model()}, {"shape_ops", tarsier::test::make_shape_ops_model()},
      {"weight_ops", tarsier::test::make_weight_ops_model()}};
  for (const auto& [name, model] : seeds) {
    for (auto storage : {tarsier::WeightStorage::F32, tarsier::WeightStorage::F16}) {
      const auto bytes = tarsier::write_tsr(model, {storage});
      try {
        tarsier::read_tsr(bytes);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "seed '%s' does not load: %s\n", name, e.what());
        return 1;
      }
      write(dir / (std::string(name) + (storage == tarsier::WeightStorage::F32 ? "_f32.tsr" : "_f16.tsr")), bytes);
    }
  }
  return 0;
}
