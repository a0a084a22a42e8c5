// CPTS drawing: clicking a commune on the map toggles it in the multiple <select>; the text
// field filters the list. Data comes from a json_script element (no inline script: CSP).
(function () {
  "use strict";
  var select = document.getElementById("id_communes");
  var filter = document.getElementById("filtre-communes");
  var count = document.querySelector("[data-selection-count]");
  if (!select) { return; }
  function options() { return Array.prototype.slice.call(select.options); }
  function showCount() {
    if (count) { count.textContent = options().filter(function (o) { return o.selected; }).length + " commune(s) choisie(s)"; }
  }
  if (filter) {
    filter.addEventListener("input", function () {
      var text = filter.value.trim().toLowerCase();
      options().forEach(function (o) { o.hidden = text !== "" && o.text.toLowerCase().indexOf(text) === -1 && !o.selected; });
    });
  }
  select.addEventListener("change", function () { refresh(); });
  var holder = document.getElementById("carte");
  var source = document.getElementById("carte-donnees");
  var layer = null;
  function optionFor(code) { return options().filter(function (o) { return o.value === code; })[0]; }
  function style(feature) {
    var option = optionFor(feature.properties.code);
    if (option && option.selected) { return { color: "#0b4f8a", weight: 2, fillColor: "#2f80c9", fillOpacity: 0.6 }; }
    if (data && data.taken[feature.properties.code]) { return { color: "#5a6472", weight: 1, fillColor: "#8a939e", fillOpacity: 0.5, dashArray: "3" }; }
    return { color: "#5a6472", weight: 1, fillColor: "#d9dee5", fillOpacity: 0.4 };
  }
  function refresh() { if (layer) { layer.setStyle(style); } showCount(); }
  var data = null;
  if (holder && source && typeof L !== "undefined") {
    data = JSON.parse(source.textContent);
    var map = L.map(holder, { zoomSnap: 0.25 });
    map.attributionControl.setPrefix("IGN ADMIN EXPRESS — Licence Ouverte");
    layer = L.geoJSON(data, {
      style: style,
      onEachFeature: function (feature, item) {
        var label = feature.properties.nom + " (" + feature.properties.code + ")";
        if (data.taken[feature.properties.code]) { label += " — " + data.taken[feature.properties.code]; }
        item.bindTooltip(label, { sticky: true });
        item.on("click", function () {
          var option = optionFor(feature.properties.code);
          if (option) { option.selected = !option.selected; refresh(); }
        });
      }
    }).addTo(map);
    if (data.features.length) { map.fitBounds(layer.getBounds()); }
    holder.setAttribute("data-loaded", "true");
  }
  showCount();
}());
