// Progressive enhancement of the contact form: live search of professionals (name, RPPS or
// commune) as the agent types; Enter or a click on a result fills the RPPS field and moves the
// focus to the next field. Without JavaScript the search form submits and lists the results.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script.getAttribute("data-url");
  var input = document.getElementById("q");
  var list = document.getElementById("resultats-ps");
  var rpps = document.getElementById("id_rpps");
  if (!input || !list || !rpps) { return; }
  var timer = null;

  function choose(code) {
    rpps.value = code;
    var next = document.getElementById("id_canal");
    (next || rpps).focus();
  }

  function render(results) {
    list.textContent = "";
    if (!results.length) {
      var empty = document.createElement("li");
      empty.textContent = "Aucun professionnel trouvé.";
      list.appendChild(empty);
      return;
    }
    results.forEach(function (r) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.setAttribute("data-rpps", r.rpps);
      button.textContent = (r.prenom + " " + r.nom).trim();
      button.addEventListener("click", function () { choose(r.rpps); });
      item.appendChild(button);
      item.appendChild(document.createTextNode(" — " + r.profession + ", " + (r.commune || "") + " (" + r.rpps + ")"));
      list.appendChild(item);
    });
  }

  function search() {
    var q = input.value.trim();
    if (q.length < 2) { list.textContent = ""; return; }
    fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { render(data.results || []); })
      .catch(function () { list.textContent = ""; });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 200);
  });
  input.form.addEventListener("submit", function (event) {
    // With results shown, Enter picks the first one instead of reloading the page.
    var first = list.querySelector("button[data-rpps]");
    if (first) { event.preventDefault(); choose(first.getAttribute("data-rpps")); }
  });
}());
