#pragma once
#include <string>
#include <string_view>

namespace tarsier::convert {

// Lower-case hex SHA-256 of the bytes (OpenSSL EVP), for the model's provenance.
std::string sha256_hex(std::string_view bytes);

}  // namespace tarsier::convert
