#include "render/what_if_panel.h"

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cmath>

#include "render/palette.h"

namespace parktwin::render {

namespace {

ImVec4 colour_of(Rgba8 c) { return {c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, 1.0f}; }

}  // namespace

WhatIfCommands what_if_panel(const WhatIfView& v, float& factor, std::string& save_path,
                             int window_width) {
  WhatIfCommands c;
  ImGui::SetNextWindowPos({static_cast<float>(window_width) - 10.0f, 10.0f}, ImGuiCond_FirstUseEver,
                          {1.0f, 0.0f});
  // Sized to its content: the list of edits grows and shrinks.
  ImGui::Begin("What-if", nullptr, ImGuiWindowFlags_AlwaysAutoResize);
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
  ImGui::TextUnformatted(
      "Click a road or junction to close it or retime its signal; edits act from the "
      "moment they are made.");
  ImGui::SetNextItemWidth(160);
  ImGui::SliderFloat("##factor", &factor, 0.0f, 3.0f, "demand x%.2f");
  ImGui::SameLine();
  if (ImGui::Button("Apply from now")) c.demand_factor = factor;
  if (v.edits.empty()) {
    ImGui::TextDisabled("no edits yet");
  } else {
    for (std::size_t i = 0; i < v.edits.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      if (ImGui::SmallButton("x")) c.remove_edit = i;
      ImGui::PopID();
      ImGui::SameLine();
      ImGui::TextUnformatted(v.edits[i].c_str());
    }
  }
  ImGui::BeginDisabled(v.edits.empty());
  if (ImGui::Button(v.variant_on ? "Re-run variant" : "Run variant from now")) {
    c.run_variant = true;
  }
  ImGui::EndDisabled();
  if (v.variant_on) {
    ImGui::SameLine();
    if (ImGui::Button("Close variant")) c.drop_variant = true;
    if (v.catch_up < 1.0) {
      ImGui::ProgressBar(static_cast<float>(v.catch_up), {-1, 0}, "variant catching up");
    } else if (v.edits_changed) {
      ImGui::TextColored(colour_of(palette::kRedLight), "edits changed: re-run to see them");
    }
  }
  ImGui::BeginDisabled(!v.can_save || v.edits.empty());
  ImGui::SetNextItemWidth(260);
  ImGui::InputText("##path", &save_path);
  ImGui::SameLine();
  if (ImGui::Button("Save what-if")) c.save = true;
  ImGui::EndDisabled();
  if (!v.can_save) ImGui::TextDisabled("(a replay of a run without a manifest cannot be saved)");
  if (!v.status.empty()) ImGui::TextUnformatted(v.status.c_str());
  ImGui::PopTextWrapPos();
  ImGui::End();
  return c;
}

void comparison_panel(std::span<const KpiComparison> kpis, int window_width, int window_height) {
  // Pinned to the bottom centre, over the divider, like a caption.
  ImGui::SetNextWindowPos(
      {static_cast<float>(window_width) * 0.5f, static_cast<float>(window_height) - 10.0f},
      ImGuiCond_Always, {0.5f, 1.0f});
  ImGui::SetNextWindowBgAlpha(0.85f);
  ImGui::Begin("Baseline vs variant", nullptr,
               ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove);
  if (ImGui::BeginTable("kpis", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
    for (const char* h : {"KPI", "baseline", "variant", "difference", "change"}) {
      ImGui::TableSetupColumn(h);
    }
    ImGui::TableHeadersRow();
    for (const KpiComparison& k : kpis) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(k.name.c_str());
      ImGui::TableNextColumn();
      if (k.known) {
        ImGui::Text("%s %s", fmt::format("{:.{}f}", k.baseline, k.decimals).c_str(),
                    k.unit.c_str());
      } else {
        ImGui::TextDisabled("n/a");
      }
      ImGui::TableNextColumn();
      ImGui::Text("%s %s", fmt::format("{:.{}f}", k.variant, k.decimals).c_str(), k.unit.c_str());
      ImGui::TableNextColumn();
      if (!k.known) continue;
      const double d = k.variant - k.baseline;
      const bool better = k.lower_is_better ? d < 0.0 : d > 0.0;
      const ImVec4 colour = d == 0.0
                                ? ImVec4(0.8f, 0.8f, 0.8f, 1.0f)
                                : colour_of(better ? palette::kGreenLight : palette::kRedLight);
      ImGui::TextColored(colour, "%s", fmt::format("{:+.{}f}", d, k.decimals).c_str());
      ImGui::TableNextColumn();
      if (k.baseline != 0.0) {
        ImGui::TextColored(colour, "%+.1f%%", 100.0 * d / std::abs(k.baseline));
      }
    }
    ImGui::EndTable();
  }
  ImGui::TextDisabled("left: baseline   right: variant   (same camera)");
  ImGui::End();
}

void split_divider(int x, int window_height) {
  // Behind the panels, over the scene.
  ImDrawList* bg = ImGui::GetBackgroundDrawList();
  const auto mid = static_cast<float>(x), bottom = static_cast<float>(window_height);
  constexpr ImU32 kInk = IM_COL32(230, 230, 230, 255);
  bg->AddLine({mid, 0.0f}, {mid, bottom}, kInk, 2.0f);
  bg->AddText({mid - 70.0f, 8.0f}, kInk, "baseline");
  bg->AddText({mid + 12.0f, 8.0f}, kInk, "variant");
}

}  // namespace parktwin::render
