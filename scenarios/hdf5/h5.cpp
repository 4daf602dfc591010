#include "scenarios/hdf5/h5.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "engine/error.h"
#include "engine/input_file.h"

namespace parktwin::h5 {

namespace {

// HDF5 prints its error stack to stderr by default; parktwin reports errors itself. Nor does
// HDF5 close what is open at exit: after a write failed (a full disk), its own clean-up
// crashes closing the file again (seen 2026-12-07: SIGSEGV in H5F__close_cb at exit, after a
// clean error), and every file parktwin writes is closed by its owner before exit.
void quiet() {
  static const bool once = [] {
    H5dont_atexit();
    return true;
  }();
  (void)once;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

// The system's reason when the failure was a read or write of the file (HDF5's file driver
// records it in its error stack as "... error message = 'No space left on device' ..."), else
// "".
std::string system_reason() {
  std::string reason;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void* out) -> herr_t {
        auto& r = *static_cast<std::string*>(out);
        const std::string_view d = e->desc != nullptr ? e->desc : "";
        const std::string_view key = "error message = '";
        if (const auto at = d.find(key); r.empty() && at != std::string_view::npos) {
          const auto from = at + key.size();
          r = d.substr(from, d.find('\'', from) - from);
        }
        return 0;
      },
      &reason);
  return reason;
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  Error e("HDF5: " + what);
  e.in_file(path);
  if (std::string reason = system_reason(); !reason.empty()) e.found(reason);
  throw e;
}

hid_t check(hid_t id, const std::string& what, const std::string& path) {
  if (id < 0) fail(what, path);
  return id;
}

void check(herr_t status, const std::string& what, const std::string& path) {
  if (status < 0) fail(what, path);
}

// The name of the file an object lives in, for messages from attribute helpers.
std::string file_of(hid_t obj) {
  const ssize_t n = H5Fget_name(obj, nullptr, 0);
  if (n <= 0) return "(HDF5 object)";
  std::string name(static_cast<std::size_t>(n), '\0');
  H5Fget_name(obj, name.data(), name.size() + 1);
  return name;
}

Handle string_type() {
  Handle t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

// The names of a group's links, as far as they can be read.
std::vector<std::string> link_names(hid_t group) {
  std::vector<std::string> names;
  H5Literate(
      group, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr,
      [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
      },
      &names);
  return names;
}

template <class T>
void write_scalar_attr(hid_t obj, const std::string& name, hid_t type, const T& value) {
  quiet();
  if (H5Aexists(obj, name.c_str()) > 0) {
    // Rewritten in place when it has the type already: the object header keeps its layout, so
    // the flush that follows rewrites one header message where it lies. Deleting and creating
    // the attribute instead can move messages to a new continuation chunk, and a kill between
    // the flush's writes then leaves a header that points to a chunk never written (the
    // checkpoint's latest_slot, rewritten at every checkpoint; bench/torture_kill_resume.py).
    {
      Handle old(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
      Handle old_type(old.get() >= 0 ? H5Aget_type(old.get()) : -1);
      Handle old_space(old.get() >= 0 ? H5Aget_space(old.get()) : -1);
      if (old_type.get() >= 0 && old_space.get() >= 0 && H5Tequal(old_type.get(), type) > 0 &&
          H5Sget_simple_extent_type(old_space.get()) == H5S_SCALAR) {
        check(H5Awrite(old.get(), type, &value), "cannot write attribute '" + name + "'",
              file_of(obj));
        return;
      }
    }  // closed before it is deleted
    check(H5Adelete(obj, name.c_str()), "cannot replace attribute '" + name + "'", file_of(obj));
  }
  Handle space(H5Screate(H5S_SCALAR));
  Handle attr(check(H5Acreate2(obj, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    "cannot create attribute '" + name + "'", file_of(obj)));
  check(H5Awrite(attr.get(), type, &value), "cannot write attribute '" + name + "'", file_of(obj));
}

// "/meta/duration_s": the attribute's object inside its file, for messages.
std::string attr_field(hid_t obj, const std::string& name) {
  const ssize_t n = H5Iget_name(obj, nullptr, 0);
  std::string where(n > 0 ? static_cast<std::size_t>(n) : 0, '\0');
  if (n > 0) H5Iget_name(obj, where.data(), where.size() + 1);
  return (where.empty() || where.back() != '/' ? where + "/" : where) + name;
}

// Opens an attribute that must hold one value: an array read into one value would write past
// it, so a file (anyone's input) with one there is refused first.
Handle open_scalar_attr(hid_t obj, const std::string& name, const std::string& path) {
  Handle attr(
      check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "missing attribute '" + name + "'", path));
  const Handle space(H5Aget_space(attr.get()));
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n != 1 || H5Sget_simple_extent_type(space.get()) == H5S_NULL) {
    throw Error("wrong shape")
        .in_file(path)
        .field(attr_field(obj, name))
        .expected("a scalar")
        .found(fmt::format("{} values", n < 0 ? 0 : n));
  }
  return attr;
}

std::string type_name(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_STRING:
      return "string";
    case H5T_FLOAT:
      return fmt::format("f{}", H5Tget_size(type) * 8);
    case H5T_INTEGER:
      return fmt::format("{}{}", H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "i",
                         H5Tget_size(type) * 8);
    default:
      return "other";
  }
}

}  // namespace

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    o.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::reset() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      H5Fclose(id_);
      break;
    case H5I_GROUP:
      H5Gclose(id_);
      break;
    case H5I_DATASET:
      H5Dclose(id_);
      break;
    case H5I_DATASPACE:
      H5Sclose(id_);
      break;
    case H5I_DATATYPE:
      H5Tclose(id_);
      break;
    case H5I_ATTR:
      H5Aclose(id_);
      break;
    case H5I_GENPROP_LST:
      H5Pclose(id_);
      break;
    default:
      break;
  }
  id_ = H5I_INVALID_HID;
}

namespace {

// Crash consistency for files written while a run goes on (a run may be killed at any
// moment): metadata reaches the disk only in H5Fflush (no evictions from the metadata
// cache between flushes), and space freed in the file is never handed out again (a chunk
// rewritten elsewhere must not overwrite the place the last flushed index points to).
// Without these, one kill in about 80 left a chunk that no longer inflated.
Handle write_access(const std::string& path) {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5AC_cache_config_t cache{};
  cache.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  check(H5Pget_mdc_config(fapl.get(), &cache), "cannot read the metadata cache settings", path);
  cache.evictions_enabled = false;
  cache.incr_mode = H5C_incr__off;
  cache.flash_incr_mode = H5C_flash_incr__off;
  cache.decr_mode = H5C_decr__off;
  check(H5Pset_mdc_config(fapl.get(), &cache), "cannot set the metadata cache", path);
  return fapl;
}

}  // namespace

Handle create_file(const std::string& path) {
  quiet();
  if (std::filesystem::exists(path)) {
    throw Error("file exists").in_file(path).expected("a new file name (nothing is overwritten)");
  }
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE));
  check(H5Pset_file_space_strategy(fcpl.get(), H5F_FSPACE_STRATEGY_NONE, false, 1),
        "cannot set the file space strategy", path);
  const Handle fapl = write_access(path);
  return Handle(check(H5Fcreate(path.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get()),
                      "cannot create file", path));
}

Handle open_file(const std::string& path, bool writable) {
  quiet();
  require_input_file(path, "a parktwin run file (.h5)");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw Error("not an HDF5 file").in_file(path).expected("a parktwin run file (.h5)");
  }
  const Handle fapl = writable ? write_access(path) : Handle(H5Pcreate(H5P_FILE_ACCESS));
  return Handle(check(H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl.get()),
                      writable ? "cannot open file for writing" : "cannot open file", path));
}

void flush(hid_t file, const std::string& path) {
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot flush file", path);
}

Handle create_group(hid_t parent, const std::string& name, const std::string& path) {
  quiet();
  return Handle(check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      "cannot create group '" + name + "'", path));
}

Handle open_group(hid_t parent, const std::string& name, const std::string& path) {
  quiet();
  if (!exists(parent, name)) {
    throw Error("missing group").in_file(path).field(name).expected("a parktwin run file");
  }
  return Handle(
      check(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), "cannot open group '" + name + "'", path));
}

void extend_to_file_size(const std::string& path) {
  haddr_t eoa = 0;
  {
    const Handle file = open_file(path);
    check(H5Fget_eoa(file.get(), &eoa), "cannot read the end of the file", path);
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || eoa >= size) return;  // sound: nothing written (a refused resume leaves it as it was)
  const Handle file = open_file(path, /*writable=*/true);
  check(H5Fincrement_filesize(file.get(), 0), "cannot set the end of the file", path);
}

bool all_objects_readable(const std::string& path) {
  quiet();
  const Handle file = open_file(path);
  return H5Ovisit(
             file.get(), H5_INDEX_NAME, H5_ITER_NATIVE,
             [](hid_t, const char*, const H5O_info_t*, void*) -> herr_t { return 0; },
             nullptr) >= 0;
}

void rewrite_without_damage(const std::string& path, const std::string& keep) {
  quiet();
  const std::string copy = path + ".repair";
  std::error_code ignored;
  std::filesystem::remove(copy, ignored);
  {
    const Handle from = open_file(path);
    const Handle to = create_file(copy);
    const std::vector<std::string> names = link_names(from.get());
    const auto copy_object = [&](hid_t src, const std::string& name, hid_t dst) {
      check(H5Ocopy(src, name.c_str(), dst, name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
            "cannot copy '" + name + "' while repairing the file", path);
    };
    for (const std::string& name : names) {
      if (name == "kpi") {
        // A run being repaired did not finish; its KPIs are written again when it does.
        create_group(to.get(), name, copy);
        continue;
      }
      if (name != "checkpoint") {
        copy_object(from.get(), name, to.get());
        continue;
      }
      const Handle src = open_group(from.get(), name, path);
      const Handle dst = create_group(to.get(), name, copy);
      for (const std::string& attr : attr_names(src.get())) {
        write_attr(dst.get(), attr, read_int_attr(src.get(), attr, path));
      }
      if (!keep.empty()) copy_object(src.get(), keep, dst.get());
      for (const char* slot : {"slot0", "slot1"}) {  // both exist from a file's creation on
        if (slot != keep) create_group(dst.get(), slot, copy);
      }
    }
    flush(to.get(), copy);
  }
  std::filesystem::rename(copy, path);
}

void remove_link(hid_t parent, const std::string& name, const std::string& path) {
  quiet();
  check(H5Ldelete(parent, name.c_str(), H5P_DEFAULT), "cannot remove '" + name + "'", path);
}

bool exists(hid_t parent, const std::string& name) {
  quiet();
  // Each link of the path must exist in turn (H5Lexists fails on a missing intermediate).
  std::string prefix;
  std::size_t start = name.front() == '/' ? 1 : 0;
  if (start == 1) prefix = "/";
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('/', start), name.size());
    prefix += name.substr(start, end - start);
    if (H5Lexists(parent, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    prefix += '/';
    start = end + 1;
  }
  return true;
}

void write_attr(hid_t obj, const std::string& name, const std::string& value) {
  const Handle type = string_type();
  const char* text = value.c_str();
  write_scalar_attr(obj, name, type.get(), text);
}
void write_attr(hid_t obj, const std::string& name, double value) {
  write_scalar_attr(obj, name, H5T_NATIVE_DOUBLE, value);
}
void write_attr(hid_t obj, const std::string& name, std::int64_t value) {
  write_scalar_attr(obj, name, H5T_NATIVE_INT64, value);
}
void write_attr(hid_t obj, const std::string& name, std::uint64_t value) {
  write_scalar_attr(obj, name, H5T_NATIVE_UINT64, value);
}

std::string read_string_attr(hid_t obj, const std::string& name, const std::string& path) {
  quiet();
  const Handle attr = open_scalar_attr(obj, name, path);
  Handle type(H5Aget_type(attr.get()));
  if (H5Tget_class(type.get()) != H5T_STRING) {
    throw Error("attribute is not a string").in_file(path).field(name);
  }
  if (H5Tis_variable_str(type.get()) > 0) {
    const Handle mem = string_type();
    char* text = nullptr;
    check(H5Aread(attr.get(), mem.get(), &text), "cannot read attribute '" + name + "'", path);
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }
  std::string value(H5Tget_size(type.get()), '\0');
  check(H5Aread(attr.get(), type.get(), value.data()), "cannot read attribute '" + name + "'",
        path);
  value.resize(std::min(value.size(), value.find('\0')));
  return value;
}

double read_double_attr(hid_t obj, const std::string& name, const std::string& path) {
  quiet();
  const Handle attr = open_scalar_attr(obj, name, path);
  double value = 0.0;
  check(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value), "cannot read attribute '" + name + "'",
        path);
  return value;
}

std::string read_attr_text(hid_t obj, const std::string& name, const std::string& path) {
  quiet();
  const Handle attr = open_scalar_attr(obj, name, path);
  Handle type(H5Aget_type(attr.get()));
  switch (H5Tget_class(type.get())) {
    case H5T_STRING:
      return read_string_attr(obj, name, path);
    case H5T_INTEGER:
      if (H5Tget_sign(type.get()) == H5T_SGN_NONE) {
        std::uint64_t u = 0;
        check(H5Aread(attr.get(), H5T_NATIVE_UINT64, &u), "cannot read '" + name + "'", path);
        return std::to_string(u);
      } else {
        std::int64_t i = 0;
        check(H5Aread(attr.get(), H5T_NATIVE_INT64, &i), "cannot read '" + name + "'", path);
        return std::to_string(i);
      }
    case H5T_FLOAT: {
      double d = 0.0;
      check(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &d), "cannot read '" + name + "'", path);
      return fmt::format("{}", d);
    }
    default:
      return "(" + type_name(type.get()) + ")";
  }
}

namespace {
template <class T>
T read_whole_number_attr(hid_t obj, const std::string& name, const std::string& path,
                         const char* expected) {
  const std::string text = read_attr_text(obj, name, path);
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    throw Error("wrong type")
        .in_file(path)
        .field(attr_field(obj, name))
        .expected(expected)
        .found(fmt::format("\"{}\"", text.size() > 40 ? text.substr(0, 37) + "..." : text));
  }
  return value;
}
}  // namespace

std::int64_t read_int_attr(hid_t obj, const std::string& name, const std::string& path) {
  return read_whole_number_attr<std::int64_t>(obj, name, path, "an integer");
}

std::uint64_t read_uint_attr(hid_t obj, const std::string& name, const std::string& path) {
  return read_whole_number_attr<std::uint64_t>(obj, name, path, "a whole number >= 0");
}

bool attr_exists(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

std::vector<std::string> attr_names(hid_t obj) {
  std::vector<std::string> names;
  H5Aiterate2(
      obj, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  return names;
}

void clear_group(hid_t group, const std::string& path) {
  quiet();
  for (const std::string& name : link_names(group)) remove_link(group, name, path);
  for (const std::string& name : attr_names(group)) {
    check(H5Adelete(group, name.c_str()), "cannot remove attribute '" + name + "'", path);
  }
}

template <>
hid_t native_type<std::uint8_t>() {
  return H5T_NATIVE_UINT8;
}
template <>
hid_t native_type<std::uint16_t>() {
  return H5T_NATIVE_UINT16;
}
template <>
hid_t native_type<std::uint32_t>() {
  return H5T_NATIVE_UINT32;
}
template <>
hid_t native_type<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}
template <>
hid_t native_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
hid_t native_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}

namespace {

void write_column_raw(hid_t group, const std::string& name, hid_t type, std::size_t n,
                      const void* data) {
  quiet();
  const hsize_t dims[1] = {n};
  Handle space(H5Screate_simple(1, dims, nullptr));
  Handle dataset(check(
      H5Dcreate2(group, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      "cannot create dataset '" + name + "'", file_of(group)));
  if (n > 0) {
    check(H5Dwrite(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
          "cannot write dataset '" + name + "'", file_of(group));
  }
}

}  // namespace

template <class T>
void write_column(hid_t group, const std::string& name, std::span<const T> values) {
  write_column_raw(group, name, native_type<T>(), values.size(), values.data());
}

void write_column(hid_t group, const std::string& name, std::span<const std::string> values) {
  std::vector<const char*> text;
  text.reserve(values.size());
  for (const std::string& v : values) text.push_back(v.c_str());
  const Handle type = string_type();
  write_column_raw(group, name, type.get(), text.size(), text.data());
}

template <class T>
std::vector<T> read_column(hid_t group, const std::string& name, const std::string& path) {
  quiet();
  Handle dataset(
      check(H5Dopen2(group, name.c_str(), H5P_DEFAULT), "missing dataset '" + name + "'", path));
  Handle space(H5Dget_space(dataset.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  std::size_t n = 1;
  for (const hsize_t d : dims) n *= static_cast<std::size_t>(d);
  std::vector<T> values(n);
  if (n > 0) {
    check(H5Dread(dataset.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "cannot read dataset '" + name + "'", path);
  }
  return values;
}

template <class T>
std::vector<T> read_rows(hid_t group, const std::string& name, std::uint64_t first, std::uint64_t n,
                         const std::string& path) {
  quiet();
  Handle dataset(
      check(H5Dopen2(group, name.c_str(), H5P_DEFAULT), "missing dataset '" + name + "'", path));
  Handle file_space(H5Dget_space(dataset.get()));
  hsize_t size = 0;
  H5Sget_simple_extent_dims(file_space.get(), &size, nullptr);
  if (first + n > size) {
    throw Error("dataset is shorter than its index says")
        .in_file(path)
        .field(name)
        .expected(fmt::format("{} rows or more", first + n))
        .found(fmt::format("{} rows", size));
  }
  std::vector<T> values(n);
  if (n == 0) return values;
  const hsize_t start[1] = {first}, count[1] = {n};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
        "cannot select rows of '" + name + "'", path);
  Handle mem_space(H5Screate_simple(1, count, nullptr));
  check(H5Dread(dataset.get(), native_type<T>(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                values.data()),
        "cannot read rows of '" + name + "'", path);
  return values;
}

template <class T>
std::vector<T> read_row(hid_t group, const std::string& name, std::uint64_t row,
                        const std::string& path) {
  quiet();
  Handle dataset(
      check(H5Dopen2(group, name.c_str(), H5P_DEFAULT), "missing dataset '" + name + "'", path));
  Handle file_space(H5Dget_space(dataset.get()));
  hsize_t dims[2] = {0, 0};
  if (H5Sget_simple_extent_ndims(file_space.get()) != 2) {
    throw Error("dataset is not a [time, entity] series").in_file(path).field(name);
  }
  H5Sget_simple_extent_dims(file_space.get(), dims, nullptr);
  if (row >= dims[0]) {
    throw Error("dataset is shorter than its index says")
        .in_file(path)
        .field(name)
        .expected(fmt::format("{} rows or more", row + 1))
        .found(fmt::format("{} rows", dims[0]));
  }
  std::vector<T> values(dims[1]);
  if (values.empty()) return values;
  const hsize_t start[2] = {row, 0}, count[2] = {1, dims[1]};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
        "cannot select a row of '" + name + "'", path);
  Handle mem_space(H5Screate_simple(1, &count[1], nullptr));
  check(H5Dread(dataset.get(), native_type<T>(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                values.data()),
        "cannot read a row of '" + name + "'", path);
  return values;
}

std::vector<std::string> read_strings(hid_t group, const std::string& name,
                                      const std::string& path) {
  quiet();
  Handle dataset(
      check(H5Dopen2(group, name.c_str(), H5P_DEFAULT), "missing dataset '" + name + "'", path));
  Handle space(H5Dget_space(dataset.get()));
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<char*> text(static_cast<std::size_t>(std::max<hssize_t>(n, 0)), nullptr);
  const Handle type = string_type();
  if (!text.empty()) {
    check(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()),
          "cannot read dataset '" + name + "' as strings", path);
  }
  std::vector<std::string> values;
  values.reserve(text.size());
  for (char* t : text) values.emplace_back(t != nullptr ? t : "");
  if (!text.empty()) H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, text.data());
  return values;
}

#define PARKTWIN_H5_COLUMN(T)                                                                   \
  template void write_column<T>(hid_t, const std::string&, std::span<const T>);                 \
  template std::vector<T> read_column<T>(hid_t, const std::string&, const std::string&);        \
  template std::vector<T> read_rows<T>(hid_t, const std::string&, std::uint64_t, std::uint64_t, \
                                       const std::string&);                                     \
  template std::vector<T> read_row<T>(hid_t, const std::string&, std::uint64_t, const std::string&);
PARKTWIN_H5_COLUMN(std::uint8_t)
PARKTWIN_H5_COLUMN(std::uint16_t)
PARKTWIN_H5_COLUMN(std::uint32_t)
PARKTWIN_H5_COLUMN(std::uint64_t)
PARKTWIN_H5_COLUMN(std::int64_t)
PARKTWIN_H5_COLUMN(float)
PARKTWIN_H5_COLUMN(double)
#undef PARKTWIN_H5_COLUMN

Series::Series(hid_t group, const std::string& name, hid_t type, std::size_t columns,
               std::size_t chunk_rows, const std::string& path)
    : type_(type),
      columns_(columns),
      chunk_rows_(std::max<std::size_t>(chunk_rows, 1)),
      row_bytes_(H5Tget_size(type) * std::max<std::size_t>(columns, 1)),
      pending_(chunk_rows_ * row_bytes_),
      where_(path + ": " + name) {
  quiet();
  const int rank = columns == 0 ? 1 : 2;
  const hsize_t dims[2] = {0, columns};
  const hsize_t max_dims[2] = {H5S_UNLIMITED, columns};
  const hsize_t chunk[2] = {chunk_rows_, std::max<hsize_t>(columns, 1)};
  Handle space(H5Screate_simple(rank, dims, max_dims));
  Handle props(H5Pcreate(H5P_DATASET_CREATE));
  check(H5Pset_chunk(props.get(), rank, chunk), "cannot set chunks of '" + name + "'", path);
  H5Pset_shuffle(props.get());
  H5Pset_deflate(props.get(), 1);
  dataset_ = Handle(check(
      H5Dcreate2(group, name.c_str(), type, space.get(), H5P_DEFAULT, props.get(), H5P_DEFAULT),
      "cannot create dataset '" + name + "'", path));
}

Series Series::reopen(hid_t group, const std::string& name, hid_t type, std::size_t columns,
                      std::size_t chunk_rows, std::size_t keep_rows, const std::string& path) {
  quiet();
  Series s;
  s.type_ = type;
  s.columns_ = columns;
  s.chunk_rows_ = std::max<std::size_t>(chunk_rows, 1);
  s.row_bytes_ = H5Tget_size(type) * std::max<std::size_t>(columns, 1);
  s.pending_.resize(s.chunk_rows_ * s.row_bytes_);
  s.where_ = path + ": " + name;
  s.dataset_ = Handle(
      check(H5Dopen2(group, name.c_str(), H5P_DEFAULT), "missing dataset '" + name + "'", path));
  Handle space(H5Dget_space(s.dataset_.get()));
  Handle stored_type(H5Dget_type(s.dataset_.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  if (rank != (columns == 0 ? 1 : 2) || (columns > 0 && dims[1] != columns) ||
      H5Tget_size(stored_type.get()) != H5Tget_size(type) || dims[0] < keep_rows) {
    throw Error("series does not match the run")
        .in_file(path)
        .field(name)
        .expected(fmt::format("{} rows or more of {} columns", keep_rows, columns))
        .found(fmt::format("{} rows of {} columns", dims[0], rank == 2 ? dims[1] : 0));
  }
  const hsize_t cut[2] = {keep_rows, columns};
  check(H5Dset_extent(s.dataset_.get(), cut), "cannot cut back", s.where_);
  s.rows_ = keep_rows;
  return s;
}

void Series::append(const void* row) {
  std::memcpy(pending_.data() + pending_rows_ * row_bytes_, row, row_bytes_);
  if (++pending_rows_ == chunk_rows_) write();
}

void Series::append_rows(const void* rows, std::size_t n) {
  write();
  if (n > 0) write_rows(rows, n);
}

void Series::write() {
  if (pending_rows_ == 0) return;
  write_rows(pending_.data(), pending_rows_);
  pending_rows_ = 0;
}

void Series::write_rows(const void* rows, std::size_t n) {
  const hsize_t width = std::max<hsize_t>(columns_, 1);
  const hsize_t new_dims[2] = {rows_ + n, columns_};
  check(H5Dset_extent(dataset_.get(), new_dims), "cannot extend", where_);
  Handle file_space(H5Dget_space(dataset_.get()));
  const hsize_t start[2] = {rows_, 0};
  const hsize_t count[2] = {n, width};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
        "cannot select rows", where_);
  const hsize_t mem_dims[1] = {n * width};
  Handle mem_space(H5Screate_simple(1, mem_dims, nullptr));
  check(H5Dwrite(dataset_.get(), type_, mem_space.get(), file_space.get(), H5P_DEFAULT, rows),
        "cannot write rows", where_);
  rows_ += n;
}

std::vector<DatasetInfo> list_datasets(hid_t file) {
  quiet();
  struct Visit {
    hid_t file;
    std::vector<DatasetInfo> out;
  } visit{file, {}};
  H5Lvisit(
      file, H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        auto& v = *static_cast<Visit*>(data);
        // Opened by the name relative to the object visited; shown with a leading '/'.
        const std::string path = std::string("/") + name;
        if (H5Oexists_by_name(v.file, name, H5P_DEFAULT) <= 0) return 0;
        const hid_t id = H5Oopen(v.file, name, H5P_DEFAULT);
        if (id < 0) return 0;
        Handle object(id);
        if (H5Iget_type(id) != H5I_DATASET) return 0;
        Handle space(H5Dget_space(id));
        Handle type(H5Dget_type(id));
        const int rank = H5Sget_simple_extent_ndims(space.get());
        std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
        H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
        v.out.push_back(
            {path, std::vector<std::uint64_t>(dims.begin(), dims.end()), type_name(type.get())});
        return 0;
      },
      &visit);
  return visit.out;
}

void write_bytes(hid_t group, const std::string& name, std::span<const unsigned char> bytes,
                 const std::string& path) {
  quiet();
  const hsize_t size[1] = {bytes.size()};
  if (H5Lexists(group, name.c_str(), H5P_DEFAULT) <= 0) {
    // Chunks sized to the first write (most parts keep their size), 4 KiB to 64 KiB: a small
    // run's checkpoint parts no longer take 64 KiB each.
    const hsize_t chunk_bytes =
        std::clamp<hsize_t>(std::bit_ceil(std::max<hsize_t>(bytes.size(), 1)), 4096, 65536);
    const hsize_t zero[1] = {0}, unlimited[1] = {H5S_UNLIMITED}, chunk[1] = {chunk_bytes};
    Handle space(H5Screate_simple(1, zero, unlimited));
    Handle props(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_chunk(props.get(), 1, chunk);
    Handle created(check(H5Dcreate2(group, name.c_str(), H5T_NATIVE_UINT8, space.get(), H5P_DEFAULT,
                                    props.get(), H5P_DEFAULT),
                         "cannot create dataset '" + name + "'", path));
  }
  Handle dataset(check(H5Dopen2(group, name.c_str(), H5P_DEFAULT),
                       "cannot open dataset '" + name + "'", path));
  check(H5Dset_extent(dataset.get(), size), "cannot resize '" + name + "'", path);
  if (!bytes.empty()) {
    check(H5Dwrite(dataset.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()),
          "cannot write '" + name + "'", path);
  }
}

std::vector<unsigned char> read_bytes(hid_t group, const std::string& name,
                                      const std::string& path) {
  return read_column<std::uint8_t>(group, name, path);
}

}  // namespace parktwin::h5
