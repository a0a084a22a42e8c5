// Map of the CPTS territories under a signed ACI: communes coloured by the number of CPTS
// covering them (2 or more: overlap). Data from a json_script element (strict CSP).
(function () {
  "use strict";
  var holder = document.getElementById("carte");
  var source = document.getElementById("carte-donnees");
  if (!holder || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(holder, { zoomSnap: 0.25 });
  map.attributionControl.setPrefix("IGN ADMIN EXPRESS — Licence Ouverte");
  function style(f) {
    var n = f.properties.n;
    if (n > 1) { return { color: "#7a1f1f", weight: 1, fillColor: "#d9534f", fillOpacity: 0.7 }; }
    if (n === 1) { return { color: "#0b4f8a", weight: 1, fillColor: "#2f80c9", fillOpacity: 0.5 }; }
    return { color: "#5a6472", weight: 0.5, fillColor: "#d9dee5", fillOpacity: 0.5 };
  }
  var layer = L.geoJSON(data, {
    style: style,
    onEachFeature: function (f, l) {
      var label = f.properties.nom + (f.properties.cpts.length ? " — " + f.properties.cpts.join(", ") : " — non couverte");
      l.bindTooltip(label, { sticky: true });
    }
  }).addTo(map);
  if (layer.getLayers().length) { map.fitBounds(layer.getBounds()); } else { map.setView([46.5, 2.5], 5); }
  holder.setAttribute("data-loaded", "true");
}());
