#include "scenarios/osm/utm.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <numbers>
#include <string_view>

#include "engine/error.h"
#include "scenarios/sumo/sumo_xml.h"

namespace parktwin::scenarios::osm {

NetProjection read_net_projection(const std::string& net_path) {
  const sumo::XmlFile f(net_path);
  const pugi::xml_node loc = f.root().child("location");
  if (!loc) f.fail(f.root(), "", "network has no <location>", "netconvert's <location>");
  const std::string proj = loc.attribute("projParameter").value();
  NetProjection p;
  const auto zone_at = proj.find("+zone=");
  if (proj.find("+proj=utm") == std::string::npos || zone_at == std::string::npos ||
      std::sscanf(proj.c_str() + zone_at + 6, "%d", &p.zone) != 1 || p.zone < 1 || p.zone > 60) {
    f.fail(loc, "location", "projection is not UTM", "projParameter \"+proj=utm +zone=N ...\"",
           sumo::quoted(proj));
  }
  p.south = proj.find("+south") != std::string::npos;
  const std::string offset = loc.attribute("netOffset").value();
  if (std::sscanf(offset.c_str(), "%lf,%lf", &p.offset_x, &p.offset_y) != 2) {
    f.fail(loc, "location", "bad netOffset", "x,y", sumo::quoted(offset));
  }
  return p;
}

geo::Vec2 project(const NetProjection& p, double lat_deg, double lon_deg) {
  constexpr double a = 6378137.0;            // WGS84 semi-major axis (m)
  constexpr double f = 1.0 / 298.257223563;  // flattening
  constexpr double k0 = 0.9996;              // UTM scale on the central meridian
  constexpr double e2 = f * (2.0 - f);       // eccentricity squared
  constexpr double ep2 = e2 / (1.0 - e2);
  constexpr double deg = std::numbers::pi / 180.0;
  const double phi = lat_deg * deg;
  const double lambda0 = (static_cast<double>(p.zone) * 6.0 - 183.0) * deg;
  const double s = std::sin(phi), c = std::cos(phi), t = std::tan(phi);
  const double n = a / std::sqrt(1.0 - e2 * s * s);
  const double T = t * t, C = ep2 * c * c, A = c * (lon_deg * deg - lambda0);
  const double e4 = e2 * e2, e6 = e4 * e2;
  const double m =
      a * ((1.0 - e2 / 4.0 - 3.0 * e4 / 64.0 - 5.0 * e6 / 256.0) * phi -
           (3.0 * e2 / 8.0 + 3.0 * e4 / 32.0 + 45.0 * e6 / 1024.0) * std::sin(2 * phi) +
           (15.0 * e4 / 256.0 + 45.0 * e6 / 1024.0) * std::sin(4 * phi) -
           (35.0 * e6 / 3072.0) * std::sin(6 * phi));
  const double A2 = A * A, A3 = A2 * A, A4 = A3 * A, A5 = A4 * A, A6 = A5 * A;
  const double easting = k0 * n *
                             (A + (1.0 - T + C) * A3 / 6.0 +
                              (5.0 - 18.0 * T + T * T + 72.0 * C - 58.0 * ep2) * A5 / 120.0) +
                         500000.0;
  double northing =
      k0 * (m + n * t *
                    (A2 / 2.0 + (5.0 - T + 9.0 * C + 4.0 * C * C) * A4 / 24.0 +
                     (61.0 - 58.0 * T + T * T + 600.0 * C - 330.0 * ep2) * A6 / 720.0));
  if (p.south) northing += 10000000.0;
  return {easting + p.offset_x, northing + p.offset_y};
}

}  // namespace parktwin::scenarios::osm
