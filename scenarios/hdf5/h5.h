#pragma once
// A thin layer over HDF5's C API (1.10): owned handles, attributes, whole columns and
// extendible [time, entity] series. Every failure becomes a parktwin::Error naming the file
// and the object; HDF5's own error printing is switched off.
//
// Thread use: Debian builds HDF5 thread-safe (one global lock); still, parktwin touches a
// file from one thread at a time (the recorder's writer thread while a run is recorded).

#include <hdf5.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace parktwin::h5 {

// An HDF5 identifier closed by the matching H5?close when the handle goes.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// Creates `path`, failing if it exists (a run never overwrites a file by itself).
Handle create_file(const std::string& path);
// Opens an existing file read-only (or for writing); Error "not an HDF5 file" when it is
// not one.
Handle open_file(const std::string& path, bool writable = false);
// Writes what is buffered to disk, so that a killed process leaves a readable file.
void flush(hid_t file, const std::string& path);

Handle create_group(hid_t parent, const std::string& name, const std::string& path);
Handle open_group(hid_t parent, const std::string& name, const std::string& path);
bool exists(hid_t parent, const std::string& name);
// Sets the end of the file HDF5 allocates from (its EOA) to at least the file's size, as
// `h5clear --increment` does: after a torn write the superblock may record an end before
// objects written past it.
void extend_to_file_size(const std::string& path);
// Whether every object of the file at `path` can be read (a write that failed half way, on a
// full disk or in a killed flush, can leave an object whose header was never written).
bool all_objects_readable(const std::string& path);
// Rewrites the file at `path` without its unreadable objects: every top-level object is copied
// (H5Ocopy) into a new file, except below `/checkpoint`, where only the group `keep` and the
// group's attributes are; the copy then replaces the file (rename). Error naming the file and
// the object when one that must be kept cannot be read.
void rewrite_without_damage(const std::string& path, const std::string& keep);
// Removes the link `name` (a group or dataset) from `parent`.
void remove_link(hid_t parent, const std::string& name, const std::string& path);

// Scalar attributes.
void write_attr(hid_t obj, const std::string& name, const std::string& value);
void write_attr(hid_t obj, const std::string& name, double value);
void write_attr(hid_t obj, const std::string& name, std::int64_t value);
void write_attr(hid_t obj, const std::string& name, std::uint64_t value);
std::string read_string_attr(hid_t obj, const std::string& name, const std::string& path);
double read_double_attr(hid_t obj, const std::string& name, const std::string& path);
// Any scalar attribute as text: strings as they are, numbers in their shortest exact form.
// Every reader refuses an attribute that holds more (or less) than one value.
std::string read_attr_text(hid_t obj, const std::string& name, const std::string& path);
// A whole number stored as an integer or as its text ("12"); anything else is an Error
// naming the file and the attribute ("/meta/threads").
std::int64_t read_int_attr(hid_t obj, const std::string& name, const std::string& path);
std::uint64_t read_uint_attr(hid_t obj, const std::string& name, const std::string& path);
bool attr_exists(hid_t obj, const std::string& name);
// Names of an object's attributes, in creation order.
std::vector<std::string> attr_names(hid_t obj);
// Removes every link and attribute of the group `group` (what a write cut off left in it).
void clear_group(hid_t group, const std::string& path);

// HDF5 native type for T.
template <class T>
hid_t native_type();

// A whole 1-D column (a static table's field).
template <class T>
void write_column(hid_t group, const std::string& name, std::span<const T> values);
void write_column(hid_t group, const std::string& name, std::span<const std::string> values);
template <class T>
std::vector<T> read_column(hid_t group, const std::string& name, const std::string& path);
// Rows [first, first + n) of a 1-D dataset.
template <class T>
std::vector<T> read_rows(hid_t group, const std::string& name, std::uint64_t first, std::uint64_t n,
                         const std::string& path);
// Row `row` of a 2-D dataset [rows, columns] (one sample of a [time, entity] series).
template <class T>
std::vector<T> read_row(hid_t group, const std::string& name, std::uint64_t row,
                        const std::string& path);
std::vector<std::string> read_strings(hid_t group, const std::string& name,
                                      const std::string& path);

// An extendible, chunked, deflate-compressed dataset that grows by one row per sample:
// [rows] when columns == 0 (a time axis or a network total), else [rows, columns].
class Series {
 public:
  Series() = default;
  Series(hid_t group, const std::string& name, hid_t type, std::size_t columns,
         std::size_t chunk_rows, const std::string& path);
  // Opens an existing series to append to, cut back to its first `keep_rows` rows (a resumed
  // run rewrites what came after its checkpoint). Error when it is shorter or of another
  // type or width.
  static Series reopen(hid_t group, const std::string& name, hid_t type, std::size_t columns,
                       std::size_t chunk_rows, std::size_t keep_rows, const std::string& path);

  // Appends one row of `columns` values (one value when columns == 0) of the series' type.
  // Rows are kept in memory until a chunk is full or write() is called.
  void append(const void* row);
  // Appends `n` rows at once (a sample's vehicles in a trajectory column): rows kept in
  // memory go first, then these straight from the caller's memory.
  void append_rows(const void* rows, std::size_t n);
  // Writes the rows kept in memory (a partial chunk at the end or before a flush).
  void write();
  std::size_t rows() const { return rows_ + pending_rows_; }

 private:
  Handle dataset_;
  hid_t type_ = H5I_INVALID_HID;  // a predefined native type: never closed
  std::size_t columns_ = 0;
  std::size_t rows_ = 0;  // written to the file
  std::size_t chunk_rows_ = 0;
  std::size_t row_bytes_ = 0;
  std::vector<unsigned char> pending_;  // chunk_rows_ rows, allocated once
  std::size_t pending_rows_ = 0;
  std::string where_;

  void write_rows(const void* rows, std::size_t n);
};

// One dataset of a file: its path and shape (inspect's listing).
struct DatasetInfo {
  std::string path;
  std::vector<std::uint64_t> shape;
  std::string type;  // "u32", "f64", "string", ...
};
// Every dataset below `object` (a file or a group), with paths relative to it ("/a/b").
std::vector<DatasetInfo> list_datasets(hid_t object);

// A 1-D byte dataset that can be rewritten with another length (a checkpoint's array).
void write_bytes(hid_t group, const std::string& name, std::span<const unsigned char> bytes,
                 const std::string& path);
std::vector<unsigned char> read_bytes(hid_t group, const std::string& name,
                                      const std::string& path);

}  // namespace parktwin::h5
