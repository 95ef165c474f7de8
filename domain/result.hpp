#pragma once
// result<T>: a value or a chronicle::error. Used for every expected failure;
// exceptions are reserved for what ends an operation unexpectedly.
#include <cassert>
#include <utility>
#include <variant>

#include "domain/errors.hpp"

namespace chronicle {

template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  result(error e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // REQUIRES: !ok()
  const error& err() const& { assert(!ok()); return std::get<1>(v_); }
  error&& err() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, error> v_;
};

template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(error e) : e_(std::move(e)), ok_(false) {}
  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const error& err() const& { assert(!ok_); return e_; }
  error&& err() && { assert(!ok_); return std::move(e_); }

 private:
  error e_;
  bool ok_ = true;
};

using status = result<void>;

}  // namespace chronicle
