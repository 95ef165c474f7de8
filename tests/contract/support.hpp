#pragma once
// Helpers shared by the contract suites: a scratch directory per test and a
// way to mark an adapter's known, reported defect without hiding it.
#include <cstddef>
#include <filesystem>
#include <random>
#include <string>

#include <boost/test/unit_test.hpp>

namespace chronicle::contract {

// A fresh directory under the system temp dir, removed at the end.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           ("chronicle-contract-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::string sub(const std::string& name) const { return (path / name).string(); }
};

// Every byte of a string literal, embedded NULs included (not the final one).
template <std::size_t N>
std::string bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

}  // namespace chronicle::contract

