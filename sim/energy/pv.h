#pragma once
// Rooftop photovoltaics: the DC output of a PV array per kWp from the irradiance on its plane
// and the temperature of its cells, less the system's losses.
//
//  - Power: PVWatts v5, A. P. Dobos, "PVWatts Version 5 Manual", NREL/TP-6A20-62641 (2014):
//    P = P_dc0 (G_poa / 1000 W/m2) (1 + gamma (T_cell - 25 C)), gamma = -0.37 %/K (standard
//    modules), and 14 % system losses (soiling, shading, mismatch, wiring, connections,
//    light-induced degradation, nameplate, availability; the manual's default) with a 96 %
//    inverter.
//  - Cell temperature: D. Faiman, "Assessing the outdoor operating temperature of photovoltaic
//    modules", Progress in Photovoltaics 16 (2008) 307-315: T_cell = T_air + G / (U0 + U1 v),
//    U0 = 25 W/m2K, U1 = 6.84 W s/m3K (the defaults of IEC 61853-2 and pvlib).
//
// Roof arrays face south at 20 degrees (common on flat roofs around Shanghai); their plane's
// irradiance comes from the site's per-step Perez transposition (sim/buildings/solar_gains.h).

namespace parktwin::energy {

inline constexpr double kPvTiltDeg = 20.0, kPvAzimuthDeg = 180.0;

// Cell temperature (C) for plane-of-array irradiance (W/m2), air temperature (C), wind (m/s).
double pv_cell_temperature_c(double poa_w_m2, double air_c, double wind_mps);

// AC output (W) per kWp of modules.
double pv_output_w_per_kwp(double poa_w_m2, double air_c, double wind_mps);

}  // namespace parktwin::energy
