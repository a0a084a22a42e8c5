// Zoning and scenario maps: GeoJSON outlines on a blank background (no tiles). Data comes
// from json_script elements; no inline script (CSP). Zone colours match access.css.
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var ZONE_COLOURS = {
    zip: "#c0392b", zac: "#e67e22", vivier: "#f1c40f", hors: "#9aa3ad", inconnu: "#ffffff"
  };

  function blankMap(holder) {
    var map = L.map(holder, { zoomSnap: 0.25, attributionControl: true });
    map.attributionControl.setPrefix("IGN ADMIN EXPRESS — Licence Ouverte");
    return map;
  }

  function zoningMap() {
    var holder = document.getElementById("carte-zonage");
    var source = document.getElementById("zonage-donnees");
    if (!holder || !source) { return; }
    var data = JSON.parse(source.textContent);
    var current = data.source || "officiel";
    var map = blankMap(holder);
    function style(feature) {
      var key = current === "simulation" ? "simulation_classe" : "officiel_classe";
      return {
        color: "#3b4450", weight: 1, fillOpacity: 0.8,
        fillColor: ZONE_COLOURS[feature.properties[key]] || ZONE_COLOURS.inconnu
      };
    }
    var layer = L.geoJSON(data, {
      style: style,
      onEachFeature: function (f, l) {
        var p = f.properties;
        var zone = current === "simulation" ? p.simulation_libelle : p.officiel_libelle;
        l.bindTooltip(function () {
          var label = current === "simulation"
            ? "simulation : " + (p.simulation_libelle || "—")
            : "officiel : " + (p.officiel_libelle || "—");
          var apl = (p.apl === null || p.apl === undefined) ? "" : " — APL " + p.apl.toFixed(2);
          return p.nom + " (" + p.code + ") — " + label + apl;
        }, { sticky: true });
        if (zone !== undefined && data.profession) {
          l.on("click", function () {
            window.location.href = "/accessibilite/communes/" + p.code + "/?profession=" +
              encodeURIComponent(data.profession);
          });
        }
      }
    }).addTo(map);
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds().pad(0.05)); }
    // The official / simulation toggle restyles the map at once (the form also reloads).
    document.querySelectorAll("input[name=source]").forEach(function (input) {
      input.addEventListener("change", function () {
        current = input.value;
        layer.setStyle(style);
        holder.setAttribute("data-source", current);
      });
    });
    holder.setAttribute("data-source", current);
    holder.setAttribute("data-loaded", "true");
  }

  function scenarioMap() {
    var holder = document.getElementById("carte-scenario");
    var source = document.getElementById("scenario-donnees");
    if (!holder || !source) { return; }
    var data = JSON.parse(source.textContent);
    var max = 0;
    data.features.forEach(function (f) { max = Math.max(max, Math.abs(f.properties.variation)); });
    var map = blankMap(holder);
    var layer = L.geoJSON(data, {
      style: function (f) {
        var v = f.properties.variation;
        var strength = max > 0 ? Math.min(1, Math.abs(v) / max) : 0;
        var colour = v > 0 ? "#1e8449" : (v < 0 ? "#a93226" : "#ffffff");
        return {
          color: f.properties.modifiee ? "#0b4f8a" : "#3b4450",
          weight: f.properties.modifiee ? 4 : 1,
          fillColor: colour,
          fillOpacity: v === 0 ? 0.4 : 0.25 + 0.65 * strength
        };
      },
      onEachFeature: function (f, l) {
        var v = f.properties.variation;
        l.bindTooltip(f.properties.nom + " (" + f.properties.code + ") : " +
          (v > 0 ? "+" : "") + v.toFixed(3), { sticky: true });
      }
    }).addTo(map);
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds().pad(0.05)); }
    holder.setAttribute("data-loaded", "true");
  }

  zoningMap();
  scenarioMap();
}());
