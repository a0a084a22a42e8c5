// Map of a commune and its neighbours: GeoJSON outlines on a blank background (no tiles,
// works offline). Data comes from a json_script element; no inline script (CSP).
(function () {
  "use strict";
  var holder = document.getElementById("carte");
  var source = document.getElementById("carte-donnees");
  if (!holder || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(holder, { zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix(data.attribution || "");
  var styles = {
    commune: { color: "#0b4f8a", weight: 3, fillColor: "#2f80c9", fillOpacity: 0.45 },
    voisine: { color: "#5a6472", weight: 1, fillColor: "#d9dee5", fillOpacity: 0.6 }
  };
  var layer = L.geoJSON(data, {
    style: function (f) { return styles[f.properties.role] || styles.voisine; },
    onEachFeature: function (f, l) {
      var label = f.properties.nom + " (" + f.properties.code + ")";
      l.bindTooltip(label, { sticky: true });
      if (f.properties.role === "voisine") {
        l.on("click", function () { window.location.href = "/communes/" + f.properties.code + "/"; });
      }
    }
  }).addTo(map);
  var main = layer.getLayers().filter(function (l) { return l.feature.properties.role === "commune"; });
  var bounds = main.length ? main[0].getBounds() : layer.getBounds();
  map.fitBounds(bounds.pad(0.6));
  holder.setAttribute("data-loaded", "true");
}());
