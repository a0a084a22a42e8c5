// Territory selection on a Leaflet map: click to toggle a commune, lasso (polygon drawn by
// clicks) to add every commune whose centre is inside it. No inline script (CSP).
(function () {
  "use strict";
  var holder = document.getElementById("carte");
  var input = document.getElementById("communes");
  var status = document.getElementById("selection-etat");
  if (!holder || !input || typeof L === "undefined") { return; }
  var selected = {};
  var layers = {};
  var names = {};
  var base = { color: "#5a6472", weight: 1, fillColor: "#d9dee5", fillOpacity: 0.6 };
  var chosen = { color: "#0b4f8a", weight: 2, fillColor: "#2f80c9", fillOpacity: 0.6 };

  function codes() { return Object.keys(selected).filter(function (c) { return selected[c]; }).sort(); }
  function refresh() {
    var list = codes();
    input.value = list.join(",");
    Object.keys(layers).forEach(function (c) { layers[c].setStyle(selected[c] ? chosen : base); });
    status.textContent = list.length ? list.length + " commune(s) choisie(s)" : "Aucune commune choisie.";
  }
  function toggle(code, on) { selected[code] = on === undefined ? !selected[code] : on; refresh(); }
  input.addEventListener("change", function () {
    selected = {};
    input.value.split(/[,; ]+/).forEach(function (c) { if (c) { selected[c] = true; } });
    refresh();
  });

  var map = L.map(holder, { zoomSnap: 0.25, attributionControl: true, doubleClickZoom: false });
  map.attributionControl.setPrefix("IGN ADMIN EXPRESS — Licence Ouverte");
  var centres = [];
  var lassoOn = false;
  var lassoPoints = [];
  var lassoLine = null;
  var startButton = document.getElementById("lasso-debut");
  var endButton = document.getElementById("lasso-fin");

  function inside(pt, ring) {
    var x = pt[0], y = pt[1], isIn = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { isIn = !isIn; }
    }
    return isIn;
  }
  function lassoClick(e) {
    lassoPoints.push([e.latlng.lng, e.latlng.lat]);
    var latlngs = lassoPoints.map(function (p) { return [p[1], p[0]]; });
    if (lassoLine) { lassoLine.setLatLngs(latlngs); } else { lassoLine = L.polygon(latlngs, { color: "#b3261e", weight: 2, fillOpacity: 0.1, interactive: false }).addTo(map); }
    endButton.disabled = lassoPoints.length < 3;
  }
  function stopLasso() {
    lassoOn = false;
    holder.classList.remove("diag-lasso-on");
    startButton.disabled = false;
    endButton.disabled = true;
  }
  startButton.addEventListener("click", function () {
    lassoOn = true; lassoPoints = [];
    if (lassoLine) { map.removeLayer(lassoLine); lassoLine = null; }
    holder.classList.add("diag-lasso-on");
    startButton.disabled = true;
    status.textContent = "Lasso : cliquez les sommets du polygone sur la carte.";
  });
  endButton.addEventListener("click", function () {
    var ring = lassoPoints.slice();
    centres.forEach(function (c) { if (c.centre[0] !== null && inside(c.centre, ring)) { selected[c.code] = true; } });
    if (lassoLine) { map.removeLayer(lassoLine); lassoLine = null; }
    stopLasso();
    refresh();
  });
  document.getElementById("selection-vider").addEventListener("click", function () { selected = {}; refresh(); });
  map.on("click", function (e) { if (lassoOn) { lassoClick(e); } });

  var url = holder.getAttribute("data-url");
  if (url) {
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      var layer = L.geoJSON(data, {
        style: function () { return base; },
        onEachFeature: function (f, l) {
          var p = f.properties;
          layers[p.code] = l; names[p.code] = p.nom;
          centres.push({ code: p.code, centre: p.centre });
          l.bindTooltip(p.nom + " (" + p.code + ")", { sticky: true });
          l.on("click", function (e) {
            if (lassoOn) { lassoClick(e); L.DomEvent.stopPropagation(e); return; }
            toggle(p.code);
            L.DomEvent.stopPropagation(e);
          });
        }
      }).addTo(map);
      if (layer.getLayers().length) { map.fitBounds(layer.getBounds()); } else { map.setView([46.6, 2.5], 5); }
      holder.setAttribute("data-loaded", "true");
      refresh();
    });
  } else {
    map.setView([46.6, 2.5], 5);
    holder.setAttribute("data-loaded", "true");
  }

  // Search by name or postcode (public API); each result is a button adding the commune.
  var search = document.getElementById("recherche");
  var results = document.getElementById("recherche-resultats");
  var timer = null;
  if (search && results) {
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = search.value.trim();
        if (q.length < 2) { results.textContent = ""; return; }
        fetch(search.getAttribute("data-url") + "?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(function (rows) {
          results.textContent = "";
          rows.forEach(function (row) {
            var li = document.createElement("li");
            var b = document.createElement("button");
            b.type = "button";
            b.textContent = "Ajouter " + row.nom + " (" + row.code + ")";
            b.addEventListener("click", function () { toggle(row.code, true); });
            li.appendChild(b); results.appendChild(li);
          });
        });
      }, 250);
    });
  }
}());
