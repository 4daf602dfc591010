#pragma once
// The bytes of a simulation's state arrays and scalars, for checkpoints: a checkpoint is read
// back by the same build on the same kind of machine (the run file's format_version and the
// git hash in /meta say which), so the in-memory representation is the stored one.

#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

namespace parktwin {

template <class T>
std::span<const unsigned char> raw_bytes(const T& scalar) {
  static_assert(std::is_trivially_copyable_v<T>);
  return {reinterpret_cast<const unsigned char*>(&scalar), sizeof(T)};
}

template <class T>
std::span<const unsigned char> raw_bytes(const std::vector<T>& values) {
  static_assert(std::is_trivially_copyable_v<T>);
  return {reinterpret_cast<const unsigned char*>(values.data()), values.size() * sizeof(T)};
}

// Assigns from bytes that raw_bytes gave; false (and nothing assigned) when their size does
// not fit T.
template <class T>
bool assign_raw(T& scalar, std::span<const unsigned char> bytes) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (bytes.size() != sizeof(T)) return false;
  std::memcpy(&scalar, bytes.data(), sizeof(T));
  return true;
}

template <class T>
bool assign_raw(std::vector<T>& values, std::span<const unsigned char> bytes) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (bytes.size() % sizeof(T) != 0) return false;
  values.resize(bytes.size() / sizeof(T));
  if (!bytes.empty()) std::memcpy(values.data(), bytes.data(), bytes.size());
  return true;
}

// Whether bytes of that size fit what the state holds now: a scalar's size, or a vector of
// the length it was sized to at init (an empty vector takes any length).
template <class T>
bool fits_current(const T&, std::size_t bytes) {
  return bytes == sizeof(T);
}

template <class T>
bool fits_current(const std::vector<T>& values, std::size_t bytes) {
  return values.empty() || bytes == values.size() * sizeof(T);
}

}  // namespace parktwin
