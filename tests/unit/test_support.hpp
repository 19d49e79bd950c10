#pragma once
// Helpers shared by the unit tests: data paths, temporary directories, expected errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <set>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tanba/base/error.hpp"
#include "tanba/base/file_io.hpp"

namespace test {

inline std::filesystem::path data(const std::string& rel) { return std::filesystem::path(TANBA_TEST_DATA) / rel; }

inline tanba::Bytes read(const std::string& rel) { return tanba::read_file(data(rel)); }

/// Rows of a tab-separated file, '#' lines skipped.
inline std::vector<std::vector<std::string>> tsv(const std::string& rel) {
    std::ifstream in(data(rel));
    REQUIRE(in.good());
    std::vector<std::vector<std::string>> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string col;
        while (std::getline(ss, col, '\t')) cols.push_back(col);
        rows.push_back(cols);
    }
    return rows;
}

/// A directory removed at scope exit.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() / ("tanba-test-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::filesystem::path operator/(const std::string& rel) const { return path / rel; }
};

/// Runs f and returns the code of the tanba::Error it throws (fails the test if none).
template <class F>
tanba::ErrorCode error_of(F&& f) {
    try {
        f();
    } catch (const tanba::Error& e) {
        return e.code();
    }
    FAIL("expected a tanba::Error");
    return tanba::ErrorCode::INTERNAL;
}

}  // namespace test
