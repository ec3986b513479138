// Run-time ISA choice: "auto" takes the best the CPU has; TARSIER_ISA forces it, with a
// clear error for an unknown or unsupported value.
#include <cstdlib>
#include <tarsier/error.hpp>

#include "backend/registry.hpp"
#include "backend_x86/x86_test_util.hpp"
#include "scoped_env.hpp"

namespace tarsier::test {
namespace {

// Sets TARSIER_ISA for the scope, restoring the previous value.
class ScopedIsa : public ScopedEnv {
 public:
  explicit ScopedIsa(const char* value) : ScopedEnv("TARSIER_ISA", value) {}
};

TEST(IsaSelect, AutoIsTheBestAvailable) {
  ScopedIsa isa(nullptr);
  const auto backend = create_backend("auto");
  const std::string want = x86::has_isa(x86::Isa::Avx512) ? "avx512" : x86::has_isa(x86::Isa::Avx2) ? "avx2" : "ref";
  EXPECT_EQ(backend->name(), want);
}

TEST(IsaSelect, EnvironmentForcesTheChoice) {
  {
    ScopedIsa isa("ref");
    EXPECT_EQ(create_backend("auto")->name(), "ref");
  }
  if (x86::has_isa(x86::Isa::Avx2)) {
    ScopedIsa isa("avx2");
    EXPECT_EQ(create_backend("auto")->name(), "avx2");
  }
  {
    ScopedIsa isa("sse9");
    try {
      create_backend("auto");
      ADD_FAILURE() << "unknown TARSIER_ISA accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
      EXPECT_NE(std::string(e.what()).find("sse9"), std::string::npos);
    }
  }
  if (!x86::has_isa(x86::Isa::Avx512)) {
    ScopedIsa isa("avx512");
    EXPECT_THROW(create_backend("auto"), Error);
  }
}

}  // namespace
}  // namespace tarsier::test
