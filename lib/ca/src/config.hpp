#pragma once
#include <filesystem>

#include "tanba/ca/authority.hpp"

namespace tanba::ca {
/// Reads DIR/ca.toml. Throws CA_NOT_FOUND (absent), CONFIG_INVALID.
CaConfig read_config(const std::filesystem::path& dir);
/// Writes DIR/ca.toml.
void write_config(const std::filesystem::path& dir, const CaConfig& config);
/// An ASCII identifier for URLs from a CA name (falls back to the directory name).
std::string make_id(const std::string& name, const std::filesystem::path& dir);
}  // namespace tanba::ca
