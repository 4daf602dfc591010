#pragma once
// A window on the screen that shows a SceneView under Dear ImGui panels: GLFW for the window
// and input, a Vulkan swapchain (two frames in flight), the same two scene passes as the
// offscreen renderer, then ImGui's draw lists in the same render pass. No GLFW or Vulkan type
// appears here (STYLE.md 13d): callers draw their panels with ImGui:: between begin_frame()
// and draw().

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "render/camera.h"

namespace parktwin::render {

struct WindowOptions {
  int width = 1280, height = 720;
  std::string title = "parktwin";
  bool validation = false;  // the Khronos validation layer, when installed
  bool prefer_cpu = false;  // lavapipe even where a GPU is
};

// What the user did since the last frame, for the camera; zero where the UI took the mouse.
struct WindowInput {
  double scroll = 0.0;                        // wheel steps, up positive
  double drag_x_px = 0.0, drag_y_px = 0.0;    // left button held: pan
  double orbit_x_px = 0.0, orbit_y_px = 0.0;  // right button (or shift and left) held: turn
  bool clicked = false;                       // left button pressed and let go in place
  double cursor_x_px = 0.0, cursor_y_px = 0.0;
  // Keys pressed since the last frame (not held), none while a panel takes the keyboard.
  bool fit_pressed = false;      // F: the whole scene from above
  bool space_pressed = false;    // space bar: play / pause
  bool close_pressed = false;    // C: close (or reopen) the road inspected, as a what-if edit
  bool variant_pressed = false;  // V: run the variant with the edits
  bool save_pressed = false;     // S: save the edits as a what-if
  bool escape_pressed = false;   // Esc: close the inspector
};

// One picture in the window: a scene seen by a camera, in columns [x, x + width) of it (every
// row). Two side by side compare a baseline with its variant.
struct ScenePane {
  const SceneView* scene = nullptr;
  Camera camera;
  int x = 0, width = 0;
};

class ViewerWindow {
 public:
  // Throws parktwin::Error when there is no display to open a window on (naming DISPLAY)
  // or no Vulkan device can draw into it.
  explicit ViewerWindow(const WindowOptions& options);
  ~ViewerWindow();
  ViewerWindow(const ViewerWindow&) = delete;
  ViewerWindow& operator=(const ViewerWindow&) = delete;

  // False once the user closed the window (or close() was called).
  bool is_open() const;
  void close();
  // Polls input and starts an ImGui frame.
  WindowInput begin_frame();
  // Draws the scene, then the panels, and presents the frame.
  void draw(const SceneView& scene, const Camera& camera);
  // The same with one or two panes (the first pane's background fills the window).
  void draw(std::span<const ScenePane> panes);
  // Size of the drawable area in pixels.
  int width() const;
  int height() const;
  const std::string& device_name() const;
  std::uint32_t validation_messages() const;
  std::string first_validation_message() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parktwin::render
